#include "support/purchase.hpp"

#include <csignal>
#include <stdexcept>

#include "store/testing/engines.hpp"
#include "support/http.hpp"
#include "support/maildev.hpp"
#include "support/shop.hpp"

namespace e2e {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> Prefixed(const std::string& prefix, const std::vector<std::string>& topics) {
  std::vector<std::string> out;
  for (const auto& t : topics) out.push_back(prefix + t);
  return out;
}

std::string QueryParam(const std::string& url, const std::string& name) {
  auto at = url.find(name + "=");
  if (at == std::string::npos) return "";
  auto end = url.find('&', at);
  return url.substr(at + name.size() + 1, end == std::string::npos ? std::string::npos : end - at - name.size() - 1);
}

}  // namespace

Purchase::Purchase(PurchaseOptions options) : dir_("store-e2e-checkout"), prefix_(Lower(store::testing::UniqueName("e2ebuy")) + ".") {
  const std::string jwks = Url(user_port_, "/.well-known/jwks.json");
  const std::string secret = dir_.path() + "/order-client.secret";
  // Every topic first (the relays and the mailer make them), then the services that consume them.
  catalog_outbox_ = std::make_unique<RelayedOutbox>(
      catalog_db_.name(),
      Prefixed(prefix_, {"product.upserted.v1", "product.archived.v1", "stock.changed.v1", "stock.reserved.v1",
                         "stock.reservation_failed.v1", "stock.released.v1", "stock.committed.v1"}),
      dir_.path() + "/catalog-relay.log");
  payment_outbox_ = std::make_unique<RelayedOutbox>(
      payment_db_.name(), Prefixed(prefix_, {"payment.authorized.v1", "payment.failed.v1", "payment.cancelled.v1"}),
      dir_.path() + "/payment-relay.log");
  user_outbox_ = std::make_unique<RelayedOutbox>(user_db_.name(), Prefixed(prefix_, kUserTopics), dir_.path() + "/user-relay.log");
  // The account's emails, the order's confirmation and cancellation, the payment's receipt and
  // refund, mailed: the order's outbox relayed by the mailer, the others by their own relays.
  mailer_ = std::make_unique<Mailer>(MailerOptions{
      .outbox_database = order_db_.name(),
      .topic_prefix = prefix_,
      .topics = {"order.placed.v1", "order.confirmed.v1", "order.cancelled.v1", "payment.succeeded.v1", "payment.refunded.v1"},
      .mailed = [] {
        std::vector<std::string> mailed = kUserMailedTopics;
        mailed.insert(mailed.end(), {"order.confirmed.v1", "order.cancelled.v1", "payment.succeeded.v1", "payment.refunded.v1"});
        return mailed;
      }(),
      .shop_url = Url(gateway_port_, ""),
      .shop_name = "E2E Checkout Shop",
      .jwks_url = jwks});
  user_ = ChildProcess(
      "user", {STORE_USER_BIN, "--config", SourceDir() + "/services/user/config/defaults.conf"},
      ServiceEnv("USER", user_port_, user_db_.name(),
                      {{"USER_REDIS_KEY_PREFIX", keys_.prefix()}, {"USER_AUTH_DEV_KEY_FILE", dir_.path() + "/signing-key.pem"},
                       {"USER_MFA_DEV_KEY_FILE", dir_.path() + "/mfa-key"}, {"USER_AUTH_REQUIRE_VERIFIED_EMAIL", "false"},
                       {"USER_EVENTS_TOPIC_PREFIX", prefix_},
                       {"USER_OIDC_PROVIDERS", ""}, {"USER_OAUTH_CLIENTS", "order"}, {"USER_OAUTH_CLIENT_ORDER_SECRET_FILE", secret}}),
      dir_.path() + "/user.log");
  catalog_spec_ = Spec{
      {STORE_CATALOG_BIN},
      ServiceEnv("CATALOG", catalog_port_, catalog_db_.name(),
                      {{"CATALOG_CACHE_PREFIX", keys_.prefix() + "catalog:"}, {"CATALOG_MEDIA_DIR", dir_.path() + "/media"},
                       {"CATALOG_EVENTS_TOPIC_PREFIX", prefix_}, {"CATALOG_AUTH_JWKS_URL", jwks},
                       {"CATALOG_CONSUMER_GROUP", store::testing::UniqueName("e2e-catalog-stock")},
                       {"CATALOG_CONSUMER_TOPIC_ORDER_PLACED", prefix_ + "order.placed.v1"},
                       {"CATALOG_CONSUMER_TOPIC_ORDER_CANCELLED", prefix_ + "order.cancelled.v1"},
                        {"CATALOG_CONSUMER_TOPIC_ORDER_CONFIRMED", prefix_ + "order.confirmed.v1"}}),
      dir_.path() + "/catalog.log"};
  catalog_ = Launch(catalog_spec_);
  search_ = std::make_unique<ShopSearch>(search_port_, jwks, keys_.prefix(),
                                         prefix_ + "product.upserted.v1," + prefix_ + "product.archived.v1", dir_.path() + "/search.log");
  cart_ = ChildProcess(
      "cart", {STORE_CART_BIN},
      ServiceEnv("CART", cart_port_, "",
                      {{"CART_DOCSTORE_URI", cart_db_.options().uri}, {"CART_DOCSTORE_DATABASE", cart_db_.name()},
                       {"CART_CACHE_PREFIX", keys_.prefix() + "cart:"}, {"CART_CATALOG_URL", Url(catalog_port_, "")},
                       {"CART_AUTH_JWKS_URL", jwks}, {"CART_EVENTS_TOPIC_PREFIX", prefix_ + "cart."},
                       {"CART_CONSUMER_GROUP", store::testing::UniqueName("e2e-cart-orders")},
                       {"CART_CONSUMER_TOPIC_ORDER_CONFIRMED", prefix_ + "order.confirmed.v1"}, {"CART_COOKIE_SECURE", "false"}}),
      dir_.path() + "/cart.log");
  sandbox_ = ChildProcess("psp", {STORE_NODE, SourceDir() + "/deploy/psp-sandbox/sandbox.mjs"},
                               {{"PSP_PORT", std::to_string(psp_port_)}, {"PSP_HOST", "127.0.0.1"},
                                {"PSP_STATE_DIR", dir_.path() + "/psp"},
                                {"PSP_WEBHOOK_URL", Url(payment_port_, "/v1/payments/webhooks/sandbox")},
                                // a late webhook can be arranged: the order cancelled meanwhile
                                {"PSP_WEBHOOK_DELAY_MS", std::to_string(options.webhook_delay_ms)}},
                               dir_.path() + "/psp.log");
  payment_spec_ = Spec{
      {STORE_PAYMENT_BIN},
      ServiceEnv("PAYMENT", payment_port_, payment_db_.name(),
                      {{"PAYMENT_AUTH_JWKS_URL", jwks}, {"PAYMENT_EVENTS_TOPIC_PREFIX", prefix_},
                       {"PAYMENT_CONSUMER_GROUP", store::testing::UniqueName("e2e-payment-orders")},
                       {"PAYMENT_CONSUMER_TOPIC_ORDER_CANCELLED", prefix_ + "order.cancelled.v1"},
                       {"PAYMENT_SANDBOX_URL", Url(psp_port_, "")}, {"PAYMENT_SHOP_BASE_URL", Url(gateway_port_, "")},
                       {"PAYMENT_RECONCILE_INTERVAL", "1s"}, {"PAYMENT_RECONCILE_STUCK_AFTER", options.reconcile_stuck_after}}),
      dir_.path() + "/payment.log"};
  payment_ = Launch(payment_spec_);
  order_spec_ = Spec{
      {STORE_ORDER_BIN},
      ServiceEnv("ORDER", order_port_, order_db_.name(),
                      {{"ORDER_AUTH_JWKS_URL", jwks}, {"ORDER_CACHE_HOST", "127.0.0.1"}, {"ORDER_EVENTS_TOPIC_PREFIX", prefix_},
                       {"ORDER_CART_URL", Url(cart_port_, "")}, {"ORDER_CATALOG_URL", Url(catalog_port_, "")},
                       {"ORDER_USER_URL", Url(user_port_, "")}, {"ORDER_PAYMENT_URL", Url(payment_port_, "")},
                       {"ORDER_SERVICE_CLIENT_TOKEN_URL", Url(user_port_, "/v1/oauth/token")},
                       {"ORDER_SERVICE_CLIENT_SECRET_FILE", secret},
                       {"ORDER_CONSUMER_GROUP", store::testing::UniqueName("e2e-order-saga")},
                       {"ORDER_CONSUMER_TOPIC_STOCK_RESERVED", prefix_ + "stock.reserved.v1"},
                       {"ORDER_CONSUMER_TOPIC_STOCK_FAILED", prefix_ + "stock.reservation_failed.v1"},
                       {"ORDER_CONSUMER_TOPIC_PAYMENT_SUCCEEDED", prefix_ + "payment.succeeded.v1"},
                       {"ORDER_CONSUMER_TOPIC_PAYMENT_FAILED", prefix_ + "payment.failed.v1"},
                       {"ORDER_ORDERS_PAYMENT_WINDOW", options.payment_window}}),
      dir_.path() + "/order.log"};
  order_ = Launch(order_spec_);
  for (int port : {user_port_, catalog_port_, search_port_, cart_port_, payment_port_, order_port_}) WaitReady(port);
  HttpClient probe;
  if (!WaitUntil([&] { return probe.Get(Url(psp_port_, "/healthz")).status == 200; }, std::chrono::seconds(30)))
    throw std::runtime_error("the sandbox did not start:\n" + sandbox_.LogTail());
  gateway_ = std::make_unique<Gateway>(GatewayOptions{.port = gateway_port_,
                                                                .user_port = user_port_,
                                                                .catalog_port = catalog_port_,
                                                                .search_port = search_port_,
                                                                .notification_port = mailer_->notification_port(),
                                                                .cart_port = cart_port_,
                                                                .payment_port = payment_port_,
                                                                .order_port = order_port_,
                                                                .rate = "2000r/s",  // races: hundreds of shoppers from one address
                                                                .burst = 2000,
                                                                // every journey registers and signs in a shopper or two
                                                                .auth_rate = "600r/m",
                                                                .auth_burst = 50,
                                                                .extra_env = options.static_root.empty()
                                                                                 ? std::map<std::string, std::string>{}
                                                                                 : std::map<std::string, std::string>{
                                                                                       {"GATEWAY_STATIC_ROOT", options.static_root}}});
  WriteShopProducts(catalog_db_.options());
  search_->Announce();
}

