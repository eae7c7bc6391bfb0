// The cart's use cases on in-memory fakes of the store and the catalog: version races retried,
// refused changes not saved, the catalog away, merge idempotent.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "app/carts.hpp"
#include "app/relay.hpp"
#include "../money.hpp"
#include "store/testing/async.hpp"

namespace c = store::cart;
using store::cart::testing::Eur;
using store::core::Errc;
using store::core::Money;
using store::testing::RunAwaitable;

namespace {


std::string Key(const c::CartKey& k) { return (k.kind == c::CartKey::Kind::guest ? "g:" : "c:") + k.id; }

class FakeStore final : public c::CartStore {
 public:
  std::map<std::string, c::StoredCart> carts;
  int saves = 0;
  std::vector<c::CartEvent> events;  // every saved change's events, in order
  int event_ids = 0;
  // Runs before the next save: another request's change landing first.
  std::function<void()> before_save;

  c::Task<std::optional<c::StoredCart>> Load(c::CartKey key) override {
    auto it = carts.find(Key(key));
    if (it == carts.end()) co_return std::optional<c::StoredCart>{};
    co_return std::optional<c::StoredCart>{it->second};
  }
  c::Task<c::StoredCart> Save(c::CartKey key, c::StoredCart next, c::TimePoint) override {
    if (auto hook = std::exchange(before_save, nullptr)) hook();
    auto it = carts.find(Key(key));
    const std::int64_t current = it == carts.end() ? 0 : it->second.version;
    if (current != next.version) co_return store::core::Fail(Errc::conflict, "changed meanwhile");
    ++saves;
    next.version += 1;
    for (auto& e : next.new_events) {
      next.outbox.push_back(c::PendingEvent{std::to_string(++event_ids), Key(key), Key(key), ""});
      events.push_back(std::move(e));
    }
    next.new_events.clear();
    carts[Key(key)] = next;
    co_return next;
  }
  c::Task<std::vector<c::CartKey>> WithPendingEvents(std::int64_t) override {
    std::vector<c::CartKey> keys;
    for (const auto& [k, cart] : carts)
      if (!cart.outbox.empty()) keys.push_back(k[0] == 'g' ? c::CartKey::Guest(k.substr(2)) : c::CartKey::Customer(k.substr(2)));
    co_return keys;
  }
  c::Task<store::core::Status> DropPublished(c::CartKey key, std::int64_t version, std::vector<c::PendingEvent> remaining) override {
    auto it = carts.find(Key(key));
    if (it == carts.end() || it->second.version != version) co_return store::core::Fail(Errc::conflict, "changed meanwhile");
    it->second.outbox = std::move(remaining);
    co_return store::core::Status{};
  }
  c::Task<std::vector<std::pair<c::CartKey, std::int64_t>>> ExpiredGuests(c::TimePoint, std::int64_t) override {
    co_return std::vector<std::pair<c::CartKey, std::int64_t>>{};
  }
  c::Task<bool> Delete(c::CartKey key, std::int64_t expected) override {
    auto it = carts.find(Key(key));
    if (it == carts.end()) co_return false;
    if (it->second.version != expected) co_return store::core::Fail(Errc::conflict, "changed meanwhile");
    carts.erase(it);
    co_return true;
  }
};

class FakeCatalog final : public c::OfferSource {
 public:
  std::map<std::string, c::Offer> offers;
  bool down = false;
  void Put(std::string sku, Money price, std::int64_t available, c::Sellable state = c::Sellable::yes) {
    offers.insert_or_assign(sku, c::Offer{c::Sku(sku), state, price, available});
  }
  c::Task<std::vector<c::Offer>> Offers(std::vector<c::Sku> skus) override {
    if (down) co_return store::core::Fail(Errc::unavailable, "catalog down");
    std::vector<c::Offer> out;
    for (const auto& s : skus)
      if (auto it = offers.find(s.value()); it != offers.end()) out.push_back(it->second);
    co_return out;
  }
};

struct Shop {
  FakeStore store;
  FakeCatalog catalog;
  store::core::SystemClock clock;
  c::Carts carts{store, catalog, clock, c::Limits{}};
};

const c::CartKey kAnn = c::CartKey::Customer("ann");
const c::CartKey kGuest = c::CartKey::Guest("guest-token-hash");

}  // namespace

