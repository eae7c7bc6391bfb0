// Server: an HTTP/1.1 server on Boost.Beast and C++20 coroutines.
//
//   store::http::Router router;
//   router.Get("/v1/hello", [](Request&) -> awaitable<Response> { co_return Response::Text(200, "hi"); });
//   store::http::Server server(options, std::move(router), &registry);
//   server.Use(auth_middleware);   // optional; may short-circuit with a Response
//   server.Run();                  // blocks; returns after a graceful shutdown (SIGTERM/SIGINT/Stop)
//
// Per request the server, in this order: enforces the header/body limits (431/413), the read
// timeout for the whole request and the idle timeout between keep-alive requests; sets the
// request id (a sane incoming X-Request-Id, else a new one, echoed back) and the trace context
// (traceparent continued or started); routes (404/405); runs the middleware chain around the
// handler; then writes the response, one JSON access-log line and the per-route metrics.
// A JSON route refuses a body declared as another media type (415, see RouteOptions). Every 5xx
// (a handler's exception becomes a generic 500) writes one error log line with its cause.
//
// Threads: options.threads threads run one io_context; each connection runs on its own strand.
// Handlers and middlewares must never block those threads.
// Shutdown: on SIGTERM/SIGINT (when handle_signals) or Stop(), stop accepting (the listening
// socket is closed, new connections are refused), close idle keep-alive connections, let
// in-flight requests finish (their responses carry Connection: close) for up to drain_timeout,
// then Run() returns.
// Errors: start-up failures (bind) throw std::system_error from Listen()/Run().
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "store/http/router.hpp"

namespace store::config {
class Loader;
}
namespace store::metrics {
class Registry;
}

namespace store::http {

struct ServerOptions {
  std::string host = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks a free port (see Server::port())
  int threads = 2;
  std::size_t body_limit = 1024 * 1024;    // larger bodies get 413 (unless the route names its own limit)
  std::size_t header_limit = 16 * 1024;    // larger heads get 431
  std::chrono::milliseconds read_timeout{10'000};   // whole request head + body
  std::chrono::milliseconds idle_timeout{60'000};   // between keep-alive requests
  std::chrono::milliseconds drain_timeout{10'000};  // graceful shutdown bound
  int max_requests_per_connection = 0;              // 0: unlimited
  bool handle_signals = true;                       // SIGTERM/SIGINT start a graceful shutdown
  bool access_log = true;                           // one info line per request
};

// Declares the http.* keys on a Loader (defaults from `defaults`) and returns their values.
// The caller still calls loader.Finish(), which throws naming any bad key.
//   http.host http.port http.threads http.body_limit http.header_limit
//   http.read_timeout http.idle_timeout http.drain_timeout http.max_requests_per_connection
ServerOptions LoadServerOptions(config::Loader& loader, const ServerOptions& defaults = {});

// A middleware wraps the rest of the chain: call `next(req)` to go on, or co_return a Response
// to short-circuit (an authentication hook returns 401 this way).
using Middleware = std::function<boost::asio::awaitable<Response>(Request&, const Handler& next)>;

class Server {
 public:
  // registry: optional; when given, http_requests_total and http_request_duration_seconds are
  // recorded per route, method and status. It must outlive the server.
  Server(ServerOptions options, Router router, metrics::Registry* registry = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Adds a middleware; the first added is the outermost. Call before Listen/Run.
  void Use(Middleware middleware);
  // Binds and listens; returns the bound port. Run() calls it when not done yet.
  std::uint16_t Listen();
  // Serves until shutdown; blocks the calling thread (one of the I/O threads).
  void Run();
  // Starts a graceful shutdown; thread-safe, idempotent.
  void Stop();

  std::uint16_t port() const;
  // Connections accepted since start (for tests of client connection reuse).
  std::uint64_t connections_accepted() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace store::http
