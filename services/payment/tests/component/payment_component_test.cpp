// Component tests of store_payment against real MariaDB and the real provider sandbox process:
// each method's happy path, each decline, 3-D Secure approve and fail, webhooks (bad signature,
// stale, replayed, duplicated, reversed), a lost webhook found by the reconciliation, idempotency
// races, refund races, cash on delivery, who may see what, and the receipts.
#include <future>
#include <set>
#include <thread>

#include "adapters/webhook_signature.hpp"
#include "domain/payment.hpp"
#include "payment_fixture.hpp"
#include "store/messaging/message.hpp"
#include "store/messaging/producer.hpp"
#include "store/testing/kafka.hpp"
#include "store/testing/contract.hpp"
#include "store/testing/openapi.hpp"
#include "store/testing/schema.hpp"

namespace payment = store::payment;
using payment::testing::Answer;
using payment::testing::FormEncode;
using payment::testing::PaymentService;
using payment::testing::QueryValue;
using payment::testing::Sandbox;

namespace {

std::string NewKey() { return store::testing::UniqueName("idem"); }

class PaymentTest : public ::testing::Test {
 protected:
  explicit PaymentTest(std::map<std::string, std::string> env = {}) : service(sandbox, std::move(env)), db(service.db_options()) {}

  static std::string Body(const std::string& order_id, const std::string& customer, std::int64_t amount, const std::string& method) {
    boost::json::object order{{"order_number", "SO-" + order_id.substr(0, 8)},
                              {"email", "shopper@example.test"},
                              {"lines", boost::json::array{boost::json::object{
                                            {"name", "Café crème mug"}, {"sku", "MUG-1"}, {"quantity", 1},
                                            {"unit_price", boost::json::object{{"minor", amount}, {"currency", "EUR"}}}}}}};
    return boost::json::serialize(boost::json::object{{"order_id", order_id},
                                                      {"customer_id", customer},
                                                      {"amount", boost::json::object{{"minor", amount}, {"currency", "EUR"}}},
                                                      {"method", method},
                                                      {"return_url", "/checkout/complete"},
                                                      {"order", order}});
  }

  Answer Create(const std::string& method, std::int64_t amount = 2500, std::string order_id = "") {
    if (order_id.empty()) order_id = store::testing::UniqueName("order");
    auto a = service.Call("POST", "/v1/payments/intents", Body(order_id, customer, amount, method), service.ServiceToken(), NewKey());
    EXPECT_EQ(a.status, 201) << a.text;
    return a;
  }
  Answer Get(const std::string& id) { return service.Call("GET", "/v1/payments/intents/" + id, "", service.TokenFor(customer)); }
  std::string StatusOf(const std::string& id) { return Get(id).Str("status"); }
  bool WaitFor(const std::string& id, const std::string& status, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return store::testing::WaitUntil([&] { return StatusOf(id) == status; }, timeout);
  }

  // The shopper's browser on the provider's hosted page: the form posted, its redirect answer.
  Answer PayOnHostedPage(const Answer& intent, const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string page = intent.Object().at("next_action").at("url").as_string().c_str();
    EXPECT_EQ(browser.Call("GET", page).status, 200);
    auto fields_with_secret = fields;
    fields_with_secret.emplace_back("client_secret", QueryValue(page, "client_secret"));
    std::string action = page.substr(0, page.find('?'));
    return browser.Call("POST", action, FormEncode(fields_with_secret), {}, "application/x-www-form-urlencoded");
  }
  Answer PayByCard(const Answer& intent, const std::string& number) {
    return PayOnHostedPage(intent, {{"number", number}, {"exp_month", "12"}, {"exp_year", "2031"}, {"cvc", "7319"}});
  }
  // A redirect on the provider's pages followed to the next form: posts `decision` there.
  Answer Decide(const std::string& page, const std::string& decision) {
    EXPECT_EQ(browser.Call("GET", page).status, 200) << page;
    std::string action = page.substr(0, page.find('?'));
    return browser.Call("POST", action, FormEncode({{"decision", decision}, {"client_secret", QueryValue(page, "client_secret")}}), {},
                        "application/x-www-form-urlencoded");
  }
  // The shopper back on our return route: it sends them on to the shop's page.
  void ComeBack(const Answer& redirect, const std::string& payment_id) {
    ASSERT_EQ(redirect.status, 303) << redirect.text;
    ASSERT_NE(redirect.location.find(service.url("/v1/payments/intents/" + payment_id + "/return")), std::string::npos) << redirect.location;
    auto back = browser.Call("GET", redirect.location);
    EXPECT_EQ(back.status, 303);
    EXPECT_EQ(back.location, "http://shop.test/checkout/complete?payment_id=" + payment_id);
  }