TEST(Carts, AddCreatesTheCartAndAnswersItsReview) {
  Shop shop;
  shop.catalog.Put("A", Eur(1299), 10);
  auto view = RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 2));
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_EQ(view->version, 1);
  ASSERT_EQ(view->review.lines.size(), 1u);
  EXPECT_EQ(view->review.subtotal->minor_units(), 2598);
  EXPECT_EQ(view->review.item_count, 2);
}

TEST(Carts, AChangeThatLostARaceIsReadAgainAndReappliedNotLost) {
  Shop shop;
  shop.catalog.Put("A", Eur(100), 10);
  shop.catalog.Put("B", Eur(200), 10);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1)));
  // Another tab adds B between this request's read and its save.
  shop.store.before_save = [&] {
    auto& stored = shop.store.carts["c:ann"];
    ASSERT_TRUE(stored.cart.Add(shop.catalog.offers.at("B"), 1, {}));
    stored.version += 1;
  };
  auto view = RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 2));
  ASSERT_TRUE(view) << view.error().message;
  const auto& cart = shop.store.carts["c:ann"].cart;
  ASSERT_EQ(cart.lines().size(), 2u);  // B kept
  EXPECT_EQ(cart.Find(c::Sku("A"))->quantity, 3);
  EXPECT_EQ(view->version, 3);
}

TEST(Carts, ARaceLostEveryTimeEndsInAConflict) {
  Shop shop;
  shop.catalog.Put("A", Eur(100), 10);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1)));
  std::function<void()> interfere = [&] {
    shop.store.carts["c:ann"].version += 1;
    shop.store.before_save = interfere;
  };
  shop.store.before_save = interfere;
  auto view = RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1));
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().code, Errc::conflict);
  shop.store.before_save = nullptr;
}

TEST(Carts, ARefusedChangeSavesNothing) {
  Shop shop;
  shop.catalog.Put("A", Eur(100), 1);
  shop.catalog.Put("D", Eur(100), 5, c::Sellable::draft);
  for (auto [sku, q, code] : {std::tuple{"A", 2, Errc::conflict}, std::tuple{"D", 1, Errc::unprocessable},
                              std::tuple{"nope", 1, Errc::unprocessable}, std::tuple{"A", 0, Errc::invalid_argument}}) {
    auto r = RunAwaitable(shop.carts.Add(kAnn, c::Sku(sku), q));
    ASSERT_FALSE(r) << sku;
    EXPECT_EQ(r.error().code, code) << sku;
  }
  EXPECT_EQ(shop.store.saves, 0);
  EXPECT_TRUE(shop.store.carts.empty());
}

TEST(Carts, WithTheCatalogAwayAddsAreRefusedAndTheCartIsShownStale) {
  Shop shop;
  shop.catalog.Put("A", Eur(100), 10);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1)));
  shop.catalog.down = true;
  auto add = RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1));
  ASSERT_FALSE(add);
  EXPECT_EQ(add.error().code, Errc::unavailable);
  auto view = RunAwaitable(shop.carts.View(kAnn));
  ASSERT_TRUE(view) << view.error().message;
  EXPECT_TRUE(view->review.stale);
  EXPECT_EQ(view->review.item_count, 1);
  EXPECT_EQ(RunAwaitable(shop.carts.SetQuantity(kAnn, c::Sku("A"), 3)).error().code, Errc::unavailable);
  // Removing needs no offer: done, the review stale.
  auto removed = RunAwaitable(shop.carts.Remove(kAnn, c::Sku("A")));
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_TRUE(shop.store.carts["c:ann"].cart.lines().empty());
}

