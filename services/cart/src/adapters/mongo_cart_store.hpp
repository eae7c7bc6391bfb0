// CartStore on the MongoDB wire protocol (FerretDB locally, MongoDB in production) through
// libs/docstore: one document per cart in the collection `carts`.
//
//   {"_id": "guest:<sha256 hex of the token>" | "customer:<user id>",
//    "kind": "guest" | "customer",
//    "lines": [{"sku": "...", "quantity": 2, "seen_price": {"minor": 1299, "currency": "EUR"}}],
//    "version": 3,
//    "merged_guests": ["<token hash>", ...],  (customer carts: guest carts merged in, latest 20)
//    "outbox": [{"event_id", "topic", "key", "value"}, ...],  (events not published yet)
//    "pending": true | false,                 (the outbox is not empty: what the relay looks for)
//    "updated_at": {"$date": <ms>},
//    "expires_at": {"$date": <ms>}}          (guest carts only: updated_at + guest_ttl)
//
// A change is one single-document update whose filter names the version it read
// ({"_id", "version"}); nothing matched means another change came first (conflict). The first
// save inserts (a duplicate _id is the same race lost).
#pragma once

#include <chrono>

#include "app/ports.hpp"
#include "store/docstore/docstore.hpp"

namespace store::cart {

// A stored cart as its document's fields (without _id, kind, expires_at), and back: what the
// collection holds and the Redis cache keeps (redis_cart_cache.hpp). FromDocument reads dates
// both as libmongoc returns them and as CartDocument writes them; internal for a document this
// code cannot read.
boost::json::object CartDocument(const StoredCart& cart);
core::Result<StoredCart> FromDocument(const boost::json::object& doc);

class MongoCartStore final : public CartStore {
 public:
  // topic_prefix: put before the events' topics (events.topic_prefix; "" for the shop's topics).
  MongoCartStore(docstore::DocStore& store, std::chrono::seconds guest_ttl, std::string topic_prefix = "")
      : carts_(store.collection("carts")), guest_ttl_(guest_ttl), topic_prefix_(std::move(topic_prefix)) {}

  Task<std::optional<StoredCart>> Load(CartKey key) override;
  Task<StoredCart> Save(CartKey key, StoredCart next, TimePoint now) override;
  Task<bool> Delete(CartKey key, std::int64_t expected) override;
  Task<std::vector<std::pair<CartKey, std::int64_t>>> ExpiredGuests(TimePoint now, std::int64_t limit) override;
  Task<std::vector<CartKey>> WithPendingEvents(std::int64_t limit) override;
  Task<core::Status> DropPublished(CartKey key, std::int64_t version, std::vector<PendingEvent> remaining) override;

  // The indexes of the relay's scan ({pending: 1}) and the guest sweep ({kind: 1, expires_at: 1}):
  // on MongoDB without them both read every cart (FerretDB reads every cart either way: it pushes
  // only _id down to SQLite). Asking again for indexes that exist changes nothing.
  boost::asio::awaitable<core::Status> EnsureIndexes();

 private:
  // The versioned write: one update filtered by {_id, version} (atomic on MongoDB; on FerretDB a
  // lookup by _id, then a write: app/cart_locks.hpp). False: the stored version was not
  // `version`, or the cart is gone.
  Task<bool> UpdateIfVersion(const std::string& id, std::int64_t version, docstore::Document update);

  docstore::Collection carts_;
  std::chrono::seconds guest_ttl_;
  std::string topic_prefix_;
};

}  // namespace store::cart
