// Every configuration key of store_catalog_search but http.* and log.level (the start-up helper's),
// declared once with its default and description (README: the table; --help-config prints it).
// Declare reads the index mapping and synonyms files and builds the index body, so a missing or
// broken file is a bad configuration (exit 2, naming the key) like a bad value.
#pragma once

#include <cstddef>
#include <string>

#include "adapters/opensearch_client.hpp"
#include "app/indexer.hpp"
#include "app/search_request.hpp"
#include "store/auth/authenticator.hpp"
#include "store/cache/cache.hpp"

namespace store::config {
class Loader;
}

namespace store::search {

struct Settings {
  OpenSearchOptions opensearch;
  std::string alias;
  std::string index_body;  // settings + mapping (+ synonyms) for a new index
  std::string zero_results_key;
  std::string queries_key;       // every query asked (the admin's top queries)
  std::string lines_key_prefix;  // + "<alias>:<model line>": a collapsed page's swatches, kept 30 s
  Limits limits;
  bool indexer_enabled = true;
  std::string indexer_group;
  std::size_t indexer_batch_max = 500;
  ReindexOptions reindex;  // also the live indexer's Kafka settings and topics
  cache::Options cache;
  auth::AuthOptions auth;  // the admin routes (search quality)

  // config_dir: where the default mapping and synonyms files are.
  static Settings Declare(config::Loader& cfg, const std::string& config_dir);
};

}  // namespace store::search
