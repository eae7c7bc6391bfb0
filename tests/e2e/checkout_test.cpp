// Buying through the nginx gateway, all real: store_user, store_catalog (its stock consumer on),
// store_cart, store_payment with the provider sandbox (deploy/psp-sandbox) sending its webhooks,
// store_order, the outbox relays of the catalog, the payment and the order services, and the
// notification service mailing the order confirmation and the payment receipt to MailDev. Every
// event goes through Kafka under topics of this run's own (events.topic_prefix of each service, the
// consumers' topic names), so the shop's own services (./store up) never see them.
//
// The journeys: a customer checks out with a new address, express shipping and a 3-D Secure card,
// pays at the provider's page, the webhook confirms the order, the confirmation and receipt emails
// arrive, the history and the detail show it, the cart lost the ordered lines; the same key again
// gives the same order (also concurrently), another body with it a 422; online banking; a declined
// card, then another card on the same order; cash on delivery; a guest; a line sold out meanwhile
// (cancelled with the line named); an unpaid order expiring (the stock released); bad input
// refused with field errors and nothing written; another customer's order is a 404.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <atomic>
#include <future>
#include <thread>

#include "store/db/db.hpp"
#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/docstore.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/contract.hpp"
#include "store/testing/openapi.hpp"
#include "store/testing/kafka.hpp"
#include "store/testing/schema.hpp"
#include "store/messaging/envelope.hpp"
#include "support/http.hpp"
#include "support/maildev.hpp"
#include "support/mailer.hpp"
#include "support/process.hpp"
#include "support/shop.hpp"
#include "support/stack.hpp"