  // The ledger's sums explain the intent's status and amounts (the transaction log as admins see it).
  void ExpectLedgerExplains(const std::string& id) {
    auto log = service.Call("GET", "/v1/payments/intents/" + id + "/transactions", "", service.AdminToken());
    ASSERT_EQ(log.status, 200) << log.text;
    payment::Sums sums;
    for (const auto& e : log.Object().at("ledger").as_array()) {
      auto kind = payment::ParseEntryKind(e.at("kind").as_string());
      auto amount = e.at("amount").at("minor").as_int64();
      if (kind == payment::EntryKind::authorisation) sums.authorised += amount;
      if (kind == payment::EntryKind::capture) sums.captured += amount;
      if (kind == payment::EntryKind::void_) sums.voided += amount;
      if (kind == payment::EntryKind::refund) sums.refunded += amount;
    }
    const auto& p = log.Object().at("payment").as_object();
    auto status = payment::ParseStatus(p.at("status").as_string());
    ASSERT_TRUE(status);
    EXPECT_TRUE(payment::SumsExplain(*status, sums, p.at("amount").at("minor").as_int64())) << log.text;
    EXPECT_EQ(p.at("captured").at("minor").as_int64(), sums.captured);
    EXPECT_EQ(p.at("refunded").at("minor").as_int64(), sums.refunded);
  }

  // The event types in the outbox for an order, in order (no relay runs in these tests); each
  // event's data matches its contract (contracts/events/<topic>.schema.json).
  std::vector<std::string> Events(const std::string& order_id) {
    auto rows = db.RunSync(
        [&](store::db::Connection& c) { return c.Query("SELECT topic, payload FROM outbox WHERE msg_key = ? ORDER BY id", order_id); });
    std::vector<std::string> out;
    if (rows)
      for (const auto& r : *rows) {
        out.push_back(r.Text("topic"));
        auto envelope = boost::json::parse(r.Text("payload"));
        store::testing::ExpectEventMatchesSchema(r.Text("topic"), envelope.at("data").as_object());
      }
    return out;
  }
  std::int64_t Count(const std::string& sql, const std::string& arg) {
    auto row = db.RunSync([&](store::db::Connection& c) { return c.QueryOne(sql, arg); });
    if (!row || !*row || !(**row)[0]) return row && *row ? 0 : -1;  // SUM over no rows is NULL
    return std::stoll(*(**row)[0]);
  }

  Sandbox sandbox;
  PaymentService service;
  store::db::Database db;
  payment::testing::Client browser;
  std::string customer = store::testing::UniqueName("cust");
};

std::string IdOf(const Answer& a) { return a.Str("id"); }
std::string ReferenceOf(const Answer& a) { return a.Str("provider_reference"); }

}  // namespace

TEST_F(PaymentTest, CardPaidOnTheHostedPageIsProcessingUntilTheWebhookSaysCaptured) {
  sandbox.Configure({{"webhook_delay_ms", 1500}});
  auto intent = Create("card");
  auto id = IdOf(intent);
  EXPECT_EQ(intent.Str("status"), "requires_payment_method");
  ASSERT_TRUE(intent.Object().at("next_action").is_object()) << intent.text;
  ComeBack(PayByCard(intent, "4242424242424242"), id);
  EXPECT_EQ(StatusOf(id), "processing");  // the redirect back marks nothing paid
  ASSERT_TRUE(WaitFor(id, "captured")) << service.Log();
  auto paid = Get(id);
  EXPECT_EQ(paid.Object().at("card").at("last4").as_string(), "4242");
  EXPECT_EQ(paid.Object().at("captured").at("minor").as_int64(), 2500);
  ExpectLedgerExplains(id);
  auto events = Events(paid.Str("order_id"));
  EXPECT_EQ(events, (std::vector<std::string>{"payment.authorized.v1", "payment.succeeded.v1"}));
}

