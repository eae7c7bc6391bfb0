// Stock and reservations (service to service: the `service` role, api.service), admin stock.
#include "http/commands.hpp"
#include "http/dto.hpp"
#include "http/request.hpp"
#include "http/routes.hpp"

namespace store::catalog {

namespace json = boost::json;
using boost::asio::awaitable;
using core::Errc;
using core::Error;
using http::Request;
using http::Response;

namespace {

// A refused reservation: 409 (a field error per short line) or 422 (an unknown SKU).
Error RefusalOf(const ReserveOutcome& o) {
  if (o.released_before) return Error{Errc::conflict, "the reservation of this order was released"};
  bool unknown = o.failure == ReservationFailure::unknown_sku;
  std::vector<core::FieldError> fields;
  for (const auto& l : o.shortfalls)
    fields.push_back({"lines." + l.sku.value(), unknown ? std::string("no such SKU")
                                                        : "requested " + std::to_string(l.requested) + ", available " +
                                                              std::to_string(l.available)});
  if (unknown) return Error{Errc::unprocessable, "unknown SKU", fields};
  return Error{Errc::conflict, "insufficient stock: nothing was reserved", fields};
}

}  // namespace

void AddInventoryRoutes(http::Router& router, const HttpApi& api) {
  const auto& h = api.handlers;
  router.Get("/v1/skus/{sku}/stock", [&h](Request& req) -> awaitable<Response> {
    GetStock query{Sku(std::string(*req.PathParam("sku")))};
    CO_TRY(stock, co_await h.stock(query));
    co_return JsonWithETag(200, StockJson(stock), stock.version);
  });

  router.Post("/v1/reservations", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.service(req));
    CO_TRY(body, http::ObjectBody(req));
    CO_TRY(request, ParseReservation(body));
    ReserveStock cmd{std::move(request), Trace(req.trace())};
    CO_TRY(out, co_await h.reserve(cmd));
    if (out.reserved) co_return Response::Json(out.created ? 201 : 200, ReservationJson(*out.reservation));
    co_return RefusalOf(out);
  });
  router.Get("/v1/reservations/{order_id}", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.service(req));
    GetReservation query{OrderId(std::string(*req.PathParam("order_id")))};
    CO_TRY(out, co_await h.reservation(query));
    co_return Response::Json(200, ReservationJson(out));
  });
  router.Post("/v1/reservations/{order_id}/commit", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.service(req));
    SettleReservation cmd{OrderId(std::string(*req.PathParam("order_id"))), Settlement::commit, "committed", Trace(req.trace())};
    CO_TRY(out, co_await h.settle(cmd));
    co_return Response::Json(200, ReservationJson(out));
  });
  router.Post("/v1/reservations/{order_id}/release", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.service(req));
    SettleReservation cmd{OrderId(std::string(*req.PathParam("order_id"))), Settlement::release, "released", Trace(req.trace())};
    CO_TRY(out, co_await h.settle(cmd));
    co_return Response::Json(200, ReservationJson(out));
  });

  router.Put("/v1/admin/skus/{sku}/stock", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY(staff, co_await api.admin(req));
    CO_TRY(body, http::ObjectBody(req));
    CO_TRY(cmd, ParseSetStock(Sku(std::string(*req.PathParam("sku"))), body));
    cmd.actor = staff.subject;
    cmd.if_match = IfMatch(req);
    cmd.trace = Trace(req.trace());
    CO_TRY(out, co_await h.set_stock(cmd));
    co_return JsonWithETag(200, StockJson(out), out.version);
  });
  router.Get("/v1/admin/skus/{sku}/adjustments", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    GetAdjustments query{Sku(std::string(*req.PathParam("sku")))};
    CO_TRY(list, co_await h.adjustments(query));
    json::array items;
    for (const auto& a : list) items.push_back(AdjustmentJson(a));
    co_return Response::Json(200, json::object{{"items", std::move(items)}});
  });
  router.Get("/v1/admin/stock/low", [&api, &h](Request& req) -> awaitable<Response> {
    CO_TRY_STATUS(co_await api.admin(req));
    CO_TRY(paging, QueryPaging(req, 50));
    CO_TRY(threshold, QueryInt(req, "threshold", api.settings.low_stock));
    GetLowStock query{threshold, paging.page, paging.per_page};
    CO_TRY(page, co_await h.low_stock(query));
    co_return Response::Json(200, LowStockJson(page, query.threshold, paging.page, paging.per_page));
  });
}

}  // namespace store::catalog
