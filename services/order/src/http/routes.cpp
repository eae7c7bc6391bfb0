#include "http/routes.hpp"

#include <boost/json.hpp>

#include "http/dto.hpp"
#include "store/auth/secrets.hpp"
#include "store/core/ids.hpp"
#include "store/http/cookies.hpp"
#include "store/http/fields.hpp"

namespace store::order {
using boost::asio::awaitable;
using http::Request;
using http::Response;
namespace json = boost::json;

namespace {

struct Caller {
  Shopper shopper;
  bool staff = false;
};

// A bearer token makes the caller that customer (401 when it is not valid: never a fall-back to a
// guest); otherwise a guest, whose cart the cart_token cookie names.
awaitable<core::Result<Caller>> Who(const HttpApi& api, const Request& req) {
  Caller c;
  if (!req.Header("Authorization").empty()) {
    CO_TRY(claims, co_await api.authenticator.Authenticate(req));
    c.shopper.customer_id = claims.subject;
    c.shopper.authorization = std::string(req.Header("Authorization"));
    c.shopper.cart_id = "customer:" + claims.subject;
    c.staff = claims.HasRole("admin");
    co_return c;
  }
  if (auto token = http::TokenCookie(req, api.cart_cookie)) {
    c.shopper.cart_token = *token;
    c.shopper.cart_id = "guest:" + auth::Sha256Hex(*token);
  }
  co_return c;
}

// Whose keys an Idempotency-Key is: the customer, or the guest's cart.
std::string Scope(const Caller& c) { return c.shopper.customer_id ? "customer:" + *c.shopper.customer_id : c.shopper.cart_id; }

bool MayRead(const Caller& c, const Order& o) {
  if (c.staff) return true;
  if (c.shopper.customer_id) return o.customer_id && *o.customer_id == *c.shopper.customer_id;
  return false;
}

}  // namespace

void AddRoutes(http::Router& router, const HttpApi& api) {
  router.Get("/v1/checkout/options", [&api](Request& req) -> awaitable<Response> {
    std::string country = req.Query("country").value_or("");
    std::string method = req.Query("shipping_method").value_or("");
    if (country.size() > 2 || method.size() > 32)
      co_return Response(core::Error::Invalid("bad query", {{"country", "two letters"}, {"shipping_method", "1..32 characters"}}));
    CO_TRY(caller, co_await Who(api, req));
    CO_TRY(options, co_await api.checkout.Options(caller.shopper, country, method));
    co_return Response::Json(200, OptionsJson(options, api.checkout.settings()));
  });

  router.Post("/v1/orders", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await Who(api, req));
    if (!caller.shopper.customer_id && caller.shopper.cart_id.empty())
      co_return Response(core::Error::Unprocessable("the cart is empty", {{"cart", "add something first"}}));
    co_return co_await api.idempotent.Run(req, Scope(caller), [&]() -> awaitable<Response> {
      CO_TRY(cmd, ParsePlace(req));
      cmd.placement_key = auth::Sha256Hex(Scope(caller) + "\n" + std::string(req.Header("Idempotency-Key")));
      CO_TRY(placed, co_await api.checkout.Place(caller.shopper, std::move(cmd)));
      Response r = Response::Json(201, OrderJson(placed.order, placed.guest_token));
      r.SetHeader("Location", "/api/order/v1/orders/" + placed.order.id);
      co_return r;
    });
  });

  router.Get("/v1/orders", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(caller, co_await Who(api, req));
    if (!caller.shopper.customer_id)
      co_return Response(core::Error{core::Errc::unauthenticated, "sign in to see your orders (guests: POST /v1/order-lookup)"});
    auto limit_text = req.Query("limit").value_or("20");
    int limit = 0;
    for (char ch : limit_text) limit = ch >= '0' && ch <= '9' && limit < 1000 ? limit * 10 + (ch - '0') : 1000;
    if (limit_text.empty() || limit < 1 || limit > 100)
      co_return Response(core::Error::Invalid("bad limit", {{"limit", "1..100"}}));
    auto cursor = req.Query("cursor");
    if (cursor && cursor->size() > 80) co_return Response(core::Error::Invalid("bad cursor", {{"cursor", "as the previous page gave it"}}));
    CO_TRY(page, co_await api.store.List(*caller.shopper.customer_id, cursor, limit));
    json::array data;
    for (const auto& o : page.orders) data.push_back(OrderSummaryJson(o));
    co_return Response::Json(200, json::object{{"data", std::move(data)}, {"next_cursor", page.next ? json::value(*page.next) : json::value(nullptr)}});
  });

  router.Get("/v1/orders/{id}", [&api](Request& req) -> awaitable<Response> {
    std::string id(req.PathParam("id").value_or(""));
    if (!core::IsUuid(id)) co_return Response(core::Error::NotFound("no such order"));
    CO_TRY(caller, co_await Who(api, req));
    CO_TRY(order, co_await api.store.Get(id));
    bool guest_ok = false;
    if (order && !caller.shopper.customer_id && !order->customer_id) {
      // A guest's order: its token (from the answer that placed it, or the confirmation email).
      std::string token(req.Header("Order-Token"));
      if (!token.empty() && token.size() <= 128) {
        CO_TRY(found, co_await api.store.FindGuest(order->number, order->email, auth::Sha256Hex(token)));
        guest_ok = found.has_value();
      }
    }
    if (!order || (!guest_ok && !MayRead(caller, *order))) co_return Response(core::Error::NotFound("no such order"));
    co_return Response::Json(200, OrderJson(*order));
  });

  router.Post("/v1/order-lookup", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(body, http::ObjectBody(req, {"number", "email", "token"}));
    http::Fields f(body);
    auto number = f.String("number", true, 1, 20);
    auto email = f.String("email", true, 3, 254);
    auto token = f.String("token", true, 1, 128);
    CO_TRY_STATUS(f.Check());
    std::string upper = *number;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (!IsOrderNumber(upper)) co_return Response(core::Error::NotFound("no such order"));
    CO_TRY(order, co_await api.store.FindGuest(upper, *email, auth::Sha256Hex(*token)));
    if (!order) co_return Response(core::Error::NotFound("no such order"));
    co_return Response::Json(200, OrderJson(*order));
  });
}

}  // namespace store::order
