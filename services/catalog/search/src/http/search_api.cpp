#include "http/search_api.hpp"

namespace store::search {
using boost::asio::awaitable;

void SearchApi::AddRoutes(http::Router& router) {
  router.Get("/v1/search", [this](http::Request& req) { return Search(req); });
  router.Get("/v1/suggest", [this](http::Request& req) { return Suggest(req); });
}

awaitable<http::Response> SearchApi::Search(http::Request& req) {
  CO_TRY(params, ParseQueryString(req.target()));
  CO_TRY(request, ParseSearchRequest(params, limits_));
  CO_TRY(result, co_await queries_.Search(request, &req.log_context()));
  co_return http::Response::Json(200, result);
}

awaitable<http::Response> SearchApi::Suggest(http::Request& req) {
  CO_TRY(params, ParseQueryString(req.target()));
  CO_TRY(request, ParseSuggestRequest(params, limits_));
  CO_TRY(result, co_await queries_.Suggest(request, &req.log_context()));
  co_return http::Response::Json(200, result);
}

}  // namespace store::search
