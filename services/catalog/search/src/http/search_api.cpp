#include "http/search_api.hpp"

#include "adapters/opensearch_json.hpp"
#include "store/log/log.hpp"
#include "store/core/text.hpp"

namespace store::search {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

// A failed OpenSearch call as the client sees it: 503 (a timeout too: the dependency is the
// problem, and the client should retry later).
core::Error Unavailable(std::string_view what) { return core::Error::Unavailable(std::string(what)); }

}  // namespace

SearchApi::SearchApi(OpenSearchClient& os, cache::Cache* zero_results, metrics::Registry& registry, SearchApiOptions options)
    : os_(os),
      zero_results_(zero_results),
      options_(std::move(options)),
      zero_counter_(registry.GetCounter("search_zero_results_total", "Searches with a query that found nothing")),
      os_errors_(registry.GetCounter("search_opensearch_errors_total", "Search API calls to OpenSearch that failed")),
      zero_store_errors_(registry.GetCounter("search_zero_results_store_errors_total",
                                             "Zero-result queries that could not be recorded in Redis")) {}

void SearchApi::AddRoutes(http::Router& router) {
  router.Get("/v1/search", [this](http::Request& req) { return Search(req); });
  router.Get("/v1/suggest", [this](http::Request& req) { return Suggest(req); });
}

awaitable<http::Response> SearchApi::Search(http::Request& req) {
  auto params = ParseQueryString(req.target());
  if (!params) co_return params.error();
  auto request = ParseSearchRequest(*params, options_.limits);
  if (!request) co_return request.error();

  auto body = json::serialize(BuildSearch(*request));
  auto call = os_.Call(http::Verb::post, "/" + options_.alias + "/_search", std::move(body), &req.log_context());
  auto answer = co_await std::move(call);
  if (!answer || answer->status != 200) {
    os_errors_.Inc();
    log::Warn("search: OpenSearch failed",
              {{"error", answer ? core::TruncateUtf8(answer->text, 300) : answer.error().message}}, &req.log_context());
    co_return Unavailable("search is unavailable");
  }
  auto result = ParseSearch(answer->body, *request);
  if (!result) {
    os_errors_.Inc();
    co_return Unavailable("search is unavailable");
  }
  if (result->at("total").as_int64() == 0 && !request->q.empty()) {
    auto count = CountZeroResult(request->q, &req.log_context());
    co_await std::move(count);
    json::value suggestion = nullptr;
    auto dym_call = os_.Call(http::Verb::post, "/" + options_.alias + "/_search",
                             json::serialize(BuildDidYouMean(request->q)), &req.log_context());
    auto dym = co_await std::move(dym_call);
    if (dym && dym->status == 200) {
      if (auto text = ParseDidYouMean(dym->body); text && NormalizeQuery(*text) != NormalizeQuery(request->q))
        suggestion = json::string(*text);
    } else {
      os_errors_.Inc();  // the answer still goes out, without a suggestion
    }
    (*result)["did_you_mean"] = std::move(suggestion);
  }
  co_return http::Response::Json(200, *result);
}

awaitable<http::Response> SearchApi::Suggest(http::Request& req) {
  auto params = ParseQueryString(req.target());
  if (!params) co_return params.error();
  auto request = ParseSuggestRequest(*params, options_.limits);
  if (!request) co_return request.error();
  auto call = os_.Call(http::Verb::post, "/" + options_.alias + "/_search", json::serialize(BuildSuggest(*request)),
                       &req.log_context());
  auto answer = co_await std::move(call);
  if (!answer || answer->status != 200) {
    os_errors_.Inc();
    log::Warn("suggest: OpenSearch failed",
              {{"error", answer ? core::TruncateUtf8(answer->text, 300) : answer.error().message}}, &req.log_context());
    co_return Unavailable("suggestions are unavailable");
  }
  auto result = ParseSuggest(answer->body, *request);
  if (!result) co_return Unavailable("suggestions are unavailable");
  co_return http::Response::Json(200, *result);
}

awaitable<void> SearchApi::CountZeroResult(const std::string& q, const log::Context* ctx) {
  zero_counter_.Inc();
  if (!zero_results_) co_return;
  cache::Command command{"ZINCRBY", options_.zero_results_key, "1", NormalizeQuery(q)};
  auto run = zero_results_->Run(std::move(command));
  auto reply = co_await std::move(run);
  if (!reply) {
    zero_store_errors_.Inc();
    log::Warn("search: zero-result query not recorded", {{"error", reply.error().message}}, ctx);
  }
}

}  // namespace store::search