TEST_F(PaymentTest, EachDeclineIsFailedWithItsReasonAndTheShopperMayPayAgain) {
  for (auto [token, code] : std::vector<std::pair<std::string, std::string>>{{"pm_card_chargeDeclined", "generic_decline"},
                                                                            {"pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"},
                                                                            {"pm_card_chargeDeclinedExpiredCard", "expired_card"},
                                                                            {"pm_card_chargeDeclinedIncorrectCvc", "incorrect_cvc"}}) {
    auto intent = Create("card");
    auto id = IdOf(intent);
    auto declined = service.Call("POST", "/v1/payments/intents/" + id + "/confirm", R"({"payment_method":")" + token + R"("})",
                                 service.TokenFor(customer), NewKey());
    ASSERT_EQ(declined.status, 200) << declined.text;
    EXPECT_EQ(declined.Str("status"), "failed");
    EXPECT_NE(declined.Str("status_reason").find(code), std::string::npos) << declined.Str("status_reason");
    ExpectLedgerExplains(id);
    EXPECT_EQ(Events(declined.Str("order_id")), std::vector<std::string>{"payment.failed.v1"});
  }
  auto intent = Create("card");
  auto id = IdOf(intent);
  service.Call("POST", "/v1/payments/intents/" + id + "/confirm", R"({"payment_method":"pm_card_chargeDeclined"})", service.TokenFor(customer), NewKey());
  auto paid = service.Call("POST", "/v1/payments/intents/" + id + "/confirm", R"({"payment_method":"pm_card_visa"})", service.TokenFor(customer), NewKey());
  EXPECT_EQ(paid.Str("status"), "captured") << paid.text;
  ExpectLedgerExplains(id);
}

TEST_F(PaymentTest, ThreeDSecureApprovedIsCapturedAndFailedIsFailed) {
  auto approved = Create("card");
  auto challenge = PayByCard(approved, "4000002760003184");
  ASSERT_EQ(challenge.status, 303) << challenge.text;
  ASSERT_NE(challenge.location.find("/3ds/"), std::string::npos);
  ComeBack(Decide(challenge.location, "approve"), IdOf(approved));
  ASSERT_TRUE(WaitFor(IdOf(approved), "captured"));
  ExpectLedgerExplains(IdOf(approved));

  auto failed = Create("card");
  auto second = PayByCard(failed, "4000002760003184");
  ComeBack(Decide(second.location, "fail"), IdOf(failed));
  ASSERT_TRUE(WaitFor(IdOf(failed), "failed")) << StatusOf(IdOf(failed));
  EXPECT_NE(Get(IdOf(failed)).Str("status_reason").find("authentication"), std::string::npos);
  ExpectLedgerExplains(IdOf(failed));

  auto frictionless = Create("card");
  ComeBack(PayByCard(frictionless, "4000000000003055"), IdOf(frictionless));
  ASSERT_TRUE(WaitFor(IdOf(frictionless), "captured"));
}

TEST_F(PaymentTest, OnlineBankingAndWalletSettleAsynchronously) {
  auto bank = Create("online_banking");
  auto chosen = PayOnHostedPage(bank, {{"bank", "sandbox_bank"}});
  ASSERT_EQ(chosen.status, 303) << chosen.text;
  ComeBack(Decide(chosen.location, "approve"), IdOf(bank));
  ASSERT_TRUE(WaitFor(IdOf(bank), "captured"));
  EXPECT_EQ(Get(IdOf(bank)).Str("method"), "online_banking");
  ExpectLedgerExplains(IdOf(bank));

  auto failing = Create("online_banking");
  auto refused = PayOnHostedPage(failing, {{"bank", "failing_bank"}});
  ComeBack(Decide(refused.location, "approve"), IdOf(failing));
  ASSERT_TRUE(WaitFor(IdOf(failing), "failed"));

  auto wallet = Create("wallet");
  ComeBack(PayOnHostedPage(wallet, {{"payer_email", "payer@example.test"}, {"decision", "approve"}}), IdOf(wallet));
  ASSERT_TRUE(WaitFor(IdOf(wallet), "captured"));
  ExpectLedgerExplains(IdOf(wallet));
}

