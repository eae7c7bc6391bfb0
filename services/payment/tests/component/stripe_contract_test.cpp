// The Stripe adapter's contract test: StripeProvider against Stripe's official API mock
// (stripe-mock, Go module github.com/stripe/stripe-mock at deploy/versions.env's
// STRIPE_MOCK_VERSION, built by scripts/lib/install.sh), started here on a free port with
// -strict-version-check. stripe-mock checks every request against Stripe's OpenAPI spec (the
// path, the form encoding, each parameter's name and shape, the Stripe-Version we pin) and answers
// with canned fixtures: so these tests assert that each call is accepted and how its answer is
// mapped, never business state transitions (a fixture's status does not follow the request).
// Beside it, without the mock: the mapping of Stripe-shaped objects and error answers, what goes on
// the wire (a recording server), and the webhook signature (`Stripe-Signature`).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "adapters/provider_json.hpp"
#include "adapters/stripe_provider.hpp"
#include "adapters/webhook_signature.hpp"
#include "store/http/client.hpp"
#include "store/http/router.hpp"
#include "store/testing/async.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/process.hpp"
#include "store/testing/server.hpp"

namespace {

using store::core::Errc;
using store::payment::CaptureMode;
using store::payment::Method;
using store::payment::NewProviderIntent;
using store::payment::ProviderView;
using store::payment::StripeOptions;
using store::payment::StripeProvider;
using store::testing::RunAwaitable;

// $STORE_STRIPE_MOCK_BIN, else what the install step builds ($STORE_OPT/bin/stripe-mock-<version>).
std::string StripeMockBin() {
  const char* env = std::getenv("STORE_STRIPE_MOCK_BIN");
  return env && *env ? std::string(env) : std::string(STORE_STRIPE_MOCK_BIN);
}

// stripe-mock on 127.0.0.1:<free port>; stopped by the destructor.
class StripeMock {
 public:
  StripeMock() : port_(store::testing::FreePort()) {
    auto bin = StripeMockBin();
    if (::access(bin.c_str(), X_OK) != 0) {
      error_ = "stripe-mock " STORE_STRIPE_MOCK_VERSION " is not installed at " + bin +
               ": run `./store install` (scripts/lib/install.sh, install_stripe_mock) or set STORE_STRIPE_MOCK_BIN";
      return;
    }
    log_ = "/tmp/" + store::testing::UniqueName("stripe-mock") + ".log";
    process_ = std::make_unique<store::testing::ChildProcess>(
        std::vector<std::string>{bin, "-http-addr", "127.0.0.1:" + std::to_string(port_), "-strict-version-check"},
        std::map<std::string, std::string>{}, log_);
    // It listens once Stripe's spec and fixtures are loaded (a second or two).
    if (!store::testing::WaitUntil([&] { return store::testing::PortOpen(port_) || !process_->Running(); }, std::chrono::seconds(60)) ||
        !process_->Running())
      error_ = "stripe-mock did not start on port " + std::to_string(port_) + ": " + process_->LogTail();
  }
  bool ready() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::string Log() const { return process_ ? process_->LogTail() : ""; }

 private:
  int port_;
  std::string error_;
  std::string log_;
  std::unique_ptr<store::testing::ChildProcess> process_;
};

StripeOptions OptionsFor(const std::string& url) {
  StripeOptions o;
  o.url = url;
  o.secret_key = "sk_test_contract";
  o.webhook_secret = "whsec_contract_test";
  o.client.max_retries = 0;
  o.client.read_timeout = std::chrono::seconds(20);
  return o;
}

NewProviderIntent NewIntent(Method method, CaptureMode capture = CaptureMode::automatic) {
  return NewProviderIntent{.amount = 4999,
                           .currency = "EUR",
                           .method = method,
                           .capture = capture,
                           .return_url = "http://shop.test/api/payment/v1/payments/intents/pay-1/return?x=a&y=b c",
                           .payment_id = "pay-1",
                           .order_id = "order-1"};
}

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// ---- against stripe-mock ---------------------------------------------------------------------

class StripeContract : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { mock_ = new StripeMock(); }
  static void TearDownTestSuite() {
    delete mock_;
    mock_ = nullptr;
  }
  void SetUp() override {
    // Never skipped: a missing or broken stripe-mock fails every test with how to install it.
    ASSERT_TRUE(mock_->ready()) << mock_->error();
    provider_ = std::make_unique<StripeProvider>(OptionsFor(mock_->url()));
  }
  void TearDown() override { provider_.reset(); }  // before the io_context

