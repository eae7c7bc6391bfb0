// SearchIndex: the product index behind its alias. The alias (index.alias, "products") is what
// every search and every live write goes through; concrete indexes are named
// "<alias>_<UTC yyyymmddhhmmss>_<random>" and are created with the full body (explicit mapping,
// analysers, synonyms). A reindex builds a new concrete index and swaps the alias to it in one
// atomic _aliases call.
// Thread-safety: as OpenSearchClient (the synchronous calls are for plain threads).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "adapters/opensearch_client.hpp"
#include "adapters/opensearch_json.hpp"

namespace store::search {

class SearchIndex {
 public:
  SearchIndex(OpenSearchClient& os, std::string alias, std::string index_body)
      : os_(os), alias_(std::move(alias)), body_(std::move(index_body)) {}

  const std::string& alias() const { return alias_; }
  OpenSearchClient& os() { return os_; }

  // Creates a first concrete index and the alias when the alias does not exist yet.
  core::Status EnsureAlias();
  // A new concrete index with the full body; returns its name.
  core::Result<std::string> CreateIndex();
  // The concrete indexes the alias points at (empty when there is no alias).
  core::Result<std::vector<std::string>> AliasTargets();
  // One _aliases call: remove the alias from `old_indexes`, add it to `new_index` (atomic).
  core::Status SwapAlias(const std::string& new_index, const std::vector<std::string>& old_indexes);
  core::Status DeleteIndex(const std::string& index);
  core::Status Refresh(const std::string& index_or_alias);

  // Writes `ops` with one _bulk call into `target` (the alias, or a concrete index during a
  // reindex). A 429/5xx on an item, or OpenSearch unreachable, is `unavailable` (retry the
  // batch: external versions make a repeat harmless). require_alias: `target` must be an alias
  // (never let OpenSearch auto-create a concrete index named like the alias).
  core::Result<BulkOutcome> Apply(const std::string& target, std::span<const IndexOp> ops, bool require_alias);

 private:
  OpenSearchClient& os_;
  std::string alias_;
  std::string body_;
};

}  // namespace store::search
