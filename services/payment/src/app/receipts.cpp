#include "app/receipts.hpp"

#include <boost/json/parse.hpp>
#include "store/core/clock.hpp"

namespace store::payment {

namespace {

std::string Title(std::string brand) {
  if (!brand.empty()) brand[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(brand[0])));
  return brand;
}

std::string MethodText(const Intent& i) {
  switch (i.method) {
    case Method::card: return (i.card_brand.empty() ? "Card" : Title(i.card_brand)) + (i.card_last4.empty() ? "" : " \u2022\u2022\u2022\u2022 " + i.card_last4);
    case Method::online_banking: return "Online banking" + (i.method_detail.empty() ? "" : " (" + i.method_detail + ")");
    case Method::wallet: return "Wallet";
    case Method::cash_on_delivery: return "Cash on delivery";
  }
  return "";
}

std::optional<core::Money> MoneyOf(const boost::json::object& o, std::string_view key, core::Currency currency) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_object()) return std::nullopt;
  const auto* minor = v->as_object().if_contains("minor");
  if (!minor || !minor->is_int64()) return std::nullopt;
  return core::Money(minor->as_int64(), currency);
}

std::string Str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}


}  // namespace

core::Result<Receipt> ReceiptOf(const Intent& intent, const std::string& shop_name) {
  if (intent.sums.captured == 0) return core::Fail(core::Error::Conflict("there is no receipt before the payment is captured"));
  TRY(currency, core::Currency::Parse(intent.currency));
  boost::json::object facts;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(intent.order_facts.empty() ? "{}" : intent.order_facts, ec);
  if (!ec && parsed.is_object()) facts = parsed.as_object();
  Receipt r{.shop_name = shop_name,
            .order_number = Str(facts, "order_number").empty() ? intent.order_id : Str(facts, "order_number"),
            .payment_id = intent.id,
            .provider_reference = intent.provider_ref.empty() ? intent.provider : intent.provider_ref,
            .method = MethodText(intent),
            .lines = {},
            .subtotal = MoneyOf(facts, "subtotal", currency),
            .shipping = MoneyOf(facts, "shipping", currency),
            .taxes = MoneyOf(facts, "taxes", currency),
            .total = core::Money(intent.sums.captured, currency),
            .refunded = intent.sums.refunded > 0 ? std::optional(core::Money(intent.sums.refunded, currency)) : std::nullopt,
            .paid_at = core::FormatTimestamp(intent.paid_at.value_or(intent.updated_at)),
            .customer_email = Str(facts, "email")};
  if (const auto* lines = facts.if_contains("lines"); lines && lines->is_array()) {
    for (const auto& line : lines->as_array()) {
      if (!line.is_object()) continue;
      const auto& l = line.as_object();
      const auto* qty = l.if_contains("quantity");
      auto unit = MoneyOf(l, "unit_price", currency);
      auto total = MoneyOf(l, "line_total", currency);
      std::int64_t quantity = qty && qty->is_int64() ? qty->as_int64() : 1;
      if (!unit) continue;
      if (!total) {
        auto times = unit->Times(quantity);
        if (!times) continue;
        total = *times;
      }
      r.lines.push_back({.name = Str(l, "name"), .sku = Str(l, "sku"), .quantity = quantity, .unit_price = *unit, .line_total = *total});
    }
  }
  return r;
}

}  // namespace store::payment
