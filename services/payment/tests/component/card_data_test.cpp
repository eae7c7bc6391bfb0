// No card data, ever: every test card of the sandbox is typed into the provider's hosted page (and
// the 3-D Secure, decline and refund paths are walked), then everything the shop keeps about those
// payments is scanned for card numbers (Luhn-valid runs of 13-19 digits with a card brand's first
// digit, spaces or dashes allowed between groups) and for the CVC typed (next to a cvc/cvv field
// name): every table of the payment service's database, the payment events its outbox relay
// published to Kafka, its log (at debug level) and the relay's, the receipts as HTML and as PDF
// text, and every store_*.log the test run left in /tmp (after_suite_test.cpp: the rest, last). The sandbox's own state is the provider's (outside the shop) and is not
// scanned. The scanner itself is tested first: a number or CVC planted in a text is found.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "card_data_scan.hpp"
#include "payment_fixture.hpp"
#include "store/messaging/admin.hpp"
#include "store/testing/kafka.hpp"

namespace payment = store::payment;
using payment::testing::Answer;
using payment::testing::FormEncode;
using payment::testing::PaymentService;
using payment::testing::QueryValue;
using payment::testing::Sandbox;
using namespace payment::testing::card_data;

namespace {

const std::vector<std::string> kCards = {"4242424242424242", "5555555555554444", "4000000000000002", "4000000000009995",
                                         "4000000000000069", "4000000000000127", "4000002760003184", "4000000000003055"};

std::string PdfText(const std::string& pdf) {
  auto path = ::testing::TempDir() + "/card-data-receipt.pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  std::string text;
  if (FILE* p = ::popen(("pdftotext -q -enc UTF-8 '" + path + "' -").c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, n);
    ::pclose(p);
  }
  return text;
}

const std::vector<std::string> kTopics = {"payment.authorized.v1", "payment.succeeded.v1", "payment.failed.v1", "payment.cancelled.v1",
                                          "payment.refunded.v1"};

}  // namespace

TEST(CardDataScanner, FindsPlantedNumbersAndTheCvcAndNothingElse) {
  EXPECT_EQ(CardNumbers("pan=4242424242424242&x"), std::vector<std::string>{"4242424242424242"});
  EXPECT_EQ(CardNumbers("card 4000 0027 6000 3184."), std::vector<std::string>{"4000002760003184"});
  EXPECT_EQ(CardNumbers("\"5555-5555-5555-4444\""), std::vector<std::string>{"5555555555554444"});
  EXPECT_TRUE(CardNumbers("4242424242424241").empty());                      // not Luhn-valid
  EXPECT_TRUE(CardNumbers("at 1765000000000 ms, 4242 last4").empty());      // a timestamp, a last 4
  EXPECT_TRUE(CardNumbers("\"57015439-1663-4116-8045-123456789012\"").empty());  // a UUID of digits (Luhn-valid start)
  EXPECT_EQ(CardNumbers("57015439-1663-4116"), std::vector<std::string>{"5701543916634116"});  // not a UUID: a card
  EXPECT_TRUE(CardNumbers("id a4242424242424242b").empty());                // inside a longer token
  EXPECT_TRUE(HasCvc("number=4242&cvc=7319&x"));
  EXPECT_TRUE(HasCvc(R"({"card":{"CVC": "7319"}})"));
  EXPECT_FALSE(HasCvc("94d78b47-7319ab-..."));           // inside an id
  EXPECT_FALSE(HasCvc(R"({"width":7319,"height":100})"));  // a number like any other
}

