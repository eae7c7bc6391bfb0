#include "support/shop.hpp"

#include <fstream>
#include <iostream>

#include <boost/json.hpp>
#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "store/db/db.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/producer.hpp"
#include "store/testing/engines.hpp"
#include "support/http.hpp"

namespace e2e {
namespace {

namespace json = boost::json;

json::object Money(std::int64_t minor) { return {{"minor", minor}, {"currency", "EUR"}}; }

// A name of this run's own, lowercase (OpenSearch index names must be; topic prefixes follow).
std::string LowerUniqueName(const std::string& stem) {
  std::string name = store::testing::UniqueName(stem);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// product.upserted.v1 as the catalog publishes it (contracts/events/product.upserted.v1.schema.json).
json::object Upserted(const ShopProduct& p) {
  json::array variants;
  std::int64_t low = p.variants.front().price, high = low;
  for (const auto& v : p.variants) {
    json::object options;
    for (const auto& [k, value] : v.options) options[k] = value;
    variants.push_back(json::object{{"sku", v.sku}, {"options", options}, {"price", Money(v.price)}, {"available", v.on_hand}});
    low = std::min(low, v.price);
    high = std::max(high, v.price);
  }
  json::object category{{"id", 1}, {"slug", "gadgets"}, {"name", "Gadgets"},
                        {"path", json::array{json::object{{"id", 1}, {"slug", "gadgets"}, {"name", "Gadgets"}}}}};
  return {{"product_id", p.id}, {"slug", p.slug}, {"title", p.title}, {"description", p.title + " for the journey"},
          {"product_type", "gadget"}, {"category", category}, {"category_ids", json::array{1}}, {"specs", json::array()},
          {"variants", variants}, {"price_min", Money(low)}, {"price_max", Money(high)}, {"in_stock", true},
          {"image_url", nullptr}, {"brand", nullptr}, {"status", "active"}, {"created_at", "2026-01-01T00:00:00.000Z"},
          {"updated_at", "2026-01-01T00:00:00.000Z"}, {"version", 1},
          {"model_line", p.model_line.empty() ? json::value(nullptr) : json::value(p.model_line)}};
}

}  // namespace

const std::vector<ShopProduct>& ShopProducts() {
  static const std::vector<ShopProduct> products = {
      {"aaaaaaaa-1111-4111-8111-111111111111", "aurora-phone", "Aurora Phone",
       {{"AUR-128", {{"storage", "128GB"}}, 49900, 10}, {"AUR-256", {{"storage", "256GB"}}, 59900, 10}}, "aurora-phone"},
      {"cccccccc-3333-4333-8333-333333333333", "aurora-phone-blue", "Aurora Phone Blue",
       {{"AUR-B-128", {{"storage", "128GB"}}, 54900, 10}}, "aurora-phone"},
      {"bbbbbbbb-2222-4222-8222-222222222222", "borealis-headphones", "Borealis Headphones", {{"BOR-1", {}, 12900, 10}}}};
  return products;
}

void WriteShopProducts(const store::db::Options& catalog) {
  store::db::Database sql(catalog);
  auto run = [&](const std::string& statement) {
    auto r = sql.RunSync([&](store::db::Connection& conn) { return conn.Execute(statement); });
    if (!r) throw std::runtime_error(statement + ": " + r.error().message);
  };
  run("INSERT INTO categories (id, slug, name, path) VALUES (1, 'gadgets', 'Gadgets', '/1/')");
  run("INSERT INTO product_types (id, code, name) VALUES (1, 'gadget', 'Gadget')");
  for (const auto& p : ShopProducts()) {
    std::int64_t low = p.variants.front().price, high = low;
    for (const auto& v : p.variants) low = std::min(low, v.price), high = std::max(high, v.price);
    run("INSERT INTO products (id, slug, title, description_md, description_html, description_text, model_line, product_type_id, "
        "category_id, status, currency, price_min_minor, price_max_minor, available_skus) VALUES ('" + p.id + "', '" + p.slug +
        "', '" + p.title + "', '', '<p>" + p.title + " for the journey</p>', '', " +
        (p.model_line.empty() ? std::string("NULL") : "'" + p.model_line + "'") + ", 1, 1, 'active', 'EUR', " + std::to_string(low) +
        ", " + std::to_string(high) + ", " + std::to_string(p.variants.size()) + ")");
    int position = 0;
    for (const auto& v : p.variants) {
      json::object options;
      for (const auto& [k, value] : v.options) options[k] = value;
      run("INSERT INTO variants (sku, product_id, options, price_minor, currency, position) VALUES ('" + v.sku + "', '" + p.id +
          "', '" + json::serialize(options) + "', " + std::to_string(v.price) + ", 'EUR', " + std::to_string(position++) + ")");
      run("INSERT INTO stock (sku, product_id, on_hand, reserved) VALUES ('" + v.sku + "', '" + p.id + "', " +
          std::to_string(v.on_hand) + ", 0)");
    }
  }
}

ShopSearch::ShopSearch(int port, const std::string& jwks_url, const std::string& key_prefix, const std::string& more_topics,
                       const std::string& log)
    : products_topic_("e2e_products", 1), alias_(LowerUniqueName("e2e-shop-products")) {
  auto e = store::testing::Engines::FromEnv();
  const std::string indexed = products_topic_.name() + (more_topics.empty() ? "" : "," + more_topics);
  process_ = ChildProcess(
      "search", {STORE_SEARCH_BIN},
      {{"SEARCH_HTTP_PORT", std::to_string(port)}, {"SEARCH_HTTP_HOST", "127.0.0.1"},
       {"SEARCH_OPENSEARCH_URL", "http://" + e.host + ":" + std::to_string(e.opensearch_port)},
       {"SEARCH_INDEX_ALIAS", alias_}, {"SEARCH_INDEXER_TOPICS", indexed},
       {"SEARCH_INDEXER_GROUP", store::testing::UniqueName("e2e-shop-indexer")},
       {"SEARCH_KAFKA_BOOTSTRAP", e.kafka_bootstrap}, {"SEARCH_CACHE_HOST", e.host},
       {"SEARCH_CACHE_PORT", std::to_string(e.redis_port)}, {"SEARCH_ZERO_RESULTS_KEY", key_prefix + "zero"},
       {"SEARCH_QUERIES_KEY", key_prefix + "queries"}, {"SEARCH_AUTH_JWKS_URL", jwks_url},
       {"SEARCH_LINES_KEY_PREFIX", key_prefix + "lines:"}, {"SEARCH_LOG_LEVEL", "warn"}},
      log);
}

ShopSearch::~ShopSearch() {
  process_.Stop();
  HttpClient os;
  auto e = store::testing::Engines::FromEnv();
  os.Send({.method = "DELETE", .url = "http://" + e.host + ":" + std::to_string(e.opensearch_port) + "/" + alias_ + "*"});
}

void ShopSearch::Announce() {
  auto producer = store::messaging::Producer::Create(store::testing::KafkaTestConfig());
  if (!producer) throw std::runtime_error(producer.error().message);
  for (const auto& p : ShopProducts()) {
    auto event = store::messaging::NewEvent("product.upserted.v1", Upserted(p));
    if (auto st = (*producer)->Produce(store::messaging::EventMessage(products_topic_.name(), p.id, event)); !st)
      throw std::runtime_error(st.error().message);
  }
}

Shop::Shop(ShopOptions options) : dir_("store-e2e-shop") {
  const std::string key_file = dir_.path() + "/signing-key.pem";
  std::map<std::string, std::string> user_env = {{"USER_REDIS_KEY_PREFIX", keys_.prefix()}, {"USER_AUTH_DEV_KEY_FILE", key_file},
                                                 {"USER_AUTH_REQUIRE_VERIFIED_EMAIL", "false"}, {"USER_OIDC_PROVIDERS", ""},
                                                 {"USER_MFA_DEV_KEY_FILE", dir_.path() + "/mfa-key"}};
  if (!options.mfa_admin_grace.empty()) user_env["USER_MFA_ADMIN_GRACE"] = options.mfa_admin_grace;
  if (options.accounts) {
    topic_prefix_ = LowerUniqueName("e2eshop") + ".";
    const std::string callback = Url(gateway_port_, "/api/user/v1/auth/oidc/local/callback");
    oidc_ = std::make_unique<OidcProvider>(std::vector<std::string>{callback},
                                           options.oidc_domain.empty() ? "example.test" : options.oidc_domain);
    user_env["USER_AUTH_REQUIRE_VERIFIED_EMAIL"] = "true";
    user_env["USER_EVENTS_TOPIC_PREFIX"] = topic_prefix_;
    user_env["USER_OIDC_PROVIDERS"] = "local";
    user_env["USER_OIDC_LOCAL_ISSUER"] = oidc_->issuer();
    user_env["USER_OIDC_LOCAL_CLIENT_ID"] = OidcProvider::kClientId;
    user_env["USER_OIDC_LOCAL_CLIENT_SECRET"] = OidcProvider::kClientSecret;
    user_env["USER_OIDC_LOCAL_REDIRECT_URI"] = callback;
    user_env["USER_OIDC_LOCAL_DISPLAY_NAME"] = "Local ID";
  }
  // Staff's catalog changes, as the shop announces them: under topics of this shop's own.
  std::string catalog_prefix, indexed;
  if (options.catalog_events) {
    catalog_prefix = LowerUniqueName("e2ecat") + ".";
    std::vector<std::string> topics;
    for (const char* t : {"product.upserted.v1", "product.archived.v1", "stock.changed.v1", "stock.reserved.v1",
                          "stock.reservation_failed.v1", "stock.released.v1", "stock.committed.v1"})
      topics.push_back(catalog_prefix + t);
    indexed = catalog_prefix + "product.upserted.v1," + catalog_prefix + "product.archived.v1";
    catalog_outbox_ = std::make_unique<RelayedOutbox>(catalog_db_.name(), topics, dir_.path() + "/catalog-relay.log");
  }
  user_ = ChildProcess("user", {STORE_USER_BIN, "--config", SourceDir() + "/services/user/config/defaults.conf"},
                       ServiceEnv("USER", user_port_, user_db_.name(), user_env), dir_.path() + "/user.log");
  catalog_ = ChildProcess("catalog", {STORE_CATALOG_BIN},
                          ServiceEnv("CATALOG", catalog_port_, catalog_db_.name(),
                                     {{"CATALOG_CACHE_PREFIX", keys_.prefix() + "catalog:"}, {"CATALOG_CONSUMER_ENABLED", "false"},
                                      {"CATALOG_MEDIA_DIR", dir_.path() + "/media"},
                                      {"CATALOG_EVENTS_TOPIC_PREFIX", catalog_prefix},
                                      {"CATALOG_AUTH_JWKS_URL", Url(user_port_, "/.well-known/jwks.json")}}),
                          dir_.path() + "/catalog.log");
  search_ = std::make_unique<ShopSearch>(search_port_, Url(user_port_, "/.well-known/jwks.json"), keys_.prefix(), indexed,
                                         dir_.path() + "/search.log");
  cart_ = ChildProcess("cart", {STORE_CART_BIN},
                       ServiceEnv("CART", cart_port_, "",
                                  {{"CART_DOCSTORE_URI", cart_db_.options().uri}, {"CART_DOCSTORE_DATABASE", cart_db_.name()},
                                   {"CART_CACHE_PREFIX", keys_.prefix() + "cart:"}, {"CART_CATALOG_URL", Url(catalog_port_, "")},
                                   {"CART_AUTH_JWKS_URL", Url(user_port_, "/.well-known/jwks.json")},
                                   {"CART_EVENTS_TOPIC_PREFIX", "e2e."}, {"CART_CONSUMER_ENABLED", "false"},
                                   // The gateway is plain http on 127.0.0.1 here: a Secure cookie would not come back.
                                   {"CART_COOKIE_SECURE", "false"}}),
                       dir_.path() + "/cart.log");
  HttpClient probe;
  for (int port : {user_port_, catalog_port_, search_port_, cart_port_})
    if (!WaitUntil([&] { return probe.Get(Url(port, "/readyz")).status == 200; }, std::chrono::seconds(90)))
      throw std::runtime_error("a service did not become ready (port " + std::to_string(port) + "):\n" + Logs());
  if (options.accounts)
    mailer_ = std::make_unique<Mailer>(MailerOptions{.outbox_database = user_db_.name(),
                                                     .topic_prefix = topic_prefix_,
                                                     .topics = kUserTopics,
                                                     .mailed = kUserMailedTopics,
                                                     .shop_url = Url(gateway_port_, ""),
                                                     .shop_name = "E2E Shop",
                                                     .jwks_url = Url(user_port_, "/.well-known/jwks.json")});
  GatewayOptions gw{.port = gateway_port_, .user_port = user_port_, .catalog_port = catalog_port_, .search_port = search_port_,
                    .notification_port = mailer_ ? mailer_->notification_port() : 0, .cart_port = cart_port_,
                    .auth_burst = options.auth_burst};
  if (!options.static_root.empty()) gw.extra_env["GATEWAY_STATIC_ROOT"] = options.static_root;
  if (!options.admin_root.empty()) gw.extra_env["GATEWAY_ADMIN_ROOT"] = options.admin_root;
  gw.extra_env["GATEWAY_MEDIA_ROOT"] = dir_.path() + "/media";  // the catalog's images, under /media/
  gateway_ = std::make_unique<Gateway>(gw);

  // The products: in the catalog's schema (what the cart asks for prices and stock) and announced
  // to search as the catalog announces them.
  WriteShopProducts(catalog_db_.options());
  search_->Announce();
}

Shop::~Shop() {
  gateway_.reset();
  mailer_.reset();
  cart_.Stop();
  search_.reset();
  catalog_.Stop();
  catalog_outbox_.reset();
  user_.Stop();
}

std::string Shop::Logs() {
  return "user: " + user_.LogTail(1500) + "\ncatalog: " + catalog_.LogTail(1500) + "\nsearch: " + search_->LogTail() +
         "\ncart: " + cart_.LogTail(3000) + (catalog_outbox_ ? "\ncatalog relay: " + catalog_outbox_->LogTail() : "") + (mailer_ ? "\n" + mailer_->Logs() : "") + (oidc_ ? "\noidc: " + oidc_->Log() : "");
}

int RunJourney(const Shop& shop, const std::string& script, const std::string& email_domain, const std::string& artifacts,
               const std::string& node, const std::string& chromium) {
  const std::string log = artifacts + "/browser.log";
  const int code = RunCommand({node, SourceDir() + "/" + script},
                              {{"STORE_URL", shop.Gw("")},
                               {"CHROMIUM", chromium},
                               {"STORE_E2E_ARTIFACTS", artifacts},
                               {"MAILDEV_URL", shop.maildev_url()},
                               {"EMAIL_DOMAIN", email_domain}},
                              log);
  std::ifstream in(log);
  std::cout << in.rdbuf();
  return code;
}

}  // namespace e2e
