// Client: an async HTTP/1.1 client (plain HTTP) for calls to other services and OpenSearch.
//
//   store::http::Client client({.read_timeout = 2s});
//   CO_TRY(res, co_await client.Get("http://127.0.0.1:9200/_cluster/health", &req.log_context()));
//   if (res.status == 200) { CO_TRY(body, res.Json()); ... }
//
// - Connect and read timeouts (read covers writing the request and reading the whole answer).
// - Keep-alive connections are reused: a small idle pool per host:port.
// - Retries with exponential backoff and jitter, ONLY for idempotent methods (GET, HEAD, PUT,
//   DELETE, OPTIONS), on connect errors, timeouts and 502/503/504 answers. After the last try
//   a 5xx answer is returned as a response, not an error.
// - With a log Context, sends `traceparent` (the caller's span as parent) and `X-Request-Id`.
//
// Errors: an unusable URL is invalid_argument; no connection / broken connection is
// unavailable; a timeout is timeout. Any HTTP status is a successful ClientResponse.
// Thread-safety: one Client may be shared by coroutines on several threads of ONE io_context
// (the pool is locked); it must outlive the requests in flight and be destroyed before that
// io_context (pooled connections belong to it). Idle pooled connections should
// be dropped before the server's idle timeout (pool_idle_timeout < server http.idle_timeout).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/core/result.hpp"
#include "store/http/message.hpp"
#include "store/log/log.hpp"

namespace store::http {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{2'000};
  std::chrono::milliseconds read_timeout{10'000};
  int max_retries = 2;                                 // extra tries for idempotent methods
  std::chrono::milliseconds backoff_base{50};          // first retry waits ~base, then 2x, 4x...
  std::chrono::milliseconds backoff_max{2'000};
  std::size_t max_idle_per_host = 8;
  std::chrono::milliseconds pool_idle_timeout{20'000};  // idle pooled connections older are closed
  std::size_t max_response_body = 64 * 1024 * 1024;
  std::string user_agent = "store-http-client";
};

struct ClientRequest {
  Verb method = Verb::get;
  std::string url;  // http://host:port/path?query
  std::string body = {};
  std::string content_type = {};  // sent when not empty
  std::vector<std::pair<std::string, std::string>> headers = {};
};

struct ClientResponse {
  int status = 0;
  std::string body;
  boost::beast::http::fields headers;

  std::string_view Header(std::string_view name) const;
  core::Result<boost::json::value> Json() const;
};

class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  boost::asio::awaitable<core::Result<ClientResponse>> Send(ClientRequest request,
                                                             const log::Context* context = nullptr);
  boost::asio::awaitable<core::Result<ClientResponse>> Get(std::string url, const log::Context* context = nullptr);
  boost::asio::awaitable<core::Result<ClientResponse>> PostJson(std::string url, const boost::json::value& body,
                                                                 const log::Context* context = nullptr);

  static bool IsIdempotent(Verb method);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace store::http
