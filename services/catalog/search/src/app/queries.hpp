// The query use cases of the search API: a search (with a "did you mean" when it finds nothing,
// its query counted among all asked and, finding nothing, among the zero-result ones), a
// suggestion, and the most frequent queries for the admin's search quality page; on the ports of app/ports.hpp. A failing engine
// is a 503 for the client (never a 500 for a dependency), logged with its cause and counted.
// Metrics: search_zero_results_total, search_opensearch_errors_total,
// search_zero_results_store_errors_total.
// Thread-safety: as its ports (the OpenSearch and Redis adapters are safe to share).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "app/ports.hpp"
#include "store/metrics/metrics.hpp"

namespace store::search {

class SearchQueries {
 public:
  // query_log: may be null (then only the metric counts).
  SearchQueries(SearchEngine& engine, QueryLog* query_log, metrics::Registry& registry);

  boost::asio::awaitable<core::Result<boost::json::object>> Search(const SearchRequest& request, const log::Context* ctx);
  boost::asio::awaitable<core::Result<boost::json::object>> Suggest(const SuggestRequest& request, const log::Context* ctx);
  // The `limit` most frequent queries (those that found nothing, or all), most first; 503 without a log.
  boost::asio::awaitable<core::Result<std::vector<QueryCount>>> TopQueries(bool found_nothing, int limit);

 private:
  // Counts and logs a failed engine call; the client's 503 ("search is unavailable").
  core::Error EngineFailed(std::string_view what, const core::Error& error, const log::Context* ctx);

  SearchEngine& engine_;
  QueryLog* query_log_;
  metrics::Counter& zero_counter_;
  metrics::Counter& engine_errors_;
  metrics::Counter& zero_store_errors_;
};

}  // namespace store::search
