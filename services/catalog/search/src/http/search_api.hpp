// The query API (routes under /v1, the gateway maps /api/catalog/v1/search* and
// /api/catalog/v1/suggest here):
//   GET /v1/search   full-text search with filters, facet counts, sort, pages, highlights and a
//                    "did you mean" on zero results
//   GET /v1/suggest  autocomplete: products (titles), brands and categories for a prefix
// The query string becomes a typed request (app/search_request.hpp: bad input -> 400
// problem+json with one error per field) for the use cases of app/queries.hpp (the engine down
// or failing -> 503 problem+json: never a crash, never a 500 for a dependency).
#pragma once

#include <boost/asio/awaitable.hpp>

#include "app/queries.hpp"
#include "app/search_request.hpp"
#include "store/http/router.hpp"

namespace store::search {

class SearchApi {
 public:
  SearchApi(SearchQueries& queries, Limits limits) : queries_(queries), limits_(limits) {}

  void AddRoutes(http::Router& router);

  boost::asio::awaitable<http::Response> Search(http::Request& req);
  boost::asio::awaitable<http::Response> Suggest(http::Request& req);

 private:
  SearchQueries& queries_;
  Limits limits_;
};

}  // namespace store::search