TEST_F(PaymentTest, WebhooksWithABadSignatureAStaleTimestampOrAReplayedIdChangeNothing) {
  auto intent = Create("card");
  auto id = IdOf(intent);
  std::string body = boost::json::serialize(boost::json::object{
      {"id", "evt_forged"}, {"type", "payment_intent.succeeded"},
      {"data", boost::json::object{{"object", boost::json::object{{"id", ReferenceOf(intent)}, {"object", "payment_intent"}}}}}});
  auto now = std::time(nullptr);
  auto post = [&](const std::string& signature) {
    return browser.Call("POST", service.url("/v1/payments/webhooks/sandbox"), body, {{"Psp-Signature", signature}});
  };
  EXPECT_EQ(post(payment::SignatureHeader(body, "not-the-secret", now)).status, 400);
  EXPECT_EQ(post(payment::SignatureHeader(body, "whsec_sandbox_dev_only", now - 301)).status, 400);
  EXPECT_EQ(post("").status, 400);
  EXPECT_EQ(StatusOf(id), "requires_payment_method");
  // A correctly signed event is only a hint: the intent is what the provider says (still unpaid).
  auto valid = post(payment::SignatureHeader(body, "whsec_sandbox_dev_only", now));
  EXPECT_EQ(valid.status, 200) << valid.text;
  EXPECT_EQ(StatusOf(id), "requires_payment_method");
  auto replayed = post(payment::SignatureHeader(body, "whsec_sandbox_dev_only", now));
  EXPECT_EQ(replayed.status, 200);
  EXPECT_FALSE(replayed.Object().at("applied").as_bool());
  EXPECT_EQ(browser.Call("POST", service.url("/v1/payments/webhooks/stripe"), body).status, 404);
}

TEST_F(PaymentTest, DuplicatedAndReversedWebhooksHaveOneEffect) {
  sandbox.Configure({{"duplicate", true}, {"reverse", true}});
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto intent = Create("card");
    ComeBack(PayByCard(intent, "4242424242424242"), IdOf(intent));
    ids.push_back(IdOf(intent));
  }
  for (const auto& id : ids) {
    ASSERT_TRUE(WaitFor(id, "captured"));
  }
  // Let the duplicates and the late ones arrive, then count.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  for (const auto& id : ids) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_ledger WHERE intent_id = ? AND kind = 'capture'", id), 1);
    EXPECT_EQ(StatusOf(id), "captured");
    ExpectLedgerExplains(id);
    EXPECT_EQ(Events(Get(id).Str("order_id")), (std::vector<std::string>{"payment.authorized.v1", "payment.succeeded.v1"}));
  }
}

class ReconciliationTest : public PaymentTest {
 protected:
  ReconciliationTest() : PaymentTest({{"PAYMENT_RECONCILE_STUCK_AFTER", "1s"}, {"PAYMENT_RECONCILE_LEASE", "1s"}}) {}
};

// Two instances on one database: each stuck intent is claimed by one of them per lease, so the
// provider is asked about it once (the sandbox's request log counts the fetches).
TEST(ReconciliationInstances, TwoInstancesAskTheProviderOnceAboutEachStuckIntent) {
  Sandbox sandbox;
  std::map<std::string, std::string> env{{"PAYMENT_RECONCILE_STUCK_AFTER", "1s"}, {"PAYMENT_RECONCILE_LEASE", "30s"},
                                         {"PAYMENT_RECONCILE_INTERVAL", "100ms"}};
  PaymentService first(sandbox, env);
  env["PAYMENT_DB_DATABASE"] = first.db_options().database;
  PaymentService second(sandbox, env);
  sandbox.Configure({{"webhook_url", first.url("/v1/payments/webhooks/sandbox")}, {"drop", true}});
  payment::testing::Client browser;
  std::vector<std::pair<std::string, std::string>> intents;  // (id, provider reference)
  for (int i = 0; i < 6; ++i) {
    std::string order = store::testing::UniqueName("order");
    auto created = first.Call("POST", "/v1/payments/intents",
                              boost::json::serialize(boost::json::object{
                                  {"order_id", order}, {"customer_id", "c1"},
                                  {"amount", boost::json::object{{"minor", 1000}, {"currency", "EUR"}}}, {"method", "card"}}),
                              first.ServiceToken(), NewKey());
    ASSERT_EQ(created.status, 201) << created.text;
    std::string page = created.Object().at("next_action").at("url").as_string().c_str();
    auto paid = browser.Call("POST", page.substr(0, page.find('?')),
                             FormEncode({{"number", "4242424242424242"}, {"exp_month", "12"}, {"exp_year", "2031"}, {"cvc", "7319"},
                                         {"client_secret", QueryValue(page, "client_secret")}}),
                             {}, "application/x-www-form-urlencoded");
    ASSERT_EQ(paid.status, 303);
    browser.Call("GET", paid.location);  // back: processing, and no webhook will come
    intents.emplace_back(created.Str("id"), created.Str("provider_reference"));
  }
  for (const auto& [id, reference] : intents)
    ASSERT_TRUE(store::testing::WaitUntil([&] {
      return second.Call("GET", "/v1/payments/intents/" + id, "", second.AdminToken()).Str("status") == "captured";
    })) << first.Log() << second.Log();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // more rounds of both instances
  auto log = sandbox.WholeLog();
  for (const auto& [id, reference] : intents) {
    std::string fetch = "GET /v1/payment_intents/" + reference + " ";
    int fetches = 0;
    for (auto at = log.find(fetch); at != std::string::npos; at = log.find(fetch, at + 1)) ++fetches;
    EXPECT_EQ(fetches, 1) << reference;
  }
}

