// The cart's use cases on in-memory fakes of the store and the catalog: version races retried,
// refused changes not saved, the catalog away, merge idempotent.
#include <gtest/gtest.h>

#include <map>

#include "app/carts.hpp"
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
  // Runs before the next save: another request's change landing first.
  std::function<void()> before_save;

  c::Task<std::optional<c::StoredCart>> Load(c::CartKey key) override {
    auto it = carts.find(Key(key));
    if (it == carts.end()) co_return std::optional<c::StoredCart>{};
    co_return std::optional<c::StoredCart>{it->second};
  }
  c::Task<std::int64_t> Save(c::CartKey key, c::StoredCart next, c::TimePoint) override {
    if (auto hook = std::exchange(before_save, nullptr)) hook();
    auto it = carts.find(Key(key));
    const std::int64_t current = it == carts.end() ? 0 : it->second.version;
    if (current != next.version) co_return store::core::Fail(Errc::conflict, "changed meanwhile");
    ++saves;
    next.version += 1;
    carts[Key(key)] = next;
    co_return next.version;
  }
  c::Task<std::size_t> DeleteExpiredGuests(c::TimePoint, std::int64_t) override { co_return std::size_t{0}; }
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

  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kGuest, c::Sku("A"), 1)));
  ASSERT_TRUE(RunAwaitable(shop.carts.Add(kGuest, c::Sku("B"), 1)));
  auto replaced = RunAwaitable(shop.carts.Merge(kGuest, kAnn, c::MergeMode::replace));
  ASSERT_TRUE(replaced) << replaced.error().message;
  ASSERT_EQ(replaced->report.size(), 2u);
  EXPECT_EQ(replaced->report[1].outcome, c::MergedLine::Outcome::added);  // B: 1, not 2 + 1
  EXPECT_EQ(replaced->cart.review.item_count, 2);
  EXPECT_FALSE(shop.store.carts.contains("g:guest-token-hash"));
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
  auto view = RunAwaitable(shop.carts.TakeOutOrdered(kAnn, ordered));
  ASSERT_TRUE(view) << view.error().message;
  const auto& cart = shop.store.carts["c:ann"].cart;
  ASSERT_EQ(cart.lines().size(), 1u);
  EXPECT_EQ(cart.Find(c::Sku("A"))->quantity, 2);  // 4 - 2
  EXPECT_TRUE(view->review.stale);                   // the catalog is away: lines as stored
}
