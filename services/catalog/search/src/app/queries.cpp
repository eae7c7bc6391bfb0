#include "app/queries.hpp"

namespace store::search {
namespace json = boost::json;
using boost::asio::awaitable;

SearchQueries::SearchQueries(SearchEngine& engine, QueryLog* query_log, metrics::Registry& registry)
    : engine_(engine),
      query_log_(query_log),
      zero_counter_(registry.GetCounter("search_zero_results_total", "Searches with a query that found nothing")),
      engine_errors_(registry.GetCounter("search_opensearch_errors_total", "Search API calls to OpenSearch that failed")),
      zero_store_errors_(registry.GetCounter("search_zero_results_store_errors_total",
                                             "Zero-result queries that could not be recorded in Redis")) {}

core::Error SearchQueries::EngineFailed(std::string_view what, const core::Error& error, const log::Context* ctx) {
  engine_errors_.Inc();
  log::Warn(std::string(what) + ": OpenSearch failed", {{"error", error.message}}, ctx);
  return core::Error::Unavailable(std::string(what) + " is unavailable");
}

awaitable<core::Result<json::object>> SearchQueries::Search(const SearchRequest& request, const log::Context* ctx) {
  auto searched = engine_.Search(request, ctx);
  auto result = co_await std::move(searched);
  if (!result) co_return std::unexpected(EngineFailed("search", result.error(), ctx));
  const bool found_nothing = result->at("total").as_int64() == 0;
  if (!request.q.empty() && query_log_) {
    auto counted = query_log_->Count(NormalizeQuery(request.q), found_nothing, ctx);
    if (auto st = co_await std::move(counted); !st) {
      zero_store_errors_.Inc();
      log::Warn("search: the query was not counted", {{"error", st.error().message}}, ctx);
    }
  }
  if (found_nothing && !request.q.empty()) {
    zero_counter_.Inc();
    json::value suggestion = nullptr;
    auto asked = engine_.DidYouMean(request.q, ctx);
    auto dym = co_await std::move(asked);
    if (!dym) engine_errors_.Inc();  // the answer still goes out, without a suggestion
    else if (*dym && NormalizeQuery(**dym) != NormalizeQuery(request.q)) suggestion = json::string(**dym);
    (*result)["did_you_mean"] = std::move(suggestion);
  }
  co_return result;
}

awaitable<core::Result<json::object>> SearchQueries::Suggest(const SuggestRequest& request, const log::Context* ctx) {
  auto suggested = engine_.Suggest(request, ctx);
  auto result = co_await std::move(suggested);
  if (!result) co_return std::unexpected(EngineFailed("suggest", result.error(), ctx));
  co_return result;
}

awaitable<core::Result<std::vector<QueryCount>>> SearchQueries::TopQueries(bool found_nothing, int limit) {
  if (!query_log_) co_return std::unexpected(core::Error::Unavailable("queries are not counted here"));
  auto top = query_log_->Top(found_nothing, limit);
  co_return co_await std::move(top);
}

}  // namespace store::search