TEST(Carts, MergeMovesTheGuestLinesDeletesTheGuestCartAndARetryChangesNothing) {
  Shop shop;
  shop.catalog.Put("A", Eur(100), 10);
  shop.catalog.Put("B", Eur(200), 3);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("B"), 2)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kGuest, c::Sku("A"), 1)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kGuest, c::Sku("B"), 2)));

  auto merged = RunAwaitable(shop.carts.Merge(kGuest, kAnn));
  ASSERT_TRUE(merged) << merged.error().message;
  ASSERT_EQ(merged->report.size(), 2u);
  EXPECT_EQ(merged->report[0].outcome, c::MergedLine::Outcome::added);
  EXPECT_EQ(merged->report[1].outcome, c::MergedLine::Outcome::capped);  // 2 + 2 > 3 in stock
  EXPECT_EQ(merged->cart.review.item_count, 1 + 3);
  EXPECT_FALSE(shop.store.carts.contains("g:guest-token-hash"));

  auto again = RunAwaitable(shop.carts.Merge(kGuest, kAnn));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->report.empty());
  EXPECT_EQ(again->cart.review.item_count, 4);

  // A merge whose guest delete did not happen (a crash after the save) is finished by a retry,
  // without merging the lines twice.
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kGuest, c::Sku("A"), 1)));
  shop.store.carts["c:ann"].merged_guests.push_back("guest-token-hash");
  auto finish = RunAwaitable(shop.carts.Merge(kGuest, kAnn));
  ASSERT_TRUE(finish) << finish.error().message;
  EXPECT_TRUE(finish->report.empty());
  EXPECT_EQ(finish->cart.review.item_count, 4);
  EXPECT_FALSE(shop.store.carts.contains("g:guest-token-hash"));
}

TEST(Carts, ReplaceTakesTheGuestLinesInsteadAndKeepLeavesTheCustomerCartAsItIs) {
  Shop shop;
  shop.catalog.Put("A", Eur(100), 10);
  shop.catalog.Put("B", Eur(200), 10);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("B"), 2)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kGuest, c::Sku("A"), 1)));
  auto kept = RunAwaitable(shop.carts.Merge(kGuest, kAnn, c::MergeMode::keep));
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_TRUE(kept->report.empty());
  ASSERT_EQ(kept->cart.review.lines.size(), 1u);
  EXPECT_EQ(kept->cart.review.lines[0].line.sku, c::Sku("B"));
  EXPECT_FALSE(shop.store.carts.contains("g:guest-token-hash"));

  const c::CartKey other_guest = c::CartKey::Guest("another-guest-token-hash");
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(other_guest, c::Sku("A"), 1)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(other_guest, c::Sku("B"), 1)));
  auto replaced = RunAwaitable(shop.carts.Merge(other_guest, kAnn, c::MergeMode::replace));
  ASSERT_TRUE(replaced) << replaced.error().message;
  ASSERT_EQ(replaced->report.size(), 2u);
  EXPECT_EQ(replaced->report[1].outcome, c::MergedLine::Outcome::added);  // B: 1, not 2 + 1
  EXPECT_EQ(replaced->cart.review.item_count, 2);
  EXPECT_FALSE(shop.store.carts.contains("g:another-guest-token-hash"));
}

TEST(Carts, APriceChangeIsFlaggedUntilTheShopperAcknowledgesIt) {
  Shop shop;
  shop.catalog.Put("A", Eur(100), 10);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 2)));
  shop.catalog.Put("A", Eur(120), 10);
  auto view = RunAwaitable(shop.carts.View(kAnn));
  ASSERT_TRUE(view) << view.error().message;
  ASSERT_TRUE(view->review.lines[0].previous_price.has_value());
  EXPECT_EQ(view->review.lines[0].previous_price->minor_units(), 100);
  EXPECT_EQ(view->review.subtotal->minor_units(), 240);
  auto seen = RunAwaitable(shop.carts.AcknowledgePrices(kAnn));
  ASSERT_TRUE(seen) << seen.error().message;
  EXPECT_FALSE(seen->review.lines[0].previous_price.has_value());
  EXPECT_FALSE(RunAwaitable(shop.carts.View(kAnn))->review.lines[0].previous_price.has_value());
}

