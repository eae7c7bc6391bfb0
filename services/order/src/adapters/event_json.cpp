#include "adapters/event_json.hpp"

#include <boost/json.hpp>

namespace store::order {
namespace json = boost::json;

namespace {

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::array LinesJson(const Order& o, bool full) {
  json::array lines;
  for (const auto& l : o.lines) {
    json::object line{{"sku", l.sku}, {"quantity", l.quantity}, {"unit_price", MoneyJson(l.unit_price, o.currency)}};
    if (full) {
      line["name"] = l.title;
      line["line_total"] = MoneyJson(l.line_total, o.currency);
      line["options"] = OptionsJson(l.options);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

json::object MoneyJson(std::int64_t minor, const std::string& currency) { return {{"minor", minor}, {"currency", currency}}; }

json::object AddressJson(const Address& a) {
  return {{"name", a.name},     {"line1", a.line1},   {"line2", a.line2},
          {"city", a.city},     {"region", a.region}, {"postal_code", a.postal_code},
          {"country", a.country}, {"phone", a.phone}};
}

Address AddressFrom(const json::value& v) {
  Address a;
  if (!v.is_object()) return a;
  const auto& o = v.get_object();
  a.name = Str(o, "name");
  a.line1 = Str(o, "line1");
  a.line2 = Str(o, "line2");
  a.city = Str(o, "city");
  a.region = Str(o, "region");
  a.postal_code = Str(o, "postal_code");
  a.country = Str(o, "country");
  a.phone = Str(o, "phone");
  return a;
}

json::array OptionsJson(const std::vector<std::pair<std::string, std::string>>& options) {
  json::array out;
  for (const auto& [name, value] : options) out.push_back(json::object{{"name", name}, {"value", value}});
  return out;
}

std::vector<std::pair<std::string, std::string>> OptionsFrom(const json::value& v) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!v.is_array()) return out;
  for (const auto& item : v.get_array())
    if (item.is_object()) out.emplace_back(Str(item.get_object(), "name"), Str(item.get_object(), "value"));
  return out;
}

json::array TaxesJson(const std::vector<TaxLine>& taxes, const std::string& currency) {
  json::array out;
  for (const auto& t : taxes)
    out.push_back(json::object{{"rate_bp", t.rate_bp},
                               {"rate", RateText(t.rate_bp)},
                               {"taxable", MoneyJson(t.taxable, currency)},
                               {"tax", MoneyJson(t.tax, currency)}});
  return out;
}

std::vector<TaxLine> TaxesFrom(const json::value& v) {
  std::vector<TaxLine> out;
  if (!v.is_array()) return out;
  for (const auto& item : v.get_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.get_object();
    TaxLine t;
    if (const auto* r = o.if_contains("rate_bp"); r && r->is_int64()) t.rate_bp = static_cast<std::int32_t>(r->get_int64());
    auto minor = [&](std::string_view key) -> std::int64_t {
      const auto* m = o.if_contains(key);
      if (!m || !m->is_object()) return 0;
      const auto* x = m->get_object().if_contains("minor");
      return x && x->is_int64() ? x->get_int64() : 0;
    };
    t.taxable = minor("taxable");
    t.tax = minor("tax");
    out.push_back(t);
  }
  return out;
}

json::object OrderPlacedJson(const Order& o, std::int64_t reservation_ttl_s) {
  return {{"order_id", o.id},
          {"order_number", o.number},
          {"user_id", o.customer_id ? json::value(*o.customer_id) : json::value(nullptr)},
          {"lines", LinesJson(o, false)},
          {"total", MoneyJson(o.totals.total, o.currency)},
          {"payment_method", o.payment_method},
          {"reservation_ttl_seconds", reservation_ttl_s}};
}

json::object OrderConfirmedJson(const Order& o) {
  json::object payment{{"method", o.payment_method}};
  if (!o.card_brand.empty()) payment["card_brand"] = o.card_brand;
  if (!o.card_last4.empty()) payment["card_last4"] = o.card_last4;
  return {{"order_id", o.id},
          {"order_number", o.number},
          {"user_id", o.customer_id ? json::value(*o.customer_id) : json::value(nullptr)},
          {"cart_id", o.cart_id},
          {"email", o.email},
          {"name", o.name},
          {"locale", o.locale},
          {"lines", LinesJson(o, true)},
          {"subtotal", MoneyJson(o.totals.subtotal, o.currency)},
          {"shipping", MoneyJson(o.totals.shipping, o.currency)},
          {"tax", MoneyJson(o.totals.tax, o.currency)},
          {"taxes", TaxesJson(o.totals.taxes, o.currency)},
          {"prices_include_tax", o.prices_include_tax},
          {"total", MoneyJson(o.totals.total, o.currency)},
          {"shipping_method", o.shipping_name},
          {"shipping_address", AddressJson(o.address)},
          {"payment", std::move(payment)}};
}

json::object OrderCancelledJson(const Order& o, const std::string& reason) {
  return {{"order_id", o.id},
          {"order_number", o.number},
          {"user_id", o.customer_id ? json::value(*o.customer_id) : json::value(nullptr)},
          {"email", o.email},
          {"name", o.name},
          {"locale", o.locale},
          {"reason", reason}};
}

}  // namespace store::order
