// The cart's use cases on its ports (app/ports.hpp): view, add, set a quantity, remove, clear,
// merge a guest cart into a customer's. Each change reads the cart, asks the catalog for the
// offers it needs, applies the domain rule and saves with the version it read; when another
// change came first (conflict) it reads again and re-applies, up to `attempts` times, then
// answers conflict (409: the shopper retries). A refused change saves nothing.
//
// The catalog: a change that needs an offer (add, set a quantity) is refused with unavailable
// (503) while the catalog cannot answer — a cart never takes a change it could not check;
// removing a line, clearing and viewing work, answering the lines as stored, marked stale.
#pragma once

#include "app/cart_locks.hpp"
#include "app/published.hpp"
#include "app/ports.hpp"
#include "store/core/clock.hpp"

namespace store::cart {

struct CartView {
  Review review;
  std::int64_t version = 0;  // 0: no cart stored yet (an empty one is shown)
};

struct MergeResult {
  CartView cart;                   // the customer's cart after the merge
  std::vector<MergedLine> report;  // per guest line; empty when the guest cart was gone (or merged before)
};

class Carts {
 public:
  // offers: the catalog's current offers (every change asks it); review_offers: what reviews
  // (View) use — the same source, or one that may answer from offers a moment old.
  Carts(CartStore& store, OfferSource& offers, const core::Clock& clock, Limits limits, int attempts = 5,
        OfferSource* review_offers = nullptr)
      : store_(store), offers_(offers), review_offers_(review_offers ? *review_offers : offers), clock_(clock),
        limits_(limits), attempts_(attempts) {}

  Task<CartView> View(CartKey key);
  Task<CartView> Add(CartKey key, Sku sku, int quantity);
  Task<CartView> SetQuantity(CartKey key, Sku sku, int quantity);
  Task<CartView> Remove(CartKey key, Sku sku);
  Task<CartView> Clear(CartKey key);
  // An order was confirmed (order.confirmed): its quantities leave the cart; lines added or
  // raised after the order's snapshot stay. Exactly once: the order id is recorded in the cart
  // (applied_orders) by the same write, and an order already recorded changes nothing; a cart
  // that does not exist is left alone. No offer is needed: works while the catalog is away.
  // Answers whether it changed the cart.
  Task<bool> TakeOutOrdered(CartKey key, std::string order_id, std::vector<Line> ordered);
  // Deletes up to `limit` guest carts expired before `now` (guest.ttl after their last change),
  // each under its lock and only with the version found: a cart changed meanwhile lives on.
  // Safe with several instances sweeping at once. Answers how many were deleted.
  Task<std::size_t> DeleteExpiredGuests(TimePoint now, std::int64_t limit);
  // The shopper saw the current prices: lines stop flagging the price changes seen so far.
  Task<CartView> AcknowledgePrices(CartKey key);
  // Merges the guest cart into the customer's (replace: the guest's lines instead of the
  // customer's, by the same rules; keep: the customer's cart as it is), then deletes the guest
  // cart. Idempotent: a retried merge (the guest cart already merged, or gone) changes nothing.
  Task<MergeResult> Merge(CartKey guest, CartKey customer, MergeMode mode = MergeMode::merge);

  const Limits& limits() const { return limits_; }
  // One change per cart at a time (the relay takes the same locks to drop published events).
  CartLocks& locks() { return locks_; }
  // Events the relay published that are still in their carts' documents (the next save drops them).
  PublishedEvents& published() { return published_; }
  // Called after every save that wrote events into the cart's outbox (wakes the relay). Set
  // before serving.
  void OnEvents(std::function<void(const CartKey&)> wake) { on_events_ = std::move(wake); }

 private:
  using Change = std::function<core::Status(Cart&, const OfferLookup&)>;
  // The events of a change, from the lines before and after it.
  using Events = std::function<std::vector<CartEvent>(const std::vector<Line>&, const std::vector<Line>&)>;
  static Events Diff(bool adding);
  // Saves `next`, leaving out of its outbox the events the relay already published, and wakes
  // the relay when the saved cart has events to publish.
  Task<StoredCart> Save(const CartKey& key, StoredCart next);
  // Cart::Add or Cart::SetQuantity: a change of one line that needs its SKU's offer.
  using LineChange = core::Status (Cart::*)(const Offer&, int, const Limits&);
  Task<CartView> ChangeLine(CartKey key, Sku sku, int quantity, LineChange change);
  // Read, fetch the offers of `skus` (and of the cart's lines), apply, save; again on conflict.
  Task<CartView> Apply(CartKey key, std::vector<Sku> skus, Change change, Events events);
  // The offers of the cart's lines plus `extra` from `source`; unavailable when it cannot answer.
  Task<std::vector<Offer>> OffersFor(const Cart& cart, std::vector<Sku> extra, OfferSource& source);
  CartView ViewOf(const StoredCart& stored, const std::vector<Offer>& offers) const;

  CartStore& store_;
  OfferSource& offers_;
  OfferSource& review_offers_;
  const core::Clock& clock_;
  Limits limits_;
  int attempts_;
  CartLocks locks_;  // one change per cart at a time (cart_locks.hpp: FerretDB's updates)
  PublishedEvents published_;
  std::function<void(const CartKey&)> on_events_;
};

// A lookup over a list of offers.
OfferLookup LookupIn(const std::vector<Offer>& offers);

}  // namespace store::cart
