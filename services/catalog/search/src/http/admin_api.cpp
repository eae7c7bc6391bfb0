#include "http/admin_api.hpp"

#include "app/search_request.hpp"
#include "store/http/fields.hpp"

namespace store::search {
namespace json = boost::json;
using boost::asio::awaitable;
using core::Error;

namespace {

json::object RulesJson(const std::vector<std::string>& rules) {
  json::array list;
  std::string text;
  for (const auto& r : rules) list.emplace_back(r), text += r + "\n";
  return {{"rules", std::move(list)}, {"text", std::move(text)}};
}

}  // namespace

void AddAdminRoutes(http::Router& router, SearchQueries& queries, SynonymStore& synonyms, auth::Guard guard) {
  router.Get("/v1/admin/search/queries", [&queries, guard](http::Request& req) -> awaitable<http::Response> {
    CO_TRY_STATUS(co_await guard(req));
    CO_TRY(params, ParseQueryString(req.target()));
    CO_TRY(asked, ParseTopQueriesRequest(params));
    CO_TRY(top, co_await queries.TopQueries(asked.found_nothing, asked.limit));
    json::array items;
    for (const auto& q : top) items.push_back(json::object{{"query", q.query}, {"count", q.count}});
    co_return http::Response::Json(200, json::object{{"items", std::move(items)}, {"found", asked.found_nothing ? "nothing" : "any"}});
  });
  router.Get("/v1/admin/search/synonyms", [&synonyms, guard](http::Request& req) -> awaitable<http::Response> {
    CO_TRY_STATUS(co_await guard(req));
    CO_TRY(rules, co_await synonyms.Get());
    co_return http::Response::Json(200, RulesJson(rules));
  });
  router.Put("/v1/admin/search/synonyms", [&synonyms, guard](http::Request& req) -> awaitable<http::Response> {
    CO_TRY_STATUS(co_await guard(req));
    CO_TRY(body, http::ObjectBody(req, {"text"}));
    http::Fields f(body);
    auto text = f.String("text", true, 0, 100000);
    CO_TRY_STATUS(f.Check());
    auto rules = SynonymRules(*text);
    if (rules.size() > 2000) co_return Error::Invalid("too many rules", {{"text", "at most 2000 rules"}});
    CO_TRY_STATUS(co_await synonyms.Set(rules));
    co_return http::Response::Json(200, RulesJson(rules));
  });
}

}  // namespace store::search
