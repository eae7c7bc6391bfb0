#include "store/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "store/config/config.hpp"
#include "store/core/ids.hpp"
#include "store/metrics/metrics.hpp"

namespace store::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// An incoming X-Request-Id is kept only when it is short and plain, so it is safe in logs.
bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

struct Conn {
  explicit Conn(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool idle = true;  // waiting for the next request; touched only on the connection's strand
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, Router r, metrics::Registry* reg)
      : options(std::move(o)), router(std::move(r)), registry(reg) {}

  ServerOptions options;
  Router router;
  metrics::Registry* registry;
  std::vector<Middleware> middlewares;

  // Declared first so it is destroyed last: everything below uses it.
  asio::io_context ioc{std::max(1, options.threads)};
  asio::strand<asio::io_context::executor_type> acceptor_strand{asio::make_strand(ioc)};
  tcp::acceptor acceptor{acceptor_strand};
  asio::steady_timer drain_timer{acceptor_strand};
  std::optional<asio::signal_set> signals;
  std::atomic<bool> listening{false};
  std::atomic<bool> draining{false};
  std::atomic<std::uint16_t> bound_port{0};
  std::atomic<std::uint64_t> accepted{0};
  std::mutex conns_mutex;
  std::unordered_set<std::shared_ptr<Conn>> conns;  // guarded by conns_mutex

