// SearchIndex: the ProductIndex port (app/ports.hpp) on OpenSearch: the product index behind its alias. The alias (index.alias, "products") is what
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
#include "app/ports.hpp"

namespace store::search {

class SearchIndex final : public ProductIndex {
 public:
  SearchIndex(OpenSearchClient& os, std::string alias, std::string index_body)
      : os_(os), alias_(std::move(alias)), body_(std::move(index_body)) {}

  const std::string& alias() const override { return alias_; }
  OpenSearchClient& os() { return os_; }

  // opensearch_json.hpp's document of a product event.
  core::Result<std::optional<IndexOp>> OpFromEvent(const std::string& type, const boost::json::value& data) const override;
  core::Status EnsureAlias() override;
  // Whether every index behind the alias has the mapping of this build (mappings._meta.
  // mapping_version of config/index.json): an older one lacks fields the queries use, and is
  // rebuilt by a reindex. True when there is no alias.
  core::Result<bool> MappingIsCurrent();
  core::Result<std::string> CreateIndex() override;
  core::Result<std::vector<std::string>> AliasTargets() override;
  // One _aliases call.
  core::Status SwapAlias(const std::string& new_index, const std::vector<std::string>& old_indexes) override;
  core::Status DeleteIndex(const std::string& index) override;
  core::Status Refresh(const std::string& index_or_alias) override;
  // One _bulk call with external versions; a 429/5xx on an item is `unavailable`. require_alias:
  // never let OpenSearch auto-create a concrete index named like the alias.
  core::Result<BulkOutcome> Apply(const std::string& target, std::span<const IndexOp> ops, bool require_alias) override;

 private:
  OpenSearchClient& os_;
  std::string alias_;
  std::string body_;
};

}  // namespace store::search