  template <class T>
  T Run(boost::asio::awaitable<T> aw) {
    return RunAwaitable(ioc_, std::move(aw));
  }

  // A view the mock accepted: a PaymentIntent id and no refusal.
  static void ExpectIntent(const store::core::Result<ProviderView>& view) {
    ASSERT_TRUE(view) << view.error().message << "\n" << mock_->Log();
    EXPECT_TRUE(StartsWith(view->reference, "pi_")) << view->reference;
  }

  static StripeMock* mock_;
  boost::asio::io_context ioc_;
  std::unique_ptr<StripeProvider> provider_;
};

StripeMock* StripeContract::mock_ = nullptr;

TEST_F(StripeContract, CreatesCardIntentsWithAutomaticAndManualCapture) {
  ExpectIntent(Run(provider_->Create(NewIntent(Method::card), "create-card-auto")));
  auto manual = Run(provider_->Create(NewIntent(Method::card, CaptureMode::manual), "create-card-manual"));
  ExpectIntent(manual);
  EXPECT_EQ(manual->amount, 4999);  // stripe-mock reflects the request's amount into its fixture
}

TEST_F(StripeContract, CreatesAndConfirmsOnlineBankingAsIdealAndWalletAsPaypal) {
  ExpectIntent(Run(provider_->Create(NewIntent(Method::online_banking, CaptureMode::manual), "create-bank")));
  ExpectIntent(Run(provider_->Create(NewIntent(Method::wallet, CaptureMode::manual), "create-wallet")));
}

TEST_F(StripeContract, CashOnDeliveryNeverReachesStripe) {
  auto view = Run(provider_->Create(NewIntent(Method::cash_on_delivery), "create-cod"));
  ASSERT_FALSE(view);
  EXPECT_EQ(view.error().code, Errc::unprocessable);
}

TEST_F(StripeContract, ConfirmsWithAPaymentMethodAndReadsTheCardFromTheExpandedLatestCharge) {
  auto view = Run(provider_->Confirm("pi_contract_1", "pm_card_visa", "http://shop.test/return?a=1&b=2", "confirm-pay-1-pm_card_visa"));
  ExpectIntent(view);
  // The fixture's latest charge is a Visa ending 4242: read from latest_charge.payment_method_details.
  EXPECT_EQ(view->card_brand, "visa");
  EXPECT_EQ(view->card_last4, "4242");
}

TEST_F(StripeContract, FetchesWithTheLatestChargeExpanded) {
  auto view = Run(provider_->Fetch("pi_contract_1"));
  ExpectIntent(view);
  EXPECT_EQ(view->card_brand, "visa");
  EXPECT_EQ(view->card_last4.size(), 4u);
}

TEST_F(StripeContract, CapturesPartOfAnAuthorisation) {
  ExpectIntent(Run(provider_->Capture("pi_contract_1", 2500, "capture-pay-1")));
}

TEST_F(StripeContract, CancelsWithAnEmptyForm) {
  // No parameters: the body is empty, yet Content-Type must say form (the mock refuses it otherwise).
  ExpectIntent(Run(provider_->Cancel("pi_contract_1", "cancel-pay-1")));
}

TEST_F(StripeContract, RefundsPartOfAPayment) {
  auto refund = Run(provider_->Refund("pi_contract_1", 1200, "refund-r1"));
  ASSERT_TRUE(refund) << refund.error().message << "\n" << mock_->Log();
  EXPECT_TRUE(StartsWith(refund->reference, "re_")) << refund->reference;
  EXPECT_EQ(refund->amount, 1200);  // reflected from the request
}