  std::uint16_t Listen() {
    if (listening) return bound_port;
    tcp::endpoint ep(asio::ip::make_address(options.host), options.port);
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
    bound_port = acceptor.local_endpoint().port();
    listening = true;
    return bound_port;
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kNoThrow);
      if (draining || !acceptor.is_open()) break;
      if (ec) {
        // Typically out of file descriptors: back off briefly instead of spinning.
        log::Warn("accept failed", {{"error", ec.message()}});
        asio::steady_timer pause(acceptor_strand, std::chrono::milliseconds(50));
        co_await pause.async_wait(kNoThrow);
        continue;
      }
      ++accepted;
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto conn = std::make_shared<Conn>(tcp::socket(std::move(socket)));
      {
        std::lock_guard lock(conns_mutex);
        conns.insert(conn);
      }
      asio::co_spawn(conn->stream.get_executor(), Session(conn), asio::detached);
    }
  }

  // Runs on the acceptor strand.
  void BeginShutdown() {
    if (draining.exchange(true)) return;
    // Close first, then log: once the line is out, new connections are refused.
    boost::system::error_code ignored;
    acceptor.close(ignored);
    log::Info("shutting down: draining in-flight requests",
              {{"drain_timeout_ms", static_cast<std::int64_t>(options.drain_timeout.count())}});
    std::vector<std::shared_ptr<Conn>> snapshot;
    {
      std::lock_guard lock(conns_mutex);
      snapshot.assign(conns.begin(), conns.end());
    }
    if (snapshot.empty()) {
      ioc.stop();
      return;
    }
    // Idle keep-alive connections are closed now; busy ones finish their request first. The
    // session checks `draining` before every idle wait, so none is missed.
    for (auto& c : snapshot) {
      asio::post(c->stream.get_executor(), [c] {
        if (c->idle) c->stream.cancel();
      });
    }
    drain_timer.expires_after(options.drain_timeout);
    drain_timer.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      log::Warn("drain timeout reached; closing remaining connections");
      ioc.stop();
    });
  }

  void Forget(const std::shared_ptr<Conn>& c) {
    bool empty;
    {
      std::lock_guard lock(conns_mutex);
      conns.erase(c);
      empty = conns.empty();
    }
    if (draining && empty) ioc.stop();
  }

  asio::awaitable<void> Session(std::shared_ptr<Conn> c) {
    beast::flat_buffer buffer;
    int served = 0;
    for (;;) {
      if (buffer.size() == 0) {
        if (draining) break;
        c->idle = true;
        // The first request of a connection gets the read timeout; later ones the idle timeout.
        c->stream.expires_after(served == 0 ? options.read_timeout : options.idle_timeout);
        auto [ec, n] = co_await c->stream.async_read_some(buffer.prepare(4096), kNoThrow);
        if (ec) break;
        buffer.commit(n);
      }
      c->idle = false;
      auto start = Clock::now();
      c->stream.expires_after(options.read_timeout);
      beast_http::request_parser<beast_http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.header_limit, UINT32_MAX)));
      // The head is parsed under the largest limit of any route (Beast checks a Content-Length
      // against the limit as the head completes), then routed, and the route's own limit applies.
      parser.body_limit(std::max(options.body_limit, router.LargestBodyLimit()));
      auto [ec, n] = co_await beast_http::async_read_header(c->stream, buffer, parser, kNoThrow);
      Router::Match match;
      std::size_t body_limit = options.body_limit;
      // A Content-Length over the largest limit fails the head, but the head is parsed by then.
      if (parser.is_header_done() || ec == beast_http::error::body_limit) {
        std::string_view target = parser.get().target();
        match = router.Find(parser.get().method(), target.substr(0, target.find('?')));
        if (match.options && match.options->body_limit > 0) body_limit = match.options->body_limit;
        parser.body_limit(body_limit);
        if (!ec) {
          if (auto length = parser.content_length(); length && *length > body_limit) ec = beast_http::error::body_limit;
        }
      }
      if (!ec && beast::iequals(parser.get()[beast_http::field::expect], "100-continue")) {
        // Clients such as curl wait for this before sending a large body.
        beast_http::response<beast_http::empty_body> cont{beast_http::status::continue_, 11};
        std::tie(ec, n) = co_await beast_http::async_write(c->stream, cont, kNoThrow);
      }
      if (!ec) std::tie(ec, n) = co_await beast_http::async_read(c->stream, buffer, parser, kNoThrow);
      if (ec) {
        std::optional<Response> problem;
        if (ec == beast_http::error::header_limit) {
          problem = core::Error{core::Errc::header_too_large, "The request head is over the server's limit."};
        } else if (ec == beast_http::error::body_limit) {
          problem = core::Error{core::Errc::payload_too_large,
                                fmt::format("The request body is over the limit of {} bytes.", body_limit)};
        } else if (ec.category() == beast_http::make_error_code(beast_http::error::bad_target).category()) {
          problem = core::Error::Invalid("The request is not valid HTTP/1.1.");
        }
        // Timeouts and disconnects just end the connection: nobody is listening for an answer.
        if (problem) co_await Reject(*c, buffer, parser, std::move(*problem), start, body_limit);
        break;
      }
      ++served;
      BeastRequest raw = parser.release();
      std::string_view incoming_id = raw["X-Request-Id"];
      std::string request_id = SaneRequestId(incoming_id) ? std::string(incoming_id) : core::NewUuid();
      auto trace = log::TraceContext::Continue(raw["traceparent"]);
      Request req(std::move(raw), std::move(request_id), std::move(trace));
      Response res = co_await Dispatch(req, std::move(match));
      bool keep_alive = req.raw().keep_alive() && !draining &&
                        (options.max_requests_per_connection <= 0 || served < options.max_requests_per_connection);
      LogServerError(req, res);
      bool written = co_await Write(*c, res, req.raw().version(), req.request_id(), keep_alive);
      Record(req.method_string(), req.path(), req.route(), res.status(), start, req.log_context());
      if (!written) break;
      if (!keep_alive) {
        boost::system::error_code ignored;
        c->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        break;
      }
    }
    Forget(c);
  }

  asio::awaitable<Response> Dispatch(Request& req, Router::Match match) {
    if (!match.handler) {
      if (!match.allow.empty()) {
        co_return core::Error::MethodNotAllowed(
            fmt::format("{} is not allowed here; allowed: {}.", req.method_string(), match.allow), match.allow);
      }
      co_return core::Error::NotFound("No resource matches this path.");
    }
    req.SetRoute(*match.pattern, std::move(match.params));
    if (auto refused = CheckMediaType(req, *match.options)) co_return std::move(*refused);
    std::optional<Response> res;
    std::string thrown;
    try {
      res = co_await Invoke(req, 0, *match.handler);
    } catch (const std::exception& e) {
      thrown = e.what();
    }
    if (!res) res = Response(core::Error::Internal("handler threw: " + thrown));
    co_return std::move(*res);
  }

  // The one media-type rule for every service: a route that takes JSON refuses a body declared as
  // anything else (415), before authentication and before the handler. GET/DELETE bodies have no
  // meaning (RFC 9110) and are not checked; a body without Content-Type is read as JSON.
  static std::optional<Response> CheckMediaType(const Request& req, const RouteOptions& route) {
    if (route.body != BodyKind::json || req.body().empty()) return std::nullopt;
    auto m = req.method();
    if (m != Verb::post && m != Verb::put && m != Verb::patch) return std::nullopt;
    auto type = req.Header("Content-Type");
    if (type.empty() || IsJsonMediaType(type)) return std::nullopt;
    return Response(core::Error{core::Errc::unsupported_media_type,
                                "This operation takes a JSON body: send it as Content-Type: application/json."});
  }

  // Every 5xx gets one error line with its cause (the client only sees a generic detail and the
  // request id, which joins the two).
  static void LogServerError(const Request& req, const Response& res) {
    if (res.status() < 500) return;
    log::Error("server error",
               {{"method", req.method_string()},
                {"path", req.path()},
                {"route", req.route()},
                {"status", res.status()},
                {"error", res.cause().empty() ? std::string("(a 5xx built without an Error)") : res.cause()}},
               &req.log_context());
  }

  asio::awaitable<Response> Invoke(Request& req, std::size_t i, const Handler& handler) {
    if (i == middlewares.size()) co_return co_await handler(req);
    Handler next = [this, i, &handler](Request& r) { return Invoke(r, i + 1, handler); };
    co_return co_await middlewares[i](req, next);
  }

  asio::awaitable<bool> Write(Conn& c, const Response& res, unsigned version, const std::string& request_id,
                              bool keep_alive) {
    beast_http::response<beast_http::string_body> out{static_cast<beast_http::status>(res.status()), version};
    if (!res.content_type().empty()) out.set(beast_http::field::content_type, res.content_type());
    for (const auto& [k, v] : res.headers()) out.insert(k, v);
    out.set("X-Request-Id", request_id);
    out.keep_alive(keep_alive);
    out.body() = res.body();
    out.prepare_payload();
    c.stream.expires_after(options.read_timeout);
    auto [ec, n] = co_await beast_http::async_write(c.stream, out, kNoThrow);
    c.stream.expires_never();
    co_return !ec;
  }

  // Answers a request the parser refused (too large, malformed) and closes the connection.
  // The client may still be sending: read and drop a bounded amount after our answer so the
  // kernel does not reset the connection before the client has read it.
  asio::awaitable<void> Reject(Conn& c, beast::flat_buffer& buffer,
                               beast_http::request_parser<beast_http::string_body>& parser, Response res,
                               Clock::time_point start, std::size_t body_limit) {
    log::Context ctx{core::NewUuid(), {}, {}};
    std::string method = "-", path = "-";
    if (parser.is_header_done()) {
      method = std::string(parser.get().method_string());
      std::string_view t = parser.get().target();
      path = std::string(t.substr(0, t.find('?')));
    }
    bool written = co_await Write(c, res, 11, ctx.request_id, false);
    Record(method, path, {}, res.status(), start, ctx);
    if (!written) co_return;
    boost::system::error_code ignored;
    c.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    c.stream.expires_after(std::chrono::seconds(1));
    std::size_t drained = 0;
    while (drained < 4 * body_limit + 65536) {
      buffer.clear();
      auto [ec, n] = co_await c.stream.async_read_some(buffer.prepare(65536), kNoThrow);
      if (ec) break;
      drained += n;
    }
  }

  void Record(std::string_view method, std::string_view path, std::string_view route, int status,
              Clock::time_point start, const log::Context& ctx) {
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (registry) {
      std::string route_label = route.empty() ? "unmatched" : std::string(route);
      registry
          ->GetCounter("http_requests_total", "HTTP requests served",
                       {{"route", route_label}, {"method", std::string(method)}, {"status", std::to_string(status)}})
          .Inc();
      registry
          ->GetHistogram("http_request_duration_seconds", "HTTP request duration from first byte to response written",
                         {{"route", route_label}, {"method", std::string(method)}})
          .Observe(seconds);
    }
    if (options.access_log) {
      log::Info("request",
                {{"method", method},
                 {"path", path},
                 {"route", route},
                 {"status", status},
                 {"duration_ms", seconds * 1000.0}},
                &ctx);
    }
  }

  void Run() {
    Listen();
    log::Info("listening", {{"host", options.host}, {"port", bound_port.load()}, {"threads", options.threads}});
    asio::co_spawn(acceptor_strand, Accept(), asio::detached);
    if (options.handle_signals) {
      signals.emplace(ioc, SIGTERM, SIGINT);
      signals->async_wait([this](boost::system::error_code ec, int sig) {
        if (ec) return;
        log::Info("signal received", {{"signal", sig}});
        asio::post(acceptor_strand, [this] { BeginShutdown(); });
      });
    }
    std::vector<std::thread> threads;
    for (int i = 1; i < options.threads; ++i) threads.emplace_back([this] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    log::Info("stopped");
  }
};

