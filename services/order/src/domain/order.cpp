#include "domain/order.hpp"

#include <algorithm>
#include <array>

namespace store::order {

std::string_view StatusName(Status s) {
  switch (s) {
    case Status::placed: return "placed";
    case Status::reserved: return "reserved";
    case Status::awaiting_payment: return "awaiting_payment";
    case Status::confirmed: return "confirmed";
    case Status::cancelled: return "cancelled";
  }
  return "placed";
}

std::optional<Status> ParseStatus(std::string_view s) {
  for (Status st : {Status::placed, Status::reserved, Status::awaiting_payment, Status::confirmed, Status::cancelled})
    if (StatusName(st) == s) return st;
  return std::nullopt;
}

bool IsFinal(Status s) { return s == Status::confirmed || s == Status::cancelled; }

bool CanMove(Status from, Status to) {
  switch (from) {
    case Status::placed: return to == Status::reserved || to == Status::cancelled;
    case Status::reserved: return to == Status::awaiting_payment || to == Status::confirmed || to == Status::cancelled;
    case Status::awaiting_payment: return to == Status::confirmed || to == Status::cancelled;
    case Status::confirmed:
    case Status::cancelled: return false;
  }
  return false;
}

Decision Decide(Status current, SagaEvent event, bool cash_on_delivery) {
  auto move = [&](Status to) { return CanMove(current, to) ? Decision{Effect::move, to} : Decision{}; };
  switch (event) {
    case SagaEvent::stock_reserved: return move(Status::reserved);
    case SagaEvent::stock_failed: return move(Status::cancelled);
    case SagaEvent::intent_created: return move(cash_on_delivery ? Status::confirmed : Status::awaiting_payment);
    case SagaEvent::payment_succeeded:
      if (current == Status::cancelled) return {Effect::refund, Status::cancelled};
      // The webhook may overtake our own record of the intent (the provider is fast): paid is paid.
      return move(Status::confirmed);
    case SagaEvent::payment_failed: return {};  // the shopper may pay again on the same intent until it expires
    case SagaEvent::expired: return current == Status::confirmed ? Decision{} : move(Status::cancelled);
  }
  return {};
}

std::int32_t TaxConfig::Rate(std::string_view country) const {
  auto it = rates_bp.find(std::string(country));
  return it == rates_bp.end() ? 0 : it->second;
}

bool ShippingMethod::Serves(std::string_view country) const {
  return countries.empty() || std::find(countries.begin(), countries.end(), country) != countries.end();
}

std::int64_t ShippingMethod::PriceFor(std::string_view country, std::int64_t subtotal) const {
  if (free_above && subtotal >= *free_above) return 0;
  auto it = by_country.find(std::string(country));
  return it == by_country.end() ? price : it->second;
}

bool ShippingConfig::ShipsTo(std::string_view country) const {
  return std::find(countries.begin(), countries.end(), country) != countries.end();
}

const ShippingMethod* ShippingConfig::Find(std::string_view code) const {
  for (const auto& m : methods)
    if (m.code == code) return &m;
  return nullptr;
}

namespace {

// n / d rounded half away from zero (d > 0).
std::int64_t DivRound(__int128 n, __int128 d) {
  __int128 q = (n < 0 ? -n : n) * 2 + d;
  q /= 2 * d;
  return static_cast<std::int64_t>(n < 0 ? -q : q);
}

}  // namespace

std::int64_t TaxOf(std::int64_t amount, std::int32_t rate_bp, bool amount_includes_tax) {
  if (rate_bp <= 0) return 0;
  if (amount_includes_tax) return DivRound(static_cast<__int128>(amount) * rate_bp, 10000 + rate_bp);
  return DivRound(static_cast<__int128>(amount) * rate_bp, 10000);
}

std::string RateText(std::int32_t bp) {
  std::string frac = std::to_string(bp % 100);
  if (frac.size() < 2) frac = "0" + frac;
  return std::to_string(bp / 100) + "." + frac + "%";
}

core::Result<Totals> ComputeTotals(const std::vector<PricedLine>& lines, std::int64_t shipping, std::int32_t rate_bp,
                                   bool prices_include_tax) {
  constexpr std::int64_t kMax = 1'000'000'000'000;  // 10^12 minor units: far above any basket, far below overflow
  Totals t;
  for (const auto& l : lines) {
    if (l.quantity <= 0 || l.unit_price < 0 || l.unit_price > kMax || l.quantity > 1'000'000)
      return core::Fail(core::Error::Invalid("a line's quantity or price is out of range"));
    LineTotals lt;
    lt.total = l.unit_price * l.quantity;
    lt.tax = TaxOf(lt.total, rate_bp, prices_include_tax);
    t.subtotal += lt.total;
    t.tax += lt.tax;
    t.lines.push_back(lt);
    if (t.subtotal > kMax) return core::Fail(core::Error::Invalid("the order's total is out of range"));
  }
  t.shipping = shipping;
  t.shipping_tax = TaxOf(shipping, rate_bp, prices_include_tax);
  t.tax += t.shipping_tax;
  std::int64_t gross = t.subtotal + t.shipping;
  t.total = prices_include_tax ? gross : gross + t.tax;
  if (rate_bp > 0) t.taxes.push_back({rate_bp, prices_include_tax ? gross - t.tax : gross, t.tax});
  return t;
}

std::string OrderNumber(std::uint64_t bits) {
  std::string out = "SM-";
  const std::uint64_t n = kOrderNumberAlphabet.size();
  for (int i = 0; i < 8; ++i) {
    if (i == 4) out += '-';
    out += kOrderNumberAlphabet[bits % n];
    bits /= n;
  }
  return out;
}

bool IsOrderNumber(std::string_view s) {
  if (s.size() != 12 || s.substr(0, 3) != "SM-" || s[7] != '-') return false;
  for (std::size_t i = 3; i < s.size(); ++i)
    if (i != 7 && kOrderNumberAlphabet.find(s[i]) == std::string_view::npos) return false;
  return true;
}

}  // namespace store::order