// The mock does check: what breaks Stripe's contract is refused, and the adapter reports a
// refusal as unprocessable.
TEST_F(StripeContract, TheMockRefusesWhatBreaksTheContract) {
  store::http::ClientOptions quick;
  quick.max_retries = 0;
  store::http::Client client(quick);
  auto post = [&](std::string path, std::string body, std::string content_type) {
    store::http::ClientRequest request;
    request.method = store::http::Verb::post;
    request.url = mock_->url(path);
    request.body = std::move(body);
    request.content_type = std::move(content_type);
    request.headers.emplace_back("Authorization", "Bearer sk_test_contract");
    request.headers.emplace_back("Stripe-Version", StripeOptions().api_version);
    auto answer = Run(client.Send(std::move(request)));
    return answer ? answer->status : -1;
  };
  const std::string form = "application/x-www-form-urlencoded";
  // What the adapter sends is accepted ...
  EXPECT_EQ(post("/v1/payment_intents",
                 StripeProvider::FormEncode({{"amount", "100"}, {"currency", "eur"}, {"payment_method_types[]", "card"}}), form),
            200);
  // ... a misspelt parameter, a value of the wrong type or outside its enumeration is not,
  EXPECT_EQ(post("/v1/payment_intents",
                 StripeProvider::FormEncode({{"amount", "100"}, {"currency", "eur"}, {"payment_method_type[]", "card"}}), form),
            400);
  EXPECT_EQ(post("/v1/payment_intents", StripeProvider::FormEncode({{"amount", "a lot"}, {"currency", "eur"}}), form), 400);
  EXPECT_EQ(post("/v1/payment_intents",
                 StripeProvider::FormEncode({{"amount", "100"}, {"currency", "eur"}, {"capture_method", "later"}}), form),
            400);
  EXPECT_EQ(post("/v1/refunds", StripeProvider::FormEncode({{"payment_intent", "pi_1"}, {"amount_refunded", "5"}}), form), 400);
  // ... nor is JSON (the sandbox's encoding).
  EXPECT_EQ(post("/v1/payment_intents", R"({"amount":100,"currency":"eur"})", "application/json"), 400);

  // Another API version than the mock's spec is refused (-strict-version-check): our pin matches.
  auto options = OptionsFor(mock_->url());
  options.api_version = "2020-08-27";
  {
    StripeProvider old(options);
    auto view = Run(old.Fetch("pi_contract_1"));
    ASSERT_FALSE(view);
    EXPECT_EQ(view.error().code, Errc::unprocessable) << view.error().message;
    EXPECT_NE(view.error().message.find("Stripe-Version"), std::string::npos) << view.error().message;
  }
}

// ---- what goes on the wire (a recording server answering Stripe-shaped objects) -----------------

struct Recorded {
  std::string method;
  std::string target;
  std::string content_type;
  std::string idempotency_key;
  std::string stripe_version;
  std::string authorization;
  std::string body;
};

class Recorder {
 public:
  // Every route answers `answer` with `status`.
  void Answer(int status, boost::json::value answer) {
    std::lock_guard lock(mu_);
    status_ = status;
    answer_ = std::move(answer);
  }
  std::vector<Recorded> Take() {
    std::lock_guard lock(mu_);
    return std::exchange(seen_, {});
  }
  store::http::Router Router() {
    store::http::Router router;
    store::http::RouteOptions bytes{.body = store::http::BodyKind::bytes, .body_limit = 0};
    auto handler = [this](store::http::Request& req) -> boost::asio::awaitable<store::http::Response> {
      std::lock_guard lock(mu_);
      seen_.push_back(Recorded{.method = std::string(req.method_string()),
                               .target = std::string(req.target()),
                               .content_type = std::string(req.Header("Content-Type")),
                               .idempotency_key = std::string(req.Header("Idempotency-Key")),
                               .stripe_version = std::string(req.Header("Stripe-Version")),
                               .authorization = std::string(req.Header("Authorization")),
                               .body = req.body()});
      co_return store::http::Response::Json(status_, answer_);
    };
    router.Post("/v1/payment_intents", handler, bytes);
    router.Post("/v1/payment_intents/{id}/confirm", handler, bytes);
    router.Post("/v1/payment_intents/{id}/capture", handler, bytes);
    router.Post("/v1/payment_intents/{id}/cancel", handler, bytes);
    router.Get("/v1/payment_intents/{id}", handler, bytes);
    router.Post("/v1/refunds", handler, bytes);
    return router;
  }

