// The SearchEngine port on OpenSearch: the query bodies and the parsing of the answers are
// opensearch_json.hpp's, the calls go through OpenSearchClient to the index alias.
// Thread-safety: as OpenSearchClient (safe to share between request handlers).
#pragma once

#include <string>

#include "adapters/opensearch_client.hpp"
#include "app/ports.hpp"

namespace store::search {

class OpenSearchQueries final : public SearchEngine {
 public:
  OpenSearchQueries(OpenSearchClient& os, std::string alias) : os_(os), alias_(std::move(alias)) {}

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

  OpenSearchClient& os_;
  std::string alias_;
};

}  // namespace store::search
