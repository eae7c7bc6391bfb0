// The query API (routes under /v1, the gateway maps /api/catalog/v1/search* and
// /api/catalog/v1/suggest here):
//   GET /v1/search   full-text search with filters, facet counts, sort, pages, highlights and a
//                    "did you mean" on zero results
//   GET /v1/suggest  autocomplete: products (titles), brands and categories for a prefix
// Bad input -> 400 problem+json with one error per field; OpenSearch down or failing -> 503
// problem+json (never a crash, never a 500 for a dependency).
// Zero-result queries: counter search_zero_results_total on /metrics and ZINCRBY of the
// normalised query in the Redis sorted set zero_results.key (read by the analytics).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "adapters/opensearch_client.hpp"
#include "app/search_request.hpp"
#include "store/cache/cache.hpp"
#include "store/http/router.hpp"
#include "store/metrics/metrics.hpp"

namespace store::search {

struct SearchApiOptions {
  std::string alias = "products";
  std::string zero_results_key = "search:zero_results";  // Redis sorted set: member = query, score = count
  Limits limits;
};

class SearchApi {
 public:
  // zero_results: may be null (then only the metric counts).
  SearchApi(OpenSearchClient& os, cache::Cache* zero_results, metrics::Registry& registry, SearchApiOptions options);

  void AddRoutes(http::Router& router);

  boost::asio::awaitable<http::Response> Search(http::Request& req);
  boost::asio::awaitable<http::Response> Suggest(http::Request& req);

 private:
  boost::asio::awaitable<void> CountZeroResult(const std::string& q, const log::Context* ctx);

  OpenSearchClient& os_;
  cache::Cache* zero_results_;
  SearchApiOptions options_;
  metrics::Counter& zero_counter_;
  metrics::Counter& os_errors_;
  metrics::Counter& zero_store_errors_;
};

}  // namespace store::search
