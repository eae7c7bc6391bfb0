// CartStore with a Redis read-through cache in front of another CartStore (the Mongo one).
//
//   Load   Redis first ("<prefix><cart id>"); a miss reads the store and fills the cache (a cart
//          the store does not have is cached as absent, version 0: any save replaces it).
//   Save   the store, then the cache gets the cart as stored (write-through).
//   Delete   the store, then the cache entry is dropped.
//   DropPublished   the store, then the entry gets the same outbox if it holds that version.
//
// Never older than a 2xx: every entry carries the cart's version and a Lua script writes an
// entry only when it is newer than the one cached (a fill that read the store before a
// concurrent save cannot put the older cart back). Redis away or slow: every call goes to the
// store alone (a cache error is logged at debug and ignored), so the service is slower, never
// down. Entries live `ttl` (carts not read for that long leave Redis).
// Thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "app/ports.hpp"
#include "store/cache/cache.hpp"

namespace store::cart {

class RedisCartCache final : public CartStore {
 public:
  RedisCartCache(CartStore& store, cache::Cache& redis, std::string prefix, std::chrono::milliseconds ttl)
      : store_(store), redis_(redis), prefix_(std::move(prefix)), ttl_(ttl) {}

  Task<std::optional<StoredCart>> Load(CartKey key) override;
  Task<StoredCart> Save(CartKey key, StoredCart next, TimePoint now) override;
  Task<bool> Delete(CartKey key, std::int64_t expected) override;
  Task<std::vector<std::pair<CartKey, std::int64_t>>> ExpiredGuests(TimePoint now, std::int64_t limit) override;
  Task<std::vector<CartKey>> WithPendingEvents(std::int64_t limit) override;
  Task<core::Status> DropPublished(CartKey key, std::int64_t version, std::vector<PendingEvent> remaining) override;

 private:
  // The cache's word: nullopt when it has none (a miss, Redis away, an entry this code cannot
  // read), else the cart — or no cart, for one the store did not have.
  boost::asio::awaitable<std::optional<std::optional<StoredCart>>> Cached(const CartKey& key);
  // EVAL `script` (newer version only / same version only) with the cart as its entry.
  boost::asio::awaitable<void> Put(const CartKey& key, const StoredCart& cart, const char* script);
  boost::asio::awaitable<void> Drop(const CartKey& key);

  CartStore& store_;
  cache::Cache& redis_;
  std::string prefix_;
  std::chrono::milliseconds ttl_;
};

}  // namespace store::cart
