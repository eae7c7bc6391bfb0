// CartStore with a Redis read-through cache in front of another CartStore (the Mongo one).
//
//   Load   Redis first ("<prefix><cart id>"); a miss reads the store and fills the cache.
//   Save   the store, then the cache gets the cart as stored (write-through).
//   Delete, DropPublished   the store, then the cache entry is dropped.
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
  Task<std::size_t> DeleteExpiredGuests(TimePoint now, std::int64_t limit) override;
  Task<std::vector<CartKey>> WithPendingEvents(std::int64_t limit) override;
  Task<core::Status> DropPublished(CartKey key, std::int64_t version, std::vector<std::string> event_ids) override;

 private:
  boost::asio::awaitable<void> Put(const CartKey& key, const StoredCart& cart);
  boost::asio::awaitable<void> Drop(const CartKey& key);

  CartStore& store_;
  cache::Cache& redis_;
  std::string prefix_;
  std::chrono::milliseconds ttl_;
};

}  // namespace store::cart