namespace {

namespace json = boost::json;
using e2e::HttpClient;
using e2e::HttpResponse;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> Prefixed(const std::string& prefix, const std::vector<std::string>& topics) {
  std::vector<std::string> out;
  for (const auto& t : topics) out.push_back(prefix + t);
  return out;
}

class Purchase {
 public:
  Purchase() : dir_("store-e2e-checkout") {
    const std::string jwks = Url(user_port_, "/.well-known/jwks.json");
    const std::string secret = dir_.path() + "/order-client.secret";
    // Every topic first (the relays and the mailer make them), then the services that consume them.
    catalog_outbox_ = std::make_unique<e2e::RelayedOutbox>(
        catalog_db_.name(),
        Prefixed(prefix_, {"product.upserted.v1", "product.archived.v1", "stock.changed.v1", "stock.reserved.v1",
                           "stock.reservation_failed.v1", "stock.released.v1", "stock.committed.v1"}),
        dir_.path() + "/catalog-relay.log");
    payment_outbox_ = std::make_unique<e2e::RelayedOutbox>(
        payment_db_.name(), Prefixed(prefix_, {"payment.authorized.v1", "payment.failed.v1", "payment.cancelled.v1", "payment.refunded.v1"}),
        dir_.path() + "/payment-relay.log");
    // The order's confirmation and the payment's receipt, mailed: the order's outbox relayed by the
    // mailer, the payment's by its own relay into the topic the mailer made.
    mailer_ = std::make_unique<e2e::Mailer>(e2e::MailerOptions{
        .outbox_database = order_db_.name(),
        .topic_prefix = prefix_,
        .topics = {"order.placed.v1", "order.confirmed.v1", "order.cancelled.v1", "payment.succeeded.v1"},
        .mailed = {"order.confirmed.v1", "payment.succeeded.v1"},
        .shop_url = Url(gateway_port_, ""),
        .shop_name = "E2E Checkout Shop",
        .jwks_url = jwks});
    user_ = e2e::ChildProcess(
        "user", {STORE_USER_BIN, "--config", e2e::SourceDir() + "/services/user/config/defaults.conf"},
        e2e::ServiceEnv("USER", user_port_, user_db_.name(),
                        {{"USER_REDIS_KEY_PREFIX", keys_.prefix()}, {"USER_AUTH_DEV_KEY_FILE", dir_.path() + "/signing-key.pem"},
                         {"USER_MFA_DEV_KEY_FILE", dir_.path() + "/mfa-key"}, {"USER_AUTH_REQUIRE_VERIFIED_EMAIL", "false"},
                         {"USER_OIDC_PROVIDERS", ""}, {"USER_OAUTH_CLIENTS", "order"}, {"USER_OAUTH_CLIENT_ORDER_SECRET_FILE", secret}}),
        dir_.path() + "/user.log");
    catalog_ = e2e::ChildProcess(
        "catalog", {STORE_CATALOG_BIN},
        e2e::ServiceEnv("CATALOG", catalog_port_, catalog_db_.name(),
                        {{"CATALOG_CACHE_PREFIX", keys_.prefix() + "catalog:"}, {"CATALOG_MEDIA_DIR", dir_.path() + "/media"},
                         {"CATALOG_EVENTS_TOPIC_PREFIX", prefix_}, {"CATALOG_AUTH_JWKS_URL", jwks},
                         {"CATALOG_CONSUMER_GROUP", store::testing::UniqueName("e2e-catalog-stock")},
                         {"CATALOG_CONSUMER_TOPIC_ORDER_PLACED", prefix_ + "order.placed.v1"},
                         {"CATALOG_CONSUMER_TOPIC_ORDER_CANCELLED", prefix_ + "order.cancelled.v1"},
                         {"CATALOG_CONSUMER_TOPIC_PAYMENT_SUCCEEDED", prefix_ + "payment.succeeded.v1"}}),
        dir_.path() + "/catalog.log");
    cart_ = e2e::ChildProcess(
        "cart", {STORE_CART_BIN},
        e2e::ServiceEnv("CART", cart_port_, "",
                        {{"CART_DOCSTORE_URI", cart_db_.options().uri}, {"CART_DOCSTORE_DATABASE", cart_db_.name()},
                         {"CART_CACHE_PREFIX", keys_.prefix() + "cart:"}, {"CART_CATALOG_URL", Url(catalog_port_, "")},
                         {"CART_AUTH_JWKS_URL", jwks}, {"CART_EVENTS_TOPIC_PREFIX", prefix_ + "cart."},
                         {"CART_CONSUMER_GROUP", store::testing::UniqueName("e2e-cart-orders")},
                         {"CART_CONSUMER_TOPIC_ORDER_CONFIRMED", prefix_ + "order.confirmed.v1"}, {"CART_COOKIE_SECURE", "false"}}),
        dir_.path() + "/cart.log");
    sandbox_ = e2e::ChildProcess("psp", {STORE_NODE, e2e::SourceDir() + "/deploy/psp-sandbox/sandbox.mjs"},
                                 {{"PSP_PORT", std::to_string(psp_port_)}, {"PSP_HOST", "127.0.0.1"},
                                  {"PSP_STATE_DIR", dir_.path() + "/psp"},
                                  {"PSP_WEBHOOK_URL", Url(payment_port_, "/v1/payments/webhooks/sandbox")},
                                  // a late webhook can be arranged: the order cancelled meanwhile
                                  {"PSP_WEBHOOK_DELAY_MS", "1500"}},
                                 dir_.path() + "/psp.log");
    payment_ = e2e::ChildProcess(
        "payment", {STORE_PAYMENT_BIN},
        e2e::ServiceEnv("PAYMENT", payment_port_, payment_db_.name(),
                        {{"PAYMENT_AUTH_JWKS_URL", jwks}, {"PAYMENT_EVENTS_TOPIC_PREFIX", prefix_},
                         {"PAYMENT_CONSUMER_GROUP", store::testing::UniqueName("e2e-payment-orders")},
                         {"PAYMENT_CONSUMER_TOPIC_ORDER_CANCELLED", prefix_ + "order.cancelled.v1"},
                         {"PAYMENT_SANDBOX_URL", Url(psp_port_, "")}, {"PAYMENT_SHOP_BASE_URL", Url(gateway_port_, "")},
                         {"PAYMENT_RECONCILE_INTERVAL", "1s"}}),
        dir_.path() + "/payment.log");
    order_ = e2e::ChildProcess(
        "order", {STORE_ORDER_BIN},
        e2e::ServiceEnv("ORDER", order_port_, order_db_.name(),
                        {{"ORDER_AUTH_JWKS_URL", jwks}, {"ORDER_CACHE_HOST", "127.0.0.1"}, {"ORDER_EVENTS_TOPIC_PREFIX", prefix_},
                         {"ORDER_CART_URL", Url(cart_port_, "")}, {"ORDER_CATALOG_URL", Url(catalog_port_, "")},
                         {"ORDER_USER_URL", Url(user_port_, "")}, {"ORDER_PAYMENT_URL", Url(payment_port_, "")},
                         {"ORDER_SERVICE_CLIENT_TOKEN_URL", Url(user_port_, "/v1/oauth/token")},
                         {"ORDER_SERVICE_CLIENT_SECRET_FILE", secret},
                         {"ORDER_CONSUMER_GROUP", store::testing::UniqueName("e2e-order-saga")},
                         {"ORDER_CONSUMER_TOPIC_STOCK_RESERVED", prefix_ + "stock.reserved.v1"},
                         {"ORDER_CONSUMER_TOPIC_STOCK_FAILED", prefix_ + "stock.reservation_failed.v1"},
                         {"ORDER_CONSUMER_TOPIC_PAYMENT_SUCCEEDED", prefix_ + "payment.succeeded.v1"},
                         {"ORDER_CONSUMER_TOPIC_PAYMENT_FAILED", prefix_ + "payment.failed.v1"}}),
        dir_.path() + "/order.log");
    HttpClient probe;
    for (int port : {user_port_, catalog_port_, cart_port_, payment_port_, order_port_})
      if (!e2e::WaitUntil([&] { return probe.Get(Url(port, "/readyz")).status == 200; }, std::chrono::seconds(90)))
        throw std::runtime_error("a service did not become ready (port " + std::to_string(port) + "):\n" + Logs());
    if (!e2e::WaitUntil([&] { return probe.Get(Url(psp_port_, "/healthz")).status == 200; }, std::chrono::seconds(30)))
      throw std::runtime_error("the sandbox did not start:\n" + sandbox_.LogTail());
    gateway_ = std::make_unique<e2e::Gateway>(e2e::GatewayOptions{.port = gateway_port_,
                                                                  .user_port = user_port_,
                                                                  .catalog_port = catalog_port_,
                                                                  .notification_port = mailer_->notification_port(),
                                                                  .cart_port = cart_port_,
                                                                  .payment_port = payment_port_,
                                                                  .order_port = order_port_,
                                                                  .rate = "2000r/s",  // the race below: 200 shoppers from one address
                                                                  .burst = 2000,
                                                                  // every journey registers and signs in a shopper or two
                                                                  .auth_rate = "600r/m",
                                                                  .auth_burst = 50});
    e2e::WriteShopProducts(catalog_db_.options());
  }

