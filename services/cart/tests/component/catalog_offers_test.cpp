// CatalogOffers against the real catalog service (store_catalog, its own MariaDB schema, the
// engines of ./store up): the offers a cart gets, and a catalog that stops.
#include <gtest/gtest.h>

#include <filesystem>

#include "adapters/catalog_offers.hpp"
#include "store/db/db.hpp"
#include "store/testing/async.hpp"
#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/process.hpp"

namespace c = store::cart;
using store::core::Errc;
using store::testing::RunAwaitable;

TEST(CatalogOffers, GetsTheRealCatalogsOffersAndSaysWhenItIsAway) {
  store::testing::TempDatabase db("cart_catalog");
  store::testing::TempKeyspace keys;
  auto e = store::testing::Engines::FromEnv();
  const int port = store::testing::FreePort();
  auto media = std::filesystem::temp_directory_path() / store::testing::UniqueName("cart_catalog_media");
  auto catalog = std::make_unique<store::testing::ChildProcess>(
      std::vector<std::string>{STORE_CATALOG_BIN},
      std::map<std::string, std::string>{
          {"CATALOG_HTTP_PORT", std::to_string(port)}, {"CATALOG_HTTP_HOST", "127.0.0.1"}, {"CATALOG_DB_HOST", e.host},
          {"CATALOG_DB_PORT", std::to_string(e.mariadb_port)}, {"CATALOG_DB_USER", e.mariadb_user},
          {"CATALOG_DB_PASSWORD", e.mariadb_password}, {"CATALOG_DB_DATABASE", db.name()}, {"CATALOG_CACHE_HOST", e.host},
          {"CATALOG_CACHE_PORT", std::to_string(e.redis_port)}, {"CATALOG_CACHE_PREFIX", keys.prefix()},
          {"CATALOG_KAFKA_BOOTSTRAP", e.kafka_bootstrap}, {"CATALOG_CONSUMER_ENABLED", "false"},
          {"CATALOG_MEDIA_DIR", media.string()}, {"CATALOG_LOG_LEVEL", "warn"}, {"CATALOG_AUTH_JWKS_URL", ""}});
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  boost::asio::io_context ioc;
  store::http::ClientOptions quick;
  quick.max_retries = 0;
  auto client = std::make_unique<store::http::Client>(quick);
  c::CatalogOffers offers(*client, base);
  ASSERT_TRUE(store::testing::WaitUntil([&] {
    auto r = RunAwaitable(ioc, client->Get(base + "/readyz"));
    return r && r->status == 200;
  })) << "store_catalog did not become ready";

  // A catalog as the admin API leaves it (written straight into its schema: this test is about
  // the cart's side): one active product with two SKUs, one archived product.
  store::db::Database sql(db.options());
  auto run = [&](const std::string& statement) {
    auto r = sql.RunSync([&](store::db::Connection& conn) { return conn.Execute(statement); });
    ASSERT_TRUE(r.has_value()) << statement << ": " << r.error().message;
  };
  run("INSERT INTO categories (id, slug, name, path) VALUES (1, 'phones', 'Phones', '/1/')");
  run("INSERT INTO product_types (id, code, name) VALUES (1, 'phone', 'Phone')");
  for (auto [id, slug, status] : {std::tuple{"11111111-1111-4111-8111-111111111111", "alpha", "active"},
                                  std::tuple{"22222222-2222-4222-8222-222222222222", "old", "archived"}})
    run(std::string("INSERT INTO products (id, slug, title, description_md, description_html, description_text, product_type_id, "
                    "category_id, status, currency) VALUES ('") +
        id + "', '" + slug + "', 'Phone " + slug + "', '', '', '', 1, 1, '" + status + "', 'EUR')");
  run("INSERT INTO variants (sku, product_id, options, price_minor, currency) VALUES "
      "('AL-1', '11111111-1111-4111-8111-111111111111', '{\"storage\":\"128GB\"}', 45900, 'EUR'), "
      "('AL-2', '11111111-1111-4111-8111-111111111111', '{\"storage\":\"256GB\"}', 52900, 'EUR'), "
      "('OLD-1', '22222222-2222-4222-8222-222222222222', '{}', 9900, 'EUR')");
  run("INSERT INTO stock (sku, product_id, on_hand, reserved) VALUES ('AL-1', '11111111-1111-4111-8111-111111111111', 5, 2), "
      "('AL-2', '11111111-1111-4111-8111-111111111111', 0, 0), ('OLD-1', '22222222-2222-4222-8222-222222222222', 9, 0)");

  auto got = RunAwaitable(ioc, offers.Offers({c::Sku("AL-2"), c::Sku("OLD-1"), c::Sku("NOPE"), c::Sku("AL-1")}));
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_EQ(got->size(), 3u);
  const auto& al1 = got->at(0);
  EXPECT_EQ(al1.sku.value(), "AL-1");
  EXPECT_EQ(al1.state, c::Sellable::yes);
  EXPECT_EQ(al1.price.minor_units(), 45900);
  EXPECT_EQ(al1.available, 3);
  EXPECT_EQ(al1.display.title, "Phone alpha");
  EXPECT_EQ(al1.display.options.at(0).second, "128GB");
  EXPECT_EQ(got->at(1).available, 0);
  EXPECT_EQ(got->at(2).state, c::Sellable::archived);

  // The domain's rules on those offers: stock and state as the catalog says them now.
  c::Cart cart;
  EXPECT_TRUE(cart.Add(al1, 3, {}));
  EXPECT_EQ(cart.Add(al1, 1, {}).error().code, Errc::conflict);
  EXPECT_EQ(cart.Add(got->at(2), 1, {}).error().code, Errc::unprocessable);

  catalog.reset();  // the catalog stops
  auto away = RunAwaitable(ioc, offers.Offers({c::Sku("AL-1")}));
  ASSERT_FALSE(away);
  EXPECT_EQ(away.error().code, Errc::unavailable);
  client.reset();  // before the io_context
  std::filesystem::remove_all(media);
}
