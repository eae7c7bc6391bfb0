// What the cart's use cases need from the outside world. adapters/ implements them
// (mongo_cart_store: the carts on the MongoDB wire protocol); unit tests use fakes.
// Errors are core::Error values: unavailable/timeout when an engine is down or slow, conflict
// for a lost race (another change to the same cart came first), internal for a bug or a stored
// document this code cannot read. Thread-safe; awaitable from any I/O thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/events.hpp"
#include "domain/cart.hpp"
#include "store/core/result.hpp"

namespace store::cart {

template <class T>
using Task = boost::asio::awaitable<core::Result<T>>;
using TimePoint = std::chrono::system_clock::time_point;

// Which cart: a guest's, named by the SHA-256 (hex) of its cart token (the token itself is
// never stored), or a customer's, named by the account id.
struct CartKey {
  enum class Kind { guest, customer };
  Kind kind = Kind::guest;
  std::string id;

  static CartKey Guest(std::string token_hash) { return {Kind::guest, std::move(token_hash)}; }
  static CartKey Customer(std::string user_id) { return {Kind::customer, std::move(user_id)}; }
};

// A cart as stored, with the version its next change must name (optimistic concurrency: one
// document per cart, updated only if nobody else changed it since it was read).
struct StoredCart {
  Cart cart;
  std::int64_t version = 0;  // 0: not stored yet
  TimePoint updated_at{};
  // Guest carts already merged into this one (their keys' ids, the latest kMergedKept): a
  // retried merge finds its guest here and changes nothing.
  std::vector<std::string> merged_guests = {};
  static constexpr std::size_t kMergedKept = 20;
  // The inbox inside the document: orders whose order.confirmed took their lines out already
  // (the latest kAppliedKept): a redelivered event changes nothing.
  std::vector<std::string> applied_orders = {};
  static constexpr std::size_t kAppliedKept = 50;
  // The outbox inside the document: events of earlier changes the relay has not published yet.
  std::vector<PendingEvent> outbox = {};
  // The events of this change: Save encodes them into the outbox in the same write.
  std::vector<CartEvent> new_events = {};
};

// The cart's id as events carry it (their Kafka key) and the store names the document:
// "guest:<token hash>" or "customer:<user id>".
std::string CartId(const CartKey& key);
// The key of such an id; nullopt for anything else.
std::optional<CartKey> CartKeyOf(std::string_view id);

class CartStore {
 public:
  virtual ~CartStore() = default;
  virtual Task<std::optional<StoredCart>> Load(CartKey key) = 0;
  // Writes `next` if the stored version is still next.version (0: it must not exist yet), its
  // new_events encoded into the outbox by the same write, and returns the cart as stored (the
  // new version, the outbox with this change's events, no new_events); conflict when another
  // change came first. A guest cart expires `guest_ttl` (the store's setting) after this change.
  virtual Task<StoredCart> Save(CartKey key, StoredCart next, TimePoint now) = 0;
  // Deletes the cart if its version is still `expected`; false when it was not there.
  // conflict when another change came first.
  virtual Task<bool> Delete(CartKey key, std::int64_t expected) = 0;
  // Up to `limit` guest carts whose expiry is before `now` and whose outbox is empty (deleting
  // one with pending events would lose them), with the version found: the sweep deletes each
  // only with that version (Delete), so a cart changed meanwhile lives on. (FerretDB has no TTL
  // indexes, FerretDB/FerretDB#2415, so the service sweeps.)
  virtual Task<std::vector<std::pair<CartKey, std::int64_t>>> ExpiredGuests(TimePoint now, std::int64_t limit) = 0;

  // Carts whose outbox holds events (up to `limit`): what the relay finds after a restart.
  virtual Task<std::vector<CartKey>> WithPendingEvents(std::int64_t limit) = 0;
  // Replaces the outbox of the cart whose version is still `version` with `remaining`: the
  // outbox the relay read at that version less the events it published (the version stays).
  // conflict when a change came first, or the cart is gone (the relay tries again; the next save
  // leaves the published events out anyway).
  virtual Task<core::Status> DropPublished(CartKey key, std::int64_t version, std::vector<PendingEvent> remaining) = 0;
};

}  // namespace store::cart

namespace store::cart {

// Kafka: publishes the outbox's events in order and returns once the broker acknowledged every
// one (idempotent producer: a retry never reorders them). Blocking: the relay calls it from its
// own thread. unavailable while the broker cannot take them.
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  virtual core::Status Publish(const std::vector<PendingEvent>& events) = 0;
};

// The catalog's current offers (price, state, stock) for SKUs. A SKU the catalog does not know
// is absent from the answer; unavailable/timeout when the catalog cannot answer.
class OfferSource {
 public:
  virtual ~OfferSource() = default;
  virtual Task<std::vector<Offer>> Offers(std::vector<Sku> skus) = 0;
};

}  // namespace store::cart