  ~Purchase() {
    const std::string mails = maildev();
    gateway_.reset();
    order_.Stop();
    mailer_.reset();
    payment_.Stop();
    payment_outbox_.reset();
    sandbox_.Stop();
    cart_.Stop();
    catalog_.Stop();
    catalog_outbox_.reset();
    user_.Stop();
    e2e::DeleteMails(mails, [](const std::string& to) { return to.find("@e2e-checkout.test") != std::string::npos; });
  }

  std::string Gw(const std::string& path) const { return gateway_->Url(path); }
  std::string maildev() const { return mailer_->maildev_url(); }
  std::string order_url() const { return Url(order_port_, ""); }
  const std::string& prefix() const { return prefix_; }
  const store::db::Options& catalog_db() const { return catalog_db_.options(); }
  const store::db::Options& order_db() const { return order_db_.options(); }
  std::string Logs() const {
    return "order: " + order_.LogTail(3000) + "\ncatalog: " + catalog_.LogTail(1500) + "\ncart: " + cart_.LogTail(1500) +
           "\npayment: " + payment_.LogTail(2000) + "\npsp: " + sandbox_.LogTail(800) + "\nuser: " + user_.LogTail(800) +
           "\ncatalog relay: " + catalog_outbox_->LogTail() + "\n" + (mailer_ ? mailer_->Logs() : "");
  }

 private:
  static std::string Url(int port, const std::string& path) { return "http://127.0.0.1:" + std::to_string(port) + path; }

  e2e::TempDir dir_;
  std::string prefix_ = Lower(store::testing::UniqueName("e2ebuy")) + ".";
  store::testing::TempDatabase user_db_{"e2e_buy_user"};
  store::testing::TempDatabase catalog_db_{"e2e_buy_catalog"};
  store::testing::TempDatabase payment_db_{"e2e_buy_payment"};
  store::testing::TempDatabase order_db_{"e2e_buy_order"};
  store::testing::TempDocDatabase cart_db_;
  store::testing::TempKeyspace keys_;
  int user_port_ = e2e::FreePort(), catalog_port_ = e2e::FreePort(), cart_port_ = e2e::FreePort(), payment_port_ = e2e::FreePort();
  int order_port_ = e2e::FreePort(), psp_port_ = e2e::FreePort(), gateway_port_ = e2e::FreePort();
  e2e::ChildProcess user_, catalog_, cart_, sandbox_, payment_, order_;
  std::unique_ptr<e2e::RelayedOutbox> catalog_outbox_, payment_outbox_;
  std::unique_ptr<e2e::Mailer> mailer_;
  std::unique_ptr<e2e::Gateway> gateway_;
};

Purchase* stack = nullptr;

class Checkout : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack = new Purchase(); }
  static void TearDownTestSuite() {
    delete stack;
    stack = nullptr;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << stack->Logs() << "\n";
  }
};

json::value Body(const HttpResponse& r) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  return ec ? json::value(nullptr) : v;
}
std::string Str(const json::value& v, std::string_view key) {
  const auto* x = v.is_object() ? v.get_object().if_contains(key) : nullptr;
  return x && x->is_string() ? std::string(x->get_string()) : std::string();
}
std::int64_t Minor(const json::value& money) { return money.at("minor").as_int64(); }

std::string Query(const std::string& url, const std::string& name) {
  auto at = url.find(name + "=");
  if (at == std::string::npos) return "";
  auto end = url.find('&', at);
  return url.substr(at + name.size() + 1, end == std::string::npos ? std::string::npos : end - at - name.size() - 1);
}

// A shopper: their own client (cookies kept for a guest's cart) and, once signed in, a token.
struct Shopper {
  std::unique_ptr<HttpClient> http = std::make_unique<HttpClient>("", true);
  std::string token;
  std::string email;

  std::vector<std::string> Auth(std::vector<std::string> more = {}) const {
    if (!token.empty()) more.push_back(e2e::Bearer(token));
    return more;
  }
  HttpResponse Get(const std::string& path, std::vector<std::string> headers = {}) {
    return http->Get(stack->Gw(path), Auth(std::move(headers)));
  }
  HttpResponse Post(const std::string& path, const json::value& body, std::vector<std::string> headers = {}) {
    return http->Send({.method = "POST", .url = stack->Gw(path), .headers = Auth(std::move(headers)), .body = json::serialize(body)});
  }
};

Shopper Customer(const std::string& name) {
  Shopper s;
  std::string stem = Lower(name);
  for (char& c : stem) c = c == ' ' ? '-' : c;
  s.email = store::testing::UniqueName(stem) + "@e2e-checkout.test";
  const std::string password = "a long checkout password 7";
  auto reg = s.http->Post(stack->Gw("/api/user/v1/auth/register"),
                         json::serialize(json::object{{"email", s.email}, {"password", password}, {"name", name}}));
  EXPECT_EQ(reg.status, 202) << reg.body;
  auto login = s.http->Post(stack->Gw("/api/user/v1/auth/login"), json::serialize(json::object{{"email", s.email}, {"password", password}}));
  EXPECT_EQ(login.status, 200) << login.body;
  s.token = Str(Body(login), "access_token");
  return s;
}

