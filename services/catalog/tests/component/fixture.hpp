// An in-process catalog on real engines for the component tests: a fresh MariaDB database, a
// private Redis key prefix, private Kafka topics for the consumed events, a media directory, a
// signing key for admin tokens, and the service's router behind a TestServer (real HTTP).
#pragma once
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "store/auth/authenticator.hpp"
#include "store/http/ops.hpp"
#include "wiring.hpp"
#include "store/auth/auth.hpp"
#include "store/core/ids.hpp"
#include "store/http/client.hpp"
#include "store/testing/async.hpp"
#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/kafka.hpp"
#include "store/testing/server.hpp"

namespace store::catalog::testing {

namespace json = boost::json;

// The system clock plus an adjustable offset (thread-safe): lets a test jump past expiries.
class ShiftClock final : public core::Clock {
 public:
  time_point Now() const override { return std::chrono::system_clock::now() + std::chrono::milliseconds(offset_ms_.load()); }
  void Advance(std::chrono::milliseconds d) { offset_ms_ += d.count(); }

 private:
  std::atomic<std::int64_t> offset_ms_{0};
};

struct Reply {
  int status = 0;
  json::value body;
  std::string raw;
  std::string etag, x_cache, content_type;
};

// A blocking HTTP caller for one thread (its own io_context and client).
class Caller {
 public:
  explicit Caller(std::string base) : base_(std::move(base)) {}
  ~Caller() { client_.reset(); }
  Reply Send(http::Verb verb, const std::string& path, const std::string& body = "", std::vector<std::pair<std::string, std::string>> headers = {},
             const std::string& content_type = "application/json") {
    http::ClientRequest req{verb, base_ + path, body, body.empty() ? "" : content_type, std::move(headers)};
    auto res = store::testing::RunAwaitable(ioc_, client_->Send(std::move(req)));
    Reply r;
    if (!res) {
      r.status = -1;
      r.raw = res.error().message;
      return r;
    }
    r.status = res->status;
    r.raw = res->body;
    r.etag = std::string(res->Header("ETag"));
    r.x_cache = std::string(res->Header("X-Cache"));
    r.content_type = std::string(res->Header("Content-Type"));
    boost::system::error_code ec;
    r.body = json::parse(res->body, ec);
    return r;
  }

 private:
  std::string base_;
  boost::asio::io_context ioc_;
  std::unique_ptr<http::Client> client_ = std::make_unique<http::Client>(http::ClientOptions{.max_retries = 0});
};

class CatalogFixture {
 public:
  explicit CatalogFixture(std::chrono::milliseconds sweep_interval = std::chrono::seconds(3600), bool consumer = false,
                          std::chrono::milliseconds page_drop_again = PageInvalidation::kAgainAfter)
      : media_(std::filesystem::temp_directory_path() / store::testing::UniqueName("catalog_media")),
        key_(auth::SigningKey::Generate("test-1")) {
    ServiceOptions o;
    o.db = db_.options();
    o.db.pool_size = 16;
    o.cache = keys_.options();
    o.cache_prefix = keys_.prefix();
    o.kafka = store::testing::KafkaTestConfig();
    o.media_dir = media_.string();
    o.sweep_interval = sweep_interval;
    o.page_drop_again = page_drop_again;
    o.consumer_enabled = consumer;
    if (consumer) {
      placed_ = std::make_unique<store::testing::TempTopic>("order_placed", 1);
      cancelled_ = std::make_unique<store::testing::TempTopic>("order_cancelled", 1);
      confirmed_ = std::make_unique<store::testing::TempTopic>("order_confirmed", 1);
      o.topics.order_placed = placed_->name();
      o.topics.order_cancelled = cancelled_->name();
      o.topics.order_confirmed = confirmed_->name();
      o.consumer_group = store::testing::UniqueName("catalog_stock");
    }
    options_ = o;
    engines_ = std::make_unique<CatalogEngines>(o);
    auth::KeySet keys;
    keys.Add(key_.Public());
    authenticator_ = std::make_unique<auth::Authenticator>(auth::AuthOptions{}, &engines_->cache(), clock_);
    authenticator_->SetKeys(keys);
    service_ = std::make_unique<CatalogService>(o, *engines_, clock_, auth::RoleGuard(*authenticator_, "admin"),
                                                auth::RoleGuard(*authenticator_, "service"));
    service_->Migrate();
    service_->StartBackground(registry_);
    auto server_options = store::testing::TestServerOptions();
    store::http::Router router;
    service_->AddRoutes(router, readiness_);
    store::http::AddOpsRoutes(router, registry_, readiness_);
    server_ = std::make_unique<store::testing::TestServer>(std::move(router), server_options);
  }
  ~CatalogFixture() {
    server_.reset();
    service_->Stop();
    service_.reset();
    authenticator_.reset();
    engines_.reset();
    std::error_code ec;
    std::filesystem::remove_all(media_, ec);
  }

