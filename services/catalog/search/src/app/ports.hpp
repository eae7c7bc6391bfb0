// What the search use cases need from the outside, implemented in adapters/: the search engine
// (OpenSearch: adapters/opensearch_queries.hpp), the log of zero-result queries (Redis:
// adapters/redis_query_log.hpp) and the product index the indexer writes (OpenSearch:
// adapters/search_index.hpp).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/search_request.hpp"
#include "store/core/result.hpp"
#include "store/log/log.hpp"

namespace store::search {

// Answers are the API's JSON views (search: items, total, facets...; suggest: products, brands,
// categories). An engine that fails or cannot be reached is `unavailable`, with the engine's
// own words in the message (for the log, never for the client). Arguments passed by reference
// must outlive the awaitable: co_await it in the statement that holds them.
class SearchEngine {
 public:
  virtual ~SearchEngine() = default;
  virtual boost::asio::awaitable<core::Result<boost::json::object>> Search(const SearchRequest& request,
                                                                           const log::Context* ctx) = 0;
  // A corrected query that finds results, if the engine has one.
  virtual boost::asio::awaitable<core::Result<std::optional<std::string>>> DidYouMean(const std::string& q,
                                                                                      const log::Context* ctx) = 0;
  virtual boost::asio::awaitable<core::Result<boost::json::object>> Suggest(const SuggestRequest& request,
                                                                            const log::Context* ctx) = 0;
};

// Counts a normalised query that found nothing (read by the analytics).
struct QueryCount {
  std::string query;  // normalised
  std::int64_t count = 0;
};

// What shoppers search for: every query asked, and those that found nothing (the admin's search
// quality page reads the most frequent of each).
class QueryLog {
 public:
  virtual ~QueryLog() = default;
  // By value: callers pass temporaries, and a coroutine outlives its caller's full-expression.
  virtual boost::asio::awaitable<core::Status> Count(std::string normalized_query, bool found_nothing, const log::Context* ctx) = 0;
  // The most frequent queries (of those that found nothing, or of all), most first.
  virtual boost::asio::awaitable<core::Result<std::vector<QueryCount>>> Top(bool found_nothing, int limit) = 0;
};

// The synonym rules of the live index (Solr format, one rule each: "phone, mobile" or
// "tv => television"): what the shop's search expands a query with.
class SynonymStore {
 public:
  virtual ~SynonymStore() = default;
  virtual boost::asio::awaitable<core::Result<std::vector<std::string>>> Get() = 0;
  // Checked first (400 with the engine's reason when it refuses them, nothing changed), then live.
  virtual boost::asio::awaitable<core::Status> Set(std::vector<std::string> rules) = 0;
};

// One write to the index, from one product event.
struct IndexOp {
  // upsert: the searchable document; remove: a stub {product_id, status, version} that no query
  // finds but that keeps the version (an older upsert replayed later is refused).
  enum class Kind { upsert, remove };
  Kind kind = Kind::upsert;
  std::string product_id;
  std::int64_t version = 0;
  boost::json::object doc;
};

struct BulkOutcome {
  std::size_t applied = 0;     // written or deleted
  std::size_t stale = 0;       // 409: the index already had this version or a newer one
  std::size_t missing = 0;     // delete of a document that was not there
  std::size_t rejected = 0;    // a permanent per-document error (bad document)
  std::size_t transient = 0;   // 429 / 5xx per item: retry the batch
  std::string first_error;
};

// The product index behind its alias: every search and live write goes through the alias; a
// reindex builds a new concrete index and swaps the alias to it atomically.
class ProductIndex {
 public:
  virtual ~ProductIndex() = default;
  virtual const std::string& alias() const = 0;
  // The write a product event asks for: product.upserted.v1 (status active -> upsert, else
  // remove) or product.archived.v1 (remove). invalid_argument for data that breaks the contract
  // (the consumer dead-letters it); nullopt for an event type search does not index.
  virtual core::Result<std::optional<IndexOp>> OpFromEvent(const std::string& type, const boost::json::value& data) const = 0;
  // Creates a first concrete index and the alias when the alias does not exist yet.
  virtual core::Status EnsureAlias() = 0;
  // A new concrete index with the full body; returns its name.
  virtual core::Result<std::string> CreateIndex() = 0;
  // The concrete indexes the alias points at (empty when there is no alias).
  virtual core::Result<std::vector<std::string>> AliasTargets() = 0;
  // Removes the alias from `old_indexes` and adds it to `new_index` in one atomic step.
  virtual core::Status SwapAlias(const std::string& new_index, const std::vector<std::string>& old_indexes) = 0;
  virtual core::Status DeleteIndex(const std::string& index) = 0;
  virtual core::Status Refresh(const std::string& index_or_alias) = 0;
  // Writes `ops` in one call into `target` (the alias, or a concrete index during a reindex). An
  // overloaded or unreachable engine is `unavailable` (retry the batch: versions make a repeat
  // harmless). require_alias: `target` must be an alias.
  virtual core::Result<BulkOutcome> Apply(const std::string& target, std::span<const IndexOp> ops, bool require_alias) = 0;
};

}  // namespace store::search