std::int64_t AddToCart(Shopper& s, const std::string& sku, int quantity) {
  auto r = s.Post("/api/cart/v1/cart/items", json::object{{"sku", sku}, {"quantity", quantity}});
  EXPECT_EQ(r.status, 200) << r.body;
  return Body(r).at("version").as_int64();
}

json::object Berlin(const std::string& name) {
  return {{"name", name}, {"line1", "Unter den Linden 1"}, {"city", "Berlin"}, {"postal_code", "10117"}, {"country", "DE"}};
}

std::string NewKey() { return store::testing::UniqueName("checkout-key"); }

json::value WaitForOrder(Shopper& s, const std::string& id, const std::function<bool(const json::value&)>& done,
                         std::vector<std::string> headers = {}) {
  json::value last;
  e2e::WaitUntil(
      [&] {
        auto r = s.Get("/api/order/v1/orders/" + id, headers);
        if (r.status != 200) return false;
        last = Body(r);
        return done(last);
      },
      std::chrono::seconds(30));
  return last;
}

bool HasStatus(const json::value& o, std::string_view status) { return Str(o, "status") == status; }

// The provider's hosted page: a card typed there, a 3-D Secure challenge approved when it comes.
// Returns where the provider sends the browser back.
std::string PayAtProvider(HttpClient& browser, const std::string& hosted, const std::string& card) {
  EXPECT_EQ(browser.Get(hosted).status, 200);
  const std::string action = hosted.substr(0, hosted.find('?'));
  HttpClient plain;  // redirects by hand
  auto paid = plain.PostForm(action, "number=" + card + "&exp_month=12&exp_year=2031&cvc=123&client_secret=" + Query(hosted, "client_secret"));
  std::string next = paid.Header("location").value_or("");  // a decline stays on the provider's page
  if (next.find("/3ds/") != std::string::npos) {
    EXPECT_EQ(plain.Get(next).status, 200);
    auto approved = plain.PostForm(next.substr(0, next.find('?')), "decision=approve&client_secret=" + Query(next, "client_secret"));
    EXPECT_EQ(approved.status, 303) << approved.body;
    next = approved.Header("location").value_or("");
  }
  return next;
}

std::int64_t OnHand(const std::string& sku, const std::string& column) {
  store::db::Database db(stack->catalog_db());
  auto row = db.RunSync([&](store::db::Connection& c) { return c.QueryOne("SELECT " + column + " AS v FROM stock WHERE sku = ?", sku); });
  return row && *row ? (*row)->Int("v") : -1;
}