TEST(NoCardData, NoNumberAndNoCvcInTheDatabaseTopicsLogsOrReceipts) {
  Sandbox sandbox;
  const std::string prefix = store::testing::UniqueName("cardscan") + ".";
  std::string lower_prefix = prefix;
  for (char& c : lower_prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& t : kTopics) ASSERT_TRUE(store::messaging::CreateTopic(store::testing::KafkaTestConfig(), lower_prefix + t, 1));
  PaymentService service(sandbox, {{"PAYMENT_LOG_LEVEL", "debug"}, {"PAYMENT_EVENTS_TOPIC_PREFIX", lower_prefix}});
  auto e = store::testing::Engines::FromEnv();
  const auto& o = service.db_options();
  const std::string relay_log = "/tmp/" + store::testing::UniqueName("store_outbox_relay_cardscan") + ".log";
  store::testing::ChildProcess relay({STORE_OUTBOX_RELAY_BIN},
                                     {{"OUTBOX_RELAY_DB_HOST", o.host}, {"OUTBOX_RELAY_DB_PORT", std::to_string(o.port)},
                                      {"OUTBOX_RELAY_DB_USER", o.user}, {"OUTBOX_RELAY_DB_PASSWORD", o.password},
                                      {"OUTBOX_RELAY_DB_DATABASE", o.database}, {"OUTBOX_RELAY_KAFKA_BOOTSTRAP", e.kafka_bootstrap},
                                      {"OUTBOX_RELAY_LOG_LEVEL", "debug"}},
                                     relay_log);
  payment::testing::Client browser;
  const std::string customer = "cust-cardscan";
  std::vector<std::string> paid;
  for (const auto& card : kCards) {
    std::string order = store::testing::UniqueName("order");
    std::string body = boost::json::serialize(boost::json::object{
        {"order_id", order}, {"customer_id", customer}, {"amount", boost::json::object{{"minor", 4200}, {"currency", "EUR"}}},
        {"method", "card"}, {"order", boost::json::object{{"order_number", "SO-" + order.substr(0, 10)}, {"email", "c@example.test"}}}});
    auto intent = service.Call("POST", "/v1/payments/intents", body, service.ServiceToken(), store::testing::UniqueName("k"));
    ASSERT_EQ(intent.status, 201) << intent.text;
    std::string page = intent.Object().at("next_action").at("url").as_string().c_str();
    std::string action = page.substr(0, page.find('?'));
    auto answer = browser.Call("POST", action,
                               FormEncode({{"number", card.substr(0, 4) + " " + card.substr(4)}, {"exp_month", "11"}, {"exp_year", "2032"},
                                           {"cvc", kCvc}, {"client_secret", QueryValue(page, "client_secret")}}),
                               {}, "application/x-www-form-urlencoded");
    if (answer.status == 303 && answer.location.find("/3ds/") != std::string::npos) {
      std::string challenge = answer.location;
      answer = browser.Call("POST", challenge.substr(0, challenge.find('?')),
                            FormEncode({{"decision", "approve"}, {"client_secret", QueryValue(challenge, "client_secret")}}), {},
                            "application/x-www-form-urlencoded");
    }
    if (answer.status == 303) {
      browser.Call("GET", answer.location);  // back through our return route
      paid.push_back(intent.Str("id"));
    }
  }
  ASSERT_EQ(paid.size(), 4u) << "four test cards pay (two with 3-D Secure), four decline";
  for (const auto& id : paid)
    ASSERT_TRUE(store::testing::WaitUntil([&] {
      return service.Call("GET", "/v1/payments/intents/" + id, "", service.AdminToken()).Str("status") == "captured";
    }));
  std::string receipts;
  for (const auto& id : paid) {
    ASSERT_EQ(service.Call("POST", "/v1/payments/intents/" + id + "/refunds", R"({"amount":100})", service.AdminToken(),
                           store::testing::UniqueName("k"))
                  .status,
              201);
    auto html = service.Call("GET", "/v1/payments/intents/" + id + "/receipt", "", service.TokenFor(customer));
    ASSERT_EQ(html.status, 200);
    auto pdf = service.Call("GET", "/v1/payments/intents/" + id + "/receipt?format=pdf", "", service.TokenFor(customer));
    ASSERT_EQ(pdf.status, 200);
    receipts += html.text + "\n" + PdfText(pdf.text) + "\n";
  }
  EXPECT_NE(receipts.find("4242"), std::string::npos) << "the receipts do show the last 4 digits";
  ExpectClean("the receipts", receipts);

  // Every table, every column, every row of the service's database.
  store::db::Database db(o);
  ASSERT_TRUE(store::testing::WaitUntil([&] {
    auto left = db.RunSync([&](store::db::Connection& c) { return c.QueryOne("SELECT COUNT(*) AS n FROM outbox"); });
    return left && *left && (**left).Int("n") == 0;
  })) << "the relay published the outbox";
  auto tables = db.RunSync([&](store::db::Connection& c) {
    return c.Query("SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?", o.database);
  });
  ASSERT_TRUE(tables);
  ASSERT_GE(tables->size(), 8u);
  for (const auto& t : *tables) {
    auto rows = db.RunSync([&](store::db::Connection& c) { return c.Query("SELECT * FROM `" + t.Text("t") + "`"); });
    ASSERT_TRUE(rows) << t.Text("t");
    std::string dump;
    for (const auto& r : *rows)
      for (std::size_t i = 0; i < r.size(); ++i) dump += r[i].value_or("NULL") + "\t";
    ExpectClean("table " + t.Text("t"), dump);
  }
  // The events on Kafka.
  std::size_t records = 0;
  for (const auto& t : kTopics) {
    std::string all;
    for (const auto& m : store::testing::ReadAll(lower_prefix + t)) {
      all += m.value + "\n";
      ++records;
    }
    ExpectClean("topic " + lower_prefix + t, all);
  }
  EXPECT_GE(records, 16u) << "authorized + succeeded + refunded for 4 payments, failed for 4 declines";
  relay.Stop();
  // The logs: the service's and relay's of this test, then every store_*.log this test run left.
  ExpectClean("the service's log", service.WholeLog());
  ExpectClean("the relay's log", ReadFile(relay_log));
  for (const auto& entry : std::filesystem::directory_iterator("/tmp")) {
    auto name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind("store_", 0) == 0 && entry.path().extension() == ".log")
      ExpectClean(entry.path().string(), ReadFile(entry.path().string()));
  }
  for (const auto& t : kTopics) (void)store::messaging::DeleteTopic(store::testing::KafkaTestConfig(), lower_prefix + t);
}
