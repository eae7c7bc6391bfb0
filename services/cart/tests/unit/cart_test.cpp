// The cart's rules without engines: limits, stock, sellability, one currency, merge, review.
#include <gtest/gtest.h>

#include <map>

#include "domain/cart.hpp"
#include "../money.hpp"

namespace c = store::cart;
using store::cart::testing::Eur;
using store::cart::testing::Usd;
using store::core::Errc;
using store::core::Money;

namespace {


c::Offer On(std::string sku, Money price, std::int64_t available, c::Sellable state = c::Sellable::yes) {
  return c::Offer{c::Sku(std::move(sku)), state, price, available};
}

// A catalog answering from a map (a SKU it does not know: nullopt).
struct Catalog {
  std::map<std::string, c::Offer> offers;
  void Put(c::Offer o) { offers.insert_or_assign(o.sku.value(), o); }
  c::OfferLookup Lookup() const {
    return [this](const c::Sku& sku) -> std::optional<c::Offer> {
      auto it = offers.find(sku.value());
      if (it == offers.end()) return std::nullopt;
      return it->second;
    };
  }
};

const c::Limits kLimits{};

}  // namespace

TEST(Cart, AddingTheSameSkuAgainRaisesItsLine) {
  c::Cart cart;
  ASSERT_TRUE(cart.Add(On("A", Eur(1299), 10), 2, kLimits));
  ASSERT_TRUE(cart.Add(On("A", Eur(1299), 10), 3, kLimits));
  ASSERT_EQ(cart.lines().size(), 1u);
  EXPECT_EQ(cart.lines()[0].quantity, 5);
  EXPECT_EQ(cart.item_count(), 5);
  EXPECT_EQ(cart.currency()->code(), "EUR");
}

TEST(Cart, NeverMoreThanTheStockAvailableNowAndTheErrorSaysHowMany) {
  c::Cart cart;
  ASSERT_TRUE(cart.Add(On("A", Eur(100), 3), 2, kLimits));
  auto more = cart.Add(On("A", Eur(100), 3), 2, kLimits);
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().code, Errc::conflict);
  EXPECT_NE(more.error().message.find("only 3 of SKU A available"), std::string::npos) << more.error().message;
  EXPECT_EQ(cart.lines()[0].quantity, 2);  // unchanged
}

TEST(Cart, QuantitiesOutsideTheLimitsAreRefusedAndChangeNothing) {
  c::Cart cart;
  for (int q : {0, -1, 100, 1'000'000}) {
    auto r = cart.Add(On("A", Eur(100), 1'000'000), q, kLimits);
    ASSERT_FALSE(r) << q;
    EXPECT_EQ(r.error().code, Errc::invalid_argument) << q;
  }
  ASSERT_TRUE(cart.Add(On("A", Eur(100), 1000), 98, kLimits));
  auto over = cart.Add(On("A", Eur(100), 1000), 2, kLimits);  // 100 > 99 per line
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, Errc::unprocessable);
  EXPECT_TRUE(cart.lines().size() == 1 && cart.lines()[0].quantity == 98);
}

TEST(Cart, HoldsAtMostMaxLinesLines) {
  c::Cart cart;
  c::Limits limits;
  limits.max_lines = 3;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cart.Add(On("S" + std::to_string(i), Eur(100), 10), 1, limits));
  auto full = cart.Add(On("S9", Eur(100), 10), 1, limits);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, Errc::unprocessable);
  EXPECT_NE(full.error().message.find("SKU S9"), std::string::npos);
  EXPECT_TRUE(cart.Add(On("S0", Eur(100), 10), 1, limits));  // raising an existing line still works
}

TEST(Cart, UnsellableSkusAndASecondCurrencyAreRefused) {
  c::Cart cart;
  for (auto state : {c::Sellable::unknown, c::Sellable::draft, c::Sellable::archived}) {
    auto r = cart.Add(On("X", Eur(100), 10, state), 1, kLimits);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::unprocessable);
    EXPECT_NE(r.error().message.find("SKU X"), std::string::npos);
  }
  ASSERT_TRUE(cart.Add(On("A", Eur(100), 10), 1, kLimits));
  auto usd = cart.Add(On("B", Usd(100), 10), 1, kLimits);
  ASSERT_FALSE(usd);
  EXPECT_EQ(usd.error().code, Errc::unprocessable);
  EXPECT_EQ(cart.lines().size(), 1u);
}

TEST(Cart, LoweringAQuantityIsAlwaysAllowedRaisingNeedsStockAndASellableSku) {
  c::Cart cart;
  ASSERT_TRUE(cart.Add(On("A", Eur(100), 10), 8, kLimits));
  // Stock fell to 2 and the product was archived: the shopper can still go down, not up.
  ASSERT_TRUE(cart.SetQuantity(On("A", Eur(100), 2, c::Sellable::archived), 5, kLimits));
  EXPECT_EQ(cart.lines()[0].quantity, 5);
  EXPECT_EQ(cart.SetQuantity(On("A", Eur(100), 2, c::Sellable::archived), 6, kLimits).error().code, Errc::unprocessable);
  EXPECT_EQ(cart.SetQuantity(On("A", Eur(100), 5), 6, kLimits).error().code, Errc::conflict);
  ASSERT_TRUE(cart.SetQuantity(On("A", Eur(100), 6), 6, kLimits));
  ASSERT_TRUE(cart.SetQuantity(On("A", Eur(100), 6), 0, kLimits));  // 0 removes
  EXPECT_TRUE(cart.lines().empty());
  EXPECT_EQ(cart.SetQuantity(On("A", Eur(100), 6), 1, kLimits).error().code, Errc::not_found);
  EXPECT_EQ(cart.Remove(c::Sku("A")).error().code, Errc::not_found);
}