TEST_F(Checkout, CustomerPaysByCardWith3dsAndTheOrderIsConfirmedMailedAndListed) {
  Shopper ann = Customer("Ann Buyer");
  AddToCart(ann, "AUR-128", 1);
  const std::int64_t version = AddToCart(ann, "BOR-1", 2);

  // The options for Germany: the three methods (pickup is Germany's), express's price, 19 % tax.
  auto options = ann.Get("/api/order/v1/checkout/options?country=DE&shipping_method=express");
  ASSERT_EQ(options.status, 200) << options.body;
  auto o = Body(options);
  EXPECT_EQ(o.at("cart_version").as_int64(), version);
  EXPECT_EQ(o.at("shipping_methods").as_array().size(), 3u);
  const std::int64_t subtotal = 49900 + 2 * 12900;
  EXPECT_EQ(Minor(o.at("totals").at("subtotal")), subtotal);
  EXPECT_EQ(Minor(o.at("totals").at("shipping")), 995);
  EXPECT_EQ(Minor(o.at("totals").at("total")), subtotal + 995);
  EXPECT_EQ(Str(o.at("totals").at("taxes").at(0), "rate"), "19.00%");
  const std::int64_t total = Minor(o.at("totals").at("total"));

  // Place: 201, placed, then the payment's page once the stock is reserved.
  const std::string key = NewKey();
  json::object body{{"cart_version", version},       {"expected_total", total},   {"address", Berlin("Ann Buyer")},
                    {"shipping_method", "express"}, {"payment_method", "card"}};
  auto placed = ann.Post("/api/order/v1/orders", body, {"Idempotency-Key: " + key});
  ASSERT_EQ(placed.status, 201) << placed.body << stack->Logs();
  const auto order = Body(placed);
  const std::string id = Str(order, "id");
  const std::string number = Str(order, "number");
  EXPECT_EQ(Str(order, "status"), "placed");
  EXPECT_EQ(number.size(), 12u);
  EXPECT_EQ(Minor(order.at("totals").at("total")), total);

  // The same key again: the same answer, also from four at once; another body with it: 422.
  auto again = ann.Post("/api/order/v1/orders", body, {"Idempotency-Key: " + key});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(Str(Body(again), "id"), id);
  EXPECT_EQ(again.Header("idempotent-replayed").value_or(""), "true");
  std::vector<std::future<HttpResponse>> racing;
  for (int i = 0; i < 4; ++i)
    racing.push_back(std::async(std::launch::async, [&] {
      HttpClient c;
      return c.Send({.method = "POST", .url = stack->Gw("/api/order/v1/orders"),
                     .headers = {e2e::Bearer(ann.token), "Idempotency-Key: " + key}, .body = json::serialize(body)});
    }));
  for (auto& f : racing) {
    auto r = f.get();
    EXPECT_EQ(r.status, 201);
    EXPECT_EQ(Str(Body(r), "id"), id);
  }
  json::object other = body;
  other["shipping_method"] = "standard";
  EXPECT_EQ(ann.Post("/api/order/v1/orders", other, {"Idempotency-Key: " + key}).status, 422);

  auto waiting = WaitForOrder(ann, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); });
  ASSERT_EQ(Str(waiting, "status"), "awaiting_payment") << json::serialize(waiting) << stack->Logs();
  EXPECT_EQ(OnHand("AUR-128", "reserved"), 1);
  const std::string hosted = Str(waiting.at("next_action"), "url");
  ASSERT_FALSE(hosted.empty());
  const std::string back = PayAtProvider(*ann.http, hosted, "4000002760003184");
  EXPECT_NE(back.find("/api/payment/v1/payments/intents/"), std::string::npos) << back;

  auto confirmed = WaitForOrder(ann, id, [](const json::value& v) { return HasStatus(v, "confirmed"); });
  ASSERT_EQ(Str(confirmed, "status"), "confirmed") << json::serialize(confirmed) << stack->Logs();
  EXPECT_EQ(Str(confirmed.at("payment").at("card"), "last4"), "3184");
  EXPECT_FALSE(Str(confirmed.at("payment"), "receipt_url").empty());
  std::vector<std::string> timeline;
  for (const auto& h : confirmed.at("history").as_array()) timeline.push_back(Str(h, "status"));
  EXPECT_EQ(timeline, (std::vector<std::string>{"placed", "reserved", "awaiting_payment", "paid", "confirmed"}));
  EXPECT_EQ(Str(confirmed.at("shipping_address"), "postal_code"), "10117");
  EXPECT_EQ(confirmed.at("lines").as_array().size(), 2u);

  // The stock committed, the cart without the ordered lines, the emails in MailDev.
  EXPECT_TRUE(e2e::WaitUntil([&] { return OnHand("AUR-128", "on_hand") == 9 && OnHand("AUR-128", "reserved") == 0; },
                             std::chrono::seconds(20)));
  EXPECT_TRUE(e2e::WaitUntil([&] { return Body(ann.Get("/api/cart/v1/cart")).at("lines").as_array().empty(); }, std::chrono::seconds(20)));
  auto confirmation = e2e::WaitForMail(stack->maildev(), ann.email, "thank you for your order " + number);
  EXPECT_FALSE(confirmation.empty()) << "the confirmation email names the order number";
  const std::string mail_text = Str(confirmation, "text");
  for (const char* part : {"Aurora Phone", "Borealis Headphones", "Incl. tax 19.00%", "10117 Berlin", "Express delivery", "ending in 3184"})
    EXPECT_NE(mail_text.find(part), std::string::npos) << part << " missing in:\n" << mail_text;
  auto receipt = e2e::WaitForMail(stack->maildev(), ann.email, "receipt");
  EXPECT_FALSE(receipt.empty());

  // History: newest first, this order in it; another customer sees neither.
  auto history = ann.Get("/api/order/v1/orders");
  ASSERT_EQ(history.status, 200);
  EXPECT_EQ(Str(Body(history).at("data").at(0), "id"), id);
  Shopper eve = Customer("Eve Other");
  EXPECT_EQ(eve.Get("/api/order/v1/orders/" + id).status, 404);
  EXPECT_TRUE(Body(eve.Get("/api/order/v1/orders")).at("data").as_array().empty());
}

