#include "store/http/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "store/testing/server.hpp"

namespace store::http {
namespace {

using boost::asio::awaitable;
using testing::RunAwaitable;
using namespace std::chrono_literals;

struct Counters {
  std::atomic<int> flaky{0};
};

Router ClientTestRouter(Counters& counters) {
  Router r;
  r.Get("/v1/context", [](Request& req) -> awaitable<Response> {
    co_return Response::Json(200, {{"request_id", req.request_id()}, {"trace_id", req.trace().trace_id},
                                   {"parent_span_id", req.trace().parent_span_id}});
  });
  r.Get("/v1/slow", [](Request&) -> awaitable<Response> {
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, 1500ms);
    co_await t.async_wait(boost::asio::use_awaitable);
    co_return Response::Text(200, "late");
  });
  auto flaky = [&counters](Request&) -> awaitable<Response> {
    ++counters.flaky;
    co_return core::Error::Unavailable("try later");
  };
  r.Get("/v1/flaky", flaky);
  r.Post("/v1/flaky", flaky);
  r.Post("/v1/echo", [](Request& req) -> awaitable<Response> {
    CO_TRY(body, req.Json());
    co_return Response::Json(201, body);
  });
  return r;
}

ClientOptions FastRetries() {
  ClientOptions o;
  o.backoff_base = 1ms;
  o.backoff_max = 5ms;
  o.max_retries = 2;
  return o;
}

TEST(HttpClient, PropagatesTraceparentAndRequestIdFromTheLogContext) {
  Counters counters;
  testing::TestServer server(ClientTestRouter(counters));
  boost::asio::io_context ioc;
  Client client;
  log::Context ctx{"req-42", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"};
  auto res = RunAwaitable(ioc, client.Get(server.Url("/v1/context"), &ctx));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->Header("X-Request-Id"), "req-42");
  auto body = res->Json();
  ASSERT_TRUE(body);
  EXPECT_EQ(body->at("request_id"), "req-42");
  EXPECT_EQ(body->at("trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(body->at("parent_span_id"), "00f067aa0ba902b7");
}

TEST(HttpClient, PostsJsonAndReadsTheAnswer) {
  Counters counters;
  testing::TestServer server(ClientTestRouter(counters));
  boost::asio::io_context ioc;
  Client client;
  auto res = RunAwaitable(ioc, client.PostJson(server.Url("/v1/echo"), {{"sku", "A-1"}}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  EXPECT_EQ(res->Json()->at("sku"), "A-1");
}

TEST(HttpClient, TimesOutWhenTheServerAnswersTooSlowly) {
  Counters counters;
  testing::TestServer server(ClientTestRouter(counters));
  ClientOptions options;
  options.read_timeout = 200ms;
  options.max_retries = 0;
  boost::asio::io_context ioc;
  Client client(options);
  auto start = std::chrono::steady_clock::now();
  auto res = RunAwaitable(ioc, client.Get(server.Url("/v1/slow")));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, core::Errc::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1000ms);
}

TEST(HttpClient, TimesOutWhenTheConnectionIsNotAccepted) {
  // A listener whose accept queue is full: the kernel drops further SYNs, so connect hangs.
  boost::asio::io_context filler_ioc;  // its hanging connects must not hold up the client's run
  boost::asio::ip::tcp::acceptor full(filler_ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  full.listen(0);
  auto port = full.local_endpoint().port();
  std::vector<std::unique_ptr<boost::asio::ip::tcp::socket>> fillers;
  for (int i = 0; i < 4; ++i) {
    auto s = std::make_unique<boost::asio::ip::tcp::socket>(filler_ioc);
    s->async_connect(full.local_endpoint(), [](boost::system::error_code) {});
    fillers.push_back(std::move(s));
  }
  filler_ioc.run_for(100ms);
  boost::asio::io_context ioc;
  ClientOptions options;
  options.connect_timeout = 200ms;
  options.max_retries = 0;
  Client client(options);
  auto start = std::chrono::steady_clock::now();
  auto res = RunAwaitable(ioc, client.Get("http://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, core::Errc::timeout) << res.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1000ms);
}

TEST(HttpClient, ReportsUnavailableWhenNothingListens) {
  std::uint16_t port;
  {
    Counters counters;
    testing::TestServer server(ClientTestRouter(counters));
    port = server.port();
  }
  boost::asio::io_context ioc;
  Client client(FastRetries());
  auto res = RunAwaitable(ioc, client.Get("http://127.0.0.1:" + std::to_string(port) + "/v1/context"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, core::Errc::unavailable);
}

TEST(HttpClient, RejectsAUrlThatIsNotPlainHttp) {
  boost::asio::io_context ioc;
  Client client;
  auto res = RunAwaitable(ioc, client.Get("ftp://example/x"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, core::Errc::invalid_argument);
}

TEST(HttpClient, RetriesAGetOnServiceUnavailable) {
  Counters counters;
  testing::TestServer server(ClientTestRouter(counters));
  boost::asio::io_context ioc;
  Client client(FastRetries());
  auto res = RunAwaitable(ioc, client.Get(server.Url("/v1/flaky")));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(counters.flaky.load(), 3);
}

TEST(HttpClient, NeverRetriesAPost) {
  Counters counters;
  testing::TestServer server(ClientTestRouter(counters));
  boost::asio::io_context ioc;
  Client client(FastRetries());
  auto res = RunAwaitable(ioc, client.PostJson(server.Url("/v1/flaky"), {{"a", 1}}));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(counters.flaky.load(), 1);
}

TEST(HttpClient, ReusesOneConnectionForSequentialRequests) {
  Counters counters;
  testing::TestServer server(ClientTestRouter(counters));
  boost::asio::io_context ioc;
  Client client;
  auto run = [&]() -> awaitable<int> {
    int ok = 0;
    for (int i = 0; i < 5; ++i) {
      auto res = co_await client.Get(server.Url("/v1/context"));
      if (res && res->status == 200) ++ok;
    }
    co_return ok;
  };
  EXPECT_EQ(RunAwaitable(ioc, run()), 5);
  EXPECT_EQ(server.server().connections_accepted(), 1u);
}

}  // namespace
}  // namespace store::http