ServerOptions LoadServerOptions(config::Loader& cfg, const ServerOptions& d) {
  using std::chrono::milliseconds;
  ServerOptions o = d;
  o.host = cfg.String("http.host", d.host, "Address to listen on");
  o.port = static_cast<std::uint16_t>(cfg.Int("http.port", d.port, "TCP port to listen on (0: any free port)", 0, 65535));
  o.threads = static_cast<int>(cfg.Int("http.threads", d.threads, "I/O threads running the server", 1, 256));
  o.body_limit = static_cast<std::size_t>(cfg.Bytes("http.body_limit", static_cast<std::int64_t>(d.body_limit),
                                                    "Largest request body accepted (larger: 413)"));
  o.header_limit = static_cast<std::size_t>(cfg.Bytes("http.header_limit", static_cast<std::int64_t>(d.header_limit),
                                                      "Largest request head accepted (larger: 431)"));
  o.read_timeout = cfg.Duration("http.read_timeout", d.read_timeout, "Time allowed to receive a whole request");
  o.idle_timeout = cfg.Duration("http.idle_timeout", d.idle_timeout, "Keep-alive connection idle time before close");
  o.drain_timeout = cfg.Duration("http.drain_timeout", d.drain_timeout,
                                 "On SIGTERM, time allowed for in-flight requests to finish");
  o.max_requests_per_connection =
      static_cast<int>(cfg.Int("http.max_requests_per_connection", d.max_requests_per_connection,
                               "Requests served on one connection before it is closed (0: no limit)", 0, INT32_MAX));
  return o;
}

Server::Server(ServerOptions options, Router router, metrics::Registry* registry)
    : impl_(std::make_shared<Impl>(std::move(options), std::move(router), registry)) {}

Server::~Server() = default;

void Server::Use(Middleware middleware) { impl_->middlewares.push_back(std::move(middleware)); }
std::uint16_t Server::Listen() { return impl_->Listen(); }
void Server::Run() { impl_->Run(); }
void Server::Stop() {
  asio::post(impl_->acceptor_strand, [impl = impl_.get()] { impl->BeginShutdown(); });
}
std::uint16_t Server::port() const { return impl_->bound_port; }
std::uint64_t Server::connections_accepted() const { return impl_->accepted; }

}  // namespace store::http
