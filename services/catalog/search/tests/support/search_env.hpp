// SearchEnv: one complete, private search stack on the real engines for a test — two temp topics
// (product.upserted / product.archived, with their .dlq), a unique alias with its first index,
// the live indexer (a real messaging::Consumer in a thread), the query API on a TestServer, a
// Redis keyspace for zero-result counts — and helpers to publish product events and query.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/opensearch_client.hpp"
#include "adapters/opensearch_queries.hpp"
#include "adapters/opensearch_synonyms.hpp"
#include "adapters/redis_query_log.hpp"
#include "http/admin_api.hpp"
#include "store/testing/issuer.hpp"
#include "adapters/search_index.hpp"
#include "app/indexer.hpp"
#include "http/search_api.hpp"
#include "store/http/client.hpp"
#include "store/messaging/consumer_runner.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/producer.hpp"
#include "store/testing/async.hpp"
#include "store/testing/cache.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/kafka.hpp"
#include "store/testing/server.hpp"

namespace store::search::testing {

namespace json = boost::json;

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string TestIndexBody() {
  auto body = IndexBody(ReadText(STORE_SEARCH_CONFIG_DIR "/index.json"), ReadText(STORE_SEARCH_CONFIG_DIR "/synonyms.txt"));
  if (!body) throw std::runtime_error(body.error().message);
  return *body;
}

inline std::string OpenSearchUrl() {
  return "http://" + store::testing::Engines::FromEnv().host + ":" +
         std::to_string(store::testing::Engines::FromEnv().opensearch_port);
}

struct HttpAnswer {
  int status = 0;
  json::value body;
  std::string content_type;
  std::string raw;  // the body as sent
};

inline store::auth::AuthOptions AuthFor(const store::testing::TokenIssuer& issuer) {
  store::auth::AuthOptions o;
  o.jwks_url = issuer.JwksUrl();
  return o;
}

class SearchEnv {
 public:
  explicit SearchEnv(bool start_indexer = true)
      : upserted_("search_upserted", 3), archived_("search_archived", 1),
        alias_(store::testing::UniqueName("search")),
        os_(OpenSearchOptions{.url = OpenSearchUrl(), .timeout = std::chrono::seconds(10)}),
        index_(os_, alias_, TestIndexBody()),
        cache_(keyspace_.options()),
        engine_(os_, alias_, &cache_, keyspace_.Key("lines:")),
        query_log_(cache_, keyspace_.Key("queries"), keyspace_.Key("zero_results")),
        queries_(engine_, &query_log_, registry_),
        api_(queries_, Limits{}),
        synonyms_(os_, alias_),
        authn_(std::make_unique<store::auth::Authenticator>(AuthFor(issuer_), nullptr, clock_)) {
    auto producer = messaging::Producer::Create(store::testing::KafkaTestConfig());
    if (!producer) throw std::runtime_error(producer.error().message);
    producer_ = std::move(*producer);
    if (auto s = index_.EnsureAlias(); !s) throw std::runtime_error(s.error().message);
    http::Router router;
    api_.AddRoutes(router);
    AddAdminRoutes(router, queries_, synonyms_, store::auth::RoleGuard(*authn_, "admin"));
    server_ = std::make_unique<store::testing::TestServer>(std::move(router));
    if (start_indexer) StartIndexer();
  }

  ~SearchEnv() {
    StopIndexer();
    authn_.reset();
    server_.reset();
    if (auto targets = index_.AliasTargets())
      for (const auto& t : *targets) (void)index_.DeleteIndex(t);
    for (const auto& t : extra_indexes_) (void)index_.DeleteIndex(t);
  }

  void StartIndexer() {
    messaging::ConsumerOptions options;
    options.kafka = store::testing::KafkaTestConfig();
    options.group_id = store::testing::UniqueName("search_indexer");
    options.topics = {upserted_.name(), archived_.name()};
    options.retry_max = std::chrono::milliseconds(500);
    messaging::RunnerOptions runner_options;
    runner_options.consumer = options;
    auto runner = messaging::ConsumerRunner::CreateBatching(runner_options, LiveBatchHandler(index_, &counters_), &registry_);
    if (!runner) throw std::runtime_error(runner.error().message);
    indexer_ = std::move(*runner);
    indexer_->Start();
  }
  void StopIndexer() {
    if (indexer_) indexer_->Stop();
    indexer_.reset();
  }

  // Publishes one event (a fresh envelope) of `type` with `data`, key = data.product_id.
  messaging::Event Publish(const std::string& type, const json::object& data) {
    auto event = messaging::NewEvent(type, data);
    PublishEnvelope(event);
    return event;
  }
  void PublishEnvelope(const messaging::Event& event) {
    const auto& topic = event.type == "product.archived.v1" ? archived_.name() : upserted_.name();
    auto key = std::string(event.data.at("product_id").as_string());
    auto sent = producer_->Produce(messaging::EventMessage(topic, key, event));
    if (!sent) throw std::runtime_error(sent.error().message);
  }

  HttpAnswer Get(const std::string& path_and_query) { return Send(http::Verb::get, path_and_query); }