TEST(Carts, AConfirmedOrderTakesItsQuantitiesOutEvenWithTheCatalogAwayAndKeepsLaterAdds) {
  Shop shop;
  shop.catalog.Put("A", Eur(100), 10);
  shop.catalog.Put("B", Eur(200), 10);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 3)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("B"), 1)));
  shop.catalog.down = true;
  // The order had 2 A and 1 B; meanwhile another tab raised A once more (a lost race, re-applied).
  shop.store.before_save = [&] {
    auto& stored = shop.store.carts["c:ann"];
    ASSERT_TRUE(stored.cart.SetQuantity(c::Offer{c::Sku("A"), c::Sellable::yes, Eur(100), 10}, 4, {}));
    stored.version += 1;
  };
  std::vector<c::Line> ordered = {{c::Sku("A"), 2, Eur(100)}, {c::Sku("B"), 1, Eur(200)}};
  auto taken = RunAwaitable(shop.carts.TakeOutOrdered(kAnn, "order-1", ordered));
  ASSERT_TRUE(taken) << taken.error().message;
  EXPECT_TRUE(*taken);
  const auto& cart = shop.store.carts["c:ann"].cart;
  ASSERT_EQ(cart.lines().size(), 1u);
  EXPECT_EQ(cart.Find(c::Sku("A"))->quantity, 2);  // 4 - 2
  // Exactly once: the same order again (a redelivered event) changes nothing.
  const auto version = shop.store.carts["c:ann"].version;
  EXPECT_FALSE(*RunAwaitable(shop.carts.TakeOutOrdered(kAnn, "order-1", ordered)));
  EXPECT_EQ(shop.store.carts["c:ann"].cart.Find(c::Sku("A"))->quantity, 2);
  EXPECT_EQ(shop.store.carts["c:ann"].version, version);
  // A customer without a cart: nothing to take out, no cart made.
  EXPECT_FALSE(*RunAwaitable(shop.carts.TakeOutOrdered(c::CartKey::Customer("nobody"), "order-2", ordered)));
  EXPECT_FALSE(shop.store.carts.contains("c:nobody"));
}

namespace {

template <class T>
const T& As(const c::CartEvent& e) {
  EXPECT_TRUE(std::holds_alternative<T>(e)) << "event #" << e.index();
  return std::get<T>(e);
}

// Kafka stand-in: what was published, in order; `down` refuses.
class FakePublisher final : public c::EventPublisher {
 public:
  std::vector<std::string> published;
  bool down = false;
  store::core::Status Publish(const std::vector<c::PendingEvent>& events) override {
    if (down) return store::core::Fail(Errc::unavailable, "broker away");
    for (const auto& e : events) published.push_back(e.event_id);
    return {};
  }
};

}  // namespace

TEST(CartEvents, EveryAcknowledgedChangeSavesItsEventsAndARefusedOneNone) {
  Shop shop;
  shop.catalog.Put("A", Eur(100), 10);
  shop.catalog.Put("B", Eur(200), 10);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 2)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1)));
  ASSERT_FALSE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 20)));  // refused: no event
  ASSERT_TRUE(RunAwaitable(shop.carts.SetQuantity(kAnn, c::Sku("A"), 1)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("B"), 1)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Remove(kAnn, c::Sku("B"))));
  ASSERT_TRUE(RunAwaitable(shop.carts.AcknowledgePrices(kAnn)));  // no line changed: no event
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("B"), 2)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Clear(kAnn)));
  const auto& e = shop.store.events;
  ASSERT_EQ(e.size(), 8u);
  EXPECT_EQ(As<c::ItemAdded>(e[0]).quantity, 2);
  EXPECT_EQ(As<c::ItemAdded>(e[0]).unit_price.minor_units(), 100);
  EXPECT_EQ(As<c::ItemAdded>(e[1]).quantity, 1);  // an add that raised the line
  EXPECT_EQ(As<c::ItemAdded>(e[1]).line_quantity, 3);
  EXPECT_EQ(As<c::ItemQuantityChanged>(e[2]).previous_quantity, 3);
  EXPECT_EQ(As<c::ItemQuantityChanged>(e[2]).quantity, 1);
  EXPECT_EQ(As<c::ItemAdded>(e[3]).sku, c::Sku("B"));
  EXPECT_EQ(As<c::ItemRemoved>(e[4]).previous_quantity, 1);
  EXPECT_EQ(As<c::ItemAdded>(e[5]).quantity, 2);
  EXPECT_EQ(As<c::ItemRemoved>(e[6]).sku, c::Sku("A"));  // emptied: a removal per line
  EXPECT_EQ(As<c::ItemRemoved>(e[7]).sku, c::Sku("B"));
  EXPECT_EQ(shop.store.carts["c:ann"].outbox.size(), 8u) << "in the cart document until relayed";
}

