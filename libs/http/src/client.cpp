#include "store/http/client.hpp"

#include "store/log/trace.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <deque>
#include <map>
#include <mutex>
#include <random>

namespace store::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

struct Target {
  std::string host;
  std::string port;
  std::string target;
  std::string key;  // host:port, the pool key
};

core::Result<Target> ParseUrl(std::string_view url) {
  auto u = boost::urls::parse_uri(url);
  if (!u || u->scheme() != "http" || u->encoded_host().empty()) {
    return core::Fail(core::Errc::invalid_argument, fmt::format("not an http:// URL: {}", url));
  }
  Target t;
  t.host = std::string(u->encoded_host());
  t.port = u->has_port() ? std::string(u->port()) : "80";
  t.target = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
  if (u->has_query()) t.target += "?" + std::string(u->encoded_query());
  t.key = t.host + ":" + t.port;
  return t;
}

// A connection and its read buffer (bytes past one response stay with the connection).
struct Conn {
  explicit Conn(asio::any_io_executor ex) : stream(std::move(ex)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  SteadyClock::time_point idle_since{};
};

bool RetryableStatus(int status) { return status == 502 || status == 503 || status == 504; }

}  // namespace

std::string_view ClientResponse::Header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string_view{} : std::string_view(it->value());
}

core::Result<boost::json::value> ClientResponse::Json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec) return core::Fail(core::Errc::internal, "response body is not valid JSON");
  return v;
}

struct Client::Impl {
  explicit Impl(ClientOptions o) : options(std::move(o)) {}

  ClientOptions options;
  std::mutex mutex;
  std::map<std::string, std::deque<std::unique_ptr<Conn>>> idle;  // guarded by mutex

  std::unique_ptr<Conn> TakeIdle(const std::string& key) {
    std::lock_guard lock(mutex);
    auto& q = idle[key];
    auto now = SteadyClock::now();
    while (!q.empty()) {
      auto c = std::move(q.back());
      q.pop_back();
      if (now - c->idle_since < options.pool_idle_timeout) return c;
    }
    return nullptr;
  }

  void GiveBack(const std::string& key, std::unique_ptr<Conn> c) {
    c->idle_since = SteadyClock::now();
    std::lock_guard lock(mutex);
    auto& q = idle[key];
    if (q.size() < options.max_idle_per_host) q.push_back(std::move(c));
  }

  std::chrono::milliseconds Backoff(int retry) {
    thread_local std::mt19937 rng{std::random_device{}()};
    std::chrono::milliseconds d(options.backoff_base.count() * (1LL << std::min(retry - 1, 20)));
    d = std::min(d, options.backoff_max);
    // "Equal jitter": half fixed, half random, so retries of many callers spread out.
    std::uniform_int_distribution<long long> half(0, std::max<long long>(0, d.count() / 2));
    return std::chrono::milliseconds(d.count() - d.count() / 2 + half(rng));
  }

  static core::Error IoError(const boost::system::error_code& ec, const Target& t, std::string_view what) {
    if (ec == beast::error::timeout) return {core::Errc::timeout, fmt::format("{} {} timed out", what, t.key)};
    return {core::Errc::unavailable, fmt::format("{} {} failed: {}", what, t.key, ec.message())};
  }

  asio::awaitable<core::Result<ClientResponse>> Attempt(const Target& t,
                                                        beast_http::request<beast_http::string_body>& req) {
    auto conn = TakeIdle(t.key);
    if (!conn) {
      auto ex = co_await asio::this_coro::executor;
      conn = std::make_unique<Conn>(ex);
      tcp::resolver resolver(ex);
      auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, kNoThrow);
      if (rec) co_return std::unexpected(IoError(rec, t, "resolving"));
      conn->stream.expires_after(options.connect_timeout);
      auto [cec, ep] = co_await conn->stream.async_connect(endpoints, kNoThrow);
      if (cec) co_return std::unexpected(IoError(cec, t, "connecting to"));
      boost::system::error_code ignored;
      conn->stream.socket().set_option(tcp::no_delay(true), ignored);
    }
    conn->stream.expires_after(options.read_timeout);
    auto [wec, wn] = co_await beast_http::async_write(conn->stream, req, kNoThrow);
    if (wec) co_return std::unexpected(IoError(wec, t, "sending to"));
    beast_http::response_parser<beast_http::string_body> parser;
    parser.body_limit(options.max_response_body);
    auto [rec, rn] = co_await beast_http::async_read(conn->stream, conn->buffer, parser, kNoThrow);
    if (rec) co_return std::unexpected(IoError(rec, t, "reading from"));
    conn->stream.expires_never();
    auto res = parser.release();
    bool reusable = res.keep_alive() && !res.need_eof();
    ClientResponse out{static_cast<int>(res.result_int()), std::move(res.body()), std::move(res.base())};
    if (reusable) GiveBack(t.key, std::move(conn));
    co_return out;
  }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Client::~Client() = default;

bool Client::IsIdempotent(Verb m) {
  return m == Verb::get || m == Verb::head || m == Verb::put || m == Verb::delete_ || m == Verb::options;
}

asio::awaitable<core::Result<ClientResponse>> Client::Send(ClientRequest request, const log::Context* ctx) {
  CO_TRY(target, ParseUrl(request.url));
  beast_http::request<beast_http::string_body> req{request.method, target.target, 11};
  req.set(beast_http::field::host, target.port == "80" ? target.host : target.key);
  req.set(beast_http::field::user_agent, impl_->options.user_agent);
  if (ctx) {
    if (!ctx->trace_id.empty() && !ctx->span_id.empty()) {
      log::TraceContext caller{ctx->trace_id, ctx->span_id, {}, "01"};
      req.set("traceparent", caller.Header());
    }
    if (!ctx->request_id.empty()) req.set("X-Request-Id", ctx->request_id);
  }
  for (auto& [k, v] : request.headers) req.set(k, v);
  if (!request.content_type.empty()) req.set(beast_http::field::content_type, request.content_type);
  req.body() = std::move(request.body);
  req.keep_alive(true);
  req.prepare_payload();

  const int tries = IsIdempotent(request.method) ? 1 + std::max(0, impl_->options.max_retries) : 1;
  core::Result<ClientResponse> result = core::Fail(core::Errc::internal, "no attempt made");
  for (int attempt = 0; attempt < tries; ++attempt) {
    if (attempt > 0) {
      asio::steady_timer pause(co_await asio::this_coro::executor, impl_->Backoff(attempt));
      co_await pause.async_wait(kNoThrow);
    }
    result = co_await impl_->Attempt(target, req);
    bool retryable = result ? RetryableStatus(result->status) : core::IsTransient(result.error().code);
    if (!retryable) break;
    if (attempt + 1 < tries) {
      log::Debug("retrying HTTP call",
                 {{"url", request.url}, {"attempt", attempt + 1},
                  {"reason", result ? std::to_string(result->status) : result.error().message}},
                 ctx);
    }
  }
  co_return result;
}

asio::awaitable<core::Result<ClientResponse>> Client::Get(std::string url, const log::Context* ctx) {
  return Send(ClientRequest{Verb::get, std::move(url), {}, {}, {}}, ctx);
}

asio::awaitable<core::Result<ClientResponse>> Client::PostJson(std::string url, const boost::json::value& body,
                                                               const log::Context* ctx) {
  return Send(ClientRequest{Verb::post, std::move(url), boost::json::serialize(body), "application/json", {}}, ctx);
}

}  // namespace store::http