 private:
  std::mutex mu_;
  int status_ = 200;
  boost::json::value answer_;
  std::vector<Recorded> seen_;
};

boost::json::value StripeIntent() {
  return boost::json::parse(R"({
    "id": "pi_3Rec", "object": "payment_intent", "amount": 4999, "amount_capturable": 4999, "amount_received": 0,
    "currency": "eur", "status": "requires_capture", "capture_method": "manual",
    "latest_charge": {"id": "ch_1", "object": "charge", "amount_refunded": 0,
                      "payment_method_details": {"type": "card", "card": {"brand": "mastercard", "last4": "4444"}}}
  })");
}

TEST(StripeWire, EveryCallIsAFormWithOurKeyTheVersionAndTheLatestChargeExpanded) {
  Recorder recorder;
  recorder.Answer(200, StripeIntent());
  store::testing::TestServer server(recorder.Router());
  boost::asio::io_context ioc;
  auto provider = std::make_unique<StripeProvider>(OptionsFor(server.Url("")));

  auto created = RunAwaitable(ioc, provider->Create(NewIntent(Method::card, CaptureMode::manual), "create-pay-1"));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->state, ProviderView::State::requires_capture);
  EXPECT_EQ(created->card_brand, "mastercard");
  EXPECT_EQ(created->card_last4, "4444");
  ASSERT_TRUE(RunAwaitable(ioc, provider->Confirm("pi_3Rec", "pm_card_visa", "http://shop.test/r?a=1&b=2", "confirm-k")));
  ASSERT_TRUE(RunAwaitable(ioc, provider->Fetch("pi_3Rec")));
  ASSERT_TRUE(RunAwaitable(ioc, provider->Capture("pi_3Rec", 2500, "capture-k")));
  ASSERT_TRUE(RunAwaitable(ioc, provider->Cancel("pi_3Rec", "cancel-k")));
  ASSERT_TRUE(RunAwaitable(ioc, provider->Create(NewIntent(Method::online_banking, CaptureMode::manual), "create-bank")));
  recorder.Answer(200, boost::json::parse(R"({"id": "re_1", "object": "refund", "amount": 700, "status": "pending"})"));
  auto refund = RunAwaitable(ioc, provider->Refund("pi_3Rec", 700, "refund-k"));
  ASSERT_TRUE(refund) << refund.error().message;
  EXPECT_EQ(refund->reference, "re_1");

  auto seen = recorder.Take();
  ASSERT_EQ(seen.size(), 7u);
  for (const auto& r : seen) {
    EXPECT_EQ(r.authorization, "Bearer sk_test_contract");
    EXPECT_EQ(r.stripe_version, StripeOptions().api_version);
    if (r.method == "POST") {
      EXPECT_EQ(r.content_type, "application/x-www-form-urlencoded") << r.target;
      EXPECT_FALSE(r.idempotency_key.empty()) << r.target;
    }
  }
  EXPECT_EQ(seen[0].target, "/v1/payment_intents");
  EXPECT_EQ(seen[0].idempotency_key, "create-pay-1");
  EXPECT_EQ(seen[0].body,
            "amount=4999&currency=eur&payment_method_types%5B%5D=card&capture_method=manual&metadata%5Bpayment_id%5D=pay-1"
            "&metadata%5Border_id%5D=order-1&expand%5B%5D=latest_charge");
  EXPECT_EQ(seen[1].target, "/v1/payment_intents/pi_3Rec/confirm");
  EXPECT_EQ(seen[1].body, "payment_method=pm_card_visa&return_url=http%3A%2F%2Fshop.test%2Fr%3Fa%3D1%26b%3D2&expand%5B%5D=latest_charge");
  EXPECT_EQ(seen[2].method, "GET");
  EXPECT_EQ(seen[2].target, "/v1/payment_intents/pi_3Rec?expand%5B%5D=latest_charge");
  EXPECT_TRUE(seen[2].idempotency_key.empty());
  EXPECT_EQ(seen[3].body, "amount_to_capture=2500&expand%5B%5D=latest_charge");
  EXPECT_EQ(seen[4].target, "/v1/payment_intents/pi_3Rec/cancel");
  EXPECT_EQ(seen[4].body, "expand%5B%5D=latest_charge");
  // Online banking: iDEAL, confirmed at creation with our return URL, captured at once.
  EXPECT_NE(seen[5].body.find("payment_method_types%5B%5D=ideal&payment_method_data%5Btype%5D=ideal&confirm=true&return_url="),
            std::string::npos)
      << seen[5].body;
  EXPECT_NE(seen[5].body.find("capture_method=automatic"), std::string::npos) << seen[5].body;
  EXPECT_EQ(seen[6].target, "/v1/refunds");
  EXPECT_EQ(seen[6].body, "payment_intent=pi_3Rec&amount=700");
  EXPECT_EQ(seen[6].idempotency_key, "refund-k");
  provider.reset();  // before the io_context
}