TEST(CartEvents, MergeAndCheckoutAreOneFactEach) {
  Shop shop;
  shop.catalog.Put("A", Eur(100), 10);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kGuest, c::Sku("A"), 2)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Merge(kGuest, kAnn)));
  std::vector<c::Line> ordered = {{c::Sku("A"), 1, Eur(100)}};
  ASSERT_TRUE(RunAwaitable(shop.carts.TakeOutOrdered(kAnn, "order-7", ordered)));
  ASSERT_TRUE(RunAwaitable(shop.carts.TakeOutOrdered(kAnn, "order-8", std::vector<c::Line>{})));  // nothing left the cart
  const auto& e = shop.store.events;
  ASSERT_EQ(e.size(), 3u);
  const auto& merged = As<c::CartMerged>(e[1]);
  EXPECT_EQ(merged.guest_cart_id, "guest:guest-token-hash");
  ASSERT_EQ(merged.lines.size(), 1u);
  // The guest cart's unpublished event moved into the customer's outbox before the guest cart
  // was deleted: nothing is lost with it.
  EXPECT_FALSE(shop.store.carts.contains("g:guest-token-hash"));
  ASSERT_EQ(shop.store.carts["c:ann"].outbox.size(), 3u);
  EXPECT_EQ(shop.store.carts["c:ann"].outbox[0].key, "g:guest-token-hash");
  const auto& out = As<c::CartCheckedOut>(e[2]);
  EXPECT_EQ(out.order_id, "order-7");
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0].quantity, 1);
}

TEST(CartEventRelay, PublishesInOrderThenDropsOnlyWhatWasPublished) {
  Shop shop;
  FakePublisher kafka;
  c::OutboxRelay relay(shop.store, kafka, shop.carts.locks(), shop.carts.published(), shop.clock, std::chrono::milliseconds(0));
  shop.carts.OnEvents([&](const c::CartKey& k) { relay.Wake(k); });
  shop.catalog.Put("A", Eur(100), 10);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1)));

  kafka.down = true;  // nothing is dropped while Kafka is away
  EXPECT_EQ(*RunAwaitable(relay.RunOnce()), 0u);
  EXPECT_EQ(shop.store.carts["c:ann"].outbox.size(), 2u);
  EXPECT_EQ(relay.stats().failures, 1u);

  kafka.down = false;  // not woken again: the scan finds the cart
  EXPECT_EQ(*RunAwaitable(relay.RunOnce()), 2u);
  EXPECT_EQ(kafka.published, (std::vector<std::string>{"1", "2"}));
  EXPECT_TRUE(shop.store.carts["c:ann"].outbox.empty());
  EXPECT_EQ(shop.store.carts["c:ann"].version, 2) << "the relay does not change the cart's version";

  // A change between the publish and the drop keeps its own event.
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1)));
  EXPECT_EQ(*RunAwaitable(relay.RunOnce()), 1u);
  EXPECT_EQ(relay.stats().published, 3u);
  EXPECT_EQ(*RunAwaitable(relay.RunOnce()), 0u);
}

// With a drop delay, the cart's next change drops what was published (one store write per
// change); the relay drops it itself only from a cart that stays unchanged for the delay.
TEST(CartEventRelay, TheNextSaveDropsWhatWasPublishedAndAnIdleCartIsDroppedByTheRelay) {
  Shop shop;
  FakePublisher kafka;
  store::core::FakeClock clock{std::chrono::system_clock::now()};
  c::OutboxRelay relay(shop.store, kafka, shop.carts.locks(), shop.carts.published(), clock, std::chrono::seconds(5));
  shop.catalog.Put("A", Eur(100), 10);
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1)));
  EXPECT_EQ(*RunAwaitable(relay.RunOnce()), 1u);
  const int saves = shop.store.saves;
  EXPECT_EQ(shop.store.carts["c:ann"].outbox.size(), 1u) << "published, still in the document";
  EXPECT_EQ(*RunAwaitable(relay.RunOnce()), 0u) << "not published twice";

  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kAnn, c::Sku("A"), 1)));
  EXPECT_EQ(shop.store.saves, saves + 1);
  ASSERT_EQ(shop.store.carts["c:ann"].outbox.size(), 1u) << "the change's save left the published event out";
  EXPECT_EQ(shop.store.carts["c:ann"].outbox[0].event_id, "2");
  EXPECT_EQ(*RunAwaitable(relay.RunOnce()), 1u);
  EXPECT_EQ(kafka.published, (std::vector<std::string>{"1", "2"}));

  clock.Advance(std::chrono::seconds(6));  // no further change: the relay drops it
  EXPECT_EQ(*RunAwaitable(relay.RunOnce()), 0u);
  EXPECT_TRUE(shop.store.carts["c:ann"].outbox.empty());
  EXPECT_EQ(kafka.published.size(), 2u);
}