TEST(Cart, MergeAddsLineByLineCapsByLimitAndStockAndSaysWhy) {
  Catalog catalog;
  catalog.Put(On("A", Eur(100), 100));
  catalog.Put(On("B", Eur(200), 4));
  catalog.Put(On("C", Eur(300), 50));
  catalog.Put(On("D", Eur(400), 50, c::Sellable::archived));
  catalog.Put(On("E", Usd(500), 50));
  c::Cart customer;
  ASSERT_TRUE(customer.Add(*catalog.Lookup()(c::Sku("A")), 95, kLimits));
  ASSERT_TRUE(customer.Add(*catalog.Lookup()(c::Sku("B")), 1, kLimits));
  c::Cart guest({c::Line{c::Sku("A"), 10, Eur(100)}, c::Line{c::Sku("B"), 5, Eur(200)}, c::Line{c::Sku("C"), 2, Eur(300)},
                 c::Line{c::Sku("D"), 1, Eur(400)}, c::Line{c::Sku("E"), 1, Usd(500)}, c::Line{c::Sku("Z"), 1, Eur(1)}});

  auto report = customer.MergeFrom(guest, catalog.Lookup(), kLimits);
  ASSERT_EQ(report.size(), 6u);
  using O = c::MergedLine::Outcome;
  EXPECT_EQ(report[0].outcome, O::capped);  // 95 + 10 > 99 per line
  EXPECT_EQ(report[0].quantity, 99);
  EXPECT_EQ(report[0].reason, "at most 99 per line");
  EXPECT_EQ(report[1].outcome, O::capped);  // 1 + 5 > 4 in stock
  EXPECT_EQ(report[1].quantity, 4);
  EXPECT_EQ(report[1].reason, "only 4 available");
  EXPECT_EQ(report[2].outcome, O::added);
  EXPECT_EQ(report[2].quantity, 2);
  EXPECT_EQ(report[3].outcome, O::dropped);  // archived
  EXPECT_NE(report[3].reason.find("no longer sold"), std::string::npos);
  EXPECT_EQ(report[4].outcome, O::dropped);  // another currency
  EXPECT_EQ(report[5].outcome, O::dropped);  // unknown to the catalog
  EXPECT_EQ(customer.lines().size(), 3u);
  EXPECT_EQ(customer.item_count(), 99 + 4 + 2);
}

TEST(Cart, AReviewFlagsChangedPricesUntilTheyAreSeenAndSaysHowManyAreLeft) {
  Catalog catalog;
  catalog.Put(On("A", Eur(1000), 100));
  catalog.Put(On("B", Eur(250), 3));
  c::Cart cart;
  ASSERT_TRUE(cart.Add(*catalog.Lookup()(c::Sku("A")), 2, kLimits));
  ASSERT_TRUE(cart.Add(*catalog.Lookup()(c::Sku("B")), 1, kLimits));
  catalog.Put(On("A", Eur(900), 100));  // price cut
  catalog.Put(On("B", Eur(250), 0));    // sold out meanwhile

  auto review = cart.Reviewed(catalog.Lookup(), kLimits);
  ASSERT_EQ(review.lines.size(), 2u);
  EXPECT_EQ(review.lines[0].availability, c::LineView::Availability::in_stock);
  ASSERT_TRUE(review.lines[0].previous_price.has_value());
  EXPECT_EQ(review.lines[0].previous_price->minor_units(), 1000);
  EXPECT_EQ(review.lines[0].line_total->minor_units(), 1800);
  EXPECT_EQ(review.lines[1].availability, c::LineView::Availability::out_of_stock);
  EXPECT_EQ(review.subtotal->minor_units(), 1800 + 250);
  EXPECT_EQ(review.item_count, 3);
  EXPECT_FALSE(review.stale);

  cart.AcknowledgePrices(catalog.Lookup());
  EXPECT_FALSE(cart.Reviewed(catalog.Lookup(), kLimits).lines[0].previous_price.has_value());

  catalog.Put(On("B", Eur(250), 5));
  EXPECT_EQ(cart.Reviewed(catalog.Lookup(), kLimits).lines[1].availability, c::LineView::Availability::low);
  catalog.offers.erase("B");  // the catalog cannot answer for it: the last price seen, marked stale
  auto stale = cart.Reviewed(catalog.Lookup(), kLimits);
  EXPECT_TRUE(stale.stale);
  EXPECT_EQ(stale.lines[1].availability, c::LineView::Availability::unknown);
  EXPECT_EQ(stale.lines[1].unit_price.minor_units(), 250);
  EXPECT_FALSE(stale.lines[1].previous_price.has_value());
  EXPECT_EQ(stale.lines[1].line_total->minor_units(), 250);
  EXPECT_EQ(stale.subtotal->minor_units(), 1800 + 250);
}

TEST(Cart, AConfirmedOrderTakesOnlyTheOrderedQuantitiesOut) {
  c::Cart cart;
  ASSERT_TRUE(cart.Add(On("A", Eur(100), 10), 3, kLimits));
  ASSERT_TRUE(cart.Add(On("B", Eur(100), 10), 1, kLimits));
  // Ordered 2 A and 1 B; the shopper added a third A after the snapshot.
  std::vector<c::Line> ordered = {{c::Sku("A"), 2, Eur(100)}, {c::Sku("B"), 1, Eur(100)}};
  cart.RemoveOrdered(ordered);
  ASSERT_EQ(cart.lines().size(), 1u);
  EXPECT_EQ(cart.lines()[0].sku.value(), "A");
  EXPECT_EQ(cart.lines()[0].quantity, 1);
  cart.RemoveOrdered(ordered);  // again (a redelivered event is stopped by the inbox; this stays safe)
  EXPECT_TRUE(cart.lines().empty());
}
