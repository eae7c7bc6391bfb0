// The SynonymStore port on OpenSearch: the rules live in the product_synonyms filter of the
// index's settings (config/synonyms.txt seeds a new shop's first index; a rebuilt index takes the
// live rules over: SearchIndex::CreateIndex). Changing them: the rules are checked by _analyze
// with the same filter, then each index behind the alias is closed, its filter's rules replaced
// (the search analyzer only: indexed text is not analysed with them, so nothing is reindexed) and
// opened again, and the call waits until the index answers (yellow). Searches meanwhile (well
// under a second on one node) get 503 and retry.
// Thread-safety: as OpenSearchClient (safe to share).
#pragma once

#include <string>

#include "adapters/opensearch_client.hpp"
#include "app/ports.hpp"

namespace store::search {

class OpenSearchSynonyms final : public SynonymStore {
 public:
  OpenSearchSynonyms(OpenSearchClient& os, std::string alias) : os_(os), alias_(std::move(alias)) {}
  boost::asio::awaitable<core::Result<std::vector<std::string>>> Get() override;
  boost::asio::awaitable<core::Status> Set(std::vector<std::string> rules) override;

 private:
  OpenSearchClient& os_;
  std::string alias_;
};

}  // namespace store::search
