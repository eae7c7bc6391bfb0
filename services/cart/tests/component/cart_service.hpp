// store_cart as ./store up runs it, for the component tests: the binary on a FerretDB database
// of its own, beside the real catalog (catalog_process.hpp), with a JWKS endpoint the tests sign
// customer tokens for; and a small HTTP client that sends cookies and bearer tokens.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <ctime>
#include <map>
#include <memory>
#include <string>

#include "catalog_process.hpp"
#include "store/auth/jws.hpp"
#include "store/auth/tokens.hpp"
#include "store/http/router.hpp"
#include "store/messaging/admin.hpp"
#include "store/testing/kafka.hpp"
#include "store/testing/docstore.hpp"
#include "store/testing/issuer.hpp"
#include "store/testing/server.hpp"

namespace store::cart::testing {

struct Answer {
  int status = 0;
  boost::json::value body;
  std::string set_cookie;  // the Set-Cookie header, if any
  std::string content_type;
  // The cart_token value Set-Cookie carries ("" for none or a cleared cookie).
  std::string Token() const {
    auto at = set_cookie.find("cart_token=");
    if (at == std::string::npos) return {};
    auto value = set_cookie.substr(at + 11);
    return value.substr(0, value.find(';'));
  }
  const boost::json::object& Cart() const { return body.as_object(); }
  std::int64_t Quantity(std::string_view sku) const {
    for (const auto& l : body.at("lines").as_array())
      if (l.at("sku").as_string() == sku) return l.at("quantity").as_int64();
    return 0;
  }
};

// The body of an add to cart.
inline std::string Add(const std::string& sku, int quantity) {
  return R"({"sku":")" + sku + R"(","quantity":)" + std::to_string(quantity) + "}";
}

// Who sends a request: nobody, a guest with a cart token, a customer with a bearer token (or both).
struct As {
  std::string cart_token;
  std::string bearer;
};

// Requests to one service from one thread (each thread its own client).
class CartClient {
 public:
  explicit CartClient(std::string base_url) : base_(std::move(base_url)) {}

  Answer Call(const std::string& method, const std::string& path, const std::string& body = "", const As& as = {},
              const std::string& content_type = "application/json") {
    store::http::ClientRequest req;
    req.method = boost::beast::http::string_to_verb(method);
    req.url = base_ + path;
    req.body = body;
    if (!body.empty()) req.content_type = content_type;
    if (!as.cart_token.empty()) req.headers.emplace_back("Cookie", "theme=dark; cart_token=" + as.cart_token);
    if (!as.bearer.empty()) req.headers.emplace_back("Authorization", "Bearer " + as.bearer);
    auto r = store::testing::RunAwaitable(ioc_, client_.Send(req));
    if (!r) return Answer{0, boost::json::value(r.error().message), "", ""};
    Answer a{r->status, nullptr, std::string(r->Header("Set-Cookie")), std::string(r->Header("Content-Type"))};
    if (auto parsed = r->Json()) a.body = *parsed;
    return a;
  }

