#include "store/http/server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>
#include <unistd.h>

#include "store/http/ops.hpp"
#include "store/testing/server.hpp"
#include "test_support.hpp"

namespace store::http {
namespace {

using boost::asio::awaitable;
using test::JsonOf;
using test::RawExchange;

Router DemoRouter() {
  Router r;
  r.Get("/v1/products/{id}", [](Request& req) -> awaitable<Response> {
    co_return Response::Json(200, {{"id", *req.PathParam("id")}, {"q", req.Query("q").value_or("")}});
  });
  r.Post("/v1/echo", [](Request& req) -> awaitable<Response> {
    CO_TRY(body, req.Json());
    co_return Response::Json(200, {{"echo", body}});
  });
  r.Get("/v1/context", [](Request& req) -> awaitable<Response> {
    co_return Response::Json(200, {{"request_id", req.request_id()},
                                   {"trace_id", req.trace().trace_id},
                                   {"span_id", req.trace().span_id},
                                   {"parent_span_id", req.trace().parent_span_id}});
  });
  r.Get("/v1/boom", [](Request&) -> awaitable<Response> {
    throw std::runtime_error("secret database password in message");
    co_return Response::Empty(204);
  });
  r.Get("/v1/internal", [](Request&) -> awaitable<Response> {
    co_return core::Error::Internal("table orders is corrupt at 10.1.2.3");
  });
  r.Post("/v1/upload", [](Request& req) -> awaitable<Response> {
    co_return Response::Json(201, {{"bytes", req.body().size()}});
  }, {.body = BodyKind::bytes, .body_limit = 8192});
  r.Get("/v1/slow", [](Request&) -> awaitable<Response> {
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(500));
    co_await t.async_wait(boost::asio::use_awaitable);
    co_return Response::Text(200, "done");
  });
  return r;
}

std::string Get(const std::string& target, const std::string& extra_headers = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + extra_headers + "\r\n";
}

TEST(HttpServer, RoutesToTheHandlerWithPathAndQueryParameters) {
  testing::TestServer server(DemoRouter());
  auto res = RawExchange(server.port(), Get("/v1/products/42?q=red%20shoes"));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/json");
  auto body = JsonOf(res.body());
  EXPECT_EQ(body.at("id"), "42");
  EXPECT_EQ(body.at("q"), "red shoes");
}

TEST(HttpServer, AnswersNotFoundProblemForAnUnknownPath) {
  testing::TestServer server(DemoRouter());
  auto res = RawExchange(server.port(), Get("/v1/nothing"));
  EXPECT_EQ(res.result_int(), 404);
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/problem+json");
  EXPECT_EQ(JsonOf(res.body()).at("status"), 404);
}

TEST(HttpServer, AnswersMethodNotAllowedWithAnAllowHeader) {
  testing::TestServer server(DemoRouter());
  auto res = RawExchange(server.port(), "DELETE /v1/echo HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(res.result_int(), 405);
  EXPECT_EQ(res[boost::beast::http::field::allow], "POST");
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/problem+json");
}

TEST(HttpServer, AnswersPayloadTooLargeOverTheBodyLimit) {
  auto options = testing::TestServerOptions();
  options.body_limit = 1024;
  testing::TestServer server(DemoRouter(), options);
  std::string body = "\"" + std::string(4096, 'x') + "\"";
  auto res = RawExchange(server.port(), "POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/problem+json");
  auto problem = JsonOf(res.body());
  EXPECT_EQ(problem.at("status"), 413);
  EXPECT_EQ(problem.at("title"), "Content Too Large");
}

TEST(HttpServer, AnswersPayloadTooLargeForAChunkedBodyOverTheLimit) {
  auto options = testing::TestServerOptions();
  options.body_limit = 1024;
  testing::TestServer server(DemoRouter(), options);
  std::string chunk(2000, 'x');
  auto res = RawExchange(server.port(), "POST /v1/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" +
                                            fmt::format("{:x}\r\n", chunk.size()) + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(res.result_int(), 413);
}

TEST(HttpServer, AnswersBadRequestProblemForMalformedJson) {
  testing::TestServer server(DemoRouter());
  std::string body = "{\"name\": ";
  auto res = RawExchange(server.port(), "POST /v1/echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/problem+json");
  auto problem = JsonOf(res.body());
  EXPECT_EQ(problem.at("status"), 400);
  EXPECT_EQ(problem.at("type"), "about:blank");
  EXPECT_EQ(problem.at("title"), "Bad Request");
  EXPECT_TRUE(problem.as_object().contains("detail"));
}

TEST(HttpServer, AnswersExpectContinueBeforeReadingTheBody) {
  testing::TestServer server(DemoRouter());
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  std::string body = R"({"a":1})";
  boost::asio::write(socket, boost::asio::buffer("POST /v1/echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n"
                                                 "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n"));
  boost::beast::flat_buffer buffer;
  test::RawResponse interim;
  boost::beast::http::read(socket, buffer, interim);
  EXPECT_EQ(interim.result_int(), 100);
  boost::asio::write(socket, boost::asio::buffer(body));
  test::RawResponse res;
  boost::beast::http::read(socket, buffer, res);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(JsonOf(res.body()).at("echo").at("a"), 1);
}

TEST(HttpServer, AnswersHeaderTooLargeOverTheHeaderLimit) {
  auto options = testing::TestServerOptions();
  options.header_limit = 1024;
  testing::TestServer server(DemoRouter(), options);
  auto res = RawExchange(server.port(), Get("/v1/products/1", "X-Big: " + std::string(4096, 'a') + "\r\n"));
  EXPECT_EQ(res.result_int(), 431);
  EXPECT_EQ(res[boost::beast::http::field::content_type], "application/problem+json");
}

TEST(HttpServer, CutsOffAClientThatStallsInTheMiddleOfTheRequestHead) {
  auto options = testing::TestServerOptions();
  options.read_timeout = std::chrono::milliseconds(300);
  testing::TestServer server(DemoRouter(), options);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  boost::asio::write(socket, boost::asio::buffer(std::string("GET /v1/products/1 HTTP/1.1\r\nHost: te")));
  auto start = std::chrono::steady_clock::now();
  char byte;
  boost::system::error_code ec;
  std::size_t n = boost::asio::read(socket, boost::asio::buffer(&byte, 1), ec);
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(n, 0u);
  EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) << ec.message();
  EXPECT_GE(waited, std::chrono::milliseconds(200));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST(HttpServer, ClosesAnIdleKeepAliveConnectionAfterTheIdleTimeout) {
  auto options = testing::TestServerOptions();
  options.idle_timeout = std::chrono::milliseconds(300);
  testing::TestServer server(DemoRouter(), options);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  boost::asio::write(socket, boost::asio::buffer(Get("/v1/products/1")));
  boost::beast::flat_buffer buffer;
  test::RawResponse res;
  boost::beast::http::read(socket, buffer, res);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_TRUE(res.keep_alive());
  auto start = std::chrono::steady_clock::now();
  char byte;
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, boost::asio::error::eof);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(HttpServer, ServesSeveralRequestsOnOneKeepAliveConnection) {
  testing::TestServer server(DemoRouter());
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  boost::beast::flat_buffer buffer;
  // Two requests pipelined in one write, then one more.
  boost::asio::write(socket, boost::asio::buffer(Get("/v1/products/1") + Get("/v1/products/2")));
  for (std::string id : {"1", "2"}) {
    test::RawResponse res;
    boost::beast::http::read(socket, buffer, res);
    EXPECT_EQ(std::string_view(JsonOf(res.body()).at("id").as_string()), id);
  }
  boost::asio::write(socket, boost::asio::buffer(Get("/v1/products/3")));
  test::RawResponse res;
  boost::beast::http::read(socket, buffer, res);
  EXPECT_EQ(JsonOf(res.body()).at("id"), "3");
  EXPECT_EQ(server.server().connections_accepted(), 1u);
}

TEST(HttpServer, ClosesTheConnectionAfterTheMaximumRequestCount) {
  auto options = testing::TestServerOptions();
  options.max_requests_per_connection = 2;
  testing::TestServer server(DemoRouter(), options);
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  boost::beast::flat_buffer buffer;
  boost::asio::write(socket, boost::asio::buffer(Get("/v1/products/1") + Get("/v1/products/2")));
  test::RawResponse first, second;
  boost::beast::http::read(socket, buffer, first);
  boost::beast::http::read(socket, buffer, second);
  EXPECT_TRUE(first.keep_alive());
  EXPECT_FALSE(second.keep_alive());
}

TEST(HttpServer, EchoesASaneIncomingRequestIdAndMakesOneOtherwise) {
  testing::TestServer server(DemoRouter());
  auto given = RawExchange(server.port(), Get("/v1/context", "X-Request-Id: abc-123\r\n"));
  EXPECT_EQ(given["X-Request-Id"], "abc-123");
  EXPECT_EQ(JsonOf(given.body()).at("request_id"), "abc-123");

  auto made = RawExchange(server.port(), Get("/v1/context", "X-Request-Id: bad id with spaces\r\n"));
  EXPECT_NE(made["X-Request-Id"], "bad id with spaces");
  EXPECT_FALSE(made["X-Request-Id"].empty());
  EXPECT_EQ(std::string_view(JsonOf(made.body()).at("request_id").as_string()), made["X-Request-Id"]);
}

TEST(HttpServer, ContinuesAValidIncomingTraceWithANewSpan) {
  testing::TestServer server(DemoRouter());
  auto res = RawExchange(server.port(), Get("/v1/context", "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"));
  auto body = JsonOf(res.body());
  EXPECT_EQ(body.at("trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(body.at("parent_span_id"), "00f067aa0ba902b7");
  EXPECT_NE(body.at("span_id"), "00f067aa0ba902b7");

  auto fresh = JsonOf(RawExchange(server.port(), Get("/v1/context", "traceparent: nonsense\r\n")).body());
  EXPECT_EQ(fresh.at("trace_id").as_string().size(), 32u);
  EXPECT_EQ(fresh.at("parent_span_id"), "");
}

TEST(HttpServer, LetsAMiddlewareShortCircuitWithAResponse) {
  auto require_token = [](Request& req, const Handler& next) -> awaitable<Response> {
    if (req.Header("Authorization") != "Bearer good") {
      co_return core::Error{core::Errc::unauthenticated, "A valid bearer token is required."};
    }
    co_return co_await next(req);
  };
  testing::TestServer server(DemoRouter(), testing::TestServerOptions(), nullptr,
                             [&](Server& s) { s.Use(require_token); });
  EXPECT_EQ(RawExchange(server.port(), Get("/v1/products/1")).result_int(), 401);
  EXPECT_EQ(RawExchange(server.port(), Get("/v1/products/1", "Authorization: Bearer good\r\n")).result_int(), 200);
}

TEST(HttpServer, NeverLeaksInternalsInServerErrors) {
  testing::TestServer server(DemoRouter());
  auto thrown = RawExchange(server.port(), Get("/v1/boom"));
  EXPECT_EQ(thrown.result_int(), 500);
  EXPECT_EQ(thrown.body().find("secret"), std::string::npos);
  auto returned = RawExchange(server.port(), Get("/v1/internal"));
  EXPECT_EQ(returned.result_int(), 500);
  EXPECT_EQ(returned[boost::beast::http::field::content_type], "application/problem+json");
  EXPECT_EQ(returned.body().find("10.1.2.3"), std::string::npos);
}

std::string Post(const std::string& target, const std::string& content_type, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: t\r\n" + (content_type.empty() ? "" : "Content-Type: " + content_type + "\r\n") +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// One request policy for every service (the outside tester found catalog taking a JSON body sent
// as text/plain with 201 where the user service answered 415).
TEST(HttpServer, RefusesABodyDeclaredAsAnotherMediaTypeOnAJsonRoute) {
  testing::TestServer server(DemoRouter());
  for (const char* type : {"text/plain", "application/x-www-form-urlencoded", "application/jsonp", "text/json"}) {
    auto res = RawExchange(server.port(), Post("/v1/echo", type, R"({"a":1})"));
    EXPECT_EQ(res.result_int(), 415) << type;
    EXPECT_EQ(res[boost::beast::http::field::content_type], "application/problem+json");
    EXPECT_EQ(JsonOf(res.body()).at("code"), "unsupported_media_type");
  }
  for (const char* type : {"application/json", "application/json; charset=utf-8", "Application/JSON",
                           "application/merge-patch+json", "application/problem+json", ""}) {
    EXPECT_EQ(RawExchange(server.port(), Post("/v1/echo", type, R"({"a":1})")).result_int(), 200) << type;
  }
  // A route that takes bytes (an image upload) takes any media type.
  EXPECT_EQ(RawExchange(server.port(), Post("/v1/upload", "image/png", "\x89PNG")).result_int(), 201);
  EXPECT_TRUE(IsJsonMediaType(" application/vnd.store+json ;v=1"));
  EXPECT_FALSE(IsJsonMediaType("application/"));
}

TEST(HttpServer, AppliesARoutesOwnBodyLimitAndTheServersLimitElsewhere) {
  auto options = testing::TestServerOptions();
  options.body_limit = 1024;
  testing::TestServer server(DemoRouter(), options);
  std::string bytes(4096, 'x');
  auto upload = RawExchange(server.port(), Post("/v1/upload", "application/octet-stream", bytes));
  EXPECT_EQ(upload.result_int(), 201);
  EXPECT_EQ(JsonOf(upload.body()).at("bytes"), 4096);
  auto too_large = RawExchange(server.port(), Post("/v1/upload", "application/octet-stream", std::string(8193, 'x')));
  EXPECT_EQ(too_large.result_int(), 413);
  EXPECT_NE(too_large.body().find("8192 bytes"), std::string::npos) << too_large.body();
  auto json = RawExchange(server.port(), Post("/v1/echo", "application/json", "\"" + bytes + "\""));
  EXPECT_EQ(json.result_int(), 413);
  EXPECT_NE(json.body().find("1024 bytes"), std::string::npos) << json.body();
}

// The resend 504 of the outside tester came back with no log line at all: every 5xx now writes
// one error line naming its cause, joined to the response by the request id.
TEST(HttpServer, LogsEveryServerErrorWithTheCauseTheClientNeverSees) {
  char path[] = "/tmp/http_test_log_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  log::Init("http_test", log::Level::warn, fd);
  testing::TestServer server(DemoRouter());
  auto thrown = RawExchange(server.port(), Get("/v1/boom"));
  auto returned = RawExchange(server.port(), Get("/v1/internal"));
  auto fine = RawExchange(server.port(), Get("/v1/products/1"));
  log::Init("http_test", log::Level::info, 2);
  ::close(fd);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path);
  std::vector<boost::json::object> lines;
  std::string line;
  while (std::getline(text, line))
    if (line.find("\"server error\"") != std::string::npos) lines.push_back(JsonOf(line).as_object());
  ASSERT_EQ(lines.size(), 2u) << text.str();
  EXPECT_EQ(lines[0].at("status"), 500);
  EXPECT_EQ(lines[0].at("level"), "error");
  EXPECT_NE(std::string(lines[0].at("error").as_string()).find("secret database password"), std::string::npos);
  EXPECT_EQ(std::string(lines[0].at("request_id").as_string()), std::string(thrown["X-Request-Id"]));
  EXPECT_EQ(lines[1].at("error"), "internal: table orders is corrupt at 10.1.2.3");
  EXPECT_EQ(lines[1].at("route"), "/v1/internal");
  EXPECT_EQ(std::string(lines[1].at("request_id").as_string()), std::string(returned["X-Request-Id"]));
  EXPECT_EQ(fine.result_int(), 200);
}

TEST(HttpServer, RecordsPerRouteMetricsAndServesOpsRoutes) {
  metrics::Registry registry;
  metrics::Readiness readiness;
  bool db_up = true;
  readiness.Add("db", [&db_up]() -> awaitable<core::Status> {
    if (db_up) co_return core::Status{};
    co_return core::Fail(core::Errc::unavailable, "connection refused to 10.0.0.5");
  });
  Router router = DemoRouter();
  AddOpsRoutes(router, registry, readiness);
  testing::TestServer server(std::move(router), testing::TestServerOptions(), &registry);

  EXPECT_EQ(RawExchange(server.port(), Get("/v1/products/9")).result_int(), 200);
  EXPECT_EQ(RawExchange(server.port(), Get("/healthz")).result_int(), 200);
  EXPECT_EQ(RawExchange(server.port(), Get("/readyz")).result_int(), 200);
  db_up = false;
  auto not_ready = RawExchange(server.port(), Get("/readyz"));
  EXPECT_EQ(not_ready.result_int(), 503);
  EXPECT_EQ(not_ready[boost::beast::http::field::content_type], "application/problem+json");
  EXPECT_NE(not_ready.body().find("db"), std::string::npos);
  EXPECT_EQ(not_ready.body().find("10.0.0.5"), std::string::npos);

  auto text = RawExchange(server.port(), Get("/metrics"));
  EXPECT_EQ(text.result_int(), 200);
  EXPECT_NE(text[boost::beast::http::field::content_type].find("text/plain"), std::string::npos);
  EXPECT_NE(text.body().find("http_requests_total{route=\"/v1/products/{id}\",method=\"GET\",status=\"200\"} 1"),
            std::string::npos)
      << text.body();
  EXPECT_NE(text.body().find("http_request_duration_seconds_count{route=\"/v1/products/{id}\",method=\"GET\"} 1"),
            std::string::npos);
}

TEST(HttpServer, FinishesAnInFlightRequestWhenStopped) {
  auto server = std::make_unique<testing::TestServer>(DemoRouter());
  auto port = server->port();
  auto pending = std::async(std::launch::async, [port] { return RawExchange(port, Get("/v1/slow")); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  auto start = std::chrono::steady_clock::now();
  server.reset();  // Stop + join: returns once the in-flight request is done
  auto res = pending.get();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace store::http
