// The shopper's journey to a cart through the nginx gateway, against the real services: a guest
// finds two products by search, adds both to a cart (the cart service sets the guest cookie),
// registers, logs in, merges the guest cart into the customer cart and sees one cart with both.
//
// The stack (once for the suite, on free ports): store_user (email verification off, so a new
// account logs in at once), store_catalog (two products written into its schema), the search
// service on an alias of its own, fed from a topic of its own with the products' product.upserted
// events as the catalog publishes them (the catalog's outbox relay writes the shop's topics, which
// this test must not touch), store_cart, and nginx with deploy/nginx.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "store/db/db.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/producer.hpp"
#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/docstore.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/kafka.hpp"
#include "support/http.hpp"
#include "support/process.hpp"
#include "support/stack.hpp"

namespace {

namespace json = boost::json;
using e2e::HttpClient;
using e2e::HttpResponse;

struct Product {
  std::string id, slug, title, sku;
  std::int64_t price;
};
const std::vector<Product> kProducts = {
    {"aaaaaaaa-1111-4111-8111-111111111111", "aurora-phone", "Aurora Phone", "AUR-128", 49900},
    {"bbbbbbbb-2222-4222-8222-222222222222", "borealis-headphones", "Borealis Headphones", "BOR-1", 12900}};

// product.upserted.v1 as the catalog publishes it (contracts/events/product.upserted.v1.schema.json).
json::object Upserted(const Product& p) {
  json::object money{{"minor", p.price}, {"currency", "EUR"}};
  json::object category{{"id", 1}, {"slug", "gadgets"}, {"name", "Gadgets"},
                        {"path", json::array{json::object{{"id", 1}, {"slug", "gadgets"}, {"name", "Gadgets"}}}}};
  return {{"product_id", p.id}, {"slug", p.slug}, {"title", p.title}, {"description", p.title + " for the journey"},
          {"product_type", "gadget"}, {"category", category}, {"category_ids", json::array{1}}, {"specs", json::array()},
          {"variants", json::array{json::object{{"sku", p.sku}, {"options", json::object()}, {"price", money}, {"available", 10}}}},
          {"price_min", money}, {"price_max", money}, {"in_stock", true}, {"image_url", nullptr}, {"brand", nullptr},
          {"status", "active"}, {"created_at", "2026-01-01T00:00:00.000Z"}, {"updated_at", "2026-01-01T00:00:00.000Z"},
          {"version", 1}};
}

class Stack {
 public:
  Stack()
      : dir_("store-e2e-cart"),
        products_topic_("e2e_products", 1),
        alias_(store::testing::UniqueName("e2e-cart-products")) {
    for (char& c : alias_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto e = store::testing::Engines::FromEnv();
    const std::string key_file = dir_.path() + "/signing-key.pem";
    user_ = e2e::ChildProcess(
        "user", {STORE_USER_BIN, "--config", e2e::SourceDir() + "/services/user/config/defaults.conf"},
        e2e::ServiceEnv("USER", user_port_, user_db_.name(),
                        {{"USER_REDIS_KEY_PREFIX", keys_.prefix()}, {"USER_AUTH_DEV_KEY_FILE", key_file},
                         {"USER_AUTH_REQUIRE_VERIFIED_EMAIL", "false"}, {"USER_OIDC_PROVIDERS", ""}}),
        dir_.path() + "/user.log");
    catalog_ = e2e::ChildProcess(
        "catalog", {STORE_CATALOG_BIN},
        e2e::ServiceEnv("CATALOG", catalog_port_, catalog_db_.name(),
                        {{"CATALOG_CACHE_PREFIX", keys_.prefix() + "catalog:"}, {"CATALOG_CONSUMER_ENABLED", "false"},
                         {"CATALOG_MEDIA_DIR", dir_.path() + "/media"}, {"CATALOG_AUTH_JWKS_URL", ""}}),
        dir_.path() + "/catalog.log");
    search_ = e2e::ChildProcess(
        "search", {STORE_SEARCH_BIN},
        {{"SEARCH_HTTP_PORT", std::to_string(search_port_)}, {"SEARCH_HTTP_HOST", "127.0.0.1"},
         {"SEARCH_OPENSEARCH_URL", "http://" + e.host + ":" + std::to_string(e.opensearch_port)},
         {"SEARCH_INDEX_ALIAS", alias_}, {"SEARCH_INDEXER_TOPICS", products_topic_.name()},
         {"SEARCH_INDEXER_GROUP", store::testing::UniqueName("e2e-cart-indexer")},
         {"SEARCH_KAFKA_BOOTSTRAP", e.kafka_bootstrap}, {"SEARCH_CACHE_HOST", e.host},
         {"SEARCH_CACHE_PORT", std::to_string(e.redis_port)}, {"SEARCH_ZERO_RESULTS_KEY", keys_.prefix() + "zero"},
         {"SEARCH_LOG_LEVEL", "warn"}},
        dir_.path() + "/search.log");
    cart_ = e2e::ChildProcess(
        "cart", {STORE_CART_BIN},
        e2e::ServiceEnv("CART", cart_port_, "",
                        {{"CART_DOCSTORE_URI", cart_db_.options().uri}, {"CART_DOCSTORE_DATABASE", cart_db_.name()},
                         {"CART_CACHE_PREFIX", keys_.prefix() + "cart:"}, {"CART_CATALOG_URL", Url(catalog_port_, "")},
                         {"CART_AUTH_JWKS_URL", Url(user_port_, "/.well-known/jwks.json")}, {"CART_EVENTS_TOPIC_PREFIX", "e2e."},
                         {"CART_CONSUMER_ENABLED", "false"},
                         // The gateway is plain http on 127.0.0.1 here: a Secure cookie would not come back.
                         {"CART_COOKIE_SECURE", "false"}}),
        dir_.path() + "/cart.log");
    HttpClient probe;
    for (int port : {user_port_, catalog_port_, search_port_, cart_port_})
      if (!e2e::WaitUntil([&] { return probe.Get(Url(port, "/readyz")).status == 200; }, std::chrono::seconds(90)))
        throw std::runtime_error("a service did not become ready (port " + std::to_string(port) + "):\n" + Logs());
    gateway_ = std::make_unique<e2e::Gateway>(e2e::GatewayOptions{.user_port = user_port_, .catalog_port = catalog_port_,
                                                                  .search_port = search_port_, .cart_port = cart_port_});

    // The two products: in the catalog's schema (what the cart asks for prices and stock) and
    // announced to search as the catalog announces them.
    store::db::Database sql(catalog_db_.options());
    auto run = [&](const std::string& statement) {
      auto r = sql.RunSync([&](store::db::Connection& conn) { return conn.Execute(statement); });
      if (!r) throw std::runtime_error(statement + ": " + r.error().message);
    };
    run("INSERT INTO categories (id, slug, name, path) VALUES (1, 'gadgets', 'Gadgets', '/1/')");
    run("INSERT INTO product_types (id, code, name) VALUES (1, 'gadget', 'Gadget')");
    auto producer = store::messaging::Producer::Create(store::testing::KafkaTestConfig());
    if (!producer) throw std::runtime_error(producer.error().message);
    for (const auto& p : kProducts) {
      run("INSERT INTO products (id, slug, title, description_md, description_html, description_text, product_type_id, "
          "category_id, status, currency) VALUES ('" + p.id + "', '" + p.slug + "', '" + p.title + "', '', '', '', 1, 1, 'active', 'EUR')");
      run("INSERT INTO variants (sku, product_id, options, price_minor, currency) VALUES ('" + p.sku + "', '" + p.id + "', '{}', " +
          std::to_string(p.price) + ", 'EUR')");
      run("INSERT INTO stock (sku, product_id, on_hand, reserved) VALUES ('" + p.sku + "', '" + p.id + "', 10, 0)");
      auto event = store::messaging::NewEvent("product.upserted.v1", Upserted(p));
      if (auto st = (*producer)->Produce(store::messaging::EventMessage(products_topic_.name(), p.id, event)); !st)
        throw std::runtime_error(st.error().message);
    }
  }
  ~Stack() {
    gateway_.reset();
    cart_.Stop();
    search_.Stop();
    catalog_.Stop();
    user_.Stop();
    HttpClient os;
    auto e = store::testing::Engines::FromEnv();
    os.Send({.method = "DELETE", .url = "http://" + e.host + ":" + std::to_string(e.opensearch_port) + "/" + alias_ + "*"});
  }

  std::string Gw(const std::string& path) const { return gateway_->Url(path); }
  std::string Logs() {
    return "user: " + user_.LogTail(1500) + "\ncatalog: " + catalog_.LogTail(1500) + "\nsearch: " + search_.LogTail(1500) +
           "\ncart: " + cart_.LogTail(3000);
  }

 private:
  static std::string Url(int port, const std::string& path) { return "http://127.0.0.1:" + std::to_string(port) + path; }

  e2e::TempDir dir_;
  store::testing::TempDatabase user_db_{"e2e_cart_user"};
  store::testing::TempDatabase catalog_db_{"e2e_cart_catalog"};
  store::testing::TempDocDatabase cart_db_;
  store::testing::TempKeyspace keys_;
  store::testing::TempTopic products_topic_;
  std::string alias_;
  int user_port_ = e2e::FreePort(), catalog_port_ = e2e::FreePort(), search_port_ = e2e::FreePort(), cart_port_ = e2e::FreePort();
  e2e::ChildProcess user_, catalog_, search_, cart_;
  std::unique_ptr<e2e::Gateway> gateway_;
};

json::value Body(const HttpResponse& r) { return json::parse(r.body); }

// What a shopper does: searches for `q` (until search has indexed the product), opens the hit
// titled `title` (its product page) and picks its first variant; answers that SKU.
std::string FindSku(HttpClient& browser, Stack& stack, const std::string& q, const std::string& title) {
  std::string slug;
  EXPECT_TRUE(e2e::WaitUntil([&] {
    auto r = browser.Get(stack.Gw("/api/catalog/v1/search?q=" + q));
    if (r.status != 200) return false;
    const json::value answer = Body(r);
    for (const auto& item : answer.at("items").as_array())
      if (item.at("title").as_string() == title) {
        slug = json::value_to<std::string>(item.at("slug"));
        return true;
      }
    return false;
  }, std::chrono::seconds(60))) << "search did not find " << title << "\n" << stack.Logs();
  auto page = browser.Get(stack.Gw("/api/catalog/v1/products/" + slug + "/page"));
  EXPECT_EQ(page.status, 200) << page.body;
  if (page.status != 200) return "";
  return json::value_to<std::string>(Body(page).at("variants").at(0).at("sku"));
}

std::int64_t Quantity(const json::value& cart, const std::string& sku) {
  for (const auto& l : cart.at("lines").as_array())
    if (l.at("sku").as_string() == sku) return l.at("quantity").as_int64();
  return 0;
}

TEST(CartE2E, AGuestFindsTwoProductsAddsThemRegistersLogsInMergesAndSeesOneCartWithBoth) {
  Stack stack;
  HttpClient browser(e2e::NextLoopbackIp(), /*cookies_and_redirects=*/true);  // keeps the cart cookie

  const std::string phone = FindSku(browser, stack, "aurora", "Aurora Phone");
  const std::string headphones = FindSku(browser, stack, "borealis", "Borealis Headphones");
  ASSERT_EQ(phone, "AUR-128");
  ASSERT_EQ(headphones, "BOR-1");

  auto first = browser.Post(stack.Gw("/api/cart/v1/cart/items"), json::serialize(json::object{{"sku", phone}, {"quantity", 1}}));
  ASSERT_EQ(first.status, 200) << first.body << "\n" << stack.Logs();
  ASSERT_TRUE(first.Header("set-cookie").has_value());
  EXPECT_NE(first.Header("set-cookie")->find("cart_token="), std::string::npos);
  auto second =
      browser.Post(stack.Gw("/api/cart/v1/cart/items"), json::serialize(json::object{{"sku", headphones}, {"quantity", 2}}));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Body(second).at("item_count").as_int64(), 3) << "the cookie named the same guest cart";

