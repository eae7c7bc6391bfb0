#include "http/routes.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "app/media.hpp"
#include "store/log/log.hpp"

namespace store::catalog {

namespace json = boost::json;
using boost::asio::awaitable;
using core::Errc;
using core::Error;
using http::Request;
using http::Response;

std::string PageKey(const HttpDeps& deps, std::string_view id_or_slug) {
  return deps.cache_prefix + "page:" + std::string(id_or_slug);
}

namespace {

awaitable<void> DeleteKeysLater(cache::Cache& cache, std::vector<std::string> keys, std::chrono::milliseconds after) {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, after);
  co_await timer.async_wait(boost::asio::use_awaitable);
  std::vector<cache::Command> dels;
  for (auto& k : keys) dels.push_back({"DEL", k});
  auto r = co_await cache.Pipeline(std::move(dels));
  if (!r) log::Warn("page cache invalidation failed", {{"error", r.error().message}});
}

core::Result<json::object> BodyObject(const Request& req) {
  auto v = req.Json();
  if (!v) return std::unexpected(v.error());
  if (!v->is_object()) return std::unexpected(Error::Invalid("the body must be a JSON object"));
  return std::move(v->as_object());
}

// If-Match: "7" / W/"7" -> 7; a value that is not a version never matches (-1); absent or * -> nullopt.
std::optional<std::int64_t> IfMatch(const Request& req) {
  std::string_view h = req.Header("If-Match");
  if (h.empty() || h == "*") return std::nullopt;
  if (h.starts_with("W/")) h.remove_prefix(2);
  if (h.size() >= 2 && h.front() == '"' && h.back() == '"') h = h.substr(1, h.size() - 2);
  std::int64_t v = -1;
  auto [p, ec] = std::from_chars(h.data(), h.data() + h.size(), v);
  if (ec != std::errc() || p != h.data() + h.size()) return -1;
  return v;
}

std::string ETagOf(std::int64_t version) { return "\"" + std::to_string(version) + "\""; }

core::Result<std::int64_t> QueryInt(const Request& req, std::string_view name, std::int64_t def) {
  auto q = req.Query(name);
  if (!q) return def;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(q->data(), q->data() + q->size(), v);
  if (ec != std::errc() || p != q->data() + q->size())
    return std::unexpected(Error::Invalid("invalid query parameter", {{std::string(name), "must be an integer"}}));
  return v;
}

core::Result<std::int64_t> PathInt(const Request& req, std::string_view name) {
  auto s = req.PathParam(name);
  std::int64_t v = 0;
  if (!s) return std::unexpected(Error::NotFound("not found"));
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc() || p != s->data() + s->size() || v < 1) return std::unexpected(Error::NotFound("not found"));
  return v;
}

Response JsonWithETag(int status, const json::object& body, std::int64_t version) {
  auto res = Response::Json(status, body);
  res.SetHeader("ETag", ETagOf(version));
  return res;
}

std::int64_t PageVersion(const json::object& page) { return page.at("product").at("version").as_int64(); }

core::Result<ReserveRequest> ParseReserve(const json::object& body) {
  ReserveRequest req;
  std::vector<core::FieldError> errors;
  if (auto* o = body.if_contains("order_id"); o && o->is_string()) req.order_id = std::string(o->as_string());
  else errors.push_back({"order_id", "is required (a string)"});
  if (auto* t = body.if_contains("ttl_seconds"); t && !t->is_null()) {
    if (t->is_int64()) req.ttl = std::chrono::seconds(t->as_int64());
    else errors.push_back({"ttl_seconds", "must be an integer"});
  }
  auto* lines = body.if_contains("lines");
  if (!lines || !lines->is_array()) errors.push_back({"lines", "is required (an array)"});
  else
    for (std::size_t i = 0; i < lines->as_array().size(); ++i) {
      const auto& l = lines->as_array()[i];
      std::string at = "lines[" + std::to_string(i) + "]";
      if (!l.is_object()) {
        errors.push_back({at, "must be an object {sku, quantity}"});
        continue;
      }
      ReserveLine line;
      if (auto* s = l.as_object().if_contains("sku"); s && s->is_string()) line.sku = std::string(s->as_string());
      else errors.push_back({at + ".sku", "is required (a string)"});
      if (auto* q = l.as_object().if_contains("quantity"); q && q->is_int64()) line.quantity = q->as_int64();
      else errors.push_back({at + ".quantity", "is required (an integer)"});
      req.lines.push_back(std::move(line));
    }
  if (!errors.empty()) return std::unexpected(Error::Invalid("invalid reservation", errors));
  return req;
}

}  // namespace