TEST(StripeWire, ErrorAnswersMapToDeclinesRefusalsAndUnknownOutcomes) {
  Recorder recorder;
  store::testing::TestServer server(recorder.Router());
  boost::asio::io_context ioc;
  auto provider = std::make_unique<StripeProvider>(OptionsFor(server.Url("")));
  auto confirm = [&] { return RunAwaitable(ioc, provider->Confirm("pi_3Rec", "pm_card_chargeDeclined", "http://shop.test/r", "k")); };

  // A declined card: 402 card_error carrying the intent → a view with the decline.
  recorder.Answer(402, boost::json::parse(R"({"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
    "message": "Your card has insufficient funds.",
    "payment_intent": {"id": "pi_3Rec", "object": "payment_intent", "status": "requires_payment_method", "amount": 4999,
      "last_payment_error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
                             "message": "Your card has insufficient funds."}}}})"));
  auto declined = confirm();
  ASSERT_TRUE(declined) << declined.error().message;
  EXPECT_EQ(declined->state, ProviderView::State::requires_payment_method);
  EXPECT_EQ(declined->error_code, "insufficient_funds");
  EXPECT_EQ(declined->error_message, "Your card has insufficient funds.");

  auto expect_error = [&](int status, Errc code) {
    recorder.Answer(status, boost::json::parse(R"({"error": {"type": "invalid_request_error", "message": "nope"}})"));
    auto r = confirm();
    ASSERT_FALSE(r) << status;
    EXPECT_EQ(r.error().code, code) << status << " " << r.error().message;
  };
  expect_error(400, Errc::unprocessable);
  expect_error(402, Errc::unprocessable);  // a card error without an intent
  expect_error(404, Errc::not_found);
  expect_error(401, Errc::unavailable);
  expect_error(409, Errc::unavailable);
  expect_error(429, Errc::unavailable);
  expect_error(500, Errc::unavailable);
  expect_error(503, Errc::unavailable);

  recorder.Answer(200, boost::json::parse(R"({"id": "re_2", "object": "refund", "amount": 700, "status": "failed",
    "failure_reason": "expired_or_canceled_card"})"));
  auto refund = RunAwaitable(ioc, provider->Refund("pi_3Rec", 700, "refund-k"));
  ASSERT_FALSE(refund);
  EXPECT_EQ(refund.error().code, Errc::unprocessable);
  EXPECT_NE(refund.error().message.find("expired_or_canceled_card"), std::string::npos);
  provider.reset();
}

TEST(StripeWire, NobodyListeningIsAnUnknownOutcome) {
  boost::asio::io_context ioc;
  auto provider = std::make_unique<StripeProvider>(OptionsFor("http://127.0.0.1:" + std::to_string(store::testing::FreePort())));
  auto view = RunAwaitable(ioc, provider->Capture("pi_1", 100, "capture-k"));
  ASSERT_FALSE(view);
  EXPECT_TRUE(store::core::IsTransient(view.error().code)) << view.error().message;
  provider.reset();
}

