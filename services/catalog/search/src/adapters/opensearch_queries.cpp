#include "adapters/opensearch_queries.hpp"

#include <fmt/format.h>

#include "adapters/opensearch_json.hpp"
#include "store/core/text.hpp"

namespace store::search {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

// An answer through `parse` (opensearch_json's), or `unavailable`: a failed call, or an answer
// the parser cannot read.
template <class Parse>
core::Result<json::object> Readable(core::Result<json::value> answer, Parse parse) {
  if (!answer) return std::unexpected(answer.error());
  auto result = parse(*answer);
  if (!result) return std::unexpected(core::Error::Unavailable(fmt::format("an unreadable OpenSearch answer: {}", result.error().message)));
  return result;
}

}  // namespace

awaitable<core::Result<json::value>> OpenSearchQueries::SearchCall(json::object body, const log::Context* ctx) {
  auto call = os_.Call(http::Verb::post, "/" + alias_ + "/_search", json::serialize(body), ctx);
  auto answer = co_await std::move(call);
  if (!answer) co_return std::unexpected(core::Error::Unavailable(answer.error().message));
  if (answer->status != 200)
    co_return std::unexpected(core::Error::Unavailable(
        fmt::format("OpenSearch answered {}: {}", answer->status, core::TruncateUtf8(answer->text, 300))));
  co_return std::move(answer->body);
}

awaitable<core::Result<json::object>> OpenSearchQueries::Search(const SearchRequest& request, const log::Context* ctx) {
  auto call = SearchCall(BuildSearch(request), ctx);
  auto answer = co_await std::move(call);
  auto result = Readable(std::move(answer), [&](const json::value& v) { return ParseSearch(v, request); });
  if (!result || request.line) co_return result;
  // The swatches: the results' model lines in one more request. Without them (it failed) the
  // results are still right, only without their other versions.
  if (auto lines_body = BuildLines(*result)) {
    auto lines_call = SearchCall(std::move(*lines_body), ctx);
    if (auto lines = co_await std::move(lines_call)) AddLines(*result, *lines);
  }
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
  co_return Readable(std::move(answer), [&](const json::value& v) { return ParseSuggest(v, request); });
}

}  // namespace store::search
