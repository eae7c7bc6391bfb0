// store_search_bench_load: set-up helper of bench/search/run.sh (not a service, not a test).
//   store_search_bench_load load  <alias>          product.upserted.v1 rows of the outbox of the
//                                                  database BENCH_DB_* (the demo catalog) -> a new
//                                                  index (the service's mapping) behind <alias>
//   store_search_bench_load query '<query string>' the OpenSearch body the service sends for
//                                                  GET /v1/search?<query string> (compact JSON)
//   store_search_bench_load drop  <alias>          deletes the alias's indexes
// Documents go through the service's own code (OpFromEvent, SearchIndex), so the benchmark's
// index is the one the service would build; Kafka is not involved (the query path is measured).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "adapters/opensearch_json.hpp"
#include "adapters/search_index.hpp"
#include "store/config/config.hpp"
#include "store/db/db.hpp"
#include "store/log/log.hpp"
#include "store/messaging/envelope.hpp"

namespace search = store::search;

namespace {
std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: store_search_bench_load load|drop <alias> | query '<query string>'\n");
    return 2;
  }
  std::string mode = argv[1], arg = argv[2];
  store::log::Init("search-bench", store::log::Level::warn);
  if (mode == "query") {
    auto params = search::ParseQueryString("/v1/search?" + arg);
    auto req = params ? search::ParseSearchRequest(*params) : std::unexpected(params.error());
    if (!req) {
      std::fprintf(stderr, "bad query: %s\n", req.error().message.c_str());
      return 2;
    }
    std::cout << boost::json::serialize(search::BuildSearch(*req)) << "\n";
    return 0;
  }
  store::db::Options db_options;
  std::string os_url;
  try {
    store::config::Loader cfg("BENCH");
    db_options = store::db::Options::Declare(cfg);
    os_url = cfg.String("opensearch.url", "http://127.0.0.1:9200", "OpenSearch");
    cfg.Finish();
  } catch (const store::config::ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  auto body = search::IndexBody(Read(STORE_SEARCH_CONFIG_DIR "/index.json"), Read(STORE_SEARCH_CONFIG_DIR "/synonyms.txt"));
  if (!body) return 1;
  search::OpenSearchClient os({.url = os_url, .timeout = std::chrono::seconds(30)});
  search::SearchIndex index(os, arg, *body);
  if (mode == "drop") {
    auto targets = index.AliasTargets();
    if (!targets) return 1;
    for (const auto& t : *targets) (void)index.DeleteIndex(t);
    return 0;
  }
  if (mode != "load") return 2;
  store::db::Database db(db_options);
  auto rows = db.RunSync([&](store::db::Connection& c) {
    return c.Query("SELECT payload FROM outbox WHERE topic = 'product.upserted.v1' ORDER BY id");
  });
  if (!rows) {
    std::fprintf(stderr, "outbox: %s\n", rows.error().message.c_str());
    return 1;
  }
  auto name = index.CreateIndex();
  if (!name) {
    std::fprintf(stderr, "%s\n", name.error().message.c_str());
    return 1;
  }
  std::vector<search::IndexOp> ops;
  std::size_t applied = 0;
  auto flush = [&]() -> bool {
    auto outcome = index.Apply(*name, ops, false);
    ops.clear();
    if (!outcome || outcome->rejected) return false;
    applied += outcome->applied;
    return true;
  };
  for (const auto& r : *rows) {
    auto event = store::messaging::DecodeEvent(r.Text("payload"));
    if (!event) continue;
    auto op = search::OpFromEvent(event->type, event->data);
    if (!op || !*op) continue;
    ops.push_back(std::move(**op));
    if (ops.size() == 500 && !flush()) return 1;
  }
  if (!flush() || !index.Refresh(*name) || !index.SwapAlias(*name, {})) return 1;
  std::printf("{\"alias\":\"%s\",\"index\":\"%s\",\"documents\":%zu}\n", arg.c_str(), name->c_str(), applied);
  return 0;
}
