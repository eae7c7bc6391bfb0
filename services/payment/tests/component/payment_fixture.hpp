// The payment service as ./store up runs it, for the component tests: the real provider sandbox
// (node deploy/psp-sandbox/sandbox.mjs, a process of its own with its own state) sending its
// webhooks to store_payment, which runs on a MariaDB database of its own with a JWKS endpoint the
// tests sign tokens for. A shopper's browser is played with plain HTTP (forms and redirects).
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <ctime>
#include <map>
#include <memory>
#include <string>

#include "store/db/db.hpp"
#include "store/http/client.hpp"
#include "store/testing/async.hpp"
#include "store/testing/db.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/issuer.hpp"
#include "store/testing/process.hpp"
#include "store/testing/server.hpp"

namespace store::payment::testing {

struct Answer {
  int status = 0;
  boost::json::value body;
  std::string location = {};
  std::string content_type = {};
  std::string text = {};
  std::string replayed = {};
  const boost::json::object& Object() const { return body.as_object(); }
  std::string Str(std::string_view key) const {
    const auto* v = body.is_object() ? body.as_object().if_contains(key) : nullptr;
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }
};

// One HTTP client per thread: no retries, no redirects followed (tests follow them by hand).
class Client {
 public:
  Answer Call(const std::string& method, const std::string& url, const std::string& body = "",
              std::vector<std::pair<std::string, std::string>> headers = {}, const std::string& content_type = "application/json") {
    store::http::ClientRequest req;
    req.method = boost::beast::http::string_to_verb(method);
    req.url = url;
    req.body = body;
    if (!body.empty()) req.content_type = content_type;
    req.headers = std::move(headers);
    auto r = store::testing::RunAwaitable(ioc_, client_.Send(req));
    if (!r) return Answer{.status = 0, .body = boost::json::value(r.error().message)};
    Answer a{.status = r->status,
             .body = nullptr,
             .location = std::string(r->Header("Location")),
             .content_type = std::string(r->Header("Content-Type")),
             .text = r->body,
             .replayed = std::string(r->Header("Idempotent-Replayed"))};
    if (auto parsed = r->Json()) a.body = *parsed;
    return a;
  }

 private:
  static store::http::ClientOptions Quick() {
    store::http::ClientOptions o;
    o.max_retries = 0;
    o.read_timeout = std::chrono::seconds(20);
    return o;
  }
  boost::asio::io_context ioc_;
  store::http::Client client_{Quick()};  // destroyed before the io_context
};

inline std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += k + '=';
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
      else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
  }
  return out;
}

// The value of `name` in a URL's query string (not decoded: the sandbox's values need none).
inline std::string QueryValue(const std::string& url, const std::string& name) {
  auto at = url.find(name + "=");
  if (at == std::string::npos) return {};
  auto value = url.substr(at + name.size() + 1);
  return value.substr(0, value.find('&'));
}

// The provider sandbox: a node process on a free port with a state directory of its own.
class Sandbox {
 public:
  explicit Sandbox(std::map<std::string, std::string> extra = {})
      : state_("psp-sandbox"), port_(store::testing::FreePort()) {
    std::map<std::string, std::string> env{{"PSP_PORT", std::to_string(port_)},
                                           {"PSP_HOST", "127.0.0.1"},
                                           {"PSP_STATE_DIR", state_.path()},
                                           {"PSP_SETTLE_DELAY_MS", "300"},
                                           {"PSP_WEBHOOK_DELAY_MS", "50"}};
    for (auto& [k, v] : extra) env[k] = v;
    log_ = "/tmp/" + store::testing::UniqueName("psp-sandbox") + ".log";
    process_ = std::make_unique<store::testing::ChildProcess>(std::vector<std::string>{"node", STORE_PSP_SANDBOX_SCRIPT}, env, log_);
    EXPECT_TRUE(store::testing::WaitUntil([&] { return client_.Call("GET", url("/healthz")).status == 200; })) << process_->LogTail();
  }
  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  // The knobs of POST /_sandbox/config (webhook_url, duplicate, reverse, drop, drop_responses ...).
  void Configure(const boost::json::object& knobs) {
    auto a = client_.Call("POST", url("/_sandbox/config"), boost::json::serialize(knobs), Auth());
    EXPECT_EQ(a.status, 200) << a.text;
  }
  // The sandbox's own view of an intent (what a reconciliation would read).
  Answer Intent(const std::string& reference) { return client_.Call("GET", url("/v1/payment_intents/" + reference), "", Auth()); }
  Answer Events(const std::string& reference) {
    return client_.Call("GET", url("/_sandbox/events?payment_intent=" + reference), "", Auth());
  }
  std::string Log() const { return process_->LogTail(); }
  std::string WholeLog() const { return process_->Log(); }

