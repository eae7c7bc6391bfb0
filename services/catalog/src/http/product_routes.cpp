// Product pages (cached), admin product, variant and image writes.
#include "http/commands.hpp"
#include "http/dto.hpp"
#include "http/request.hpp"
#include "http/routes.hpp"
#include "domain/text.hpp"
#include "store/http/fields.hpp"

namespace store::catalog {

namespace json = boost::json;
using boost::asio::awaitable;
using core::Errc;
using core::Error;
using http::Request;
using http::Response;

namespace {
Trace TraceOf(const Request& req) { return Trace(req.trace()); }
}  // namespace

void AddProductRoutes(http::Router& router, const HttpApi& api) {
  const auto& h = api.handlers;
  router.Get("/v1/products/{key}/page", [&h](Request& req) -> awaitable<Response> {
    GetProductPage query{std::string(*req.PathParam("key"))};
    CO_TRY(page, co_await h.product_page(query));
    Response res(200, std::move(page.body), "application/json");
    res.SetHeader("X-Cache", page.hit ? "hit" : "miss");
    co_return res;
  });

  router.Get("/v1/skus", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY(query, ParseGetOffers(req.Query("skus")));
    CO_TRY(offers, co_await h.offers(query));
    co_return Response::Json(200, OffersJson(offers, api.settings));
  });

  router.Post("/v1/admin/products", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(body, http::ObjectBody(req));
    CO_TRY(cmd, ParseCreateProduct(body, api.settings.currency));
    cmd.trace = TraceOf(req);
    CO_TRY(out, co_await h.create_product(cmd));
    co_return JsonWithETag(201, AdminProductJson(out, api.settings), out.version);
  });
  router.Get("/v1/admin/products", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(paging, QueryPaging(req, 50));
    ListProducts query{req.Query("q").value_or(""), req.Query("status").value_or(""), req.Query("category").value_or(""),
                       paging.page, paging.per_page};
    CO_TRY(out, co_await h.products(query));
    co_return Response::Json(200, ProductListJson(out, api.settings));
  });
  router.Get("/v1/admin/products/{id}", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    GetProduct query{std::string(*req.PathParam("id"))};
    CO_TRY(out, co_await h.product(query));
    co_return JsonWithETag(200, AdminProductJson(out, api.settings), out.version);
  });
  router.Patch("/v1/admin/products/{id}", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(body, http::ObjectBody(req));
    auto if_match = IfMatch(req);
    if (!if_match && !body.contains("version"))
      co_return Error::Invalid("a version is required", {{"If-Match", "send If-Match with the ETag, or a version field"}});
    CO_TRY(cmd, ParseUpdateProduct(ProductId(std::string(*req.PathParam("id"))), body));
    cmd.if_match = if_match;
    cmd.trace = TraceOf(req);
    CO_TRY(out, co_await h.update_product(cmd));
    co_return JsonWithETag(200, AdminProductJson(out, api.settings), out.version);
  });
  router.Post("/v1/admin/products/{id}/archive", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    UpdateProduct cmd;
    cmd.id = ProductId(std::string(*req.PathParam("id")));
    cmd.status = ProductStatus::archived;
    cmd.if_match = IfMatch(req);
    cmd.trace = TraceOf(req);
    CO_TRY(out, co_await h.update_product(cmd));
    co_return JsonWithETag(200, AdminProductJson(out, api.settings), out.version);
  });
  router.Post("/v1/admin/products/{id}/variants", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(body, http::ObjectBody(req));
    CO_TRY(variant, ParseNewVariant(body, api.settings.currency));
    AddVariant cmd{ProductId(std::string(*req.PathParam("id"))), std::move(variant), IfMatch(req), TraceOf(req)};
    CO_TRY(out, co_await h.add_variant(cmd));
    co_return JsonWithETag(201, AdminProductJson(out, api.settings), out.version);
  });
  router.Patch("/v1/admin/variants/{sku}", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(body, http::ObjectBody(req));
    CO_TRY(cmd, ParseUpdateVariant(Sku(std::string(*req.PathParam("sku"))), body, api.settings.currency));
    cmd.if_match = IfMatch(req);
    cmd.trace = TraceOf(req);
    CO_TRY(out, co_await h.update_variant(cmd));
    co_return JsonWithETag(200, AdminProductJson(out, api.settings), out.version);
  });
  router.Post("/v1/admin/products/{id}/images", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    std::string alt = req.Query("alt").value_or("");
    if (alt.size() > 300) co_return Error::Invalid("invalid image", {{"alt", "must be at most 300 characters"}});
    if (static_cast<std::int64_t>(req.body().size()) > api.image_max_bytes)
      co_return Error{Errc::payload_too_large, "the image is larger than " + std::to_string(api.image_max_bytes) + " bytes"};
    if (req.body().empty()) co_return Error::Invalid("the body must be the image's bytes", {{"image", "is empty"}});
    AddImage cmd{ProductId(std::string(*req.PathParam("id"))), std::string(req.body()), std::move(alt), TraceOf(req)};
    CO_TRY(out, co_await h.add_image(cmd));
    co_return Response::Json(201, ImageJson(out, api.settings));
  },
              // The one route that takes more than the server's 1 MiB, and not JSON: image bytes
              // (their type is sniffed, the declared one ignored), up to media.max_bytes.
              {.body = http::BodyKind::bytes, .body_limit = static_cast<std::size_t>(api.image_max_bytes)});
  // A description being written, as the shop will show it (the admin's live preview): the same
  // renderer and sanitizing as a saved one; nothing is stored.
  router.Post("/v1/admin/markdown", [&api](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(body, http::ObjectBody(req, {"markdown"}));
    http::Fields f(body);
    auto markdown = f.String("markdown", true, 0, 20000);
    CO_TRY_STATUS(f.Check());
    co_return Response::Json(200, json::object{{"html", RenderMarkdown(*markdown).html}});
  });
  // The shop's settings the admin's forms follow (the currency every price is in, the low-stock
  // threshold).
  router.Get("/v1/admin/settings", [&api](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    co_return Response::Json(200, json::object{{"currency", api.settings.currency}, {"low_stock_threshold", api.settings.low_stock}});
  });
  router.Delete("/v1/admin/products/{id}/images/{image_id}", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(image_id, PathInt(req, "image_id"));
    RemoveImage cmd{ProductId(std::string(*req.PathParam("id"))), ImageId(image_id), TraceOf(req)};
    CO_TRY_STATUS(co_await h.remove_image(cmd));
    co_return Response::Empty(204);
  });
}

}  // namespace store::catalog
