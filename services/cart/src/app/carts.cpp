#include "app/carts.hpp"

#include <algorithm>

namespace store::cart {
using core::Errc;

OfferLookup LookupIn(const std::vector<Offer>& offers) {
  return [&offers](const Sku& sku) -> std::optional<Offer> {
    auto it = std::find_if(offers.begin(), offers.end(), [&](const Offer& o) { return o.sku == sku; });
    if (it == offers.end()) return std::nullopt;
    return *it;
  };
}

Task<std::vector<Offer>> Carts::OffersFor(const Cart& cart, std::vector<Sku> extra, OfferSource& source) {
  std::vector<Sku> skus = std::move(extra);
  for (const auto& l : cart.lines())
    if (std::find(skus.begin(), skus.end(), l.sku) == skus.end()) skus.push_back(l.sku);
  if (skus.empty()) co_return std::vector<Offer>{};
  co_return co_await source.Offers(std::move(skus));
}

CartView Carts::ViewOf(const StoredCart& stored, const std::vector<Offer>& offers) const {
  return CartView{stored.cart.Reviewed(LookupIn(offers), limits_), stored.version};
}

Task<CartView> Carts::View(CartKey key) {
  CO_TRY(found, co_await store_.Load(key));
  StoredCart stored = found ? std::move(*found) : StoredCart{};
  std::vector<Sku> none;  // named: g++ 12 miscompiles braced lists inside co_await
  auto offers = co_await OffersFor(stored.cart, std::move(none), review_offers_);
  // The catalog away: the lines as stored, every one marked stale (no current offer).
  co_return ViewOf(stored, offers ? *offers : std::vector<Offer>{});
}

std::string CartId(const CartKey& key) { return (key.kind == CartKey::Kind::guest ? "guest:" : "customer:") + key.id; }

std::optional<CartKey> CartKeyOf(std::string_view id) {
  if (id.starts_with("guest:") && id.size() > 6) return CartKey::Guest(std::string(id.substr(6)));
  if (id.starts_with("customer:") && id.size() > 9) return CartKey::Customer(std::string(id.substr(9)));
  return std::nullopt;
}

Task<StoredCart> Carts::Save(const CartKey& key, StoredCart next) {
  const std::string id = CartId(key);
  auto stripped = published_.Strip(id, next.outbox);
  CO_TRY(saved, co_await store_.Save(key, std::move(next), clock_.Now()));
  published_.Forget(id, stripped);
  if (!saved.outbox.empty() && on_events_) on_events_(key);  // events to publish: wake the relay
  co_return saved;
}

Task<CartView> Carts::Apply(CartKey key, std::vector<Sku> skus, Change change, Events events) {
  auto held = co_await locks_.Lock(CartId(key));
  for (int attempt = 1;; ++attempt) {
    CO_TRY(found, co_await store_.Load(key));
    StoredCart stored = found ? std::move(*found) : StoredCart{};
    auto fetched = co_await OffersFor(stored.cart, skus, offers_);
    // A change naming no SKU (remove, clear) needs no offer: with the catalog away it is made
    // and the review comes back stale; one that does is refused (503).
    if (!fetched && !skus.empty()) co_return std::unexpected(std::move(fetched.error()));
    std::vector<Offer> offers = fetched ? std::move(*fetched) : std::vector<Offer>();
    const OfferLookup lookup = LookupIn(offers);
    const std::vector<Line> before = stored.cart.lines();
    CO_TRY_STATUS(change(stored.cart, lookup));
    stored.new_events = events(before, stored.cart.lines());
    auto saved = co_await Save(key, std::move(stored));
    if (saved) co_return ViewOf(*saved, offers);
    if (saved.error().code != Errc::conflict || attempt >= attempts_) co_return std::unexpected(std::move(saved.error()));
  }
}

namespace {

// The catalog's offer for `sku`, or an unknown one (the domain refuses it with the SKU named).
Offer OfferOrUnknown(const OfferLookup& lookup, const Sku& sku) {
  if (auto o = lookup(sku)) return *o;
  return Offer{sku, Sellable::unknown, core::Money(0, *core::Currency::Parse("EUR")), 0};
}

}  // namespace

Carts::Events Carts::Diff(bool adding) {
  return [adding](const std::vector<Line>& before, const std::vector<Line>& after) { return EventsOf(before, after, adding); };
}

Task<CartView> Carts::ChangeLine(CartKey key, Sku sku, int quantity, LineChange change) {
  std::vector<Sku> skus{sku};
  Change apply = [sku, quantity, change, limits = limits_](Cart& cart, const OfferLookup& offers) {
    return (cart.*change)(OfferOrUnknown(offers, sku), quantity, limits);
  };
  co_return co_await Apply(std::move(key), std::move(skus), std::move(apply), Diff(change == &Cart::Add));
}

Task<CartView> Carts::Add(CartKey key, Sku sku, int quantity) {
  co_return co_await ChangeLine(std::move(key), std::move(sku), quantity, &Cart::Add);
}

Task<CartView> Carts::SetQuantity(CartKey key, Sku sku, int quantity) {
  co_return co_await ChangeLine(std::move(key), std::move(sku), quantity, &Cart::SetQuantity);
}

Task<CartView> Carts::Remove(CartKey key, Sku sku) {
  Change remove = [sku](Cart& cart, const OfferLookup&) { return cart.Remove(sku); };
  co_return co_await Apply(std::move(key), std::vector<Sku>(), std::move(remove), Diff(false));
}

Task<CartView> Carts::Clear(CartKey key) {
  Change clear = [](Cart& cart, const OfferLookup&) -> core::Status {
    cart.Clear();
    return {};
  };
  co_return co_await Apply(std::move(key), std::vector<Sku>(), std::move(clear), Diff(false));
}

Task<bool> Carts::TakeOutOrdered(CartKey key, std::string order_id, std::vector<Line> ordered) {
  auto held = co_await locks_.Lock(CartId(key));
  for (int attempt = 1;; ++attempt) {
    CO_TRY(found, co_await store_.Load(key));
    if (!found) co_return false;
    StoredCart stored = std::move(*found);
    const auto& applied = stored.applied_orders;
    if (std::find(applied.begin(), applied.end(), order_id) != applied.end()) co_return false;  // redelivered
    const std::vector<Line> before = stored.cart.lines();
    stored.cart.RemoveOrdered(ordered);
    // One fact for the whole order: the quantities that left the cart.
    CartCheckedOut out{order_id, {}};
    for (const auto& was : before) {
      const Line* left = stored.cart.Find(was.sku);
      const int now = left ? left->quantity : 0;
      if (now < was.quantity) out.lines.push_back(Line{was.sku, was.quantity - now, was.seen_price});
    }
    if (!out.lines.empty()) stored.new_events = {std::move(out)};
    stored.applied_orders.push_back(order_id);
    auto saved = co_await Save(key, std::move(stored));
    if (saved) co_return true;
    if (saved.error().code != Errc::conflict || attempt >= attempts_) co_return std::unexpected(std::move(saved.error()));
  }
}

Task<std::size_t> Carts::DeleteExpiredGuests(TimePoint now, std::int64_t limit) {
  CO_TRY(expired, co_await store_.ExpiredGuests(now, limit));
  std::size_t deleted = 0;
  for (auto& [key, version] : expired) {
    auto held = co_await locks_.Lock(CartId(key));
    auto gone = co_await store_.Delete(key, version);
    if (gone && *gone) ++deleted;
    else if (!gone && gone.error().code != Errc::conflict) co_return std::unexpected(std::move(gone.error()));
  }
  co_return deleted;
}

Task<CartView> Carts::AcknowledgePrices(CartKey key) {
  Change acknowledge = [](Cart& cart, const OfferLookup& offers) -> core::Status {
    cart.AcknowledgePrices(offers);
    return {};
  };
  co_return co_await Apply(std::move(key), std::vector<Sku>(), std::move(acknowledge), Diff(false));
}

Task<MergeResult> Carts::Merge(CartKey guest, CartKey customer, MergeMode mode) {
  auto held = co_await locks_.Lock(CartId(customer));
  for (int attempt = 1;; ++attempt) {
    CO_TRY(guest_found, co_await store_.Load(guest));
    CO_TRY(customer_found, co_await store_.Load(customer));
    StoredCart target = customer_found ? std::move(*customer_found) : StoredCart{};
    const bool merged_before =
        std::find(target.merged_guests.begin(), target.merged_guests.end(), guest.id) != target.merged_guests.end();
    if (!guest_found || merged_before) {
      // Gone, or merged by an earlier try whose delete did not happen: only the delete is left.
      if (guest_found) (void)co_await store_.Delete(guest, guest_found->version);
      std::vector<Sku> none;
      auto offers = co_await OffersFor(target.cart, std::move(none), offers_);
      MergeResult unchanged{ViewOf(target, offers ? *offers : std::vector<Offer>{}), std::vector<MergedLine>()};
      co_return unchanged;
    }
    std::vector<Sku> skus;
    std::vector<MergedLine> report;
    if (mode != MergeMode::keep)
      for (const auto& l : guest_found->cart.lines()) skus.push_back(l.sku);
    if (mode == MergeMode::replace) target.cart = Cart();
    CO_TRY(offers, co_await OffersFor(target.cart, skus, offers_));
    if (mode != MergeMode::keep) {
      report = target.cart.MergeFrom(guest_found->cart, LookupIn(offers), limits_);
      target.new_events = {CartMerged{CartId(guest), mode, report}};
    }
    target.merged_guests.push_back(guest.id);
    // The guest cart's events not published yet move with the merge (still keyed by the guest
    // cart): deleting the guest cart must not lose them.
    published_.Strip(CartId(guest), guest_found->outbox);  // what the relay published stays behind
    for (auto& e : guest_found->outbox) target.outbox.push_back(std::move(e));
    auto saved = co_await Save(customer, std::move(target));
    if (!saved) {
      if (saved.error().code == Errc::conflict && attempt < attempts_) continue;
      co_return std::unexpected(std::move(saved.error()));
    }
    target = std::move(*saved);
    // The merge is recorded in the customer's cart: a failed delete is finished by a retry
    // (the guest is in merged_guests), a concurrent change of the guest cart loses it anyway.
    (void)co_await store_.Delete(guest, guest_found->version);
    published_.ForgetCart(CartId(guest));
    co_return MergeResult{ViewOf(target, offers), std::move(report)};
  }
}

}  // namespace store::cart