  const std::string email = store::testing::UniqueName("shopper") + "@example.com";
  const std::string password = "a long journey password 7";
  auto reg = browser.Post(stack.Gw("/api/user/v1/auth/register"),
                          json::serialize(json::object{{"email", email}, {"password", password}, {"name", "Shopper"}}));
  ASSERT_EQ(reg.status, 202) << reg.body;
  auto login = browser.Post(stack.Gw("/api/user/v1/auth/login"), json::serialize(json::object{{"email", email}, {"password", password}}));
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string bearer = e2e::Bearer(json::value_to<std::string>(Body(login).at("access_token")));

  // Right after login the storefront merges the guest cart (its cookie) into the customer cart.
  auto merged = browser.Post(stack.Gw("/api/cart/v1/cart/merge"), json::serialize(json::object{{"mode", "merge"}}), {bearer});
  ASSERT_EQ(merged.status, 200) << merged.body << "\n" << stack.Logs();
  EXPECT_EQ(Body(merged).at("merged").as_array().size(), 2u);

  auto cart = browser.Get(stack.Gw("/api/cart/v1/cart"), {bearer});
  ASSERT_EQ(cart.status, 200) << cart.body;
  const auto mine = Body(cart);
  EXPECT_EQ(mine.at("lines").as_array().size(), 2u);
  EXPECT_EQ(Quantity(mine, phone), 1);
  EXPECT_EQ(Quantity(mine, headphones), 2);
  EXPECT_EQ(mine.at("subtotal").at("minor").as_int64(), 49900 + 2 * 12900);
  EXPECT_EQ(mine.at("lines").at(0).at("title").as_string(), "Aurora Phone");
  // The guest cart is gone (its cookie was cleared); the same browser without a token has none.
  auto guest = browser.Get(stack.Gw("/api/cart/v1/cart"));
  ASSERT_EQ(guest.status, 200);
  EXPECT_TRUE(Body(guest).at("lines").as_array().empty());
}

}  // namespace
