#include "adapters/opensearch_queries.hpp"

#include "adapters/opensearch_json.hpp"
#include "store/core/text.hpp"

namespace store::search {
namespace json = boost::json;
using boost::asio::awaitable;

awaitable<core::Result<json::value>> OpenSearchQueries::SearchCall(json::object body, const log::Context* ctx) {
  auto call = os_.Call(http::Verb::post, "/" + alias_ + "/_search", json::serialize(body), ctx);
  auto answer = co_await std::move(call);
  if (!answer) co_return std::unexpected(core::Error::Unavailable(answer.error().message));
  if (answer->status != 200)
    co_return std::unexpected(core::Error::Unavailable(
        "OpenSearch answered " + std::to_string(answer->status) + ": " + core::TruncateUtf8(answer->text, 300)));
  co_return std::move(answer->body);
}

awaitable<core::Result<json::object>> OpenSearchQueries::Search(const SearchRequest& request, const log::Context* ctx) {
  auto call = SearchCall(BuildSearch(request), ctx);
  auto answer = co_await std::move(call);
  if (!answer) co_return std::unexpected(answer.error());
  auto result = ParseSearch(*answer, request);
  if (!result) co_return std::unexpected(core::Error::Unavailable("an unreadable search answer: " + result.error().message));
  co_return result;
}

awaitable<core::Result<std::optional<std::string>>> OpenSearchQueries::DidYouMean(const std::string& q, const log::Context* ctx) {
  auto call = SearchCall(BuildDidYouMean(q), ctx);
  auto answer = co_await std::move(call);
  if (!answer) co_return std::unexpected(answer.error());
  co_return ParseDidYouMean(*answer);
}

awaitable<core::Result<json::object>> OpenSearchQueries::Suggest(const SuggestRequest& request, const log::Context* ctx) {
  auto call = SearchCall(BuildSuggest(request), ctx);
  auto answer = co_await std::move(call);
  if (!answer) co_return std::unexpected(answer.error());
  auto result = ParseSuggest(*answer, request);
  if (!result) co_return std::unexpected(core::Error::Unavailable("an unreadable suggest answer: " + result.error().message));
  co_return result;
}

}  // namespace store::search
