#include "app/queries.hpp"

namespace store::search {
namespace json = boost::json;
using boost::asio::awaitable;

SearchQueries::SearchQueries(SearchEngine& engine, ZeroResultLog* zero_results, metrics::Registry& registry)
    : engine_(engine),
      zero_results_(zero_results),
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
  if (result->at("total").as_int64() == 0 && !request.q.empty()) {
    zero_counter_.Inc();
    if (zero_results_) {
      auto counted = zero_results_->Count(NormalizeQuery(request.q), ctx);
      if (auto st = co_await std::move(counted); !st) {
        zero_store_errors_.Inc();
        log::Warn("search: zero-result query not recorded", {{"error", st.error().message}}, ctx);
      }
    }
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

}  // namespace store::search
