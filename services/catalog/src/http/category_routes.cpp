// Categories, brands, product types.
#include "http/commands.hpp"
#include "http/dto.hpp"
#include "http/request.hpp"
#include "http/routes.hpp"

namespace store::catalog {

namespace json = boost::json;
using boost::asio::awaitable;
using http::Request;
using http::Response;

void AddCategoryRoutes(http::Router& router, const HttpApi& api) {
  const auto& h = api.handlers;
  router.Get("/v1/categories", [&h](Request&) -> awaitable<Response> {
    CO_TRY(tree, co_await h.category_tree());
    co_return Response::Json(200, json::object{{"categories", CategoryTreeJson(tree)}});
  });
  router.Get("/v1/categories/{slug}", [&h](Request& req) -> awaitable<Response> {
    GetCategory query{std::string(*req.PathParam("slug"))};
    CO_TRY(category, co_await h.category(query));
    co_return JsonWithETag(200, CategoryJson(category), category.category.version);
  });
  router.Get("/v1/categories/{slug}/products", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY(paging, QueryPaging(req, 24));
    BrowseCategory query{std::string(*req.PathParam("slug")), req.Query("sort").value_or("newest"), paging.page, paging.per_page};
    CO_TRY(out, co_await h.browse(query));
    co_return Response::Json(200, BrowseJson(out, api.settings));
  });
  router.Get("/v1/brands", [&h](Request&) -> awaitable<Response> {
    CO_TRY(brands, co_await h.brands());
    json::array a;
    for (const auto& b : brands) a.push_back(BrandJson(b));
    co_return Response::Json(200, json::object{{"brands", std::move(a)}});
  });
  router.Get("/v1/product-types", [&h](Request&) -> awaitable<Response> {
    CO_TRY(types, co_await h.product_types());
    json::array a;
    for (const auto& t : types) a.push_back(ProductTypeJson(t));
    co_return Response::Json(200, json::object{{"product_types", std::move(a)}});
  });

  router.Post("/v1/admin/categories", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(body, http::ObjectBody(req));
    CO_TRY(cmd, ParseCreateCategory(body));
    CO_TRY(out, co_await h.create_category(cmd));
    co_return JsonWithETag(201, CategoryJson(out), out.category.version);
  });
  router.Patch("/v1/admin/categories/{id}", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(id, PathInt(req, "id"));
    CO_TRY(body, http::ObjectBody(req));
    CO_TRY(cmd, ParseUpdateCategory(CategoryId(id), body));
    cmd.if_match = IfMatch(req);
    CO_TRY(out, co_await h.update_category(cmd));
    co_return JsonWithETag(200, CategoryJson(out), out.category.version);
  });
  router.Delete("/v1/admin/categories/{id}", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(id, PathInt(req, "id"));
    DeleteCategory cmd{CategoryId(id)};
    CO_TRY_STATUS(co_await h.delete_category(cmd));
    co_return Response::Empty(204);
  });
  router.Post("/v1/admin/product-types", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(body, http::ObjectBody(req));
    CO_TRY(cmd, ParseCreateProductType(body));
    CO_TRY(out, co_await h.create_product_type(cmd));
    co_return Response::Json(201, ProductTypeJson(out));
  });
  router.Put("/v1/admin/product-types/{code}", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(body, http::ObjectBody(req));
    CO_TRY(cmd, ParseUpdateProductType(std::string(*req.PathParam("code")), body));
    cmd.if_match = IfMatch(req);
    CO_TRY(out, co_await h.update_product_type(cmd));
    co_return JsonWithETag(200, ProductTypeJson(out), out.version);
  });
}

}  // namespace store::catalog
