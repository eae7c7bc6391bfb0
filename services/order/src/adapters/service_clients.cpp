#include "adapters/service_clients.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "adapters/event_json.hpp"
#include "store/catalog_client/skus.hpp"
#include "store/core/text.hpp"

namespace store::order {
namespace json = boost::json;
using core::Errc;
using core::Error;

namespace {

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// A callee's answer that is not the expected one, as our error: 5xx -> unavailable; 401/403 ->
// the shopper's credential was refused (their 401 passed on); 4xx -> its problem's detail.
Error Unexpected(std::string_view who, const http::ClientResponse& res) {
  std::string detail;
  if (auto body = res.Json(); body && body->is_object()) detail = Str(body->get_object(), "detail");
  if (detail.empty()) detail = core::TruncateUtf8(res.body, 200);
  if (res.status >= 500) return Error::Unavailable(fmt::format("the {} answered {}", who, res.status));
  if (res.status == 401) return Error{Errc::unauthenticated, fmt::format("the {} refused the credential: {}", who, detail)};
  if (res.status == 403) return Error{Errc::forbidden, fmt::format("the {} refused: {}", who, detail)};
  if (res.status == 404) return Error::NotFound(fmt::format("the {}: {}", who, detail));
  if (res.status == 409) return Error::Conflict(fmt::format("the {}: {}", who, detail));
  if (res.status == 400 || res.status == 422) return Error::Unprocessable(fmt::format("the {}: {}", who, detail));
  return Error::Internal(fmt::format("the {} answered {}: {}", who, res.status, detail));
}

void AddShopper(http::ClientRequest& req, const Shopper& s) {
  if (!s.authorization.empty()) req.headers.emplace_back("Authorization", s.authorization);
  else if (!s.cart_token.empty()) req.headers.emplace_back("Cookie", "cart_token=" + s.cart_token);
}

}  // namespace

awaitable<core::Result<CartSnapshot>> HttpCarts::Read(const Shopper& shopper) {
  http::ClientRequest req{.method = http::Verb::get, .url = base_url_ + "/v1/cart"};
  AddShopper(req, shopper);
  CO_TRY(res, co_await client_.Send(std::move(req)));
  if (res.status != 200) co_return core::Fail(Unexpected("cart service", res));
  CO_TRY(body, res.Json());
  if (!body.is_object()) co_return core::Fail(Error::Internal("the cart service's answer is not an object"));
  const auto& o = body.get_object();
  CartSnapshot cart;
  if (const auto* v = o.if_contains("version"); v && v->is_int64()) cart.version = v->get_int64();
  if (const auto* lines = o.if_contains("lines"); lines && lines->is_array())
    for (const auto& l : lines->get_array()) {
      if (!l.is_object()) continue;
      CartLine line{Str(l.get_object(), "sku"), 0};
      if (const auto* q = l.get_object().if_contains("quantity"); q && q->is_int64()) line.quantity = q->get_int64();
      if (!line.sku.empty() && line.quantity > 0) cart.lines.push_back(std::move(line));
    }
  co_return cart;
}

awaitable<core::Result<std::vector<Offer>>> HttpCatalog::Offers(std::vector<std::string> skus) {
  CO_TRY(found, co_await catalog_client::FetchSkus(client_, base_url_, skus));
  std::vector<Offer> out;
  out.reserve(found.size());
  for (auto& s : found)
    out.push_back(Offer{.sku = std::move(s.sku),
                        .product_id = std::move(s.product_id),
                        .title = std::move(s.title),
                        .options = std::move(s.options),
                        .price = s.price_minor,
                        .currency = std::move(s.currency),
                        .sellable = s.status == "active",
                        .available = s.available});
  co_return out;
}

awaitable<core::Result<Account>> HttpAccounts::Me(const Shopper& shopper) {
  http::ClientRequest me{.method = http::Verb::get, .url = base_url_ + "/v1/me"};
  AddShopper(me, shopper);
  CO_TRY(res, co_await client_.Send(std::move(me)));
  if (res.status != 200) co_return core::Fail(Unexpected("user service", res));
  CO_TRY(body, res.Json());
  if (!body.is_object()) co_return core::Fail(Error::Internal("the user service's profile is not an object"));
  Account a{.id = Str(body.get_object(), "id"), .email = Str(body.get_object(), "email"), .name = Str(body.get_object(), "name"),
            .locale = Str(body.get_object(), "locale")};
  http::ClientRequest book{.method = http::Verb::get, .url = base_url_ + "/v1/me/addresses"};
  AddShopper(book, shopper);
  CO_TRY(listed, co_await client_.Send(std::move(book)));
  if (listed.status != 200) co_return core::Fail(Unexpected("user service", listed));
  CO_TRY(list, listed.Json());
  const json::value* addresses = list.is_object() ? list.get_object().if_contains("addresses") : nullptr;
  if (addresses && addresses->is_array()) {
    std::vector<std::pair<std::string, Address>> rest;
    for (const auto& v : addresses->get_array()) {
      if (!v.is_object()) continue;
      auto entry = std::pair{Str(v.get_object(), "id"), AddressFrom(v)};
      // postal_code is the user service's name too; the default shipping address comes first.
      const auto* def = v.get_object().if_contains("default_shipping");
      (def && def->is_bool() && def->get_bool() ? a.addresses : rest).push_back(std::move(entry));
    }
    for (auto& e : rest) a.addresses.push_back(std::move(e));
  }
  co_return a;
}

awaitable<core::Result<IntentView>> HttpPayments::CreateIntent(const Order& o) {
  json::array lines;
  for (const auto& l : o.lines)
    lines.push_back(json::object{{"name", l.title},
                                 {"sku", l.sku},
                                 {"quantity", l.quantity},
                                 {"unit_price", MoneyJson(l.unit_price, o.currency)},
                                 {"line_total", MoneyJson(l.line_total, o.currency)}});
  json::object facts{{"order_number", o.number},
                     {"email", o.email},
                     {"name", o.name},
                     {"lines", std::move(lines)},
                     {"subtotal", MoneyJson(o.totals.subtotal, o.currency)},
                     {"shipping", MoneyJson(o.totals.shipping, o.currency)},
                     {"taxes", MoneyJson(o.totals.tax, o.currency)}};
  json::object body{{"order_id", o.id},
                    {"customer_id", o.customer_id.value_or("guest-" + o.id)},
                    {"amount", MoneyJson(o.totals.total, o.currency)},
                    {"method", o.payment_method},
                    {"return_url", o.return_url + "?order=" + o.id},
                    {"order", std::move(facts)}};
  http::ClientRequest req{.method = http::Verb::post, .url = base_url_ + "/v1/payments/intents", .body = json::serialize(body),
                          .content_type = "application/json"};
  req.headers.emplace_back("Idempotency-Key", "order-" + o.id);
  if (token_) {
    CO_TRY(token, co_await token_());
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
  }
  CO_TRY(res, co_await client_.Send(std::move(req)));
  if (res.status != 200 && res.status != 201) co_return core::Fail(Unexpected("payment service", res));
  CO_TRY(answer, res.Json());
  if (!answer.is_object()) co_return core::Fail(Error::Internal("the payment service's intent is not an object"));
  const auto& i = answer.get_object();
  IntentView v{.id = Str(i, "id"), .status = Str(i, "status")};
  if (const auto* next = i.if_contains("next_action"); next && next->is_object()) v.next_action_url = Str(next->get_object(), "url");
  if (const auto* card = i.if_contains("card"); card && card->is_object()) {
    v.card_brand = Str(card->get_object(), "brand");
    v.card_last4 = Str(card->get_object(), "last4");
  }
  co_return v;
}

}  // namespace store::order
