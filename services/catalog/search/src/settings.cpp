#include "settings.hpp"

#include <fstream>
#include <sstream>

#include "adapters/opensearch_json.hpp"
#include "store/config/config.hpp"
#include "store/core/text.hpp"

namespace store::search {
namespace {

std::string ReadFile(const std::string& key, const std::string& path) {
  std::ifstream in(path);
  if (!in) throw config::ConfigError(key + ": cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

Settings Settings::Declare(config::Loader& cfg, const std::string& config_dir) {
  Settings s;
  s.opensearch.url = cfg.String("opensearch.url", "http://127.0.0.1:9200", "OpenSearch base URL (plain HTTP)");
  s.opensearch.timeout = cfg.Duration("opensearch.timeout", std::chrono::seconds(5), "Connect and read timeout of each OpenSearch call");
  s.alias = cfg.String("index.alias", "products", "Index alias that searches and live writes go through",
                       [](const std::string& v) -> std::optional<std::string> {
                         // OpenSearch's rule for index and alias names (the alias also prefixes the indexes).
                         bool ok = !v.empty() && v.size() <= 200 && v[0] != '-' && v[0] != '_' && v[0] != '+';
                         for (char c : v) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
                         if (ok) return std::nullopt;
                         return "must be 1..200 of lowercase letters, digits, - _ . (not starting with - _ +)";
                       });
  auto mapping_file = cfg.String("index.mapping_file", config_dir + "/index.json", "Index settings and mapping (JSON)");
  auto synonyms_file = cfg.String("index.synonyms_file", config_dir + "/synonyms.txt",
                                  "Synonym rules (Solr format), put into the index settings at index creation");
  auto topics = cfg.String("indexer.topics", "product.upserted.v1,product.archived.v1", "Product topics indexed (comma list)");
  s.indexer_group = cfg.String("indexer.group", "catalog-search-indexer", "Consumer group of the live indexer");
  s.indexer_enabled = cfg.Bool("indexer.enabled", true, "Run the live indexer in the serving process");
  s.indexer_batch_max = static_cast<std::size_t>(
      cfg.Int("indexer.batch_max", 500, "Most product events of one partition written by one _bulk call of the live indexer", 1, 10000));
  s.zero_results_key = cfg.String("zero_results.key", "search:zero_results",
                                  "Redis sorted set counting zero-result queries (member: normalised query)");
  s.queries_key = cfg.String("queries.key", "search:queries", "Redis sorted set of every query asked (normalised), by how often");
  s.lines_key_prefix = cfg.String("lines.key_prefix", "search:lines:",
                                  "Prefix of the Redis keys keeping a model line's swatches for 30 s (then <alias>:<line>)");
  s.limits.max_query_length = static_cast<std::size_t>(cfg.Int("query.max_length", 200, "Longest q, in characters", 1, 1000));
  s.limits.max_page_size = static_cast<int>(cfg.Int("query.max_page_size", 50, "Largest page size", 1, 200));
  s.limits.default_page_size = static_cast<int>(cfg.Int("query.default_page_size", 20, "Page size when none is asked", 1, 200));
  s.reindex.batch_size = static_cast<std::size_t>(cfg.Int("reindex.batch_size", 500, "Documents per _bulk call of a reindex", 1, 10000));
  s.reindex.delete_grace = cfg.Duration("reindex.delete_grace", std::chrono::seconds(2), "Pause between the alias swap and deleting the old index");
  s.reindex.timeout = cfg.Duration("reindex.timeout", std::chrono::minutes(30), "Longest a replay may take");
  s.reindex.kafka = messaging::KafkaConfig::Load(cfg, "catalog-search");
  s.reindex.topics = core::SplitList(topics);
  s.cache = cache::Options::Declare(cfg);
  s.auth = auth::AuthOptions::Declare(cfg);

  auto body = IndexBody(ReadFile("index.mapping_file", mapping_file), ReadFile("index.synonyms_file", synonyms_file));
  if (!body) throw config::ConfigError("index.mapping_file / index.synonyms_file: " + body.error().message);
  s.index_body = std::move(*body);
  return s;
}

}  // namespace store::search