Purchase::~Purchase() {
  const std::string mails = maildev();
  gateway_.reset();
  order_.Stop();
  mailer_.reset();
  payment_.Stop();
  payment_outbox_.reset();
  sandbox_.Stop();
  cart_.Stop();
  search_.reset();
  catalog_.Stop();
  catalog_outbox_.reset();
  user_.Stop();
  user_outbox_.reset();
  DeleteMails(mails, [](const std::string& to) { return to.find("@e2e-checkout.test") != std::string::npos; });
}

std::string Purchase::Logs() const {
  return "order: " + order_.LogTail(3000) + "\ncatalog: " + catalog_.LogTail(1500) + "\ncart: " + cart_.LogTail(1500) +
         "\npayment: " + payment_.LogTail(2000) + "\npsp: " + sandbox_.LogTail(800) + "\nuser: " + user_.LogTail(800) + "\nsearch: " + search_->LogTail(800) +
         "\ncatalog relay: " + catalog_outbox_->LogTail() + "\n" + (mailer_ ? mailer_->Logs() : "");
}

void Purchase::WaitReady(int port) {
  HttpClient probe;
  if (!WaitUntil([&] { return probe.Get(Url(port, "/readyz")).status == 200; }, std::chrono::seconds(90)))
    throw std::runtime_error("a service did not become ready (port " + std::to_string(port) + "):\n" + Logs());
}