  // Any call, with a bearer token when `token` is not empty.
  HttpAnswer Send(http::Verb verb, const std::string& path_and_query, const std::string& body = "", const std::string& token = "") {
    boost::asio::io_context ioc;
    http::Client client;
    http::ClientRequest req{verb, server_->Url(path_and_query), body, body.empty() ? "" : "application/json", {}};
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
    auto res = store::testing::RunAwaitable(ioc, client.Send(std::move(req)));
    if (!res) throw std::runtime_error(path_and_query + ": " + res.error().message);
    HttpAnswer out;
    out.status = res->status;
    out.content_type = std::string(res->Header("Content-Type"));
    out.raw = res->body;
    boost::system::error_code ec;
    out.body = json::parse(res->body, ec);
    return out;
  }

  // Polls (refreshing the index) until `done` holds or 20 s pass.
  bool WaitUntil(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      (void)index_.Refresh(alias_);
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::int64_t Total(const std::string& query = "/v1/search?size=1") {
    auto a = Get(query);
    if (a.status != 200) return -1;
    return a.body.at("total").as_int64();
  }

  const std::string& alias() const { return alias_; }
  SearchIndex& index() { return index_; }
  OpenSearchClient& os() { return os_; }
  metrics::Registry& registry() { return registry_; }
  IndexerCounters& counters() { return counters_; }
  store::testing::TempKeyspace& keyspace() { return keyspace_; }
  cache::Cache& cache() { return cache_; }
  const store::testing::TempTopic& upserted() const { return upserted_; }
  const store::testing::TempTopic& archived() const { return archived_; }
  std::string Url(const std::string& path) const { return server_->Url(path); }
  // Bearer tokens of the staff's admin routes.
  std::string Token(std::vector<std::string> roles) const { return issuer_.Token("staff-1", std::move(roles)); }
  void Track(const std::string& index) { extra_indexes_.push_back(index); }

 private:
  store::testing::TempTopic upserted_, archived_;
  std::string alias_;
  OpenSearchClient os_;
  SearchIndex index_;
  store::testing::TempKeyspace keyspace_;
  cache::Cache cache_;
  metrics::Registry registry_;
  OpenSearchQueries engine_;
  RedisQueryLog query_log_;
  SearchQueries queries_;
  SearchApi api_;
  store::testing::TokenIssuer issuer_;  // before authn_, which fetches its keys
  core::SystemClock clock_;
  OpenSearchSynonyms synonyms_;
  // Destroyed before the server: its JWKS connection lives on the server's io_context.
  std::unique_ptr<store::auth::Authenticator> authn_;
  std::unique_ptr<messaging::Producer> producer_;
  std::unique_ptr<store::testing::TestServer> server_;
  IndexerCounters counters_;
  std::unique_ptr<messaging::ConsumerRunner> indexer_;
  std::vector<std::string> extra_indexes_;
};

// A product.upserted.v1 data object.
struct ProductSpec {
  std::string id, title, description, brand;  // brand: name ("" for none)
  std::vector<std::pair<std::int64_t, std::string>> path;  // category path root first: (id, name)
  std::int64_t price = 1000;                                // minor units, EUR
  bool in_stock = true;
  std::vector<std::pair<std::string, json::value>> specs = {};  // key -> value
  std::string created_at = "2024-01-01T00:00:00.000Z";
  std::int64_t version = 1;
  std::string status = "active";
};

inline std::string Slug(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    else if (!out.empty() && out.back() != '-') out.push_back('-');
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

inline json::object ProductData(const ProductSpec& p) {
  json::array path, ids, specs;
  for (const auto& [id, name] : p.path) {
    path.emplace_back(json::object{{"id", id}, {"slug", Slug(name)}, {"name", name}});
    ids.emplace_back(id);
  }
  for (const auto& [key, value] : p.specs) specs.emplace_back(json::object{{"key", key}, {"name", key}, {"value", value}});
  json::object money{{"minor", p.price}, {"currency", "EUR"}};
  json::object data{{"product_id", p.id},
                    {"slug", Slug(p.title) + "-" + p.id},
                    {"title", p.title},
                    {"description", p.description},
                    {"product_type", "generic"},
                    {"category", json::object{{"id", p.path.back().first}, {"name", p.path.back().second},
                                              {"slug", Slug(p.path.back().second)}, {"path", path}}},
                    {"category_ids", ids},
                    {"specs", specs},
                    {"variants", json::array{json::object{{"sku", "SKU-" + p.id}, {"options", json::object{}}, {"price", money},
                                                          {"available", p.in_stock ? 3 : 0}}}},
                    {"price_min", money},
                    {"price_max", money},
                    {"in_stock", p.in_stock},
                    {"image_url", "/media/" + p.id + ".jpg"},
                    {"status", p.status},
                    {"created_at", p.created_at},
                    {"updated_at", p.created_at},
                    {"version", p.version}};
  if (!p.brand.empty()) data["brand"] = json::object{{"id", 1}, {"name", p.brand}, {"slug", Slug(p.brand)}};
  else data["brand"] = nullptr;
  return data;
}

// The ids of a search answer's items, in order.
inline std::vector<std::string> Ids(const json::value& answer) {
  std::vector<std::string> out;
  for (const auto& item : answer.at("items").as_array()) out.emplace_back(item.at("product_id").as_string());
  return out;
}

}  // namespace store::search::testing