 private:
  static store::http::ClientOptions Quick() {
    store::http::ClientOptions o;
    o.max_retries = 0;
    return o;
  }
  std::string base_;
  boost::asio::io_context ioc_;
  store::http::Client client_{Quick()};  // destroyed before the io_context
};

// The cart's event topics (contracts/events/cart.*), as the service names them.
inline const std::vector<std::string> kCartTopics = {"cart.item_added.v1", "cart.item_quantity_changed.v1",
                                                     "cart.item_removed.v1", "cart.merged.v1", "cart.checked_out.v1"};

// The cart topics under a prefix of this service's own (events.topic_prefix), created before it
// starts and deleted when it goes: tests never write the shop's topics.
class CartTopics {
 public:
  CartTopics() : prefix_(Lower(store::testing::UniqueName("carttest")) + ".") {
    for (const auto& t : kCartTopics) {
      auto created = store::messaging::CreateTopic(store::testing::KafkaTestConfig(), prefix_ + t, 3);
      EXPECT_TRUE(created.has_value()) << prefix_ + t << ": " << created.error().message;
    }
  }
  ~CartTopics() {
    for (const auto& t : kCartTopics) (void)store::messaging::DeleteTopic(store::testing::KafkaTestConfig(), prefix_ + t);
  }
  CartTopics(const CartTopics&) = delete;
  CartTopics& operator=(const CartTopics&) = delete;
  const std::string& prefix() const { return prefix_; }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  std::string prefix_;
};

class CartService {
 public:
  explicit CartService(const CatalogProcess& catalog, std::map<std::string, std::string> extra_env = {})
      : port_(store::testing::FreePort()) {
    auto e = store::testing::Engines::FromEnv();
    std::map<std::string, std::string> env{
        {"CART_HTTP_PORT", std::to_string(port_)}, {"CART_HTTP_HOST", "127.0.0.1"},
        {"CART_DOCSTORE_URI", db_.options().uri}, {"CART_DOCSTORE_DATABASE", db_.name()},
        {"CART_CACHE_HOST", e.host}, {"CART_CACHE_PORT", std::to_string(e.redis_port)},
        {"CART_CATALOG_URL", catalog.url()}, {"CART_AUTH_JWKS_URL", issuer_.JwksUrl()},
        {"CART_KAFKA_BOOTSTRAP", e.kafka_bootstrap}, {"CART_EVENTS_TOPIC_PREFIX", topics_.prefix()},
        {"CART_COOKIE_SECURE", "false"}, {"CART_LOG_LEVEL", "warn"},
        // The order.confirmed consumer only where a test turns it on (on a topic of its own).
        {"CART_CONSUMER_ENABLED", "false"}, {"CART_CONSUMER_GROUP", store::testing::UniqueName("cart-test")},
        // Reviews with the catalog's offers of the moment: tests change prices and stock and look
        // at once (ReviewsUseOffersAtMostTheTtlOld turns the review offer cache on).
        {"CART_CATALOG_REVIEW_OFFER_TTL", "0s"}};
    for (auto& [k, v] : extra_env) env[k] = v;
    env_ = std::move(env);
    log_ = "/tmp/" + store::testing::UniqueName("store_cart") + ".log";
    Start();
  }

  // Starts the process (again: on the same database and port).
  void Start() {
    client_.reset();
    process_ = std::make_unique<store::testing::ChildProcess>(std::vector<std::string>{STORE_CART_BIN}, env_, log_);
    client_ = std::make_unique<CartClient>(url());
    EXPECT_TRUE(store::testing::WaitUntil([&] { return Call("GET", "/readyz").status == 200; })) << Log();
  }
  // SIGKILL: no drain, no flush, nothing finished.
  void Kill() {
    ::kill(process_->pid(), SIGKILL);
    process_->Wait(std::chrono::seconds(10));
  }

  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  const store::docstore::Options& docstore() const { return db_.options(); }
  // Where this service's events go: topics_prefix() + "cart.item_added.v1", ...
  const std::string& topic_prefix() const { return topics_.prefix(); }
  std::string Log() const { return process_ ? process_->LogTail() : ""; }
  store::testing::ChildProcess& process() { return *process_; }

  // An access token of a customer (sub = user_id).
  std::string TokenFor(const std::string& user_id, std::vector<std::string> roles = {"customer"}) const {
    return issuer_.Token(user_id, std::move(roles));
  }

  Answer Call(const std::string& method, const std::string& path, const std::string& body = "", const As& as = {},
              const std::string& content_type = "application/json") {
    return client_->Call(method, path, body, as, content_type);
  }

 private:
  store::testing::TokenIssuer issuer_;
  store::testing::TempDocDatabase db_;
  CartTopics topics_;
  int port_;
  std::map<std::string, std::string> env_;
  std::string log_;
  std::unique_ptr<store::testing::ChildProcess> process_;
  std::unique_ptr<CartClient> client_;
};

}  // namespace store::cart::testing
