// Unit tests of the reservation use cases (app/inventory.hpp) on in-memory fakes of the ports:
// all or nothing, idempotency, settle once, expiry, the consumed order events, and that every
// path drops the product pages twice (now and once more later).
#include <gtest/gtest.h>

#include "app/inventory.hpp"
#include "fake_catalog.hpp"

namespace store::catalog::testing {
namespace {

using std::chrono::seconds;

class Reservations : public ::testing::Test {
 protected:
  Reservations() {
    settings_.reservation_ttl = seconds(900);
    store_.state.AddProduct("p-1", "phone", {{"A", 5}, {"B", 2}});
    store_.state.AddProduct("p-2", "case", {{"C", 1}});
  }
  FakeState& state() { return store_.state; }
  Result<Changed<ReserveOutcome>> Reserve(const std::string& order, std::vector<ReservationLine> lines,
                                          std::optional<seconds> ttl = std::nullopt) {
    ReserveStockHandler reserve{ctx_};
    ReserveStock cmd{{OrderId(order), std::move(lines), ttl}, std::nullopt};
    return store_.Run([&](CatalogTx& tx) { return reserve.Apply(tx, cmd); });
  }
  Result<Changed<ReservationView>> Settle(const std::string& order, Settlement how, std::string reason = "released") {
    SettleReservationHandler settle{ctx_};
    SettleReservation cmd{OrderId(order), how, how == Settlement::commit ? "committed" : reason, std::nullopt};
    return store_.Run([&](CatalogTx& tx) { return settle.Apply(tx, cmd); });
  }

