// The order's rules without engines: the status machine and what each saga event does, tax per
// line with its rounding rule (gross and net prices), shipping prices by country and threshold,
// order numbers, the configuration's parsers.
#include <gtest/gtest.h>

#include <set>

#include "domain/order.hpp"
#include "settings.hpp"

namespace store::order {
namespace {

TEST(StatusMachine, OnlyForwardAndNothingLeavesAFinalStatus) {
  EXPECT_TRUE(CanMove(Status::placed, Status::reserved));
  EXPECT_TRUE(CanMove(Status::placed, Status::cancelled));
  EXPECT_FALSE(CanMove(Status::placed, Status::confirmed));  // never confirmed without stock
  EXPECT_TRUE(CanMove(Status::reserved, Status::awaiting_payment));
  EXPECT_TRUE(CanMove(Status::awaiting_payment, Status::confirmed));
  for (Status to : {Status::placed, Status::reserved, Status::awaiting_payment, Status::confirmed, Status::cancelled}) {
    EXPECT_FALSE(CanMove(Status::confirmed, to));
    EXPECT_FALSE(CanMove(Status::cancelled, to));
  }
  EXPECT_FALSE(CanMove(Status::awaiting_payment, Status::reserved));
}

TEST(Saga, EachEventMovesOnceAndReplaysChangeNothing) {
  EXPECT_EQ(Decide(Status::placed, SagaEvent::stock_reserved).to, Status::reserved);
  EXPECT_EQ(Decide(Status::reserved, SagaEvent::stock_reserved).effect, Effect::ignore);  // a replay
  EXPECT_EQ(Decide(Status::placed, SagaEvent::stock_failed).to, Status::cancelled);
  EXPECT_EQ(Decide(Status::reserved, SagaEvent::intent_created).to, Status::awaiting_payment);
  EXPECT_EQ(Decide(Status::reserved, SagaEvent::intent_created, true).to, Status::confirmed);  // cash on delivery
  EXPECT_EQ(Decide(Status::awaiting_payment, SagaEvent::payment_succeeded).to, Status::confirmed);
  EXPECT_EQ(Decide(Status::confirmed, SagaEvent::payment_succeeded).effect, Effect::ignore);
  EXPECT_EQ(Decide(Status::awaiting_payment, SagaEvent::payment_failed).effect, Effect::ignore);  // pay again
  EXPECT_EQ(Decide(Status::awaiting_payment, SagaEvent::expired).to, Status::cancelled);
  EXPECT_EQ(Decide(Status::confirmed, SagaEvent::expired).effect, Effect::ignore);
}

TEST(Saga, APaymentForACancelledOrderIsRefundedNotConfirmed) {
  Decision d = Decide(Status::cancelled, SagaEvent::payment_succeeded);
  EXPECT_EQ(d.effect, Effect::refund);
  EXPECT_EQ(d.to, Status::cancelled);
}

TEST(Tax, GrossPricesHoldTheirTaxRoundedHalfAwayFromZeroPerLine) {
  // 19 % in 10.00 gross: 1000 * 19 / 119 = 159.66 -> 160
  EXPECT_EQ(TaxOf(1000, 1900, true), 160);
  // 7 % in 1.07: exactly 0.07
  EXPECT_EQ(TaxOf(107, 700, true), 7);
  // 20 % on 2.50 net: 0.50; 19 % on 0.05 net: 0.0095 -> 0.01
  EXPECT_EQ(TaxOf(250, 2000, false), 50);
  EXPECT_EQ(TaxOf(5, 1900, false), 1);
  // half: 21 % of 50 = 10.5 -> 11
  EXPECT_EQ(TaxOf(50, 2100, false), 11);
  EXPECT_EQ(TaxOf(999, 0, true), 0);
  EXPECT_EQ(RateText(1900), "19.00%");
  EXPECT_EQ(RateText(810), "8.10%");
  EXPECT_EQ(RateText(2550), "25.50%");
  EXPECT_EQ(RateText(5), "0.05%");
}

TEST(Totals, GrossPricesTotalIsSubtotalPlusShippingWithTheTaxShownPerRate) {
  auto t = ComputeTotals({{"A", 2, 1999}, {"B", 1, 500}}, 495, 1900, true);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->subtotal, 2 * 1999 + 500);
  EXPECT_EQ(t->shipping, 495);
  EXPECT_EQ(t->total, 2 * 1999 + 500 + 495);
  // per line: 3998 -> 638.3 -> 638; 500 -> 79.8 -> 80; shipping 495 -> 79.03 -> 79
  EXPECT_EQ(t->lines[0].tax, 638);
  EXPECT_EQ(t->lines[1].tax, 80);
  EXPECT_EQ(t->shipping_tax, 79);
  EXPECT_EQ(t->tax, 638 + 80 + 79);
  ASSERT_EQ(t->taxes.size(), 1u);
  EXPECT_EQ(t->taxes[0].rate_bp, 1900);
  EXPECT_EQ(t->taxes[0].taxable + t->taxes[0].tax, t->total);
}

TEST(Totals, NetPricesAddTheTax) {
  auto t = ComputeTotals({{"A", 3, 1000}}, 500, 800, false);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->tax, 240 + 40);
  EXPECT_EQ(t->total, 3000 + 500 + 280);
  EXPECT_EQ(t->taxes[0].taxable, 3500);
}