  std::string Url(const std::string& path = "") const { return server_->Url(path); }
  std::string Token(const std::vector<std::string>& roles, const std::string& subject = "user-1") const {
    auth::AccessClaims claims;
    claims.issuer = "storemicroservices";
    claims.audience = "store";
    claims.subject = subject;
    claims.session_id = "sess-" + store::testing::UniqueName("s");
    claims.token_id = core::NewUuid();
    claims.roles = roles;
    auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    claims.issued_at = now;
    claims.expires_at = now + 900;
    return auth::IssueAccessToken(key_, claims);
  }
  std::vector<std::pair<std::string, std::string>> Admin() const { return {{"Authorization", "Bearer " + Token({"admin"})}}; }
  // What the order service sends: a token of the user service's client-credentials grant.
  std::vector<std::pair<std::string, std::string>> Service() const {
    return {{"Authorization", "Bearer " + Token({"service"}, "service:order")}};
  }

  CatalogService& service() { return *service_; }
  db::Database& db() { return service_->db(); }
  ShiftClock& clock() { return clock_; }
  const std::filesystem::path& media() const { return media_; }
  const std::string& cache_prefix() const { return keys_.prefix(); }
  const ServiceOptions& options() const { return options_; }
  store::testing::TempTopic* placed() { return placed_.get(); }
  store::testing::TempTopic* cancelled() { return cancelled_.get(); }
  store::testing::TempTopic* confirmed() { return confirmed_.get(); }

  // A query on the test database (blocking).
  db::Rows Query(const std::string& sql) {
    auto r = db().RunSync([&](db::Connection& c) { return c.Query(sql); });
    if (!r) throw std::runtime_error(r.error().message);
    return *r;
  }

 private:
  store::testing::TempDatabase db_{"catalog"};
  store::testing::TempKeyspace keys_;
  std::filesystem::path media_;
  ShiftClock clock_;
  auth::SigningKey key_;
  ServiceOptions options_;
  std::unique_ptr<store::testing::TempTopic> placed_, cancelled_, confirmed_;
  std::unique_ptr<CatalogEngines> engines_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<CatalogService> service_;
  metrics::Registry registry_;
  metrics::Readiness readiness_;
  std::unique_ptr<store::testing::TestServer> server_;
};

// A small shop through the admin API: Electronics > Phones > Smartphones (and > Tablets),
// a smartphone type with specs, products with variants and stock.
struct Seeded {
  std::int64_t electronics = 0, phones = 0, smartphones = 0, tablets = 0;
};

inline json::object Obj(const json::value& v) { return v.is_object() ? v.as_object() : json::object{}; }

inline Seeded SeedShop(CatalogFixture& f, Caller& c) {
  Seeded s;
  auto mk = [&](const std::string& name, std::optional<std::int64_t> parent) {
    json::object body{{"name", name}};
    if (parent) body["parent_id"] = *parent;
    auto r = c.Send(http::Verb::post, "/v1/admin/categories", json::serialize(body), f.Admin());
    EXPECT_EQ(r.status, 201) << r.raw;
    return r.body.at("id").as_int64();
  };
  s.electronics = mk("Electronics", std::nullopt);
  s.phones = mk("Phones", s.electronics);
  s.smartphones = mk("Smartphones", s.phones);
  s.tablets = mk("Tablets", s.phones);
  auto t = c.Send(http::Verb::post, "/v1/admin/product-types", R"({"code":"smartphone","name":"Smartphone","specs":[
      {"key":"screen_size","name":"Screen size","kind":"number","unit":"in","required":true},
      {"key":"five_g","name":"5G","kind":"bool"},
      {"key":"os","name":"Operating system","kind":"text"}]})",
                  f.Admin());
  EXPECT_EQ(t.status, 201) << t.raw;
  return s;
}

inline json::object MakePhone(CatalogFixture& f, Caller& c, std::int64_t category, const std::string& title, std::int64_t price,
                              std::vector<std::pair<std::string, std::int64_t>> skus) {
  json::array variants;
  for (auto& [sku, on_hand] : skus)
    variants.push_back(json::object{{"sku", sku}, {"options", {{"storage", "128GB"}}}, {"price", {{"minor", price}, {"currency", "EUR"}}}, {"on_hand", on_hand}});
  json::object body{{"title", title},
                    {"brand", "Samsung"},
                    {"product_type", "smartphone"},
                    {"category_id", category},
                    {"status", "active"},
                    {"description", "A **great** phone."},
                    {"specs", {{"screen_size", 6.1}, {"five_g", true}, {"os", "Android"}}},
                    {"variants", std::move(variants)}};
  auto r = c.Send(http::Verb::post, "/v1/admin/products", json::serialize(body), f.Admin());
  EXPECT_EQ(r.status, 201) << r.raw;
  return Obj(r.body);
}

}  // namespace store::catalog::testing
