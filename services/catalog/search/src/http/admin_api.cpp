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
    const std::string found = req.Query("found").value_or("any");
    const std::string limit_text = req.Query("limit").value_or("50");
    std::vector<core::FieldError> bad;
    if (found != "any" && found != "nothing") bad.push_back({"found", "any or nothing"});
    int limit = 0;
    if (limit_text.empty() || limit_text.size() > 3 || limit_text.find_first_not_of("0123456789") != std::string::npos ||
        (limit = std::stoi(limit_text)) < 1 || limit > 500)
      bad.push_back({"limit", "an integer 1..500"});
    if (!bad.empty()) co_return Error::Invalid("invalid query", std::move(bad));
    CO_TRY(top, co_await queries.TopQueries(found == "nothing", limit));
    json::array items;
    for (const auto& q : top) items.push_back(json::object{{"query", q.query}, {"count", q.count}});
    co_return http::Response::Json(200, json::object{{"items", std::move(items)}, {"found", found}});
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
