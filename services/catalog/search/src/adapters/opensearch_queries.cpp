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
  auto lines = AddLines(*result, ctx);
  co_await std::move(lines);
  co_return result;
}

// Without its swatches (OpenSearch failed for them) a page is still right, only without the
// other versions; Redis failing only costs the OpenSearch request.
awaitable<void> OpenSearchQueries::AddLines(json::object& result, const log::Context* ctx) {
  const auto wanted = LinesOf(result);
  if (wanted.empty()) co_return;
  std::map<std::string, json::object, std::less<>> found;
  std::vector<std::string> missing;
  if (cache_) {
    cache::Command mget{"MGET"};
    for (const auto& l : wanted) mget.push_back(lines_prefix_ + l);
    auto run = cache_->Run(std::move(mget));
    auto cached = co_await std::move(run);
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      const cache::Reply* r = cached && i < cached->elements.size() ? &cached->elements[i] : nullptr;
      if (!r || r->type != cache::Reply::Type::string) {
        missing.push_back(wanted[i]);
        continue;
      }
      boost::system::error_code ec;
      auto v = json::parse(r->str, ec);
      if (ec || !v.is_object()) missing.push_back(wanted[i]);
      else if (!v.as_object().empty()) found.emplace(wanted[i], std::move(v.as_object()));  // {}: a line of one
    }
  } else {
    missing = wanted;
  }
  if (!missing.empty()) {
    auto call = SearchCall(BuildLines(missing), ctx);
    auto answer = co_await std::move(call);
    if (!answer) {
      ApplyLines(result, found);
      co_return;
    }
    auto fresh = ParseLines(*answer);
    if (cache_) {
      std::vector<cache::Command> sets;
      const auto ttl = std::to_string(std::chrono::milliseconds(kLinesTtl).count());
      for (const auto& l : missing) {
        auto it = fresh.find(l);
        sets.push_back({"SET", lines_prefix_ + l, it == fresh.end() ? std::string("{}") : json::serialize(it->second), "PX", ttl});
      }
      auto pipeline = cache_->Pipeline(std::move(sets));
      (void)co_await std::move(pipeline);
    }
    found.merge(fresh);
  }
  ApplyLines(result, found);
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