TEST(Totals, NoRateNoTaxLineAndAbsurdLinesRefused) {
  auto t = ComputeTotals({{"A", 1, 1000}}, 0, 0, true);
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->taxes.empty());
  EXPECT_EQ(t->total, 1000);
  EXPECT_FALSE(ComputeTotals({{"A", 0, 1000}}, 0, 1900, true));
  EXPECT_FALSE(ComputeTotals({{"A", 1, -1}}, 0, 1900, true));
  EXPECT_FALSE(ComputeTotals({{"A", 1'000'000, 1'000'000'000'000}}, 0, 1900, true));
}

TEST(Shipping, PriceByCountryFreeAboveAThresholdAndOnlyWhereItServes) {
  ShippingMethod standard{.code = "standard", .name = "Standard", .price = 495, .by_country = {{"GB", 995}}, .free_above = 5000};
  EXPECT_EQ(standard.PriceFor("DE", 4999), 495);
  EXPECT_EQ(standard.PriceFor("GB", 100), 995);
  EXPECT_EQ(standard.PriceFor("DE", 5000), 0);
  ShippingMethod pickup{.code = "pickup", .countries = {"DE"}};
  EXPECT_TRUE(pickup.Serves("DE"));
  EXPECT_FALSE(pickup.Serves("FR"));
  ShippingConfig cfg{.countries = {"DE", "FR"}, .methods = {standard, pickup}};
  EXPECT_TRUE(cfg.ShipsTo("FR"));
  EXPECT_FALSE(cfg.ShipsTo("ZZ"));
  ASSERT_NE(cfg.Find("pickup"), nullptr);
  EXPECT_EQ(cfg.Find("drone"), nullptr);
}

TEST(OrderNumbers, ReadableOverThePhoneAndDistinct) {
  std::set<std::string> seen;
  for (std::uint64_t i = 0; i < 1000; ++i) {
    std::string n = OrderNumber(i * 0x9E3779B97F4A7C15ull);
    EXPECT_TRUE(IsOrderNumber(n)) << n;
    EXPECT_EQ(n.find_first_of("01ILOUV"), std::string::npos) << n;
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_FALSE(IsOrderNumber("SM-7K3Q-9XW0"));
  EXPECT_FALSE(IsOrderNumber("SM-7K3Q9XWDD"));
  EXPECT_TRUE(IsOrderNumber("SM-7K3Q-9XWD"));
}

TEST(Config, CountryAmountsParseAndBadOnesAreNamed) {
  auto m = ParseCountryAmounts("DE:1900, FR:2000 ,US:0");
  EXPECT_EQ(m.at("DE"), 1900);
  EXPECT_EQ(m.at("FR"), 2000);
  EXPECT_EQ(m.at("US"), 0);
  EXPECT_THROW(ParseCountryAmounts("DE=19"), std::invalid_argument);
  EXPECT_THROW(ParseCountryAmounts("DE:19.5"), std::invalid_argument);
}

}  // namespace
}  // namespace store::order
