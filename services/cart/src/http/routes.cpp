// GET/DELETE /v1/cart, POST /v1/cart/items, PUT/DELETE /v1/cart/items/{sku},
// POST /v1/cart/prices/acknowledge, POST /v1/cart/merge.
#include "http/routes.hpp"

#include "http/dto.hpp"
#include "store/http/fields.hpp"

namespace store::cart {
using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

// A SKU from a path parameter: 400 when it cannot be one.
core::Result<Sku> PathSku(const Request& req) {
  Sku sku(std::string(req.PathParam("sku").value_or("")));
  if (!IsSku(sku)) return core::Fail(core::Error::Invalid("not a SKU", {{"sku", "1..64 letters, digits, - _ ."}}));
  return sku;
}

// {"sku": "...", "quantity": n}: nothing else is taken (a price or a currency is a 400).
core::Result<std::pair<Sku, int>> ParseAdd(const Request& req, const Limits& limits) {
  TRY(body, http::ObjectBody(req, {"sku", "quantity"}));
  http::Fields f(body);
  auto sku = f.String("sku", true, 1, 64);
  auto quantity = f.Int("quantity", false, 1, limits.max_per_line);
  if (sku && !IsSku(Sku(*sku))) f.Add("sku", "1..64 letters, digits, - _ .");
  TRY_STATUS(f.Check());
  return std::pair{Sku(*sku), static_cast<int>(quantity.value_or(1))};
}

core::Result<int> ParseQuantity(const Request& req, const Limits& limits) {
  TRY(body, http::ObjectBody(req, {"quantity"}));
  http::Fields f(body);
  auto quantity = f.Int("quantity", true, 0, limits.max_per_line);
  TRY_STATUS(f.Check());
  return static_cast<int>(*quantity);
}

core::Result<MergeMode> ParseMergeMode(const Request& req) {
  TRY(body, http::ObjectBody(req, {"mode"}, true));
  http::Fields f(body);
  auto mode = f.String("mode", false, 1, 16);
  TRY_STATUS(f.Check());
  if (!mode || *mode == "merge") return MergeMode::merge;
  if (*mode == "replace") return MergeMode::replace;
  if (*mode == "keep") return MergeMode::keep;
  return core::Fail(core::Error::Invalid("unknown merge mode", {{"mode", "one of merge, replace, keep"}}));
}

// A change's answer: the cart, and for a guest the cookie that names it (set, or refreshed: the
// guest cart lives guest_ttl after its last change).
Response Changed(const HttpApi& api, const Owner& who, const CartView& view) {
  Response r = Response::Json(200, CartJson(view, api.carts.limits()));
  api.owner.Remember(who, r);
  return r;
}

}  // namespace

void AddRoutes(http::Router& router, const HttpApi& api) {
  router.Get("/v1/cart", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(who, co_await api.owner.ForRead(req));
    if (!who) co_return Response::Json(200, CartJson(CartView{}, api.carts.limits()));  // no cart yet
    CO_TRY(view, co_await api.carts.View(who->key));
    co_return Response::Json(200, CartJson(view, api.carts.limits()));
  });
  router.Delete("/v1/cart", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(who, co_await api.owner.ForChange(req));
    CO_TRY(view, co_await api.carts.Clear(who.key));
    co_return Changed(api, who, view);
  });
  router.Post("/v1/cart/items", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(line, ParseAdd(req, api.carts.limits()));
    CO_TRY(who, co_await api.owner.ForChange(req));
    CO_TRY(view, co_await api.carts.Add(who.key, line.first, line.second));
    co_return Changed(api, who, view);
  });
  router.Put("/v1/cart/items/{sku}", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(sku, PathSku(req));
    CO_TRY(quantity, ParseQuantity(req, api.carts.limits()));
    CO_TRY(who, co_await api.owner.ForChange(req));
    CO_TRY(view, co_await api.carts.SetQuantity(who.key, sku, quantity));
    co_return Changed(api, who, view);
  });
  router.Delete("/v1/cart/items/{sku}", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(sku, PathSku(req));
    CO_TRY(who, co_await api.owner.ForChange(req));
    CO_TRY(view, co_await api.carts.Remove(who.key, sku));
    co_return Changed(api, who, view);
  });
  router.Post("/v1/cart/prices/acknowledge", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(who, co_await api.owner.ForChange(req));
    CO_TRY(view, co_await api.carts.AcknowledgePrices(who.key));
    co_return Changed(api, who, view);
  });
  // After login: the guest cart of the cookie into the caller's customer cart; the cookie is
  // cleared (the guest cart is gone). Without a guest cookie: the customer's cart, nothing merged.
  router.Post("/v1/cart/merge", [&api](Request& req) -> awaitable<Response> {
    CO_TRY(mode, ParseMergeMode(req));
    CO_TRY(who, co_await api.owner.ForMerge(req));
    const auto& limits = api.carts.limits();
    if (!who.second) {
      CO_TRY(view, co_await api.carts.View(who.first));
      co_return Response::Json(200, MergeJson(MergeResult{std::move(view), {}}, limits));
    }
    CO_TRY(merged, co_await api.carts.Merge(*who.second, who.first, mode));
    Response r = Response::Json(200, MergeJson(merged, limits));
    api.owner.Forget(r);
    co_return r;
  });
}

}  // namespace store::cart