TEST_F(Checkout, BadInputIsRefusedWithFieldErrorsAndWritesNothing) {
  Shopper bob = Customer("Bob Careful");
  const std::int64_t version = AddToCart(bob, "BOR-1", 1);
  auto place = [&](json::object address, std::string method = "standard") {
    return bob.Post("/api/order/v1/orders",
                    json::object{{"cart_version", version}, {"address", std::move(address)}, {"shipping_method", method}, {"payment_method", "card"}},
                    {"Idempotency-Key: " + NewKey()});
  };
  auto zz = Berlin("Bob");
  zz["country"] = "ZZ";
  auto r = place(zz);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("address.country"), std::string::npos) << r.body;
  auto bad_postcode = Berlin("Bob");
  bad_postcode["postal_code"] = "1011";
  r = place(bad_postcode);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("address.postal_code"), std::string::npos) << r.body;
  auto paris = Berlin("Bob");
  paris["country"] = "FR";
  paris["postal_code"] = "75001";
  r = place(paris, "pickup");  // click-and-collect is Berlin's
  EXPECT_EQ(r.status, 400) << r.body;
  r = bob.Post("/api/order/v1/orders", json::object{{"cart_version", version}, {"address", Berlin("Bob")}, {"shipping_method", "standard"},
                                                    {"payment_method", "card"}});
  EXPECT_EQ(r.status, 400) << "no Idempotency-Key";
  r = bob.Post("/api/order/v1/orders",
               json::object{{"cart_version", version}, {"address", Berlin("Bob")}, {"shipping_method", "standard"},
                            {"payment_method", "card"}, {"unit_price", 1}},
               {"Idempotency-Key: " + NewKey()});
  EXPECT_EQ(r.status, 400) << "a price from the browser is not taken";
  // The cart changed since the shopper looked: 409 naming the version.
  r = bob.Post("/api/order/v1/orders",
               json::object{{"cart_version", version - 1}, {"address", Berlin("Bob")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
               {"Idempotency-Key: " + NewKey()});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_NE(r.body.find("cart_version"), std::string::npos);
  EXPECT_TRUE(Body(bob.Get("/api/order/v1/orders")).at("data").as_array().empty()) << "nothing was written";
}

TEST_F(Checkout, ALineSoldOutMeanwhileCancelsTheOrderNamingIt) {
  Shopper cid = Customer("Cid Late");
  const std::int64_t version = AddToCart(cid, "AUR-B-128", 2);
  {  // the last units go elsewhere between the cart and the checkout
    store::db::Database db(stack->catalog_db());
    ASSERT_TRUE(db.RunSync([](store::db::Connection& c) { return c.Execute("UPDATE stock SET on_hand = reserved + 1 WHERE sku = 'AUR-B-128'"); }));
  }
  auto placed = cid.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Cid")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                         {"Idempotency-Key: " + NewKey()});
  // The catalog's reservation is the one judge of stock: placed, then cancelled naming the line.
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto cancelled = WaitForOrder(cid, Str(Body(placed), "id"), [](const json::value& v) { return HasStatus(v, "cancelled"); });
  EXPECT_EQ(Str(cancelled, "status"), "cancelled");
  EXPECT_EQ(Str(cancelled.at("unavailable_lines").at(0), "sku"), "AUR-B-128");
  EXPECT_EQ(cancelled.at("unavailable_lines").at(0).at("requested").as_int64(), 2);
  EXPECT_NE(Str(cancelled, "status_reason").find("insufficient_stock"), std::string::npos) << Str(cancelled, "status_reason");
  EXPECT_TRUE(Str(cancelled.at("payment"), "id").empty()) << "no payment was set up";
}

TEST_F(Checkout, CashOnDeliveryIsConfirmedWithoutPayment) {
  Shopper dan = Customer("Dan Cash");
  const std::int64_t version = AddToCart(dan, "AUR-256", 1);
  auto placed = dan.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Dan")}, {"shipping_method", "pickup"},
                                      {"payment_method", "cash_on_delivery"}},
                         {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(Minor(Body(placed).at("totals").at("shipping")), 0);
  auto confirmed = WaitForOrder(dan, Str(Body(placed), "id"), [](const json::value& v) { return HasStatus(v, "confirmed"); });
  EXPECT_EQ(Str(confirmed, "status"), "confirmed") << stack->Logs();
  EXPECT_TRUE(confirmed.at("next_action").is_null());
}

TEST_F(Checkout, ADeclinedCardThenAnotherCardOnTheSameOrder) {
  Shopper fay = Customer("Fay Retry");
  const std::int64_t version = AddToCart(fay, "BOR-1", 1);
  auto placed = fay.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Fay")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                         {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = Str(Body(placed), "id");
  auto waiting = WaitForOrder(fay, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); });
  const std::string hosted = Str(waiting.at("next_action"), "url");
  ASSERT_FALSE(hosted.empty()) << stack->Logs();
  PayAtProvider(*fay.http, hosted, "4000000000000002");  // declined
  auto failed = WaitForOrder(fay, id, [](const json::value& v) {
    for (const auto& h : v.at("history").as_array())
      if (Str(h, "status") == "payment_failed") return true;
    return false;
  });
  EXPECT_EQ(Str(failed, "status"), "awaiting_payment") << "a decline leaves the order waiting for another try";
  PayAtProvider(*fay.http, hosted, "4242424242424242");
  auto confirmed = WaitForOrder(fay, id, [](const json::value& v) { return HasStatus(v, "confirmed"); });
  EXPECT_EQ(Str(confirmed, "status"), "confirmed") << stack->Logs();
}

