// ServiceTokenSource against a token endpoint served over HTTP (a TestServer that plays the user
// service's POST /v1/oauth/token; the real one is exercised by services/user's component tests).
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "store/auth/service_token.hpp"
#include "store/config/config.hpp"
#include "store/http/router.hpp"
#include "store/testing/async.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/process.hpp"
#include "store/testing/server.hpp"

namespace auth = store::auth;
namespace http = store::http;
using boost::asio::awaitable;
using store::core::Errc;
using store::testing::RunAwaitable;
using namespace std::chrono_literals;

namespace {

// A clock the test moves, read by the server's and the callers' threads.
class MovingClock final : public store::core::Clock {
 public:
  time_point Now() const override { return time_point(time_point::duration(ns_.load())); }
  void Advance(std::chrono::seconds d) { ns_ += std::chrono::duration_cast<time_point::duration>(d).count(); }

 private:
  std::atomic<time_point::rep> ns_{std::chrono::system_clock::now().time_since_epoch().count()};
};

// The token endpoint: checks the request as RFC 6749 §4.4 / §2.3.1 has it and answers tok-<n>.
struct TokenEndpoint {
  std::string expected_authorization;
  std::atomic<int> calls{0};
  std::atomic<int> status{200};
  std::atomic<int> expires_in{300};
  std::atomic<int> delay_ms{0};
  std::atomic<int> malformed{0};  // requests that were not what the grant needs
  std::unique_ptr<store::testing::TestServer> server;

  TokenEndpoint() {
    http::Router router;
    router.Post(
        "/v1/oauth/token",
        [this](http::Request& req) -> awaitable<http::Response> {
          int n = ++calls;
          if (req.body() != "grant_type=client_credentials" || req.Header("Content-Type") != "application/x-www-form-urlencoded" ||
              req.Header("Authorization") != expected_authorization)
            ++malformed;
          if (delay_ms > 0) {
            boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(delay_ms.load()));
            co_await t.async_wait(boost::asio::use_awaitable);
          }
          if (status != 200)
            co_return http::Response::Json(status, boost::json::object{{"error", "invalid_client"}});
          co_return http::Response::Json(200, boost::json::object{{"access_token", "tok-" + std::to_string(n)},
                                                                  {"token_type", "Bearer"},
                                                                  {"expires_in", expires_in.load()}});
        },
        {.body = http::BodyKind::bytes});
    server = std::make_unique<store::testing::TestServer>(std::move(router));
  }
};

class ServiceTokenTest : public ::testing::Test {
 protected:
  ServiceTokenTest() {
    std::filesystem::create_directories(dir);
    std::ofstream(secret_file) << "p+s w:rd/~\n";
    // "order:" + the form-encoded secret ("p%2Bs%20w%3Ard%2F~"), standard base64.
    endpoint.expected_authorization = "Basic b3JkZXI6cCUyQnMlMjB3JTNBcmQlMkZ+";
  }
  ~ServiceTokenTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  auth::ServiceClientOptions Options() const {
    return {.token_url = endpoint.server->Url("/v1/oauth/token"), .client_id = "order", .client_secret_file = secret_file};
  }
  store::core::Result<std::string> Get(auth::ServiceTokenSource& source) { return RunAwaitable(ioc, source.Token()); }

  std::filesystem::path dir = std::filesystem::temp_directory_path() / store::testing::UniqueName("service_token");
  std::string secret_file = (dir / "order.secret").string();
  MovingClock clock;
  TokenEndpoint endpoint;
  boost::asio::io_context ioc;  // before the sources (their HTTP client's connections belong to it)
};

TEST_F(ServiceTokenTest, FetchesOnceAndReusesTheTokenUntilAMinuteBeforeItExpires) {
  auth::ServiceTokenSource source(Options(), clock);
  auto first = Get(source);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(*first, "tok-1");
  EXPECT_EQ(endpoint.malformed, 0) << "the request is not a client-credentials grant with HTTP Basic";
  EXPECT_EQ(Get(source).value_or(""), "tok-1");
  clock.Advance(239s);
  EXPECT_EQ(Get(source).value_or(""), "tok-1");
  EXPECT_EQ(endpoint.calls, 1);
  clock.Advance(2s);  // 241 s of 300: within refresh_before (60 s) of the expiry
  EXPECT_EQ(Get(source).value_or(""), "tok-2");
  EXPECT_EQ(source.fetches(), 2u);
}