 private:
  static std::vector<std::pair<std::string, std::string>> Auth() { return {{"Authorization", "Bearer sk_test_sandbox_dev_only"}}; }
  store::testing::TempDir state_;
  int port_;
  std::string log_;
  std::unique_ptr<store::testing::ChildProcess> process_;
  Client client_;
};

// store_payment on a database of its own, beside a sandbox whose webhooks it receives.
class PaymentService {
 public:
  explicit PaymentService(Sandbox& sandbox, std::map<std::string, std::string> extra_env = {})
      : port_(store::testing::FreePort()), db_("payment") {
    auto e = store::testing::Engines::FromEnv();
    const auto& o = db_.options();
    std::map<std::string, std::string> env{
        {"PAYMENT_HTTP_PORT", std::to_string(port_)}, {"PAYMENT_HTTP_HOST", "127.0.0.1"},
        {"PAYMENT_DB_HOST", o.host}, {"PAYMENT_DB_PORT", std::to_string(o.port)}, {"PAYMENT_DB_USER", o.user},
        {"PAYMENT_DB_PASSWORD", o.password}, {"PAYMENT_DB_DATABASE", o.database},
        {"PAYMENT_CACHE_HOST", e.host}, {"PAYMENT_CACHE_PORT", std::to_string(e.redis_port)},
        {"PAYMENT_AUTH_JWKS_URL", issuer_.JwksUrl()}, {"PAYMENT_KAFKA_BOOTSTRAP", e.kafka_bootstrap},
        {"PAYMENT_SANDBOX_URL", sandbox.url()}, {"PAYMENT_SHOP_BASE_URL", "http://shop.test"},
        {"PAYMENT_PAYMENTS_PUBLIC_URL", url()}, {"PAYMENT_RECONCILE_INTERVAL", "200ms"},
        {"PAYMENT_CONSUMER_ENABLED", "false"}, {"PAYMENT_CONSUMER_GROUP", store::testing::UniqueName("payment-test")},
        {"PAYMENT_LOG_LEVEL", "warn"}};
    for (auto& [k, v] : extra_env) env[k] = v;
    log_ = "/tmp/" + store::testing::UniqueName("store_payment") + ".log";
    process_ = std::make_unique<store::testing::ChildProcess>(std::vector<std::string>{STORE_PAYMENT_BIN}, env, log_);
    EXPECT_TRUE(store::testing::WaitUntil([&] { return client_.Call("GET", url("/readyz")).status == 200; })) << Log();
    sandbox.Configure({{"webhook_url", url("/v1/payments/webhooks/sandbox")}});
  }

  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::string Log() const { return process_ ? process_->LogTail() : ""; }
  std::string WholeLog() const { return process_ ? process_->Log() : ""; }
  const store::db::Options& db_options() const { return db_.options(); }

  std::string TokenFor(const std::string& subject, std::vector<std::string> roles = {"customer"}) const {
    return issuer_.Token(subject, std::move(roles));
  }
  std::string ServiceToken() const { return TokenFor("order-service", {"service"}); }
  std::string AdminToken() const { return TokenFor("admin-1", {"admin"}); }

  // A call with a bearer token and (for POSTs) an idempotency key.
  Answer Call(const std::string& method, const std::string& path, const std::string& body, const std::string& token,
              const std::string& idempotency_key = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    if (!idempotency_key.empty()) headers.emplace_back("Idempotency-Key", idempotency_key);
    return client_.Call(method, url(path), body, headers);
  }

 private:
  store::testing::TokenIssuer issuer_;
  int port_;
  store::testing::TempDatabase db_;
  std::string log_;
  std::unique_ptr<store::testing::ChildProcess> process_;
  Client client_;
};

}  // namespace store::payment::testing
