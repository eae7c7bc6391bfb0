// The real catalog service for the cart's component tests: store_catalog (the binary ./store up
// runs) on a MariaDB schema of its own, with a small catalog written straight into that schema
// (these tests are about the cart's side): product "alpha" with SKUs AL-1 (459.00 EUR, 3
// available) and AL-2 (529.00 EUR, sold out), product "beta" with BE-1 (19.99 EUR, 50
// available) and BE-2 (24.99 EUR, 50 available), and the archived product "old" with OLD-1.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/db/db.hpp"
#include "store/http/client.hpp"
#include "store/testing/async.hpp"
#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/process.hpp"

namespace store::cart::testing {

class CatalogProcess {
 public:
  CatalogProcess() : port_(store::testing::FreePort()) {
    media_ = std::filesystem::temp_directory_path() / store::testing::UniqueName("cart_catalog_media");
    Start();
    boost::asio::io_context ioc;
    store::http::ClientOptions quick;
    quick.max_retries = 0;
    store::http::Client client(quick);  // destroyed before the io_context
    EXPECT_TRUE(store::testing::WaitUntil([&] {
      auto r = store::testing::RunAwaitable(ioc, client.Get(url() + "/readyz"));
      return r && r->status == 200;
    })) << "store_catalog did not become ready";
    Run("INSERT INTO categories (id, slug, name, path) VALUES (1, 'phones', 'Phones', '/1/')");
    Run("INSERT INTO product_types (id, code, name) VALUES (1, 'phone', 'Phone')");
    for (auto [id, slug, status] : {std::tuple{"11111111-1111-4111-8111-111111111111", "alpha", "active"},
                                    std::tuple{"33333333-3333-4333-8333-333333333333", "beta", "active"},
                                    std::tuple{"22222222-2222-4222-8222-222222222222", "old", "archived"}})
      Run(std::string("INSERT INTO products (id, slug, title, description_md, description_html, description_text, "
                      "product_type_id, category_id, status, currency) VALUES ('") +
          id + "', '" + slug + "', 'Phone " + slug + "', '', '', '', 1, 1, '" + status + "', 'EUR')");
    Run("INSERT INTO variants (sku, product_id, options, price_minor, currency) VALUES "
        "('AL-1', '11111111-1111-4111-8111-111111111111', '{\"storage\":\"128GB\"}', 45900, 'EUR'), "
        "('AL-2', '11111111-1111-4111-8111-111111111111', '{\"storage\":\"256GB\"}', 52900, 'EUR'), "
        "('BE-1', '33333333-3333-4333-8333-333333333333', '{\"color\":\"red\"}', 1999, 'EUR'), "
        "('BE-2', '33333333-3333-4333-8333-333333333333', '{\"color\":\"blue\"}', 2499, 'EUR'), "
        "('OLD-1', '22222222-2222-4222-8222-222222222222', '{}', 9900, 'EUR')");
    Run("INSERT INTO stock (sku, product_id, on_hand, reserved) VALUES "
        "('AL-1', '11111111-1111-4111-8111-111111111111', 5, 2), ('AL-2', '11111111-1111-4111-8111-111111111111', 0, 0), "
        "('BE-1', '33333333-3333-4333-8333-333333333333', 50, 0), ('BE-2', '33333333-3333-4333-8333-333333333333', 50, 0), "
        "('OLD-1', '22222222-2222-4222-8222-222222222222', 9, 0)");
  }
  ~CatalogProcess() {
    process_.reset();
    std::filesystem::remove_all(media_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void Run(const std::string& statement) {
    store::db::Database sql(db_.options());
    auto r = sql.RunSync([&](store::db::Connection& conn) { return conn.Execute(statement); });
    ASSERT_TRUE(r.has_value()) << statement << ": " << r.error().message;
  }
  void SetPrice(const std::string& sku, std::int64_t minor) {
    Run("UPDATE variants SET price_minor = " + std::to_string(minor) + " WHERE sku = '" + sku + "'");
  }
  void SetOnHand(const std::string& sku, std::int64_t on_hand) {
    Run("UPDATE stock SET on_hand = " + std::to_string(on_hand) + ", reserved = 0 WHERE sku = '" + sku + "'");
  }
  void Stop() { process_.reset(); }
  void Start() {
    auto e = store::testing::Engines::FromEnv();
    process_ = std::make_unique<store::testing::ChildProcess>(
        std::vector<std::string>{STORE_CATALOG_BIN},
        std::map<std::string, std::string>{
            {"CATALOG_HTTP_PORT", std::to_string(port_)}, {"CATALOG_HTTP_HOST", "127.0.0.1"},
            {"CATALOG_DB_HOST", e.host}, {"CATALOG_DB_PORT", std::to_string(e.mariadb_port)},
            {"CATALOG_DB_USER", e.mariadb_user}, {"CATALOG_DB_PASSWORD", e.mariadb_password},
            {"CATALOG_DB_DATABASE", db_.name()}, {"CATALOG_CACHE_HOST", e.host},
            {"CATALOG_CACHE_PORT", std::to_string(e.redis_port)}, {"CATALOG_CACHE_PREFIX", keys_.prefix()},
            {"CATALOG_KAFKA_BOOTSTRAP", e.kafka_bootstrap}, {"CATALOG_CONSUMER_ENABLED", "false"},
            {"CATALOG_MEDIA_DIR", media_.string()}, {"CATALOG_LOG_LEVEL", "warn"}, {"CATALOG_AUTH_JWKS_URL", ""}});
  }

 private:
  store::testing::TempDatabase db_{"cart_catalog"};
  store::testing::TempKeyspace keys_;
  int port_;
  std::filesystem::path media_;
  std::unique_ptr<store::testing::ChildProcess> process_;
};

}  // namespace store::cart::testing
