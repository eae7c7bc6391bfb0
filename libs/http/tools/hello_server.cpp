// store_hello_server: the smallest service on store::http, for tests and the benchmark.
//   GET /v1/hello        {"message":"hello"}
//   GET /v1/slow?ms=N    answers after N ms (an asio timer: the I/O thread is not blocked)
//   POST /v1/echo        parses the JSON body and answers {"echo": <body>}
//   GET /metrics /healthz /readyz
// Config: prefix HELLO (HELLO_HTTP_PORT, HELLO_HTTP_THREADS, HELLO_LOG_LEVEL ...); a bad value
// stops start-up with exit code 2 and a message naming the key.
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <exception>

#include "store/config/config.hpp"
#include "store/http/ops.hpp"
#include "store/http/server.hpp"
#include "store/log/log.hpp"
#include "store/metrics/metrics.hpp"

namespace http = store::http;
using boost::asio::awaitable;

int main() {
  http::ServerOptions options;
  std::string level;
  try {
    store::config::Loader cfg("HELLO");
    options = http::LoadServerOptions(cfg, http::ServerOptions{.port = 8080, .threads = 1});
    level = cfg.Choice("log.level", "info", {"debug", "info", "warn", "error"}, "Lowest log level written");
    cfg.Finish();
  } catch (const store::config::ConfigError& e) {
    std::fprintf(stderr, "store_hello_server: bad configuration: %s\n", e.what());
    return 2;
  }
  store::log::Init("hello", *store::log::ParseLevel(level));

  store::metrics::Registry registry;
  store::metrics::Readiness readiness;
  http::Router router;
  router.Get("/v1/hello", [](http::Request&) -> awaitable<http::Response> {
    co_return http::Response(200, R"({"message":"hello"})", "application/json");
  });
  router.Get("/v1/slow", [](http::Request& req) -> awaitable<http::Response> {
    long ms = 0;
    if (auto q = req.Query("ms")) ms = std::strtol(q->c_str(), nullptr, 10);
    if (ms < 0 || ms > 60'000) co_return store::core::Error::Invalid("ms must be within 0..60000");
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await timer.async_wait(boost::asio::use_awaitable);
    co_return http::Response::Json(200, {{"slept_ms", ms}});
  });
  router.Post("/v1/echo", [](http::Request& req) -> awaitable<http::Response> {
    CO_TRY(body, req.Json());
    co_return http::Response::Json(200, {{"echo", body}});
  });
  http::AddOpsRoutes(router, registry, readiness);

  try {
    http::Server server(options, std::move(router), &registry);
    server.Run();
  } catch (const std::exception& e) {
    store::log::Error("server failed", {{"error", e.what()}});
    return 1;
  }
  return 0;
}
