#include "store/http/message.hpp"

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <strings.h>

namespace store::http {
namespace {

// RFC 9457: with no problem-specific documentation, type is about:blank and title is the
// status phrase. A machine-readable `code` extension member carries the project error name.
Response MakeProblem(int status, std::string_view title, std::string_view detail,
                     const std::vector<core::FieldError>& fields, std::string_view code) {
  boost::json::object o;
  o["type"] = "about:blank";
  o["title"] = title;
  o["status"] = status;
  o["detail"] = detail;
  if (!code.empty()) o["code"] = code;
  if (!fields.empty()) {
    boost::json::array errors;
    for (const auto& f : fields) errors.push_back(boost::json::object{{"field", f.field}, {"message", f.message}});
    o["errors"] = std::move(errors);
  }
  return Response(status, boost::json::serialize(o), "application/problem+json");
}

// What a client sees for a server-side failure: never the internal message.
constexpr std::string_view kGenericServerDetail = "The server could not complete the request. Retry later or contact support with the request id.";

}  // namespace

Request::Request(BeastRequest raw, std::string request_id, log::TraceContext trace)
    : raw_(std::move(raw)), trace_(std::move(trace)) {
  std::string_view t = raw_.target();
  path_ = std::string(t.substr(0, t.find('?')));
  log_context_ = log::Context{std::move(request_id), trace_.trace_id, trace_.span_id};
}

std::optional<std::string_view> Request::PathParam(std::string_view name) const {
  for (const auto& [k, v] : params_) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  auto url = boost::urls::parse_origin_form(raw_.target());
  if (!url) return std::nullopt;
  auto params = url->params();
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return std::string((*it).value);
}

std::string_view Request::Header(std::string_view name) const {
  auto it = raw_.find(name);
  if (it == raw_.end()) return {};
  return it->value();
}

core::Result<boost::json::value> Request::Json() const {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(raw_.body(), ec);
  if (ec) return core::Fail(core::Errc::invalid_argument, "The request body is not valid JSON.");
  return v;
}

void Request::SetRoute(std::string route, std::vector<std::pair<std::string, std::string>> params) {
  route_ = std::move(route);
  params_ = std::move(params);
}

Response::Response(const core::Error& error) {
  int status = core::HttpStatusOf(error.code);
  std::string_view detail = status >= 500 ? kGenericServerDetail : std::string_view(error.message);
  *this = MakeProblem(status, core::TitleOf(error.code), detail, error.fields, core::NameOf(error.code));
  if (error.retry_after) SetHeader("Retry-After", std::to_string(std::max<std::int64_t>(error.retry_after->count(), 0)));
  if (!error.allow.empty()) SetHeader("Allow", error.allow);
  if (status >= 500) cause_ = std::string(core::NameOf(error.code)) + ": " + error.message;
}

Response Response::Json(int status, const boost::json::value& body) {
  return Response(status, boost::json::serialize(body), "application/json");
}

Response Response::Text(int status, std::string body) {
  return Response(status, std::move(body), "text/plain; charset=utf-8");
}

Response Response::Empty(int status) { return Response(status, {}, {}); }

Response Response::Problem(int status, std::string_view detail, const std::vector<core::FieldError>& fields) {
  auto reason = beast_http::obsolete_reason(static_cast<beast_http::status>(status));
  return MakeProblem(status, reason, detail, fields, {});
}

Response& Response::SetHeader(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::optional<std::string_view> Response::HeaderValue(std::string_view name) const {
  for (const auto& [k, v] : headers_) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace store::http
