#include "store/testing/contract.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include "store/http/client.hpp"
#include "store/testing/async.hpp"

namespace store::testing {
namespace {

struct Answer {
  int status = 0;  // 0: no HTTP answer (connection refused, reset, timeout)
  std::string body;
};

struct Prober {
  boost::asio::io_context ioc;  // first: the client's pooled connections go before it
  http::Client client{{.max_retries = 0}};  // a 503 or 504 is an answer to check, not to hide

  Answer Send(const OpenApiOperation& op, const std::string& url, std::string body, std::string content_type,
              const std::string& token) {
    http::ClientRequest req{.method = http::beast_http::string_to_verb(op.Verb()),
                            .url = url,
                            .body = std::move(body),
                            .content_type = std::move(content_type),
                            .headers = {}};
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
    auto res = RunAwaitable(ioc, client.Send(std::move(req)));
    if (!res) return {0, res.error().message};
    return {res->status, res->body};
  }
};

bool TakesJson(const OpenApiOperation& op) {
  for (const auto& m : op.request_media_types)
    if (m == "application/json" || m.ends_with("+json")) return true;
  return false;
}

}  // namespace

std::string UndocumentedStatus(const OpenApiOperation& op, int status, const std::string& what) {
  if (op.statuses.contains(status)) return {};
  std::string listed;
  for (int s : op.statuses) listed += (listed.empty() ? "" : ", ") + std::to_string(s);
  return fmt::format("{} {}: {} answered {}, which the contract does not list ({})", op.Verb(), op.path, what, status,
                     listed);
}

std::vector<std::string> CheckRequestPolicy(const OpenApi& spec, const std::string& base_url,
                                            const RequestPolicyOptions& o) {
  std::vector<std::string> violations;
  Prober prober;
  auto check = [&](const OpenApiOperation& op, const Answer& a, const std::string& what, int want) {
    if (a.status == 0) {
      violations.push_back(fmt::format("{} {}: {}: no HTTP answer ({})", op.Verb(), op.path, what, a.body));
      return;
    }
    if (auto v = UndocumentedStatus(op, a.status, what); !v.empty()) violations.push_back(v);
    if (want != 0 && a.status != want)
      violations.push_back(fmt::format("{} {}: {} answered {}, want {}: {}", op.Verb(), op.path, what, a.status, want,
                                       a.body.substr(0, 200)));
  };
  for (const auto& op : spec.operations) {
    std::map<std::string, std::string> values = o.path_values;
    for (const auto& p : op.parameters)
      if (p.in == "path" && p.example) values[p.name] = *p.example;
    std::string url = base_url + ConcretePath(op.path, values, o.fallback_id) + op.ExampleQuery();
    std::string token;
    if (op.secured) {
      auto it = o.tokens.find(op.role);
      if (it != o.tokens.end()) token = it->second;
    }
    std::string body, type;
    if (!op.request_example.is_null()) {
      body = boost::json::serialize(op.request_example);
      type = "application/json";
    }
    check(op, prober.Send(op, url, body, type, ""), "without a token",
          op.secured && !op.anonymous_allowed ? 401 : 0);
    if (!token.empty()) check(op, prober.Send(op, url, body, type, token), "the example request with a token", 0);
    // The media type and the size are refused before authentication: these need no token.
    if (!op.has_request_body) continue;
    if (TakesJson(op))
      check(op, prober.Send(op, url, R"({"sent":"as text"})", "text/plain", token), "a JSON body sent as text/plain",
            415);
    std::size_t limit = o.body_limit;
    if (auto it = o.route_body_limits.find(op.path); it != o.route_body_limits.end()) limit = it->second;
    std::string big(limit + 1, ' ');
    big.front() = '"';
    big.back() = '"';
    check(op, prober.Send(op, url, std::move(big), op.request_media_types.empty() ? "" : op.request_media_types.front(), token),
          fmt::format("a body of {} bytes", limit + 1), 413);
  }
  return violations;
}

std::string Join(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "\n  " + l;
  return out;
}

}  // namespace store::testing
