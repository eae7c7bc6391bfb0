#include "http/dto.hpp"

#include <boost/json.hpp>

#include "store/db/db.hpp"
#include "store/http/fields.hpp"

namespace store::order {
namespace json = boost::json;

namespace {

json::object Money(std::int64_t minor, const std::string& currency) { return {{"minor", minor}, {"currency", currency}}; }

std::string Time(TimePoint t) { return db::DbTimeToRfc3339(db::ToDbTime(t)); }

json::object AddressOut(const Address& a) {
  return {{"name", a.name},     {"line1", a.line1},   {"line2", a.line2},
          {"city", a.city},     {"region", a.region}, {"postal_code", a.postal_code},
          {"country", a.country}, {"phone", a.phone}};
}

json::array Options(const std::vector<std::pair<std::string, std::string>>& options) {
  json::array out;
  for (const auto& [name, value] : options) out.push_back(json::object{{"name", name}, {"value", value}});
  return out;
}

json::object TotalsOut(const Totals& t, const std::string& currency, bool include_tax) {
  json::array taxes;
  for (const auto& x : t.taxes)
    taxes.push_back(json::object{{"rate", RateText(x.rate_bp)}, {"rate_bp", x.rate_bp}, {"taxable", Money(x.taxable, currency)},
                                 {"tax", Money(x.tax, currency)}});
  return {{"subtotal", Money(t.subtotal, currency)},
          {"shipping", Money(t.shipping, currency)},
          {"tax", Money(t.tax, currency)},
          {"taxes", std::move(taxes)},
          {"prices_include_tax", include_tax},
          {"total", Money(t.total, currency)}};
}

json::array LinesOut(const std::vector<OrderLine>& lines, const std::string& currency) {
  json::array out;
  for (const auto& l : lines)
    out.push_back(json::object{{"sku", l.sku},
                               {"product_id", l.product_id},
                               {"title", l.title},
                               {"options", Options(l.options)},
                               {"quantity", l.quantity},
                               {"unit_price", Money(l.unit_price, currency)},
                               {"line_total", Money(l.line_total, currency)},
                               {"tax", Money(l.tax, currency)},
                               {"tax_rate", RateText(l.tax_rate_bp)}});
  return out;
}

// What the shopper must do next.
json::value NextAction(const Order& o) {
  switch (o.status) {
    case Status::placed:
    case Status::reserved: return json::object{{"type", "wait"}, {"detail", "the stock is being reserved and the payment set up"}};
    case Status::awaiting_payment:
      if (!o.payment_url.empty()) return json::object{{"type", "redirect"}, {"url", o.payment_url}};
      return json::object{{"type", "wait"}, {"detail", "the payment is being set up"}};
    default: return nullptr;
  }
}

std::optional<Address> ParseAddress(http::Fields& parent, const json::object& body) {
  const json::value* v = body.if_contains("address");
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_object()) {
    parent.Add("address", "an object");
    return std::nullopt;
  }
  static constexpr std::string_view kAllowed[] = {"name", "line1", "line2", "city", "region", "postal_code", "country", "phone"};
  for (const auto& [key, _] : v->get_object())
    if (std::find(std::begin(kAllowed), std::end(kAllowed), std::string_view(key)) == std::end(kAllowed))
      parent.Add("address." + std::string(key), "unknown field");
  auto text = [&](std::string_view key) {
    const json::value* x = v->get_object().if_contains(key);
    if (x && !x->is_string() && !x->is_null()) parent.Add("address." + std::string(key), "a string");
    return x && x->is_string() ? std::string(x->get_string()) : std::string();
  };
  Address a{.name = text("name"), .line1 = text("line1"), .line2 = text("line2"), .city = text("city"), .region = text("region"),
            .postal_code = text("postal_code"), .country = text("country"), .phone = text("phone")};
  return a;
}

}  // namespace

core::Result<PlaceCommand> ParsePlace(const http::Request& req) {
  TRY(body, http::ObjectBody(req, {"cart_version", "expected_total", "email", "address_id", "address", "shipping_method", "payment_method", "locale"}));
  http::Fields f(body);
  PlaceCommand cmd;
  auto version = f.Int("cart_version", true, 0, INT64_MAX);
  auto total = f.Int("expected_total", false, 0, INT64_MAX);
  auto email = f.String("email", false, 3, 254);
  auto address_id = f.String("address_id", false, 1, 64);
  auto method = f.String("shipping_method", true, 1, 32);
  auto payment = f.String("payment_method", true, 1, 32);
  auto locale = f.String("locale", false, 2, 35);
  if (email && (email->find('@') == std::string::npos || email->find_first_of(" \t\r\n<>") != std::string::npos))
    f.Add("email", "an email address");
  cmd.address = ParseAddress(f, body);
  if (cmd.address && address_id) f.Add("address", "give an address or an address_id, not both");
  TRY_STATUS(f.Check());
  cmd.cart_version = *version;
  cmd.expected_total = total;
  cmd.email = email;
  cmd.address_id = address_id;
  cmd.shipping_method = *method;
  cmd.payment_method = *payment;
  if (locale) cmd.locale = *locale;
  return cmd;
}

