// Request and Response: what a handler sees and returns.
//
// Request wraps the parsed Beast request plus what the server learned about it: the matched
// route and its path parameters, the request id, the trace context and a log Context to pass to
// store::log and to store::http::Client. A Request is owned by its connection and lives until
// the response is written; handlers get it by reference and must not keep it past co_return.
//
// Response is a plain value. A handler may `co_return` a core::Error or std::unexpected<Error>
// directly (so CO_TRY works in handlers): it becomes a problem+json response (RFC 9457) through
// core::HttpStatusOf, the one error map. 5xx problems never carry the internal message.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/core/result.hpp"
#include "store/log/trace.hpp"
#include "store/log/log.hpp"

namespace store::http {

namespace beast_http = boost::beast::http;
using Verb = beast_http::verb;
using BeastRequest = beast_http::request<beast_http::string_body>;

class Request {
 public:
  Request(BeastRequest raw, std::string request_id, log::TraceContext trace);

  Verb method() const { return raw_.method(); }
  std::string_view method_string() const { return raw_.method_string(); }
  // The request target as sent: path plus optional query.
  std::string_view target() const { return raw_.target(); }
  std::string_view path() const { return path_; }
  // The route pattern that matched ("/v1/products/{id}"), empty when none did.
  const std::string& route() const { return route_; }

  // A path parameter by name ("id" for "/v1/products/{id}"); nullopt when absent.
  std::optional<std::string_view> PathParam(std::string_view name) const;
  // A query parameter by name, percent-decoded; nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
  // A header value; empty when absent.
  std::string_view Header(std::string_view name) const;
  const std::string& body() const { return raw_.body(); }
  // The body parsed as JSON; a malformed body is an invalid_argument error (→ 400).
  core::Result<boost::json::value> Json() const;

  const std::string& request_id() const { return log_context_.request_id; }
  const log::TraceContext& trace() const { return trace_; }
  const log::Context& log_context() const { return log_context_; }
  const BeastRequest& raw() const { return raw_; }

  // Set by the server when routing.
  void SetRoute(std::string route, std::vector<std::pair<std::string, std::string>> params);

 private:
  BeastRequest raw_;
  std::string path_;
  std::string route_;
  std::vector<std::pair<std::string, std::string>> params_;
  log::TraceContext trace_;
  log::Context log_context_;
};

class Response {
 public:
  Response() = default;
  Response(int status, std::string body, std::string content_type)
      : status_(status), body_(std::move(body)), content_type_(std::move(content_type)) {}
  // An error becomes its problem+json response (see Problem).
  Response(const core::Error& error);                       // NOLINT: implicit on purpose
  Response(const std::unexpected<core::Error>& error)       // NOLINT: so CO_TRY works in handlers
      : Response(error.error()) {}

  static Response Json(int status, const boost::json::value& body);
  static Response Text(int status, std::string body);
  static Response Empty(int status);
  // RFC 9457 problem+json: type, title, status, detail, and `errors` when fields are given.
  static Response Problem(int status, std::string_view detail, const std::vector<core::FieldError>& fields = {});

  int status() const { return status_; }
  const std::string& body() const { return body_; }
  const std::string& content_type() const { return content_type_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  // Adds a header (kept in order; Content-Type and Content-Length are set by the server).
  Response& SetHeader(std::string name, std::string value);
  std::optional<std::string_view> HeaderValue(std::string_view name) const;
  // For a 5xx made from an Error: its code and internal message ("timeout: mariadb error 1213:
  // Deadlock found ..."), which the client never sees; the server writes it to its error log
  // line. Empty otherwise.
  const std::string& cause() const { return cause_; }
  // The cause of a 5xx built without an Error (the readiness 503).
  Response& SetCause(std::string cause) {
    cause_ = std::move(cause);
    return *this;
  }

 private:
  int status_ = 200;
  std::string body_;
  std::string content_type_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string cause_;
};

}  // namespace store::http
