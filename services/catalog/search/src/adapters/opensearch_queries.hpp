// The SearchEngine port on OpenSearch: the query bodies and the parsing of the answers are
// opensearch_json.hpp's, the calls go through OpenSearchClient to the index alias. A collapsed
// search's swatches (its model lines' products) are kept in Redis for kLinesTtl under
// "<lines_prefix><line>", so a page whose lines were asked for recently costs one OpenSearch request,
// not two; Redis away or a miss: asked from OpenSearch. A line's swatches may so be up to kLinesTtl
// old (which versions show on a card); the product page's versions (`line=`) are always live.
// Thread-safety: as OpenSearchClient (safe to share between request handlers).
#pragma once

#include <string>

#include "adapters/opensearch_client.hpp"
#include "app/ports.hpp"
#include "store/cache/cache.hpp"

namespace store::search {

class OpenSearchQueries final : public SearchEngine {
 public:
  static constexpr std::chrono::seconds kLinesTtl{30};
  // cache: null for none (every collapsed search then asks OpenSearch for its lines).
  OpenSearchQueries(OpenSearchClient& os, std::string alias, cache::Cache* cache = nullptr, std::string lines_prefix = "")
      : os_(os), alias_(std::move(alias)), cache_(cache), lines_prefix_(std::move(lines_prefix)) {}

  boost::asio::awaitable<core::Result<boost::json::object>> Search(const SearchRequest& request,
                                                                   const log::Context* ctx) override;
  boost::asio::awaitable<core::Result<std::optional<std::string>>> DidYouMean(const std::string& q,
                                                                              const log::Context* ctx) override;
  boost::asio::awaitable<core::Result<boost::json::object>> Suggest(const SuggestRequest& request,
                                                                    const log::Context* ctx) override;

 private:
  // POST <alias>/_search; anything but a 200 is `unavailable` naming what OpenSearch said. The body
  // by value: a coroutine must not hold a reference to its caller's temporary.
  boost::asio::awaitable<core::Result<boost::json::value>> SearchCall(boost::json::object body, const log::Context* ctx);

  // The swatches of a collapsed page: from Redis, the rest from OpenSearch (then kept).
  boost::asio::awaitable<void> AddLines(boost::json::object& result, const log::Context* ctx);

  OpenSearchClient& os_;
  std::string alias_;
  cache::Cache* cache_;
  std::string lines_prefix_;
};

}  // namespace store::search