json::object OrderJson(const Order& o, const std::string& guest_token) {
  json::array history;
  for (const auto& h : o.history)
    history.push_back(json::object{{"status", h.status}, {"reason", h.reason}, {"at", Time(h.at)}});
  json::value failed = nullptr;
  if (!o.failed_lines.empty()) {
    boost::system::error_code ec;
    failed = json::parse(o.failed_lines, ec);
    if (ec) failed = nullptr;
  }
  json::object payment{{"method", o.payment_method}, {"id", o.payment_id.empty() ? json::value(nullptr) : json::value(o.payment_id)}};
  if (!o.card_brand.empty()) payment["card"] = json::object{{"brand", o.card_brand}, {"last4", o.card_last4}};
  if (!o.payment_id.empty() && o.status == Status::confirmed && o.payment_method != "cash_on_delivery")
    payment["receipt_url"] = "/api/payment/v1/payments/intents/" + o.payment_id + "/receipt";
  json::object out{{"id", o.id},
                   {"number", o.number},
                   {"status", StatusName(o.status)},
                   {"status_reason", o.status_reason},
                   {"customer_id", o.customer_id ? json::value(*o.customer_id) : json::value(nullptr)},
                   {"email", o.email},
                   {"name", o.name},
                   {"lines", LinesOut(o.lines, o.currency)},
                   {"totals", TotalsOut(o.totals, o.currency, o.prices_include_tax)},
                   {"shipping_method", json::object{{"code", o.shipping_method}, {"name", o.shipping_name}}},
                   {"shipping_address", AddressOut(o.address)},
                   {"payment", std::move(payment)},
                   {"unavailable_lines", std::move(failed)},
                   {"next_action", NextAction(o)},
                   {"history", std::move(history)},
                   {"expires_at", Time(o.expires_at)},
                   {"created_at", Time(o.created_at)},
                   {"updated_at", Time(o.updated_at)}};
  if (!guest_token.empty()) out["guest_token"] = guest_token;
  return out;
}

json::object OrderSummaryJson(const Order& o) {
  json::array lines;
  for (const auto& l : o.lines) lines.push_back(json::object{{"sku", l.sku}, {"title", l.title}, {"quantity", l.quantity}});
  return {{"id", o.id},
          {"number", o.number},
          {"status", StatusName(o.status)},
          {"total", Money(o.totals.total, o.currency)},
          {"lines", std::move(lines)},
          {"created_at", Time(o.created_at)}};
}

json::object OptionsJson(const CheckoutOptions& c, const CheckoutSettings& s) {
  json::array addresses;
  for (const auto& [id, a] : c.addresses) {
    json::object o = AddressOut(a);
    o["id"] = id;
    addresses.push_back(std::move(o));
  }
  json::array shipping;
  for (const auto& q : c.shipping)
    shipping.push_back(json::object{{"code", q.method->code},
                                    {"name", q.method->name},
                                    {"price", Money(q.price, s.currency)},
                                    {"min_days", q.method->min_days},
                                    {"max_days", q.method->max_days},
                                    {"free_above", q.method->free_above ? json::value(Money(*q.method->free_above, s.currency)) : json::value(nullptr)}});
  json::array payments;
  for (const auto& m : s.payment_methods) payments.push_back(json::value(m));
  json::array countries;
  for (const auto& country : s.shipping.countries) countries.push_back(json::value(country));
  return {{"cart_version", c.cart.version},
          {"country", c.country},
          {"countries", std::move(countries)},
          {"addresses", std::move(addresses)},
          {"lines", LinesOut(c.lines, s.currency)},
          {"shipping_methods", std::move(shipping)},
          {"shipping_method", c.shipping_method ? json::value(*c.shipping_method) : json::value(nullptr)},
          {"payment_methods", std::move(payments)},
          {"totals", TotalsOut(c.totals, s.currency, s.tax.prices_include_tax)}};
}

}  // namespace store::order
