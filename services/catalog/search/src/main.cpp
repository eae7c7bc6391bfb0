// store_catalog_search: the catalog's search service.
//   store_catalog_search [serve]   the query API (GET /v1/search, /v1/suggest) + the live indexer
//   store_catalog_search reindex   rebuild the index from the product topics and swap the alias
//   store_catalog_search --help-config
// Config: prefix SEARCH, file services/catalog/search/config/defaults.conf (README: the keys).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "adapters/opensearch_client.hpp"
#include "adapters/search_index.hpp"
#include "app/indexer.hpp"
#include "http/search_api.hpp"
#include "store/config/config.hpp"
#include "store/http/ops.hpp"
#include "store/http/server.hpp"
#include "store/log/log.hpp"
#include "store/messaging/consumer_runner.hpp"

namespace http = store::http;
namespace search = store::search;
using boost::asio::awaitable;

namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  std::string item;
  while (std::getline(s, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "serve";
  if (mode != "serve" && mode != "reindex" && mode != "--help-config") {
    std::fprintf(stderr, "usage: store_catalog_search [serve|reindex|--help-config]\n");
    return 2;
  }
  const std::string config_dir = STORE_SEARCH_CONFIG_DIR;
  http::ServerOptions server_options;
  std::string level, alias, mapping_file, synonyms_file, topics, group, zero_key;
  search::OpenSearchOptions os_options;
  search::Limits limits;
  search::ReindexOptions reindex;
  store::cache::Options cache_options;
  bool indexer_enabled = true;
  std::size_t indexer_batch_max = 500;
  try {
    store::config::Loader cfg("SEARCH", config_dir + "/defaults.conf");
    server_options = http::LoadServerOptions(cfg, http::ServerOptions{.port = 18111, .threads = 2});
    level = cfg.Choice("log.level", "info", {"debug", "info", "warn", "error"}, "Lowest log level written");
    os_options.url = cfg.String("opensearch.url", "http://127.0.0.1:9200", "OpenSearch base URL (plain HTTP)");
    os_options.timeout = cfg.Duration("opensearch.timeout", std::chrono::seconds(5),
                                      "Connect and read timeout of each OpenSearch call");
    alias = cfg.String("index.alias", "products", "Index alias that searches and live writes go through");
    mapping_file = cfg.String("index.mapping_file", config_dir + "/index.json", "Index settings and mapping (JSON)");
    synonyms_file = cfg.String("index.synonyms_file", config_dir + "/synonyms.txt",
                               "Synonym rules (Solr format), put into the index settings at index creation");
    topics = cfg.String("indexer.topics", "product.upserted.v1,product.archived.v1", "Product topics indexed (comma list)");
    group = cfg.String("indexer.group", "catalog-search-indexer", "Consumer group of the live indexer");
    indexer_enabled = cfg.Bool("indexer.enabled", true, "Run the live indexer in the serving process");
    indexer_batch_max = static_cast<std::size_t>(
        cfg.Int("indexer.batch_max", 500, "Most product events of one partition written by one _bulk call of the live indexer", 1, 10000));
    zero_key = cfg.String("zero_results.key", "search:zero_results",
                          "Redis sorted set counting zero-result queries (member: normalised query)");
    limits.max_query_length = static_cast<std::size_t>(cfg.Int("query.max_length", 200, "Longest q, in characters", 1, 1000));
    limits.max_page_size = static_cast<int>(cfg.Int("query.max_page_size", 50, "Largest page size", 1, 200));
    limits.default_page_size = static_cast<int>(cfg.Int("query.default_page_size", 20, "Page size when none is asked", 1, 200));
    reindex.batch_size = static_cast<std::size_t>(cfg.Int("reindex.batch_size", 500, "Documents per _bulk call of a reindex", 1, 10000));
    reindex.delete_grace = cfg.Duration("reindex.delete_grace", std::chrono::seconds(2),
                                        "Pause between the alias swap and deleting the old index");
    reindex.timeout = cfg.Duration("reindex.timeout", std::chrono::minutes(30), "Longest a replay may take");
    reindex.kafka = store::messaging::KafkaConfig::Load(cfg, "catalog-search");
    cache_options = store::cache::Options::Declare(cfg);
    if (mode == "--help-config") {
      std::cout << cfg.Describe();
      return 0;
    }
    cfg.Finish();
  } catch (const store::config::ConfigError& e) {
    std::fprintf(stderr, "store_catalog_search: bad configuration: %s\n", e.what());
    return 2;
  }
  store::log::Init("search", *store::log::ParseLevel(level));
  reindex.topics = SplitList(topics);

  auto mapping = ReadFile(mapping_file);
  auto synonyms = ReadFile(synonyms_file);
  if (!mapping || !synonyms) {
    std::fprintf(stderr, "store_catalog_search: cannot read %s\n", (!mapping ? mapping_file : synonyms_file).c_str());
    return 2;
  }
  auto body = search::IndexBody(*mapping, *synonyms);
  if (!body) {
    std::fprintf(stderr, "store_catalog_search: %s\n", body.error().message.c_str());
    return 2;
  }

  search::OpenSearchClient os(os_options);
  search::SearchIndex index(os, alias, *body);

  if (mode == "reindex") {
    auto report = search::Reindex(index, reindex, [](std::string_view line) { std::fprintf(stderr, "%.*s\n", int(line.size()), line.data()); });
    if (!report) {
      std::fprintf(stderr, "store_catalog_search reindex failed: %s\n", report.error().message.c_str());
      return 1;
    }
    boost::json::object out{{"alias", alias},
                            {"new_index", report->new_index},
                            {"records", report->records},
                            {"applied", report->outcome.applied},
                            {"stale", report->outcome.stale},
                            {"rejected", report->outcome.rejected},
                            {"ignored", report->ignored},
                            {"took_ms", report->took.count()}};
    boost::json::array old;
    for (const auto& o : report->old_indexes) old.emplace_back(o);
    out["old_indexes"] = std::move(old);
    std::cout << boost::json::serialize(out) << "\n";
    return 0;
  }

  store::metrics::Registry registry;
  store::metrics::Readiness readiness;
  readiness.Add("opensearch", [&os, &alias]() -> awaitable<store::core::Status> {
    auto call = os.Call(http::Verb::get, "/_alias/" + alias, "");
    auto answer = co_await std::move(call);
    if (!answer) co_return std::unexpected(answer.error());
    if (answer->status != 200) co_return std::unexpected(store::core::Error::Unavailable("the alias does not exist yet"));
    co_return store::core::Status{};
  });
  store::cache::Cache cache(cache_options);
  search::SearchApi api(os, &cache, registry, {.alias = alias, .zero_results_key = zero_key, .limits = limits});
  http::Router router;
  api.AddRoutes(router);
  http::AddOpsRoutes(router, registry, readiness);

  // The live indexer: its own thread (the consumer and its OpenSearch writes block).
  search::IndexerCounters counters;
  for (const char* result : {"applied", "stale", "ignored"}) {
    auto* c = &counters;
    std::string r = result;
    registry.SetGauge("search_indexer_events_total", "Product events applied by the live indexer, by outcome", {{"result", r}},
                      [c, r] {
                        return double(r == "applied" ? c->applied.load() : r == "stale" ? c->stale.load() : c->ignored.load());
                      });
  }
  // The live indexer: a batching consumer (its OpenSearch writes block) that first makes sure the
  // alias (and a first index) exists.
  std::unique_ptr<store::messaging::ConsumerRunner> indexer;
  if (indexer_enabled) {
    store::messaging::RunnerOptions options;
    options.consumer.kafka = reindex.kafka;
    options.consumer.group_id = group;
    options.consumer.topics = reindex.topics;
    options.consumer.batch_max = indexer_batch_max;
    options.prepare = [&index] { return index.EnsureAlias(); };
    auto created = store::messaging::ConsumerRunner::CreateBatching(options, search::LiveBatchHandler(index, &counters), &registry);
    if (!created) {
      store::log::Error("indexer: consumer not created", {{"error", created.error().message}});
      return 1;
    }
    indexer = std::move(*created);
    indexer->Start();
  } else if (auto ok = index.EnsureAlias(); !ok) {
    // Another instance (or a reindex) creates it; /readyz says not ready until then.
    store::log::Warn("the alias could not be created", {{"error", ok.error().message}});
  }

  int rc = 0;
  try {
    http::Server server(server_options, std::move(router), &registry);
    server.Run();
  } catch (const std::exception& e) {
    store::log::Error("server failed", {{"error", e.what()}});
    rc = 1;
  }
  indexer.reset();  // stops and joins before the registry and the index go away
  return rc;
}
