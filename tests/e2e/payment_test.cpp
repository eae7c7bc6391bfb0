// A payment through the nginx gateway, against the real user and payment services and the real
// provider sandbox, the shopper's browser played with plain HTTP: an admin (standing in for the
// order service, which is not built yet) creates the intent for an order id the test makes up;
// the customer follows the provider's hosted page and its 3-D Secure challenge, comes back through
// the gateway, sees `processing` until the provider's webhook says `captured`, and downloads the
// receipt PDF, whose text (pdftotext) holds the order number and the amount.
//
// The payment_receipt email: the payment's events go through the outbox relay to topics of this
// stack, the real notification service sends the receipt to the shared MailDev (read back and
// deleted by the test).
//
// The stack (on free ports): store_user (its bootstrap admin; verification off), store_payment on
// a database of its own with its outbox relay, store_notification, the sandbox (node
// deploy/psp-sandbox/sandbox.mjs) sending its webhooks to the payment service, and nginx with
// deploy/nginx.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <fstream>

#include "store/testing/cache.hpp"
#include "store/testing/db.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/kafka.hpp"
#include "support/http.hpp"
#include "support/maildev.hpp"
#include "support/mailer.hpp"
#include "support/process.hpp"
#include "support/stack.hpp"

namespace {

namespace json = boost::json;
using e2e::HttpClient;
using e2e::HttpResponse;

json::value Body(const HttpResponse& r) { return json::parse(r.body); }
std::string Url(int port, const std::string& path) { return "http://127.0.0.1:" + std::to_string(port) + path; }
std::string Query(const std::string& url, const std::string& name) {
  auto at = url.find(name + "=");
  if (at == std::string::npos) return {};
  auto value = url.substr(at + name.size() + 1);
  return value.substr(0, value.find('&'));
}

const std::vector<std::string> kPaymentTopics = {"payment.authorized.v1", "payment.succeeded.v1", "payment.failed.v1",
                                                 "payment.cancelled.v1", "payment.refunded.v1"};

class Stack {
 public:
  Stack() : dir_("store-e2e-payment") {
    gateway_port_ = e2e::FreePort();
    for (char& c : topic_prefix_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    user_ = e2e::ChildProcess(
        "user", {STORE_USER_BIN, "--config", e2e::SourceDir() + "/services/user/config/defaults.conf"},
        e2e::ServiceEnv("USER", user_port_, user_db_.name(),
                        {{"USER_REDIS_KEY_PREFIX", keys_.prefix()}, {"USER_AUTH_DEV_KEY_FILE", dir_.path() + "/signing-key.pem"},
                         {"USER_AUTH_REQUIRE_VERIFIED_EMAIL", "false"}, {"USER_OIDC_PROVIDERS", ""}}),
        dir_.path() + "/user.log");
    sandbox_ = e2e::ChildProcess(
        "psp", {STORE_NODE, e2e::SourceDir() + "/deploy/psp-sandbox/sandbox.mjs"},
        {{"PSP_PORT", std::to_string(psp_port_)}, {"PSP_HOST", "127.0.0.1"}, {"PSP_STATE_DIR", dir_.path() + "/psp"},
         {"PSP_WEBHOOK_URL", Url(payment_port_, "/v1/payments/webhooks/sandbox")},
         // Long enough that the shopper sees `processing` after coming back.
         {"PSP_WEBHOOK_DELAY_MS", "1500"}},
        dir_.path() + "/psp.log");
    payment_ = e2e::ChildProcess(
        "payment", {STORE_PAYMENT_BIN},
        e2e::ServiceEnv("PAYMENT", payment_port_, payment_db_.name(),
                        {{"PAYMENT_AUTH_JWKS_URL", Url(user_port_, "/.well-known/jwks.json")}, {"PAYMENT_CONSUMER_ENABLED", "false"},
                         {"PAYMENT_EVENTS_TOPIC_PREFIX", topic_prefix_}, {"PAYMENT_SANDBOX_URL", Url(psp_port_, "")},
                         {"PAYMENT_SHOP_BASE_URL", Url(gateway_port_, "")}}),
        dir_.path() + "/payment.log");
    // The receipt email: the payment's events on this stack's topics, payment.succeeded mailed.
    mailer_ = std::make_unique<e2e::Mailer>(e2e::MailerOptions{.outbox_database = payment_db_.name(),
                                                               .topic_prefix = topic_prefix_,
                                                               .topics = kPaymentTopics,
                                                               .mailed = {"payment.succeeded.v1"},
                                                               .shop_url = Url(gateway_port_, ""),
                                                               .shop_name = "E2E Payment Shop",
                                                               .jwks_url = Url(user_port_, "/.well-known/jwks.json")});
    HttpClient probe;
    for (int port : {user_port_, payment_port_})
      if (!e2e::WaitUntil([&] { return probe.Get(Url(port, "/readyz")).status == 200; }, std::chrono::seconds(90)))
        throw std::runtime_error("a service did not become ready (port " + std::to_string(port) + "):\n" + Logs());
    if (!e2e::WaitUntil([&] { return probe.Get(Url(psp_port_, "/healthz")).status == 200; }, std::chrono::seconds(30)))
      throw std::runtime_error("the sandbox did not start:\n" + sandbox_.LogTail());
    gateway_ = std::make_unique<e2e::Gateway>(
        e2e::GatewayOptions{.port = gateway_port_, .user_port = user_port_, .payment_port = payment_port_});
  }
  ~Stack() {
    gateway_.reset();
    mailer_.reset();
    payment_.Stop();
    sandbox_.Stop();
    user_.Stop();
  }
  std::string Gw(const std::string& path) const { return gateway_->Url(path); }
  std::string Logs() const {
    return user_.LogTail() + payment_.LogTail() + sandbox_.LogTail() + mailer_->Logs();
  }
  std::string dir() const { return dir_.path(); }
  const std::string& maildev() const { return mailer_->maildev_url(); }

 private:
  e2e::TempDir dir_;
  store::testing::TempDatabase user_db_{"e2e_pay_user"};
  store::testing::TempDatabase payment_db_{"e2e_pay"};
  std::string topic_prefix_ = store::testing::UniqueName("e2epay") + ".";
  store::testing::TempKeyspace keys_;
  int user_port_ = e2e::FreePort();
  int payment_port_ = e2e::FreePort();
  int psp_port_ = e2e::FreePort();
  int gateway_port_ = 0;
  e2e::ChildProcess user_, sandbox_, payment_;
  std::unique_ptr<e2e::Mailer> mailer_;
  std::unique_ptr<e2e::Gateway> gateway_;
};

std::string LogIn(HttpClient& c, const Stack& stack, const std::string& email, const std::string& password) {
  auto login = c.Post(stack.Gw("/api/user/v1/auth/login"), json::serialize(json::object{{"email", email}, {"password", password}}));
  EXPECT_EQ(login.status, 200) << login.body;
  return json::value_to<std::string>(Body(login).at("access_token"));
}

std::string PdfText(const std::string& pdf, const std::string& dir) {
  std::string path = dir + "/receipt.pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  std::string text;
  if (FILE* p = ::popen(("pdftotext -q -layout -enc UTF-8 '" + path + "' -").c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    ::pclose(p);
  }
  return text;
}

}  // namespace

TEST(PaymentJourney, HostedPageThen3dsThenProcessingUntilTheWebhookThenTheReceiptPdf) {
  Stack stack;
  HttpClient browser;  // the shopper: redirects followed by hand, to see each one

  const std::string email = store::testing::UniqueName("payer") + "@e2e-payment.test";
  const std::string password = "a long payment password 9";
  ASSERT_EQ(browser.Post(stack.Gw("/api/user/v1/auth/register"),
                         json::serialize(json::object{{"email", email}, {"password", password}, {"name", "Payer"}}))
                .status,
            202);
  const std::string customer = LogIn(browser, stack, email, password);
  auto me = browser.Get(stack.Gw("/api/user/v1/me"), {e2e::Bearer(customer)});
  ASSERT_EQ(me.status, 200) << me.body;
  const std::string customer_id = json::value_to<std::string>(Body(me).at("id"));

  // The order service's part, played by the bootstrap admin: the intent for a made-up order.
  HttpClient admin_client;
  const std::string admin = LogIn(admin_client, stack, "admin@store.local", "store-admin-dev-only");
  const std::string order_id = store::testing::UniqueName("order");
  json::object order{{"order_number", "SO-E2E-4711"}, {"email", email},
                     {"lines", json::array{json::object{{"name", "Borealis Headphones"}, {"sku", "BOR-1"}, {"quantity", 1},
                                                        {"unit_price", json::object{{"minor", 12900}, {"currency", "EUR"}}}}}}};
  auto created = admin_client.Send(
      {.method = "POST", .url = stack.Gw("/api/payment/v1/payments/intents"),
       .headers = {e2e::Bearer(admin), "Idempotency-Key: " + order_id},
       .body = json::serialize(json::object{{"order_id", order_id}, {"customer_id", customer_id},
                                            {"amount", json::object{{"minor", 12900}, {"currency", "EUR"}}},
                                            {"method", "card"}, {"return_url", "/checkout/complete"}, {"order", order}})});
  ASSERT_EQ(created.status, 201) << created.body << stack.Logs();
  const std::string id = json::value_to<std::string>(Body(created).at("id"));
  const std::string hosted = json::value_to<std::string>(Body(created).at("next_action").at("url"));

  // The provider's hosted page (its own origin): the card is typed there, never sent to the shop.
  ASSERT_EQ(browser.Get(hosted).status, 200);
  const std::string action = hosted.substr(0, hosted.find('?'));
  auto challenge = browser.PostForm(action, "number=4000002760003184&exp_month=12&exp_year=2031&cvc=7319&client_secret=" +
                                                Query(hosted, "client_secret"));
  ASSERT_EQ(challenge.status, 303) << challenge.body;
  const std::string challenge_page = challenge.Header("location").value_or("");
  ASSERT_NE(challenge_page.find("/3ds/"), std::string::npos) << challenge_page;
  ASSERT_EQ(browser.Get(challenge_page).status, 200);
  auto approved = browser.PostForm(challenge_page.substr(0, challenge_page.find('?')),
                                   "decision=approve&client_secret=" + Query(challenge_page, "client_secret"));
  ASSERT_EQ(approved.status, 303) << approved.body;
  const std::string back = approved.Header("location").value_or("");
  ASSERT_EQ(back.rfind(stack.Gw("/api/payment/v1/payments/intents/" + id + "/return"), 0), 0u) << back;

  // Back at the shop through the gateway: processing, not paid, until the provider says so.
  auto returned = browser.Get(back);
  ASSERT_EQ(returned.status, 303) << returned.body;
  EXPECT_EQ(returned.Header("location").value_or(""), stack.Gw("/checkout/complete?payment_id=" + id));
  auto seen = browser.Get(stack.Gw("/api/payment/v1/payments/intents/" + id), {e2e::Bearer(customer)});
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(json::value_to<std::string>(Body(seen).at("status")), "processing");
  ASSERT_TRUE(e2e::WaitUntil(
      [&] {
        auto r = browser.Get(stack.Gw("/api/payment/v1/payments/intents/" + id), {e2e::Bearer(customer)});
        return r.status == 200 && json::value_to<std::string>(Body(r).at("status")) == "captured";
      },
      std::chrono::seconds(20)))
      << stack.Logs();

  // The receipt: the payer's (another customer: 404), a PDF whose text has the order and amount.
  auto pdf = browser.Get(stack.Gw("/api/payment/v1/payments/intents/" + id + "/receipt?format=pdf"), {e2e::Bearer(customer)});
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.Header("content-type").value_or(""), "application/pdf");
  ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  auto text = PdfText(pdf.body, stack.dir());
  EXPECT_NE(text.find("SO-E2E-4711"), std::string::npos) << text;
  EXPECT_NE(text.find("129.00 EUR"), std::string::npos) << text;
  EXPECT_NE(text.find("3184"), std::string::npos) << text;  // the last 4 digits only
  EXPECT_EQ(text.find("4000002760003184"), std::string::npos) << "never the card number";
  EXPECT_EQ(browser.Get(stack.Gw("/api/payment/v1/payments/intents/" + id + "/receipt?format=pdf"), {e2e::Bearer(admin)}).status, 200);

  // The receipt email: payment.succeeded through the outbox relay to Kafka, the notification
  // service's payment_receipt template, MailDev.
  auto mail = e2e::WaitForMail(stack.maildev(), email, "payment receipt for order SO-E2E-4711");
  EXPECT_FALSE(mail.empty()) << stack.Logs();
  if (!mail.empty()) {
    std::string text = json::value_to<std::string>(mail.at("text"));
    EXPECT_NE(text.find(id), std::string::npos) << text;
    EXPECT_NE(text.find("3184"), std::string::npos) << text;
  }
  e2e::DeleteMails(stack.maildev(), [&](const std::string& a) { return a == email; });
}