// ---- the mapping of Stripe's PaymentIntent -------------------------------------------------------

ProviderView ViewOf(std::string_view json) {
  auto view = store::payment::ViewOfIntent(boost::json::parse(json));
  EXPECT_TRUE(view) << (view ? "" : view.error().message);
  return view ? *view : ProviderView{};
}

TEST(StripeMapping, NextActionRedirectOrStripeSdk) {
  auto redirect = ViewOf(R"({"id": "pi_1", "status": "requires_action", "amount": 100,
    "next_action": {"type": "redirect_to_url", "redirect_to_url": {"url": "https://hooks.stripe.com/3d_secure/x", "return_url": "http://r"}}})");
  EXPECT_EQ(redirect.state, ProviderView::State::requires_action);
  EXPECT_EQ(redirect.redirect_url, "https://hooks.stripe.com/3d_secure/x");
  auto sdk = ViewOf(R"({"id": "pi_1", "status": "requires_action", "next_action": {"type": "use_stripe_sdk", "use_stripe_sdk": {}}})");
  EXPECT_EQ(sdk.state, ProviderView::State::requires_action);
  EXPECT_EQ(sdk.redirect_url, "");
  EXPECT_EQ(ViewOf(R"({"id": "pi_1", "status": "requires_confirmation"})").state, ProviderView::State::requires_payment_method);
}

TEST(StripeMapping, TheLastPaymentErrorIsTheDecline) {
  auto v = ViewOf(R"({"id": "pi_1", "status": "requires_payment_method",
    "last_payment_error": {"type": "card_error", "code": "card_declined", "decline_code": "stolen_card", "message": "Declined."}})");
  EXPECT_EQ(v.error_code, "stolen_card");
  EXPECT_EQ(v.error_message, "Declined.");
  auto no_decline_code = ViewOf(R"({"id": "pi_1", "status": "requires_payment_method",
    "last_payment_error": {"type": "card_error", "code": "expired_card", "message": "Expired."}})");
  EXPECT_EQ(no_decline_code.error_code, "expired_card");
}

TEST(StripeMapping, AmountsAndCardFromTheExpandedLatestCharge) {
  auto v = ViewOf(R"({"id": "pi_1", "status": "succeeded", "amount": 5000, "amount_capturable": 0, "amount_received": 5000,
    "latest_charge": {"id": "ch_1", "amount_refunded": 1200,
                      "payment_method_details": {"type": "card", "card": {"brand": "amex", "last4": "0005"}}}})");
  EXPECT_EQ(v.state, ProviderView::State::succeeded);
  EXPECT_EQ(v.amount_received, 5000);
  EXPECT_EQ(v.amount_refunded, 1200);
  EXPECT_EQ(v.card_brand, "amex");
  EXPECT_EQ(v.card_last4, "0005");
  // Not expanded (a webhook's object): an id only, nothing read from it.
  auto plain = ViewOf(R"({"id": "pi_1", "status": "succeeded", "amount": 5000, "amount_received": 5000, "latest_charge": "ch_1"})");
  EXPECT_EQ(plain.card_brand, "");
  EXPECT_EQ(plain.amount_refunded, 0);
  auto ideal = ViewOf(R"({"id": "pi_1", "status": "processing",
    "latest_charge": {"id": "ch_1", "payment_method_details": {"type": "ideal", "ideal": {"bank": "ing"}}}})");
  EXPECT_EQ(ideal.method_detail, "ing");
  auto paypal = ViewOf(R"({"id": "pi_1", "status": "succeeded",
    "latest_charge": {"id": "ch_1", "payment_method_details": {"type": "paypal", "paypal": {"payer_email": "a@b.test"}}}})");
  EXPECT_EQ(paypal.method_detail, "paypal");
}

