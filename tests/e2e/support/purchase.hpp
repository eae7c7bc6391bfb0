// A shop to buy in, for the end-to-end checkout tests: store_user, store_catalog (its stock
// consumer on), store_cart, store_payment with the provider sandbox (deploy/psp-sandbox) sending its
// webhooks, store_order, the outbox relays of the user, catalog, payment and order services, the
// search service indexing the products (support/shop.hpp's ShopSearch), and the notification
// service mailing the account's emails (verification: an account may sign in before it) and the
// order confirmation and the payment receipt to the shared MailDev, behind nginx. Every event goes through Kafka under topics of this shop's own
// (events.topic_prefix of each service, the consumers' topic names), so the shop's own services
// (./store up) never see them; each service has a fresh database (and FerretDB database, Redis
// prefix). The products are ShopProducts() (support/shop.hpp).
// The fault tests kill parts (SIGKILL) and start them again as they were: the order service, its
// outbox relay, the catalog, the payment service.
#pragma once

#include <boost/json.hpp>
#include <memory>
#include <map>
#include <string>
#include <vector>

#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/docstore.hpp"
#include "support/http.hpp"
#include "support/mailer.hpp"
#include "support/process.hpp"
#include "support/shop.hpp"
#include "support/stack.hpp"

namespace e2e {

struct PurchaseOptions {
  int webhook_delay_ms = 1500;  // the sandbox's webhooks this late (a late one can be arranged)
  std::string reconcile_stuck_after = "5m";  // the payment service asks the provider about an intent waiting this long
  std::string payment_window = "30m";        // the order service's orders.payment_window
  std::string static_root = {};              // the storefront's build, served by the gateway at / ("": none)
};

class Purchase {
 public:
  enum class Part { order, order_relay, catalog, payment };

  explicit Purchase(PurchaseOptions options = {});
  ~Purchase();

  std::string Gw(const std::string& path) const { return gateway_->Url(path); }
  std::string maildev() const { return mailer_->maildev_url(); }
  std::string order_url() const { return Url(order_port_, ""); }
  const std::string& prefix() const { return prefix_; }
  const store::db::Options& catalog_db() const { return catalog_db_.options(); }
  const store::db::Options& order_db() const { return order_db_.options(); }
  const store::db::Options& payment_db() const { return payment_db_.options(); }
  std::string Logs() const;

  void Kill(Part part);   // SIGKILL to the part's process group
  void Start(Part part);  // as it was started first; returns once it is ready

 private:
  struct Spec {
    std::vector<std::string> argv;
    std::map<std::string, std::string> env;
    std::string log;
  };
  static std::string Url(int port, const std::string& path) { return "http://127.0.0.1:" + std::to_string(port) + path; }
  static ChildProcess Launch(const Spec& spec) { return ChildProcess(spec.argv.front(), spec.argv, spec.env, spec.log); }
  void WaitReady(int port);

  TempDir dir_;
  std::string prefix_;
  store::testing::TempDatabase user_db_{"e2e_buy_user"};
  store::testing::TempDatabase catalog_db_{"e2e_buy_catalog"};
  store::testing::TempDatabase payment_db_{"e2e_buy_payment"};
  store::testing::TempDatabase order_db_{"e2e_buy_order"};
  store::testing::TempDocDatabase cart_db_;
  store::testing::TempKeyspace keys_;
  int user_port_ = FreePort(), catalog_port_ = FreePort(), cart_port_ = FreePort(), payment_port_ = FreePort();
  int order_port_ = FreePort(), psp_port_ = FreePort(), gateway_port_ = FreePort(), search_port_ = FreePort();
  Spec catalog_spec_, payment_spec_, order_spec_;
  ChildProcess user_, catalog_, cart_, sandbox_, payment_, order_;
  std::unique_ptr<RelayedOutbox> user_outbox_, catalog_outbox_, payment_outbox_;
  std::unique_ptr<ShopSearch> search_;
  std::unique_ptr<Mailer> mailer_;
  std::unique_ptr<Gateway> gateway_;
};

// What the journeys read from answers: the body as JSON (null when it is not), a string field ("" when absent).
boost::json::value Body(const HttpResponse& r);
std::string Str(const boost::json::value& v, std::string_view key);
// The provider's hosted page: a card typed there, a 3-D Secure challenge approved when it comes.
// Returns where the provider sends the browser back ("" when it stays on its page: a decline).
std::string PayAtProvider(HttpClient& browser, const std::string& hosted, const std::string& card);
// Online banking at the provider's page: `bank` chosen there, the payment approved at the bank's
// page. Returns where the bank sends the browser back.
std::string PayByBank(HttpClient& browser, const std::string& hosted, const std::string& bank);

}  // namespace e2e