TEST_F(Checkout, AGuestChecksOutWithAnEmailAndSeesTheOrderWithItsToken) {
  Shopper guest;  // cookies kept: the cart's cart_token (Path=/api) reaches the order service too
  guest.email = store::testing::UniqueName("guest") + "@e2e-checkout.test";
  const std::int64_t version = AddToCart(guest, "BOR-1", 1);
  auto no_email = guest.Post("/api/order/v1/orders",
                             json::object{{"cart_version", version}, {"address", Berlin("Gus")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                             {"Idempotency-Key: " + NewKey()});
  EXPECT_EQ(no_email.status, 400);
  EXPECT_NE(no_email.body.find("email"), std::string::npos);
  auto placed = guest.Post("/api/order/v1/orders",
                           json::object{{"cart_version", version}, {"email", guest.email}, {"address", Berlin("Gus Guest")},
                                        {"shipping_method", "standard"}, {"payment_method", "card"}},
                           {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body << stack->Logs();
  const std::string id = Str(Body(placed), "id");
  const std::string token = Str(Body(placed), "guest_token");
  const std::string number = Str(Body(placed), "number");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(guest.Get("/api/order/v1/orders/" + id).status, 404) << "not without the order's token";
  auto waiting = WaitForOrder(guest, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); }, {"Order-Token: " + token});
  ASSERT_EQ(Str(waiting, "status"), "awaiting_payment") << stack->Logs();
  PayAtProvider(*guest.http, Str(waiting.at("next_action"), "url"), "4242424242424242");
  auto confirmed = WaitForOrder(guest, id, [](const json::value& v) { return HasStatus(v, "confirmed"); }, {"Order-Token: " + token});
  EXPECT_EQ(Str(confirmed, "status"), "confirmed");
  // The confirmation email's link carries the token (the same one: nothing of it is stored).
  auto mail = e2e::WaitForMail(stack->maildev(), guest.email, "thank you for your order " + number);
  EXPECT_NE(Str(mail, "text").find("/account/orders/" + id + "?token=" + token), std::string::npos) << Str(mail, "text");
  HttpClient later;
  auto found = later.Post(stack->Gw("/api/order/v1/order-lookup"),
                          json::serialize(json::object{{"number", number}, {"email", guest.email}, {"token", token}}));
  EXPECT_EQ(found.status, 200) << found.body;
  auto wrong = later.Post(stack->Gw("/api/order/v1/order-lookup"),
                          json::serialize(json::object{{"number", number}, {"email", "someone@e2e-checkout.test"}, {"token", token}}));
  EXPECT_EQ(wrong.status, 404);
}

TEST_F(Checkout, AnUnpaidOrderExpiresAndItsStockIsReleased) {
  Shopper hal = Customer("Hal Slow");
  const std::int64_t version = AddToCart(hal, "AUR-256", 1);
  const std::int64_t reserved_before = OnHand("AUR-256", "reserved");
  auto placed = hal.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Hal")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                         {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = Str(Body(placed), "id");
  WaitForOrder(hal, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); });
  EXPECT_EQ(OnHand("AUR-256", "reserved"), reserved_before + 1);
  {  // the payment window passes (orders.payment_window: 30 minutes)
    store::db::Database db(stack->order_db());
    ASSERT_TRUE(db.RunSync([&](store::db::Connection& c) {
      return c.Execute("UPDATE orders SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND, next_step_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = ?", id);
    }));
  }
  auto cancelled = WaitForOrder(hal, id, [](const json::value& v) { return HasStatus(v, "cancelled"); });
  EXPECT_EQ(Str(cancelled, "status"), "cancelled");
  EXPECT_TRUE(e2e::WaitUntil([&] { return OnHand("AUR-256", "reserved") == reserved_before; }, std::chrono::seconds(20)))
      << "the reservation released";
}