TEST(StripeMapping, WhatIsNotAnIntentIsAnUnknownOutcome) {
  EXPECT_EQ(store::payment::ViewOfIntent(boost::json::parse(R"({"id": "pi_1", "status": "paused"})")).error().code, Errc::unavailable);
  EXPECT_EQ(store::payment::ViewOfIntent(boost::json::parse(R"({"status": "succeeded"})")).error().code, Errc::unavailable);
  EXPECT_EQ(store::payment::ValueOfAnswer(200, "<html>").error().code, Errc::unavailable);
}

// ---- webhooks: Stripe-Signature --------------------------------------------------------------

class StripeWebhook : public ::testing::Test {
 protected:
  std::string Sign(const std::string& body, std::int64_t t) { return store::payment::SignatureHeader(body, "whsec_contract_test", t); }
  std::int64_t now_s = static_cast<std::int64_t>(std::time(nullptr));
  store::payment::TimePoint now = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(now_s));
  StripeProvider provider{OptionsFor("http://127.0.0.1:1")};  // no call is made
};

TEST_F(StripeWebhook, AnIntentEventNamesTheEventAndTheIntent) {
  EXPECT_EQ(provider.signature_header(), "Stripe-Signature");
  std::string body = R"({"id": "evt_1Q", "object": "event", "api_version": "2026-08-26.dahlia", "type": "payment_intent.succeeded",
    "data": {"object": {"id": "pi_3Rec", "object": "payment_intent", "status": "succeeded", "latest_charge": "ch_1"}}})";
  auto notice = provider.VerifyWebhook(Sign(body, now_s), body, now);
  ASSERT_TRUE(notice) << notice.error().message;
  EXPECT_EQ(notice->event_id, "evt_1Q");
  EXPECT_EQ(notice->type, "payment_intent.succeeded");
  EXPECT_EQ(notice->intent_reference, "pi_3Rec");
}

TEST_F(StripeWebhook, AChargeOrRefundEventNamesItsPaymentIntent) {
  std::string charge = R"({"id": "evt_2", "object": "event", "type": "charge.refunded",
    "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": "pi_3Rec", "amount_refunded": 700}}})";
  auto a = provider.VerifyWebhook(Sign(charge, now_s), charge, now);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->intent_reference, "pi_3Rec");
  std::string refund = R"({"id": "evt_3", "object": "event", "type": "refund.failed",
    "data": {"object": {"id": "re_1", "object": "refund", "payment_intent": "pi_3Rec", "status": "failed"}}})";
  // Stripe may list several v1 signatures (a rolled secret): one matching is enough.
  auto signed_header = Sign(refund, now_s);
  auto b = provider.VerifyWebhook("t=" + std::to_string(now_s) + ",v1=00ff," + signed_header.substr(signed_header.find("v1=")), refund, now);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->event_id, "evt_3");
  EXPECT_EQ(b->intent_reference, "pi_3Rec");
}

TEST_F(StripeWebhook, ABadSignatureAStaleOneOrAnEventAboutNoIntentIsRefused) {
  std::string body = R"({"id": "evt_4", "type": "payment_intent.succeeded", "data": {"object": {"id": "pi_1", "object": "payment_intent"}}})";
  auto forged = provider.VerifyWebhook(store::payment::SignatureHeader(body, "whsec_someone_else", now_s), body, now);
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, Errc::invalid_argument);
  auto tampered = provider.VerifyWebhook(Sign(body, now_s), body + " ", now);
  ASSERT_FALSE(tampered);
  EXPECT_EQ(tampered.error().code, Errc::invalid_argument);
  auto stale = provider.VerifyWebhook(Sign(body, now_s - 301), body, now);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Errc::invalid_argument);
  EXPECT_EQ(provider.VerifyWebhook("", body, now).error().code, Errc::invalid_argument);
  std::string customer = R"({"id": "evt_5", "type": "customer.created", "data": {"object": {"id": "cus_1", "object": "customer"}}})";
  EXPECT_EQ(provider.VerifyWebhook(Sign(customer, now_s), customer, now).error().code, Errc::invalid_argument);
}

}  // namespace
