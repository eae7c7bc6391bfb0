// store_catalog_search: the catalog's search service. Wiring only; the start-up (arguments, config,
// logging, ops routes, server, signals, exit codes) is store::service::Run.
//   store_catalog_search [--config FILE] [serve]   the query API (GET /v1/search, /v1/suggest), the staff's search
//                                                  quality API (/v1/admin/search/...) + the live indexer
//   store_catalog_search [--config FILE] reindex   rebuild the index from the product topics and swap the alias
//   store_catalog_search --help-config             every key (settings.hpp; README: the table)
#include <cstdio>
#include <iostream>

#include "adapters/opensearch_queries.hpp"
#include "adapters/opensearch_synonyms.hpp"
#include "adapters/redis_query_log.hpp"
#include "adapters/search_index.hpp"
#include "http/admin_api.hpp"
#include "http/search_api.hpp"
#include "settings.hpp"
#include "store/log/log.hpp"
#include "store/messaging/consumer_runner.hpp"
#include "store/service/service.hpp"

namespace http = store::http;
namespace search = store::search;
using boost::asio::awaitable;

namespace {

int Reindex(const search::Settings& s) {
  search::OpenSearchClient os(s.opensearch);
  search::SearchIndex index(os, s.alias, s.index_body);
  auto report = search::Reindex(index, s.reindex, [](std::string_view line) {
    std::fprintf(stderr, "%.*s\n", int(line.size()), line.data());
  });
  if (!report) {
    std::fprintf(stderr, "store_catalog_search reindex failed: %s\n", report.error().message.c_str());
    return 1;
  }
  boost::json::object out{{"alias", s.alias},
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

// The serving process's parts; members are destroyed in reverse order after the server stopped
// (the indexer is stopped and joined by its OnStop hook first).
struct Search {
  search::OpenSearchClient os;
  search::SearchIndex index;
  store::cache::Cache cache;
  search::OpenSearchQueries engine;
  search::RedisQueryLog query_log;
  search::SearchQueries queries;
  search::SearchApi api;
  search::OpenSearchSynonyms synonyms;
  store::auth::Authenticator authenticator;
  search::IndexerCounters counters;
  std::unique_ptr<store::messaging::ConsumerRunner> indexer;

  Search(const search::Settings& s, store::service::Context& ctx)
      : os(s.opensearch),
        index(os, s.alias, s.index_body),
        cache(s.cache),
        engine(os, s.alias, &cache, s.lines_key_prefix + s.alias + ":"),
        query_log(cache, s.queries_key, s.zero_results_key),
        queries(engine, &query_log, ctx.registry()),
        api(queries, s.limits),
        synonyms(os, s.alias),
        authenticator(s.auth, &cache, ctx.clock()) {
    api.AddRoutes(ctx.router());
    search::AddAdminRoutes(ctx.router(), queries, synonyms, store::auth::RoleGuard(authenticator, "admin"));
    ctx.readiness().Add("opensearch", [this, alias = s.alias]() -> awaitable<store::core::Status> {
      auto call = os.Call(http::Verb::get, "/_alias/" + alias, "");
      auto answer = co_await std::move(call);
      if (!answer) co_return std::unexpected(answer.error());
      if (answer->status != 200) co_return std::unexpected(store::core::Error::Unavailable("the alias does not exist yet"));
      co_return store::core::Status{};
    });
    for (const char* result : {"applied", "stale", "ignored"}) {
      std::string r = result;
      ctx.registry().SetGauge("search_indexer_events_total", "Product events applied by the live indexer, by outcome",
                              {{"result", r}}, [this, r] {
                                return double(r == "applied" ? counters.applied.load()
                                              : r == "stale" ? counters.stale.load()
                                                             : counters.ignored.load());
                              });
    }
    if (!s.indexer_enabled) {
      // Another instance (or a reindex) creates it; /readyz says not ready until then.
      if (auto ok = index.EnsureAlias(); !ok)
        store::log::Warn("the alias could not be created", {{"error", ok.error().message}});
      return;
    }
    // The live indexer: a batching consumer (its OpenSearch writes block) that first makes sure the
    // alias (and a first index) exists.
    store::messaging::RunnerOptions options;
    options.consumer.kafka = s.reindex.kafka;
    options.consumer.group_id = s.indexer_group;
    options.consumer.topics = s.reindex.topics;
    options.consumer.batch_max = s.indexer_batch_max;
    // First the alias, and an index with this build's mapping: an older one (a shop upgraded) is
    // rebuilt by replaying the product topics before the live indexer starts.
    options.prepare = [this, reindex = s.reindex]() -> store::core::Status {
      if (auto ok = index.EnsureAlias(); !ok) return ok;
      auto current = index.MappingIsCurrent();
      if (!current) return std::unexpected(current.error());
      if (*current) return {};
      store::log::Warn("the index's mapping is older than this build's: reindexing from the product topics");
      auto report = search::Reindex(index, reindex, [](std::string_view line) { store::log::Info(line); });
      if (!report) return std::unexpected(report.error());
      return {};
    };
    auto created = store::messaging::ConsumerRunner::CreateBatching(options, search::LiveBatchHandler(index, &counters), &ctx.registry());
    if (!created) throw std::runtime_error("indexer: consumer not created: " + created.error().message);
    indexer = std::move(*created);
    indexer->Start();
    ctx.OnStop([this] { indexer.reset(); });
  }
};

}  // namespace

int main(int argc, char** argv) {
  return store::service::Run<search::Settings>(
      argc, argv,
      {.spec = {.name = "catalog_search", .env_prefix = "SEARCH", .defaults_file = STORE_SERVICE_DEFAULTS_FILE,
                .http = {.port = 18111, .threads = 2}},
       .declare = [](store::config::Loader& cfg) { return search::Settings::Declare(cfg, STORE_SEARCH_CONFIG_DIR); },
       .start = [](const search::Settings& s, store::service::Context& ctx) -> store::service::Running {
         return std::make_shared<Search>(s, ctx);
       },
       .commands = {{"reindex", &Reindex}}});
}
