// The order's rules, pure: its status machine, what a saga event does to it, the totals (lines,
// shipping, tax per rate, in integer minor units), shipping methods and tax rates as configuration,
// and the order number a person can read over the phone.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"

namespace store::order {

// placed: written, waiting for the catalog's reservation. reserved: stock held, the payment intent
// not made yet. awaiting_payment: the intent exists, the shopper pays at the provider.
// confirmed: paid (or cash on delivery). cancelled: final (reservation failed, unpaid too long, ...).
enum class Status { placed, reserved, awaiting_payment, confirmed, cancelled };
std::string_view StatusName(Status s);
std::optional<Status> ParseStatus(std::string_view s);
bool IsFinal(Status s);  // confirmed or cancelled (the follow-up issue adds fulfilment after confirmed)
bool CanMove(Status from, Status to);

// What a saga event asks, and what it does to an order in a given status.
enum class SagaEvent { stock_reserved, stock_failed, intent_created, payment_succeeded, payment_failed, expired };
enum class Effect {
  move,           // move to the target status
  ignore,         // already done (a replay), or nothing to do in this status
  refund,         // payment succeeded for a cancelled order: the money goes back (late webhook)
};
struct Decision {
  Effect effect = Effect::ignore;
  Status to = Status::placed;
};
Decision Decide(Status current, SagaEvent event, bool cash_on_delivery = false);

// ---- totals ---------------------------------------------------------------------------------

struct TaxConfig {
  bool prices_include_tax = true;                    // catalog prices are gross (EU shops) or net (US)
  std::map<std::string, std::int32_t> rates_bp;      // country -> rate in basis points (1900 = 19 %)
  std::int32_t Rate(std::string_view country) const;  // 0 when the country has none
};

struct ShippingMethod {
  std::string code = {};  // standard, express, pickup
  std::string name = {};
  std::int64_t price = 0;                         // minor units, the shop's currency
  std::map<std::string, std::int64_t> by_country = {};  // a country's own price
  std::vector<std::string> countries = {};        // empty: every country the shop ships to
  std::optional<std::int64_t> free_above = {};    // subtotal from which it costs nothing
  int min_days = 0, max_days = 0;
  bool Serves(std::string_view country) const;
  std::int64_t PriceFor(std::string_view country, std::int64_t subtotal) const;
};

struct ShippingConfig {
  std::vector<std::string> countries = {};  // where the shop ships
  std::vector<ShippingMethod> methods = {};
  bool ShipsTo(std::string_view country) const;
  const ShippingMethod* Find(std::string_view code) const;
};

struct PricedLine {
  std::string sku = {};
  std::int64_t quantity = 0;
  std::int64_t unit_price = 0;  // as the catalog prices it (gross or net by TaxConfig)
};

struct LineTotals {
  std::int64_t total = 0;  // unit_price x quantity
  std::int64_t tax = 0;    // the tax in it (gross prices) or on it (net prices)
};

struct TaxLine {
  std::int32_t rate_bp = 0;
  std::int64_t taxable = 0;  // what the rate applies to (net)
  std::int64_t tax = 0;
};

struct Totals {
  std::vector<LineTotals> lines = {};
  std::int64_t subtotal = 0;  // Σ line totals
  std::int64_t shipping = 0;
  std::int64_t shipping_tax = 0;
  std::vector<TaxLine> taxes = {};  // per rate
  std::int64_t tax = 0;        // Σ taxes
  std::int64_t total = 0;      // what the shopper pays
};

// Rounding rule: the tax of every line (and of shipping) is rounded half away from zero to the
// minor unit, then summed; never the other way round. Gross prices: tax = price x r / (1 + r);
// net prices: tax = price x r, added to the total. Shipping carries the destination's rate.
std::int64_t TaxOf(std::int64_t amount, std::int32_t rate_bp, bool amount_includes_tax);
// A rate as people read it: 1900 -> "19.00%", 810 -> "8.10%".
std::string RateText(std::int32_t rate_bp);
core::Result<Totals> ComputeTotals(const std::vector<PricedLine>& lines, std::int64_t shipping, std::int32_t rate_bp,
                                   bool prices_include_tax);

// ---- order numbers --------------------------------------------------------------------------

// "SM-7K3Q-9XWD": eight characters of an alphabet without 0/O, 1/I/L, U/V (read over the phone),
// from 40 random bits (collisions are refused by the store's unique key; the caller tries again).
inline constexpr std::string_view kOrderNumberAlphabet = "23456789ABCDEFGHJKMNPQRSTWXYZ";
std::string OrderNumber(std::uint64_t random_bits);
bool IsOrderNumber(std::string_view s);

}  // namespace store::order