TEST_F(ReconciliationTest, AMissingWebhookIsFoundByAskingTheProvider) {
  sandbox.Configure({{"drop", true}});
  auto intent = Create("card");
  ComeBack(PayByCard(intent, "4242424242424242"), IdOf(intent));
  EXPECT_EQ(StatusOf(IdOf(intent)), "processing");
  ASSERT_TRUE(WaitFor(IdOf(intent), "captured", std::chrono::seconds(15))) << service.Log();
  ExpectLedgerExplains(IdOf(intent));
}

TEST_F(PaymentTest, TheSameIdempotencyKeyHasOneEffectAndOneAnswerAnotherBodyIs422) {
  auto order = store::testing::UniqueName("order");
  auto body = Body(order, customer, 1999, "card");
  auto key = NewKey();
  std::vector<std::future<Answer>> answers;
  for (int i = 0; i < 8; ++i)
    answers.push_back(std::async(std::launch::async, [&] {
      payment::testing::Client c;
      return c.Call("POST", service.url("/v1/payments/intents"), body,
                    {{"Authorization", "Bearer " + service.ServiceToken()}, {"Idempotency-Key", key}});
    }));
  std::set<std::string> bodies;
  for (auto& f : answers) {
    auto a = f.get();
    EXPECT_EQ(a.status, 201) << a.text;
    bodies.insert(a.text);
  }
  EXPECT_EQ(bodies.size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_intents WHERE order_id = ?", order), 1);
  auto other = service.Call("POST", "/v1/payments/intents", Body(order, customer, 2000, "card"), service.ServiceToken(), key);
  EXPECT_EQ(other.status, 422) << other.text;
  auto replay = service.Call("POST", "/v1/payments/intents", body, service.ServiceToken(), key);
  EXPECT_EQ(replay.replayed, "true");
  EXPECT_EQ(replay.text, *bodies.begin());
  EXPECT_EQ(service.Call("POST", "/v1/payments/intents", body, service.ServiceToken()).status, 400);  // no key
}

TEST_F(PaymentTest, AProviderAnswerLostInTransitIsRetriedWithOurKeyAndChargesOnce) {
  auto intent = Create("card");
  auto id = IdOf(intent);
  sandbox.Configure({{"drop_responses", 1}});
  auto lost = service.Call("POST", "/v1/payments/intents/" + id + "/confirm", R"({"payment_method":"pm_card_visa"})",
                           service.TokenFor(customer), NewKey());
  EXPECT_GE(lost.status, 500) << lost.text;
  auto retried = service.Call("POST", "/v1/payments/intents/" + id + "/confirm", R"({"payment_method":"pm_card_visa"})",
                              service.TokenFor(customer), NewKey());
  EXPECT_EQ(retried.Str("status"), "captured") << retried.text;
  auto events = sandbox.Events(ReferenceOf(intent));
  int succeeded = 0;
  for (const auto& e : events.Object().at("data").as_array()) succeeded += e.at("type").as_string() == "payment_intent.succeeded";
  EXPECT_EQ(succeeded, 1);
  ExpectLedgerExplains(id);
}

TEST_F(PaymentTest, FiftyConcurrentPartialRefundsNeverExceedTheCapture) {
  auto intent = Create("card", 5000);
  auto id = IdOf(intent);
  auto paid = service.Call("POST", "/v1/payments/intents/" + id + "/confirm", R"({"payment_method":"pm_card_visa"})", service.TokenFor(customer), NewKey());
  ASSERT_EQ(paid.Str("status"), "captured") << paid.text;
  std::vector<std::future<int>> refunds;
  for (int i = 0; i < 50; ++i)
    refunds.push_back(std::async(std::launch::async, [&] {
      payment::testing::Client c;
      return c.Call("POST", service.url("/v1/payments/intents/" + id + "/refunds"), R"({"amount":150,"reason":"race"})",
                    {{"Authorization", "Bearer " + service.AdminToken()}, {"Idempotency-Key", NewKey()}})
          .status;
    }));
  int ok = 0, refused = 0;
  for (auto& f : refunds) {
    int s = f.get();
    ok += s == 201;
    refused += s == 422;
  }
  EXPECT_EQ(ok, 33);  // 33 x 150 = 4950 <= 5000 < 34 x 150
  EXPECT_EQ(refused, 17);
  auto after = Get(id);
  EXPECT_EQ(after.Str("status"), "partially_refunded");
  EXPECT_EQ(after.Object().at("refunded").at("minor").as_int64(), 4950);
  EXPECT_EQ(sandbox.Intent(ReferenceOf(intent)).Object().at("amount_refunded").as_int64(), 4950);
  ExpectLedgerExplains(id);
  auto rest = service.Call("POST", "/v1/payments/intents/" + id + "/refunds", "{}", service.AdminToken(), NewKey());
  EXPECT_EQ(rest.status, 201) << rest.text;
  EXPECT_EQ(StatusOf(id), "refunded");
  ExpectLedgerExplains(id);
  auto events = Events(after.Str("order_id"));
  EXPECT_EQ(std::count(events.begin(), events.end(), "payment.refunded.v1"), 34);
}

TEST_F(PaymentTest, CashOnDeliveryIsAuthorisedAtOnceAndCapturedAtDelivery) {
  auto intent = Create("cash_on_delivery", 3000);
  auto id = IdOf(intent);
  EXPECT_EQ(intent.Str("status"), "authorised");
  EXPECT_EQ(service.Call("POST", "/v1/payments/intents/" + id + "/capture", "{}", service.TokenFor(customer), NewKey()).status, 403);
  auto captured = service.Call("POST", "/v1/payments/intents/" + id + "/capture", "{}", service.ServiceToken(), NewKey());
  EXPECT_EQ(captured.Str("status"), "captured") << captured.text;
  ExpectLedgerExplains(id);

  auto other = Create("cash_on_delivery", 3000);
  auto cancelled = service.Call("POST", "/v1/payments/intents/" + IdOf(other) + "/cancel", R"({"reason":"customer"})", service.ServiceToken(), NewKey());
  EXPECT_EQ(cancelled.Str("status"), "cancelled") << cancelled.text;
  ExpectLedgerExplains(IdOf(other));
  EXPECT_EQ(Events(other.Str("order_id")), (std::vector<std::string>{"payment.authorized.v1", "payment.cancelled.v1"}));
}

TEST_F(PaymentTest, OnlyThePayingCustomerOrStaffSeeAnIntentAndOnlyStaffCreateOne) {
  auto intent = Create("card");
  auto id = IdOf(intent);
  EXPECT_EQ(service.Call("GET", "/v1/payments/intents/" + id, "", service.TokenFor("someone-else")).status, 404);
  EXPECT_EQ(service.Call("GET", "/v1/payments/intents/" + id, "", "").status, 401);
  EXPECT_EQ(service.Call("GET", "/v1/payments/intents/" + id, "", service.AdminToken()).status, 200);
  EXPECT_EQ(service.Call("POST", "/v1/payments/intents", Body("o-x", customer, 100, "card"), service.TokenFor(customer), NewKey()).status, 403);
  EXPECT_EQ(service.Call("GET", "/v1/payments/intents/" + id + "/transactions", "", service.TokenFor(customer)).status, 403);
  EXPECT_EQ(service.Call("POST", "/v1/payments/intents/" + id + "/refunds", "{}", service.TokenFor(customer), NewKey()).status, 403);
  // Bad input: clear 4xx, nothing created.
  for (std::string bad : {R"({"order_id":"o1"})", R"({"order_id":"o 1","customer_id":"c","amount":{"minor":1,"currency":"EUR"},"method":"card"})",
                          R"({"order_id":"o1","customer_id":"c","amount":{"minor":0,"currency":"EUR"},"method":"card"})",
                          R"({"order_id":"o1","customer_id":"c","amount":{"minor":10,"currency":"eur"},"method":"card"})",
                          R"({"order_id":"o1","customer_id":"c","amount":{"minor":10,"currency":"EUR"},"method":"bitcoin"})",
                          R"({"order_id":"o1","customer_id":"c","amount":{"minor":10,"currency":"EUR"},"method":"card","return_url":"//evil.test/"})",
                          R"({"order_id":"o1","customer_id":"c","amount":{"minor":10,"currency":"EUR"},"method":"card","price":1})", "[]", "{"}) {
    auto a = service.Call("POST", "/v1/payments/intents", bad, service.ServiceToken(), NewKey());
    EXPECT_EQ(a.status, 400) << bad << " " << a.text;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_intents WHERE order_id = ?", "o1"), 0);
}

TEST_F(PaymentTest, TheReceiptIsForThePayerAsHtmlAndAsAPdfWithTheOrderNumberAndAmount) {
  auto intent = Create("card", 2500);
  auto id = IdOf(intent);
  EXPECT_EQ(service.Call("GET", "/v1/payments/intents/" + id + "/receipt", "", service.TokenFor(customer)).status, 409);
  service.Call("POST", "/v1/payments/intents/" + id + "/confirm", R"({"payment_method":"pm_card_visa"})", service.TokenFor(customer), NewKey());
  auto html = service.Call("GET", "/v1/payments/intents/" + id + "/receipt", "", service.TokenFor(customer));
  ASSERT_EQ(html.status, 200) << html.text;
  EXPECT_NE(html.text.find("25.00 EUR"), std::string::npos);
  EXPECT_NE(html.text.find("4242"), std::string::npos);
  auto pdf = service.Call("GET", "/v1/payments/intents/" + id + "/receipt?format=pdf", "", service.TokenFor(customer));
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.text.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(service.Call("GET", "/v1/payments/intents/" + id + "/receipt?format=pdf", "", service.TokenFor("someone-else")).status, 404);
}

class ManualCaptureTest : public PaymentTest {
 protected:
  ManualCaptureTest() : PaymentTest({{"PAYMENT_PAYMENTS_CAPTURE", "manual"}}) {}
};

TEST_F(ManualCaptureTest, APartialCaptureReleasesTheRestAndACancelVoids) {
  auto intent = Create("card", 2500);
  auto id = IdOf(intent);
  auto authorised = service.Call("POST", "/v1/payments/intents/" + id + "/confirm", R"({"payment_method":"pm_card_visa"})",
                                 service.TokenFor(customer), NewKey());
  ASSERT_EQ(authorised.Str("status"), "authorised") << authorised.text;
  EXPECT_EQ(service.Call("POST", "/v1/payments/intents/" + id + "/capture", R"({"amount":2600})", service.ServiceToken(), NewKey()).status, 422);
  auto captured = service.Call("POST", "/v1/payments/intents/" + id + "/capture", R"({"amount":1500})", service.ServiceToken(), NewKey());
  ASSERT_EQ(captured.Str("status"), "captured") << captured.text;
  EXPECT_EQ(captured.Object().at("captured").at("minor").as_int64(), 1500);
  EXPECT_EQ(Count("SELECT SUM(amount_minor) FROM payment_ledger WHERE intent_id = ? AND kind = 'void'", id), 1000);
  ExpectLedgerExplains(id);

  auto other = Create("card", 2500);
  service.Call("POST", "/v1/payments/intents/" + IdOf(other) + "/confirm", R"({"payment_method":"pm_card_visa"})", service.TokenFor(customer), NewKey());
  auto cancelled = service.Call("POST", "/v1/payments/intents/" + IdOf(other) + "/cancel", "{}", service.AdminToken(), NewKey());
  EXPECT_EQ(cancelled.Str("status"), "cancelled") << cancelled.text;
  EXPECT_EQ(sandbox.Intent(ReferenceOf(other)).Str("status"), "canceled");
  ExpectLedgerExplains(IdOf(other));
}

class OrderCancelledTest : public PaymentTest {
 protected:
  OrderCancelledTest()
      : PaymentTest({{"PAYMENT_PAYMENTS_CAPTURE", "manual"}, {"PAYMENT_CONSUMER_ENABLED", "true"},
                     {"PAYMENT_CONSUMER_TOPIC_ORDER_CANCELLED", Topic().name()}}) {}
  static store::testing::TempTopic& Topic() {
    static store::testing::TempTopic topic("order-cancelled", 1);
    return topic;
  }
  void Publish(const std::string& order_id) {
    auto producer = store::messaging::Producer::Create(store::testing::KafkaTestConfig());
    ASSERT_TRUE(producer);
    auto event = store::messaging::NewEvent("order.cancelled.v1", boost::json::object{{"order_id", order_id}, {"reason", "customer"}});
    for (int i = 0; i < 2; ++i)  // delivered twice: applied once
      ASSERT_TRUE((*producer)->Produce(store::messaging::EventMessage(Topic().name(), order_id, event)));
  }
};

TEST_F(OrderCancelledTest, AnAuthorisedPaymentIsVoidedAndACapturedOneRefundedOnce) {
  auto authorised = Create("card", 2500);
  service.Call("POST", "/v1/payments/intents/" + IdOf(authorised) + "/confirm", R"({"payment_method":"pm_card_visa"})", service.TokenFor(customer), NewKey());
  auto captured = Create("card", 4000);
  service.Call("POST", "/v1/payments/intents/" + IdOf(captured) + "/confirm", R"({"payment_method":"pm_card_visa"})", service.TokenFor(customer), NewKey());
  ASSERT_EQ(service.Call("POST", "/v1/payments/intents/" + IdOf(captured) + "/capture", "{}", service.ServiceToken(), NewKey()).Str("status"), "captured");
  Publish(authorised.Str("order_id"));
  Publish(captured.Str("order_id"));
  EXPECT_TRUE(WaitFor(IdOf(authorised), "cancelled")) << StatusOf(IdOf(authorised)) << service.Log();
  EXPECT_TRUE(WaitFor(IdOf(captured), "refunded")) << StatusOf(IdOf(captured)) << service.Log();
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // a second round changes nothing
  EXPECT_EQ(sandbox.Intent(ReferenceOf(captured)).Object().at("amount_refunded").as_int64(), 4000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_refunds WHERE intent_id = ?", IdOf(captured)), 1);
  ExpectLedgerExplains(IdOf(authorised));
  ExpectLedgerExplains(IdOf(captured));
}

TEST_F(PaymentTest, TheOpenApiContractMatchesTheRunningRoutes) {
  auto spec = store::testing::ReadOpenApi(STORE_PAYMENT_OPENAPI);
  const std::vector<std::string> verbs = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  for (const auto& [path, methods] : spec.Routes()) {
    std::string concrete = store::testing::ConcretePath(path, {{"provider", "sandbox"}}, "00000000-0000-4000-8000-000000000000");
    for (const auto& verb : verbs) {
      std::string lower = verb;
      for (char& c : lower) c = static_cast<char>(std::tolower(c));
      auto r = service.Call(verb, concrete, "", service.AdminToken());
      if (!methods.contains(lower)) {
        EXPECT_EQ(r.status, 405) << verb << " " << path;
        continue;
      }
      EXPECT_TRUE(methods.at(lower).contains(r.status)) << verb << " " << path << " answered " << r.status << " " << r.text;
    }
  }
  auto violations = store::testing::CheckRequestPolicy(
      spec, service.url(),
      {.tokens = {{"", service.TokenFor(customer)}, {"service", service.ServiceToken()}, {"admin", service.AdminToken()}}});
  EXPECT_TRUE(violations.empty()) << store::testing::Join(violations);
}