void Purchase::Kill(Part part) {
  auto kill = [](ChildProcess& p) {
    if (p.pid() > 0) ::kill(-p.pid(), SIGKILL);
    p.Wait(std::chrono::seconds(10));
  };
  switch (part) {
    case Part::order: kill(order_); break;
    case Part::catalog: kill(catalog_); break;
    case Part::payment: kill(payment_); break;
    case Part::order_relay: mailer_->outbox().Kill(); break;
  }
}

void Purchase::Start(Part part) {
  switch (part) {
    case Part::order: order_ = Launch(order_spec_), WaitReady(order_port_); break;
    case Part::catalog: catalog_ = Launch(catalog_spec_), WaitReady(catalog_port_); break;
    case Part::payment: payment_ = Launch(payment_spec_), WaitReady(payment_port_); break;
    case Part::order_relay: mailer_->outbox().Start(); break;
  }
}

boost::json::value Body(const HttpResponse& r) {
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  return ec ? boost::json::value(nullptr) : v;
}

std::string Str(const boost::json::value& v, std::string_view key) {
  const auto* x = v.is_object() ? v.get_object().if_contains(key) : nullptr;
  return x && x->is_string() ? std::string(x->get_string()) : std::string();
}

// The provider's hosted page: a card typed there, a 3-D Secure challenge approved when it comes.
// Returns where the provider sends the browser back.
std::string PayAtProvider(HttpClient& browser, const std::string& hosted, const std::string& card) {
  browser.Get(hosted);
  const std::string action = hosted.substr(0, hosted.find('?'));
  HttpClient plain;  // redirects by hand
  auto paid = plain.PostForm(action, "number=" + card + "&exp_month=12&exp_year=2031&cvc=123&client_secret=" + QueryParam(hosted, "client_secret"));
  std::string next = paid.Header("location").value_or("");  // a decline stays on the provider's page
  if (next.find("/3ds/") != std::string::npos) {
    plain.Get(next);
    auto approved = plain.PostForm(next.substr(0, next.find('?')), "decision=approve&client_secret=" + QueryParam(next, "client_secret"));
    next = approved.Header("location").value_or("");
  }
  return next;
}

std::string PayByBank(HttpClient& browser, const std::string& hosted, const std::string& bank) {
  browser.Get(hosted);
  HttpClient plain;  // redirects by hand
  auto chosen = plain.PostForm(hosted.substr(0, hosted.find('?')), "bank=" + bank + "&client_secret=" + QueryParam(hosted, "client_secret"));
  const std::string at_bank = chosen.Header("location").value_or("");
  if (at_bank.empty()) return "";
  plain.Get(at_bank);
  auto approved = plain.PostForm(at_bank.substr(0, at_bank.find('?')), "decision=approve&client_secret=" + QueryParam(at_bank, "client_secret"));
  return approved.Header("location").value_or("");
}

}  // namespace e2e