TEST_F(Checkout, APaymentArrivingAfterTheOrderWasCancelledIsRefundedAndTheOrderStaysCancelled) {
  Shopper ivy = Customer("Ivy Late");
  const std::int64_t version = AddToCart(ivy, "BOR-1", 1);
  auto placed = ivy.Post("/api/order/v1/orders",
                         json::object{{"cart_version", version}, {"address", Berlin("Ivy")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                         {"Idempotency-Key: " + NewKey()});
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id = Str(Body(placed), "id");
  auto waiting = WaitForOrder(ivy, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment"); });
  const std::string payment_id = Str(waiting.at("payment"), "id");
  // Paid at the provider; its webhook comes 1.5 s later. Meanwhile the payment window closes.
  PayAtProvider(*ivy.http, Str(waiting.at("next_action"), "url"), "4242424242424242");
  {
    store::db::Database db(stack->order_db());
    ASSERT_TRUE(db.RunSync([&](store::db::Connection& c) {
      return c.Execute("UPDATE orders SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND, next_step_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = ?", id);
    }));
  }
  auto refunded = WaitForOrder(ivy, id, [](const json::value& v) {
    for (const auto& h : v.at("history").as_array())
      if (Str(h, "status") == "refund_pending") return true;
    return false;
  });
  EXPECT_EQ(Str(refunded, "status"), "cancelled") << json::serialize(refunded) << stack->Logs();
  // The payment service gives the money back (order.cancelled: void, or refund once captured).
  EXPECT_TRUE(e2e::WaitUntil(
      [&] {
        auto r = ivy.Get("/api/payment/v1/payments/intents/" + payment_id);
        return r.status == 200 && Str(Body(r), "status") == "refunded";
      },
      std::chrono::seconds(30)))
      << ivy.Get("/api/payment/v1/payments/intents/" + payment_id).body << stack->Logs();
}

// 200 shoppers race for the last 100 units of one SKU with real checkouts (guest carts, card
// payments at the provider's page): exactly 100 orders are confirmed and paid, the other 100 are
// cancelled naming the line, with no payment set up; the stock ends at 0 on hand, 0 reserved.
TEST_F(Checkout, TwoHundredShoppersRaceForTheLastHundredUnits) {
  {  // a variant of its own with 100 units
    store::db::Database db(stack->catalog_db());
    ASSERT_TRUE(db.RunSync([](store::db::Connection& c) -> store::core::Status {
      TRY_STATUS(c.Execute("INSERT INTO variants (sku, product_id, options, price_minor, currency, position) VALUES "
                           "('BOR-RACE', 'bbbbbbbb-2222-4222-8222-222222222222', '{\"edition\":\"race\"}', 9900, 'EUR', 1)"));
      TRY_STATUS(c.Execute("INSERT INTO stock (sku, product_id, on_hand, reserved) VALUES ('BOR-RACE', 'bbbbbbbb-2222-4222-8222-222222222222', 100, 0)"));
      return {};
    }));
  }
  constexpr int kShoppers = 200;
  std::vector<Shopper> shoppers(kShoppers);
  std::vector<std::int64_t> versions(kShoppers);
  // Every cart first (the cart refuses an add once nothing is available), then every checkout at once.
  for (int i = 0; i < kShoppers; ++i) versions[i] = AddToCart(shoppers[i], "BOR-RACE", 1);
  struct Outcome {
    std::string status, reason, payment_id;
    bool unavailable_named = false;
  };
  std::vector<Outcome> outcomes(kShoppers);
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int i; (i = next++) < kShoppers;) {
      Shopper& s = shoppers[i];
      auto placed = s.Post("/api/order/v1/orders",
                           json::object{{"cart_version", versions[i]}, {"email", "racer" + std::to_string(i) + "@e2e-checkout.test"},
                                        {"address", Berlin("Racer")}, {"shipping_method", "standard"}, {"payment_method", "card"}},
                           {"Idempotency-Key: " + NewKey()});
      if (placed.status != 201) {
        outcomes[i].status = "http " + std::to_string(placed.status) + " " + placed.body;
        continue;
      }
      const std::string id = Str(Body(placed), "id"), token = Str(Body(placed), "guest_token");
      auto settled = WaitForOrder(s, id, [](const json::value& v) { return HasStatus(v, "awaiting_payment") || HasStatus(v, "cancelled"); },
                                  {"Order-Token: " + token});
      if (HasStatus(settled, "awaiting_payment")) {
        PayAtProvider(*s.http, Str(settled.at("next_action"), "url"), "4242424242424242");
        settled = WaitForOrder(s, id, [](const json::value& v) { return HasStatus(v, "confirmed"); }, {"Order-Token: " + token});
      }
      outcomes[i] = {Str(settled, "status"), Str(settled, "status_reason"), Str(settled.at("payment"), "id"),
                     settled.at("unavailable_lines").is_array() && Str(settled.at("unavailable_lines").at(0), "sku") == "BOR-RACE"};
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  int confirmed = 0, cancelled = 0;
  for (const auto& o : outcomes) {
    if (o.status == "confirmed") {
      ++confirmed;
      EXPECT_FALSE(o.payment_id.empty());
    } else if (o.status == "cancelled") {
      ++cancelled;
      EXPECT_TRUE(o.unavailable_named) << o.reason;
      EXPECT_NE(o.reason.find("insufficient_stock"), std::string::npos) << o.reason;
      EXPECT_TRUE(o.payment_id.empty()) << "no payment for an order without stock";
    } else {
      ADD_FAILURE() << "an order ended " << o.status;
    }
  }
  EXPECT_EQ(confirmed, 100);
  EXPECT_EQ(cancelled, 100);
  EXPECT_TRUE(e2e::WaitUntil([] { return OnHand("BOR-RACE", "on_hand") == 0 && OnHand("BOR-RACE", "reserved") == 0; },
                             std::chrono::seconds(30)))
      << "on hand " << OnHand("BOR-RACE", "on_hand") << ", reserved " << OnHand("BOR-RACE", "reserved");
}

// Last: every event the order service published in the journeys above, against its contract.
TEST_F(Checkout, EveryPublishedOrderEventMatchesItsContract) {
  std::map<std::string, int> seen;
  for (const std::string topic : {"order.placed.v1", "order.confirmed.v1", "order.cancelled.v1"}) {
    for (const auto& m : store::testing::ReadAll(stack->prefix() + topic, std::chrono::seconds(10))) {
      auto event = store::messaging::DecodeEvent(m.value);
      ASSERT_TRUE(event) << m.value;
      EXPECT_EQ(event->type, topic);
      ASSERT_TRUE(event->data.is_object());
      store::testing::ExpectEventMatchesSchema(topic, event->data.as_object());
      ++seen[topic];
    }
  }
  EXPECT_GE(seen["order.placed.v1"], 7);
  EXPECT_GE(seen["order.confirmed.v1"], 4);
  EXPECT_GE(seen["order.cancelled.v1"], 3);
}

TEST_F(Checkout, TheOpenApiContractMatchesTheRunningRoutes) {
  Shopper kim = Customer("Kim Contract");
  auto spec = store::testing::ReadOpenApi(STORE_ORDER_OPENAPI);
  HttpClient direct;
  for (const auto& [path, methods] : spec.Routes()) {
    std::string concrete = store::testing::ConcretePath(path, {}, "00000000-0000-4000-8000-000000000000");
    for (const auto& method : store::testing::HttpMethods()) {
      auto r = direct.Send({.method = store::testing::UpperCase(method), .url = stack->order_url() + concrete,
                            .headers = {e2e::Bearer(kim.token)}, .body = method == "get" ? std::optional<std::string>() : std::string("{}")});
      if (!methods.contains(method)) {
        EXPECT_EQ(r.status, 405) << method << " " << path;
        continue;
      }
      EXPECT_TRUE(methods.at(method).contains(static_cast<int>(r.status))) << method << " " << path << " answered " << r.status << " " << r.body;
    }
  }
  auto violations = store::testing::CheckRequestPolicy(spec, stack->order_url(), {.tokens = {{"", kim.token}}});
  EXPECT_TRUE(violations.empty()) << store::testing::Join(violations);
}

}  // namespace