  Settings settings_;
  core::FakeClock clock_{TimePoint(seconds(1'700'000'000))};
  FakeStore store_;
  FakePageCache pages_;
  PageInvalidation invalidation_{pages_};
  AppContext ctx_{store_, invalidation_, settings_, clock_};
};

TEST_F(Reservations, ReserveAllOrNothing) {
  auto refused = Reserve("o-1", {{Sku("A"), 2}, {Sku("B"), 3}});  // B has 2
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_FALSE(refused->value.reserved);
  EXPECT_EQ(*refused->value.failure, ReservationFailure::insufficient_stock);
  EXPECT_EQ(refused->value.shortfalls, (std::vector<Shortfall>{{Sku("B"), 3, 2}}));
  EXPECT_TRUE(refused->changes.empty());
  EXPECT_EQ(state().Level("A"), (StockLevel{5, 0}));  // A untouched
  EXPECT_TRUE(state().reservations.empty());
  EXPECT_TRUE(state().events.empty());

  auto unknown = Reserve("o-1", {{Sku("A"), 1}, {Sku("NOPE"), 1}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(*unknown->value.failure, ReservationFailure::unknown_sku);
  EXPECT_EQ(state().Level("A"), (StockLevel{5, 0}));
}

TEST_F(Reservations, ReserveHoldsTheUnitsAndSaysSo) {
  auto r = Reserve("o-1", {{Sku("A"), 2}, {Sku("C"), 1}, {Sku("A"), 1}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->value.reserved);
  EXPECT_TRUE(r->value.created);
  EXPECT_EQ(state().Level("A"), (StockLevel{5, 3}));
  EXPECT_EQ(state().Level("C"), (StockLevel{1, 1}));
  const auto& held = state().reservations.at(OrderId("o-1"));
  EXPECT_EQ(held.record.lines, (MergedLines{{Sku("A"), 3}, {Sku("C"), 1}}));
  EXPECT_EQ(held.expires_at, clock_.Now() + seconds(900));
  EXPECT_EQ(state().Count<StockReserved>(), 1);
  EXPECT_EQ(state().Count<StockChanged>(), 2);
  // C sold out: p-2 left stock, so it is republished (search shows in_stock).
  EXPECT_EQ(state().products.at(ProductId("p-2")).available_skus, 0);
  EXPECT_EQ(state().Count<ProductUpserted>(), 1);
  EXPECT_EQ(r->changes.products, (std::set<ProductId>{ProductId("p-1"), ProductId("p-2")}));
  EXPECT_EQ(r->changes.slugs, (std::set<std::string>{"phone", "case"}));
}

TEST_F(Reservations, TheOrderIdIsTheIdempotencyKey) {
  ASSERT_TRUE(Reserve("o-1", {{Sku("A"), 2}}));
  auto events = state().events.size();
  auto again = Reserve("o-1", {{Sku("A"), 1}, {Sku("A"), 1}});  // the same lines, spelled otherwise
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->value.reserved);
  EXPECT_FALSE(again->value.created);
  EXPECT_TRUE(again->changes.empty());
  EXPECT_EQ(state().Level("A"), (StockLevel{5, 2}));
  EXPECT_EQ(state().events.size(), events);
  auto other = Reserve("o-1", {{Sku("A"), 3}});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, core::Errc::conflict);
  // Released, the order cannot reserve again.
  ASSERT_TRUE(Settle("o-1", Settlement::release));
  auto after = Reserve("o-1", {{Sku("A"), 2}});
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->value.reserved);
  EXPECT_TRUE(after->value.released_before);
  EXPECT_EQ(state().Level("A"), (StockLevel{5, 0}));
}

TEST_F(Reservations, InvalidRequestsChangeNothing) {
  auto r = Reserve("o-1", {{Sku("A"), 0}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::Errc::invalid_argument);
  EXPECT_TRUE(state().events.empty());
}

TEST_F(Reservations, CommitAndReleaseSettleOnce) {
  ASSERT_TRUE(Reserve("o-1", {{Sku("A"), 2}}));
  auto commit = Settle("o-1", Settlement::commit);
  ASSERT_TRUE(commit) << commit.error().message;
  EXPECT_EQ(commit->value.status, ReservationStatus::committed);
  EXPECT_EQ(state().Level("A"), (StockLevel{3, 0}));
  auto events = state().events.size();
  auto twice = Settle("o-1", Settlement::commit);
  ASSERT_TRUE(twice);
  EXPECT_TRUE(twice->changes.empty());
  EXPECT_EQ(state().events.size(), events);
  EXPECT_EQ(state().Level("A"), (StockLevel{3, 0}));
  auto release = Settle("o-1", Settlement::release);
  ASSERT_FALSE(release);
  EXPECT_EQ(release.error().code, core::Errc::conflict);
  EXPECT_EQ(Settle("nope", Settlement::commit).error().code, core::Errc::not_found);

  ASSERT_TRUE(Reserve("o-2", {{Sku("A"), 3}}));
  EXPECT_EQ(state().Level("A"), (StockLevel{3, 3}));
  auto released = Settle("o-2", Settlement::release);
  ASSERT_TRUE(released);
  EXPECT_EQ(released->value.status, ReservationStatus::released);
  EXPECT_EQ(state().Level("A"), (StockLevel{3, 0}));
  EXPECT_EQ(Settle("o-2", Settlement::commit).error().code, core::Errc::conflict);
}

TEST_F(Reservations, ExpiredOnesAreReleasedByTheSweepAndTheirPagesDroppedTwice) {
  ASSERT_TRUE(Reserve("o-1", {{Sku("B"), 2}}, seconds(60)));
  ASSERT_TRUE(Reserve("o-2", {{Sku("A"), 1}}));  // the shop's 15 minutes
  ReleaseExpiredHandler sweep{ctx_};
  EXPECT_EQ(*sweep.RunOnce(), 0);
  EXPECT_TRUE(pages_.dropped.empty());
  clock_.Advance(seconds(61));
  EXPECT_EQ(*sweep.RunOnce(), 1);
  const auto& expired = state().reservations.at(OrderId("o-1"));
  EXPECT_EQ(expired.record.status, ReservationStatus::released);
  EXPECT_EQ(expired.reason, "expired");
  EXPECT_EQ(state().Level("B"), (StockLevel{2, 0}));
  EXPECT_EQ(state().reservations.at(OrderId("o-2")).record.status, ReservationStatus::reserved);
  // The page of p-1 is dropped now and once more later (a page stored in between is stale).
  ASSERT_EQ(pages_.dropped.size(), 1u);
  EXPECT_EQ(pages_.dropped[0], (std::vector<std::string>{"p-1", "phone"}));
  ASSERT_EQ(pages_.dropped_later.size(), 1u);
  EXPECT_EQ(pages_.dropped_later[0].first, pages_.dropped[0]);
  EXPECT_EQ(pages_.dropped_later[0].second, PageInvalidation::kAgainAfter);
}

TEST_F(Reservations, ConsumedOrderEvents) {
  StockEventHandler events{ctx_};
  auto apply = [&](const StockEvent& e) { return store_.Run([&](CatalogTx& tx) { return events.Apply(tx, e, std::nullopt); }); };
  // order.placed that fits: reserved.
  auto placed = apply(OrderPlaced{OrderId("k-1"), {{Sku("A"), 4}}, std::nullopt});
  ASSERT_TRUE(placed) << placed.error().message;
  EXPECT_EQ(state().Level("A"), (StockLevel{5, 4}));
  EXPECT_FALSE(placed->empty());
  // order.placed that does not: nothing reserved, stock.reservation_failed says why.
  ASSERT_TRUE(apply(OrderPlaced{OrderId("k-2"), {{Sku("A"), 2}}, std::nullopt}));
  ASSERT_EQ(state().Count<StockReservationFailed>(), 1);
  EXPECT_EQ(std::get<StockReservationFailed>(state().events.back()).reason, "insufficient_stock");
  EXPECT_FALSE(state().reservations.count(OrderId("k-2")));
  // A malformed order is refused as invalid (and said so), not retried.
  ASSERT_TRUE(apply(OrderPlaced{OrderId("k-3"), {{Sku(""), 0}}, std::nullopt}));
  EXPECT_EQ(std::get<StockReservationFailed>(state().events.back()).reason, "invalid");
  // order.confirmed commits; order.cancelled of a committed or unknown order is a no-op.
  ASSERT_TRUE(apply(OrderConfirmed{OrderId("k-1")}));
  EXPECT_EQ(state().Level("A"), (StockLevel{1, 0}));
  auto events_before = state().events.size();
  EXPECT_TRUE(apply(OrderCancelled{OrderId("k-1")}));
  EXPECT_TRUE(apply(OrderCancelled{OrderId("k-9")}));
  EXPECT_EQ(state().events.size(), events_before);
  // Confirmed without a reservation here: nothing to commit; confirmed while released: an error,
  // for the dead-letter queue and a human.
  EXPECT_TRUE(apply(OrderConfirmed{OrderId("k-9")}));
  ASSERT_TRUE(apply(OrderPlaced{OrderId("k-4"), {{Sku("A"), 1}}, std::nullopt}));
  ASSERT_TRUE(apply(OrderCancelled{OrderId("k-4")}));
  EXPECT_FALSE(apply(OrderConfirmed{OrderId("k-4")}));
  // After the inbox transaction commits, the pages go: now and once more later.
  events.AfterCommit(*placed);
  ASSERT_EQ(pages_.dropped.size(), 1u);
  EXPECT_EQ(pages_.dropped_later.size(), 1u);
}

TEST_F(Reservations, AdminStockNeverBelowReserved) {
  ASSERT_TRUE(Reserve("o-1", {{Sku("A"), 3}}));
  SetStockHandler set{ctx_};
  auto below = store_.Run([&](CatalogTx& tx) { return set.Apply(tx, {.sku = Sku("A"), .on_hand = 2}); });
  ASSERT_FALSE(below);
  EXPECT_EQ(below.error().code, core::Errc::conflict);
  EXPECT_EQ(state().Level("A"), (StockLevel{5, 3}));
  auto stale = store_.Run([&](CatalogTx& tx) { return set.Apply(tx, {.sku = Sku("A"), .on_hand = 9, .if_match = 99}); });
  EXPECT_EQ(stale.error().code, core::Errc::precondition_failed);
  auto ok = store_.Run([&](CatalogTx& tx) { return set.Apply(tx, {.sku = Sku("A"), .delta = -2, .reason = "damaged", .note = "dropped", .actor = "u-1"}); });
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->value.level, (StockLevel{3, 3}));
  // p-1 still has B in stock: no flip, no republish, but one stock.changed.
  EXPECT_EQ(std::get<StockChanged>(state().events.back()).reason, "admin");
  // The one change made is recorded with who, why and by how much; the refused ones are not.
  ASSERT_EQ(state().adjustments.size(), 1u);
  const auto& a = state().adjustments.front();
  EXPECT_EQ(a.sku, Sku("A"));
  EXPECT_EQ(a.delta, -2);
  EXPECT_EQ(a.on_hand_after, 3);
  EXPECT_EQ(a.reason, "damaged");
  EXPECT_EQ(a.note, "dropped");
  EXPECT_EQ(a.actor, "u-1");
}

}  // namespace
}  // namespace store::catalog::testing