awaitable<void> InvalidatePages(HttpDeps& deps, const Changes& changes) {
  if (changes.product_ids.empty() && changes.slugs.empty()) co_return;
  std::vector<std::string> keys;
  for (const auto& id : changes.product_ids) keys.push_back(PageKey(deps, id));
  for (const auto& s : changes.slugs) keys.push_back(PageKey(deps, s));
  std::vector<cache::Command> dels;
  for (auto& k : keys) dels.push_back({"DEL", k});
  auto r = co_await deps.cache.Pipeline(std::move(dels));
  if (!r) log::Warn("page cache invalidation failed", {{"error", r.error().message}});
  boost::asio::co_spawn(co_await boost::asio::this_coro::executor,
                        DeleteKeysLater(deps.cache, std::move(keys), std::chrono::milliseconds(300)), boost::asio::detached);
}

void AddRoutes(http::Router& router, HttpDeps& d) {
  // --- public reads ------------------------------------------------------------------------------
  router.Get("/v1/categories", [&d](Request&) -> awaitable<Response> {
    auto fn = [&](db::Connection& c) { return d.catalog.CategoryTree(c); };
    CO_TRY(tree, co_await d.db.Run(fn));
    co_return Response::Json(200, json::object{{"categories", std::move(tree)}});
  });
  router.Get("/v1/categories/{slug}", [&d](Request& req) -> awaitable<Response> {
    std::string slug(*req.PathParam("slug"));
    auto fn = [&](db::Connection& c) { return d.catalog.CategoryBySlug(c, slug); };
    CO_TRY(cat, co_await d.db.Run(fn));
    co_return JsonWithETag(200, cat, cat.at("version").as_int64());
  });
  router.Get("/v1/categories/{slug}/products", [&d](Request& req) -> awaitable<Response> {
    std::string slug(*req.PathParam("slug"));
    std::string sort = req.Query("sort").value_or("newest");
    CO_TRY(page, QueryInt(req, "page", 1));
    CO_TRY(per_page, QueryInt(req, "per_page", 24));
    auto fn = [&](db::Connection& c) { return d.catalog.BrowseCategory(c, slug, sort, page, per_page); };
    CO_TRY(out, co_await d.db.Run(fn));
    co_return Response::Json(200, out);
  });
  router.Get("/v1/brands", [&d](Request&) -> awaitable<Response> {
    auto fn = [&](db::Connection& c) { return d.catalog.Brands(c); };
    CO_TRY(brands, co_await d.db.Run(fn));
    co_return Response::Json(200, json::object{{"brands", std::move(brands)}});
  });
  router.Get("/v1/product-types", [&d](Request&) -> awaitable<Response> {
    auto fn = [&](db::Connection& c) { return d.catalog.ProductTypes(c); };
    CO_TRY(types, co_await d.db.Run(fn));
    co_return Response::Json(200, json::object{{"product_types", std::move(types)}});
  });
  router.Get("/v1/products/{key}/page", [&d](Request& req) -> awaitable<Response> {
    std::string key(*req.PathParam("key"));
    std::string cache_key = PageKey(d, key);
    auto hit = co_await d.cache.Get(cache_key);
    if (hit && *hit) {
      Response res(200, std::move(**hit), "application/json");
      res.SetHeader("X-Cache", "hit");
      co_return res;
    }
    auto fn = [&](db::Connection& c) { return d.catalog.ProductPage(c, key, false); };
    CO_TRY(page, co_await d.db.Run(fn));
    std::string body = json::serialize(page);
    if (hit) {  // Redis answered: store the page (a Redis outage only costs the cache)
      auto stored = co_await d.cache.Set(cache_key, body, d.page_ttl);
      if (!stored) log::Warn("page cache write failed", {{"error", stored.error().message}}, &req.log_context());
    }
    Response res(200, std::move(body), "application/json");
    res.SetHeader("X-Cache", "miss");
    co_return res;
  });
  router.Get("/v1/skus/{sku}/stock", [&d](Request& req) -> awaitable<Response> {
    std::string sku(*req.PathParam("sku"));
    auto fn = [&](db::Connection& c) { return d.catalog.Stock(c, sku); };
    CO_TRY(stock, co_await d.db.Run(fn));
    co_return JsonWithETag(200, stock, stock.at("version").as_int64());
  });

  // --- reservations (service to service) ---------------------------------------------------------
  router.Post("/v1/reservations", [&d](Request& req) -> awaitable<Response> {
    CO_TRY(body, BodyObject(req));
    CO_TRY(request, ParseReserve(body));
    auto trace = std::optional<log::TraceContext>(req.trace());
    auto fn = [&](db::Connection& c) { return d.catalog.Reserve(c, request, trace); };
    auto done = co_await d.db.Transaction(fn);
    if (!done && done.error().code == Errc::conflict) {
      // A concurrent request for the same order won the insert: answer what it reserved.
      done = co_await d.db.Transaction(fn);
    }
    CO_TRY(out, std::move(done));
    co_await InvalidatePages(d, out.changes);
    const auto& o = out.value;
    if (o.reserved) co_return Response::Json(o.created ? 201 : 200, o.reservation);
    if (o.failure_reason == "released")
      co_return Error{Errc::conflict, "the reservation of this order was released"};
    std::vector<core::FieldError> fields;
    for (const auto& l : o.failed_lines) {
      const auto& lo = l.as_object();
      fields.push_back({"lines." + std::string(lo.at("sku").as_string()),
                        o.failure_reason == "unknown_sku"
                            ? std::string("no such SKU")
                            : "requested " + std::to_string(lo.at("requested").as_int64()) + ", available " +
                                  std::to_string(lo.at("available").as_int64())});
    }
    if (o.failure_reason == "unknown_sku") co_return Error{Errc::unprocessable, "unknown SKU", fields};
    co_return Error{Errc::conflict, "insufficient stock: nothing was reserved", fields};
  });
  router.Get("/v1/reservations/{order_id}", [&d](Request& req) -> awaitable<Response> {
    std::string order_id(*req.PathParam("order_id"));
    auto fn = [&](db::Connection& c) { return d.catalog.Reservation(c, order_id); };
    CO_TRY(out, co_await d.db.Run(fn));
    co_return Response::Json(200, out);
  });
  router.Post("/v1/reservations/{order_id}/commit", [&d](Request& req) -> awaitable<Response> {
    std::string order_id(*req.PathParam("order_id"));
    auto trace = std::optional<log::TraceContext>(req.trace());
    auto fn = [&](db::Connection& c) { return d.catalog.CommitReservation(c, order_id, trace); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_await InvalidatePages(d, out.changes);
    co_return Response::Json(200, out.value);
  });
  router.Post("/v1/reservations/{order_id}/release", [&d](Request& req) -> awaitable<Response> {
    std::string order_id(*req.PathParam("order_id"));
    auto trace = std::optional<log::TraceContext>(req.trace());
    std::string reason = "released";
    auto fn = [&](db::Connection& c) { return d.catalog.ReleaseReservation(c, order_id, reason, trace); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_await InvalidatePages(d, out.changes);
    co_return Response::Json(200, out.value);
  });

  // --- admin -----------------------------------------------------------------------------------------
  router.Post("/v1/admin/categories", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    CO_TRY(body, BodyObject(req));
    auto fn = [&](db::Connection& c) { return d.catalog.CreateCategory(c, body); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_return JsonWithETag(201, out.value, out.value.at("version").as_int64());
  });
  router.Patch("/v1/admin/categories/{id}", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    CO_TRY(id, PathInt(req, "id"));
    CO_TRY(body, BodyObject(req));
    auto if_match = IfMatch(req);
    auto fn = [&](db::Connection& c) { return d.catalog.UpdateCategory(c, id, body, if_match); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_await InvalidatePages(d, out.changes);
    co_return JsonWithETag(200, out.value, out.value.at("version").as_int64());
  });
  router.Delete("/v1/admin/categories/{id}", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    CO_TRY(id, PathInt(req, "id"));
    auto fn = [&](db::Connection& c) { return d.catalog.DeleteCategory(c, id); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_return Response::Empty(204);
  });
  router.Post("/v1/admin/product-types", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    CO_TRY(body, BodyObject(req));
    auto fn = [&](db::Connection& c) { return d.catalog.CreateProductType(c, body); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_return Response::Json(201, out);
  });
  router.Post("/v1/admin/products", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    CO_TRY(body, BodyObject(req));
    auto trace = std::optional<log::TraceContext>(req.trace());
    auto fn = [&](db::Connection& c) { return d.catalog.CreateProduct(c, body, trace); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_return JsonWithETag(201, out.value, PageVersion(out.value));
  });
  router.Get("/v1/admin/products/{id}", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    std::string id(*req.PathParam("id"));
    auto fn = [&](db::Connection& c) { return d.catalog.ProductPage(c, id, true); };
    CO_TRY(page, co_await d.db.Run(fn));
    co_return JsonWithETag(200, page, PageVersion(page));
  });
  router.Patch("/v1/admin/products/{id}", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    std::string id(*req.PathParam("id"));
    CO_TRY(body, BodyObject(req));
    auto if_match = IfMatch(req);
    if (!if_match && !body.contains("version"))
      co_return Error::Invalid("a version is required", {{"If-Match", "send If-Match with the ETag, or a version field"}});
    auto trace = std::optional<log::TraceContext>(req.trace());
    auto fn = [&](db::Connection& c) { return d.catalog.UpdateProduct(c, id, body, if_match, trace); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_await InvalidatePages(d, out.changes);
    co_return JsonWithETag(200, out.value, PageVersion(out.value));
  });
  router.Post("/v1/admin/products/{id}/archive", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    std::string id(*req.PathParam("id"));
    auto if_match = IfMatch(req);
    auto trace = std::optional<log::TraceContext>(req.trace());
    auto fn = [&](db::Connection& c) { return d.catalog.ArchiveProduct(c, id, if_match, trace); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_await InvalidatePages(d, out.changes);
    co_return JsonWithETag(200, out.value, PageVersion(out.value));
  });
  router.Post("/v1/admin/products/{id}/variants", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    std::string id(*req.PathParam("id"));
    CO_TRY(body, BodyObject(req));
    auto if_match = IfMatch(req);
    auto trace = std::optional<log::TraceContext>(req.trace());
    auto fn = [&](db::Connection& c) { return d.catalog.AddVariant(c, id, body, if_match, trace); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_await InvalidatePages(d, out.changes);
    co_return JsonWithETag(201, out.value, PageVersion(out.value));
  });
  router.Patch("/v1/admin/variants/{sku}", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    std::string sku(*req.PathParam("sku"));
    CO_TRY(body, BodyObject(req));
    auto if_match = IfMatch(req);
    auto trace = std::optional<log::TraceContext>(req.trace());
    auto fn = [&](db::Connection& c) { return d.catalog.UpdateVariant(c, sku, body, if_match, trace); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_await InvalidatePages(d, out.changes);
    co_return JsonWithETag(200, out.value, PageVersion(out.value));
  });
  router.Put("/v1/admin/skus/{sku}/stock", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    std::string sku(*req.PathParam("sku"));
    CO_TRY(body, BodyObject(req));
    auto if_match = IfMatch(req);
    auto trace = std::optional<log::TraceContext>(req.trace());
    auto fn = [&](db::Connection& c) { return d.catalog.SetStock(c, sku, body, if_match, trace); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    co_await InvalidatePages(d, out.changes);
    co_return JsonWithETag(200, out.value, out.value.at("version").as_int64());
  });
  router.Post("/v1/admin/products/{id}/images", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    std::string id(*req.PathParam("id"));
    std::string alt = req.Query("alt").value_or("");
    if (alt.size() > 300) co_return Error::Invalid("invalid image", {{"alt", "must be at most 300 characters"}});
    if (static_cast<std::int64_t>(req.body().size()) > d.image_max_bytes)
      co_return Error{Errc::payload_too_large, "the image is larger than " + std::to_string(d.image_max_bytes) + " bytes"};
    if (req.body().empty()) co_return Error::Invalid("the body must be the image's bytes", {{"image", "is empty"}});
    auto exists = [&](db::Connection& c) { return c.QueryOne("SELECT id FROM products WHERE id = ?", id); };
    CO_TRY(row, co_await d.db.Run(exists));
    if (!row) co_return Error::NotFound("no such product");
    auto work = [&]() { return StoreProductImage(d.media_dir, id, req.body(), d.catalog.settings().renditions); };
    CO_TRY(stored, co_await d.cpu.Run(work));
    auto trace = std::optional<log::TraceContext>(req.trace());
    auto fn = [&](db::Connection& c) { return d.catalog.AddImage(c, id, stored.path, stored.width, stored.height, alt, trace); };
    auto out = co_await d.db.Transaction(fn);
    if (!out) {
      RemoveImageFiles(d.media_dir, stored.path, d.catalog.settings().renditions);
      co_return out.error();
    }
    co_await InvalidatePages(d, out->changes);
    co_return Response::Json(201, out->value);
  });
  router.Delete("/v1/admin/products/{id}/images/{image_id}", [&d](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await d.admin(req));
    std::string id(*req.PathParam("id"));
    CO_TRY(image_id, PathInt(req, "image_id"));
    auto trace = std::optional<log::TraceContext>(req.trace());
    auto fn = [&](db::Connection& c) { return d.catalog.RemoveImage(c, id, image_id, trace); };
    CO_TRY(out, co_await d.db.Transaction(fn));
    RemoveImageFiles(d.media_dir, out.value, d.catalog.settings().renditions);
    co_await InvalidatePages(d, out.changes);
    co_return Response::Empty(204);
  });
}

}  // namespace store::catalog
