// A small shop through its front door for the end-to-end journeys: store_user (email verification
// off, so a new account logs in at once), store_catalog (the products below written into its fresh
// schema), the search service on an alias of its own, fed from a topic of its own with the
// products' product.upserted events as the catalog publishes them (the catalog's outbox relay writes
// the shop's topics, which a test must not touch), store_cart, and nginx with deploy/nginx serving
// `static_root` (the storefront's build) at /. Each on free ports, with its own databases, Redis
// prefix and OpenSearch alias, all removed when the object dies.
// With `accounts`, the account side as the shop has it: email verification required, the user
// service's emails sent through its relay and the real notification service to the shared MailDev
// (support/mailer.hpp) with links to this gateway, and social login through the local OpenID
// provider (any address at the domain given) redirecting back to this gateway.
// Paths of the service binaries come from compile definitions (STORE_*_BIN).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/docstore.hpp"
#include "store/testing/kafka.hpp"
#include "support/mailer.hpp"
#include "support/process.hpp"
#include "support/stack.hpp"

namespace e2e {

struct ShopVariant {
  std::string sku;
  std::map<std::string, std::string> options;
  std::int64_t price;  // EUR minor units
  int on_hand;
};
struct ShopProduct {
  std::string id, slug, title;
  std::vector<ShopVariant> variants;
  std::string model_line = {};  // "": a product of its own
};
// Aurora Phone (AUR-128 128GB 499.00, AUR-256 256GB 599.00) and Aurora Phone Blue (AUR-B-128,
// 549.00), one model line (aurora-phone), and Borealis Headphones (BOR-1, 129.00), ten of each in
// stock, in the category Gadgets (slug gadgets).
const std::vector<ShopProduct>& ShopProducts();
// Writes them (the category, the product type, products, variants, stock) into a fresh catalog schema.
void WriteShopProducts(const store::db::Options& catalog);

struct ShopOptions {
  std::string static_root;      // the storefront's build, served at /
  std::string admin_root = {};  // the admin app's build, served at /admin/
  std::string mfa_admin_grace = {};  // the user service's mfa.admin_grace (empty: its default, 7 days)
  bool accounts = false;        // verification emails, social login (above)
  std::string oidc_domain = {};  // with accounts: the addresses the OpenID provider signs in (example.test)
  int auth_burst = 5;            // the gateway's sign-in burst per IP (a scripted journey signs in more often than a person)
  bool catalog_events = false;   // the catalog's outbox relayed to topics of the shop's own, which search indexes:
                                 // what staff change in the catalog is found in the shop's search
};

// The search service over ShopProducts() (store_catalog_search, a child process): on an OpenSearch
// alias of its own, indexing a topic of its own, into which Announce() writes the products'
// product.upserted events as the catalog publishes them, and the topics in `more_topics` (a
// catalog's relayed ones, comma-separated). The index goes when the object dies.
class ShopSearch {
 public:
  ShopSearch(int port, const std::string& jwks_url, const std::string& key_prefix, const std::string& more_topics,
             const std::string& log);
  ~ShopSearch();
  void Announce();  // the products' events (throws on a Kafka error)
  std::string LogTail(std::size_t bytes = 1500) const { return process_.LogTail(bytes); }

 private:
  store::testing::TempTopic products_topic_;
  std::string alias_;
  ChildProcess process_;
};

class Shop;

// Runs one of the web apps' browser journeys (a script of web/*/tests: node driving Debian's
// chromium through playwright-core) against `shop`, with its MailDev and the email domain of the
// run; prints the script's output (a line per check) and returns its exit code. `artifacts`: where
// a failed check's screenshot goes.
int RunJourney(const Shop& shop, const std::string& script, const std::string& email_domain, const std::string& artifacts,
               const std::string& node, const std::string& chromium);

class Shop {
 public:
  explicit Shop(ShopOptions options = {});
  ~Shop();
  std::string Gw(const std::string& path) const { return gateway_->Url(path); }
  // With accounts: MailDev's REST API, where the shop's emails are read.
  std::string maildev_url() const { return mailer_ ? mailer_->maildev_url() : ""; }
  std::string Logs();

 private:
  static std::string Url(int port, const std::string& path) { return "http://127.0.0.1:" + std::to_string(port) + path; }

  TempDir dir_;
  store::testing::TempDatabase user_db_{"e2e_shop_user"};
  store::testing::TempDatabase catalog_db_{"e2e_shop_catalog"};
  store::testing::TempDocDatabase cart_db_;
  store::testing::TempKeyspace keys_;
  int user_port_ = FreePort(), catalog_port_ = FreePort(), search_port_ = FreePort(), cart_port_ = FreePort();
  int gateway_port_ = FreePort();
  std::string topic_prefix_;
  std::unique_ptr<OidcProvider> oidc_;
  std::unique_ptr<RelayedOutbox> catalog_outbox_;
  ChildProcess user_, catalog_;
  std::unique_ptr<ShopSearch> search_;
  ChildProcess cart_;
  std::unique_ptr<Mailer> mailer_;
  std::unique_ptr<Gateway> gateway_;
};

}  // namespace e2e