TEST_F(ServiceTokenTest, AShortLivedTokenIsReplacedHalfWayThroughItsLife) {
  endpoint.expires_in = 40;
  auth::ServiceTokenSource source(Options(), clock);
  EXPECT_EQ(Get(source).value_or(""), "tok-1");
  clock.Advance(19s);
  EXPECT_EQ(Get(source).value_or(""), "tok-1");
  clock.Advance(2s);
  EXPECT_EQ(Get(source).value_or(""), "tok-2");
}

TEST_F(ServiceTokenTest, InvalidateMakesTheNextCallFetchANewToken) {
  auth::ServiceTokenSource source(Options(), clock);
  EXPECT_EQ(Get(source).value_or(""), "tok-1");
  source.Invalidate();
  EXPECT_EQ(Get(source).value_or(""), "tok-2");
  EXPECT_EQ(Get(source).value_or(""), "tok-2");
}

TEST_F(ServiceTokenTest, ConcurrentCallersShareOneFetch) {
  endpoint.delay_ms = 200;
  auth::ServiceTokenSource source(Options(), clock);
  std::vector<std::future<store::core::Result<std::string>>> calls;
  for (int i = 0; i < 20; ++i) calls.push_back(boost::asio::co_spawn(ioc, source.Token(), boost::asio::use_future));
  std::thread second([&] { ioc.run(); });
  ioc.run();
  second.join();
  for (auto& c : calls) {
    auto token = c.get();
    ASSERT_TRUE(token) << token.error().message;
    EXPECT_EQ(*token, "tok-1");
  }
  EXPECT_EQ(endpoint.calls, 1);
}

TEST_F(ServiceTokenTest, RefusedCredentialsAreAServerErrorNeverTheCallersUnauthenticated) {
  endpoint.status = 401;
  auth::ServiceTokenSource source(Options(), clock);
  auto refused = Get(source);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::internal);
  EXPECT_NE(refused.error().message.find("invalid_client"), std::string::npos) << refused.error().message;
  endpoint.status = 503;
  auto down = Get(source);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, Errc::unavailable);
  endpoint.status = 200;  // the next call tries again: no error is cached
  EXPECT_EQ(Get(source).value_or(""), "tok-3");
}

TEST_F(ServiceTokenTest, WaitersShareTheErrorOfTheFetchTheyWaitedFor) {
  endpoint.delay_ms = 200;
  endpoint.status = 401;
  auth::ServiceTokenSource source(Options(), clock);
  std::vector<std::future<store::core::Result<std::string>>> calls;
  for (int i = 0; i < 10; ++i) calls.push_back(boost::asio::co_spawn(ioc, source.Token(), boost::asio::use_future));
  ioc.run();
  for (auto& c : calls) EXPECT_FALSE(c.get());
  EXPECT_EQ(endpoint.calls, 1);
}

TEST_F(ServiceTokenTest, AMissingSecretFileOrAnUnreachableEndpointIsUnavailable) {
  auto options = Options();
  options.client_secret_file = (dir / "missing.secret").string();
  auth::ServiceTokenSource no_file(options, clock);
  auto missing = Get(no_file);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::unavailable);
  EXPECT_EQ(endpoint.calls, 0);

  options = Options();
  options.token_url = "http://127.0.0.1:" + std::to_string(store::testing::FreePort()) + "/v1/oauth/token";
  auth::ServiceTokenSource nowhere(options, clock);
  auto down = Get(nowhere);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, Errc::unavailable) << down.error().message;

  // The secret file is read at each fetch: one written after the start is used.
  auth::ServiceTokenSource later(Options(), clock);
  std::filesystem::remove(secret_file);
  EXPECT_FALSE(Get(later));
  std::ofstream(secret_file) << "p+s w:rd/~\n";
  EXPECT_EQ(Get(later).value_or(""), "tok-1");
}

TEST(ServiceClientOptions, DeclaresItsKeysWithTheWellKnownSecretFile) {
  store::config::Loader cfg("SVCTOKENTEST");
  auto o = auth::ServiceClientOptions::Declare(cfg, "order");
  cfg.Finish();
  EXPECT_EQ(o.token_url, "http://127.0.0.1:18100/v1/oauth/token");
  EXPECT_EQ(o.client_id, "order");
  EXPECT_EQ(o.client_secret_file, auth::ServiceClientOptions::DefaultSecretFile("order"));
  EXPECT_TRUE(o.client_secret_file.ends_with("/service-clients/order.secret")) << o.client_secret_file;
  std::vector<std::string> keys;
  for (const auto& k : cfg.keys()) keys.push_back(k.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"service_client.token_url", "service_client.id", "service_client.secret_file"}));
}

}  // namespace
