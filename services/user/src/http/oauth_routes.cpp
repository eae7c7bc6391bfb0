// POST /v1/oauth/token: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) through which the
// shop's services get access tokens to call each other (app/service_clients.hpp).
//
// The request is application/x-www-form-urlencoded (§4.4.2: grant_type=client_credentials); the
// client authenticates with HTTP Basic (§2.3.1: id and secret form-encoded, then base64) or with
// client_id and client_secret in the body, never both. The answers are RFC 6749's JSON (§5.1, §5.2:
// `error` and `error_description`, what OAuth clients read), not problem+json, with
// Cache-Control: no-store. A body of another media type is the shared policy's 415.
#include <boost/json.hpp>
#include <cctype>
#include <map>
#include <optional>
#include <variant>

#include "http/json_io.hpp"
#include "http/routes.hpp"
#include "store/auth/jws.hpp"
#include "store/core/text.hpp"
#include "store/log/log.hpp"

namespace store::user {

namespace json = boost::json;
using boost::asio::awaitable;
using http::Request;
using http::Response;

namespace {

constexpr std::string_view kFormType = "application/x-www-form-urlencoded";

Response OAuthAnswer(int status, json::object body) {
  auto res = Response::Json(status, body);
  res.SetHeader("Cache-Control", "no-store");
  res.SetHeader("Pragma", "no-cache");
  return res;
}

// RFC 6749 §5.2; invalid_client is a 401 with the challenge of the scheme clients authenticate with.
Response OAuthError(std::string_view error, std::string_view description) {
  bool client = error == "invalid_client";
  auto res = OAuthAnswer(client ? 401 : 400, {{"error", error}, {"error_description", description}});
  if (client) res.SetHeader("WWW-Authenticate", "Basic realm=\"store\", charset=\"UTF-8\"");
  return res;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One application/x-www-form-urlencoded component: '+' is a space, %XX a byte; nullopt when a '%'
// is not followed by two hex digits.
std::optional<std::string> FormDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

struct Form {
  std::map<std::string, std::string, std::less<>> values;
  std::optional<std::string> Get(std::string_view name) const {
    auto it = values.find(name);
    return it == values.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
};

// The body's parameters; an error description when it is malformed or names one twice (§3.2).
std::variant<Form, std::string> ParseForm(std::string_view body) {
  Form form;
  while (!body.empty()) {
    auto amp = body.find('&');
    auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = FormDecode(pair.substr(0, eq));
    auto value = FormDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) return std::string("the body is not application/x-www-form-urlencoded");
    if (!form.values.emplace(std::move(*name), std::move(*value)).second)
      return "the parameter " + core::TruncateUtf8(pair.substr(0, eq), 40) + " is given more than once";
  }
  return form;
}

bool IsFormType(std::string_view content_type) {
  auto type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) type.remove_suffix(1);
  if (type.size() != kFormType.size()) return false;
  for (std::size_t i = 0; i < type.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(type[i])) != kFormType[i]) return false;
  return true;
}

struct ClientCredentials {
  std::string id;
  std::string secret;
};

// "Basic base64(form-encoded id ':' form-encoded secret)"; nullopt when it is not that.
std::optional<ClientCredentials> ParseBasic(std::string_view header) {
  constexpr std::string_view kScheme = "basic ";
  if (header.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return std::nullopt;
  std::string text(header.substr(kScheme.size()));
  for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;  // standard base64 -> base64url
  while (!text.empty() && text.back() == '=') text.pop_back();
  auto decoded = auth::Base64UrlDecode(text);
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  auto id = FormDecode(std::string_view(*decoded).substr(0, colon));
  auto secret = FormDecode(std::string_view(*decoded).substr(colon + 1));
  if (!id || !secret) return std::nullopt;
  return ClientCredentials{std::move(*id), std::move(*secret)};
}

}  // namespace

void AddOAuthRoutes(http::Router& router, const RouteDeps& deps) {
  const RouteDeps d = deps;
  auto outcome = [&](const char* name) {
    return &deps.registry.GetCounter("user_auth_outcomes_total", "Outcomes of the authentication routes", {{"outcome", name}});
  };
  metrics::Counter* issued = outcome("service_token_ok");
  metrics::Counter* refused = outcome("service_token_refused");

  router.Post(
      "/v1/oauth/token",
      [d, issued, refused](Request& req) -> awaitable<Response> {
        auto type = req.Header("Content-Type");
        if (!req.body().empty() && !type.empty() && !IsFormType(type))
          co_return core::Error{core::Errc::unsupported_media_type,
                                "This operation takes an application/x-www-form-urlencoded body (RFC 6749)."};
        auto parsed = ParseForm(req.body());
        if (auto* problem = std::get_if<std::string>(&parsed)) co_return OAuthError("invalid_request", *problem);
        const auto& form = std::get<Form>(parsed);
        auto grant = form.Get("grant_type");
        if (!grant) co_return OAuthError("invalid_request", "grant_type is required");
        if (*grant != "client_credentials")
          co_return OAuthError("unsupported_grant_type", "this server grants client_credentials only");

        auto authorization = req.Header("Authorization");
        auto body_id = form.Get("client_id");
        auto body_secret = form.Get("client_secret");
        ClientCredentials credentials;
        if (!authorization.empty()) {
          if (body_secret) co_return OAuthError("invalid_request", "authenticate with one method: HTTP Basic or the body");
          auto basic = ParseBasic(authorization);
          if (!basic || (body_id && *body_id != basic->id)) {
            refused->Inc();
            co_return OAuthError("invalid_client", "HTTP Basic client authentication is malformed");
          }
          credentials = std::move(*basic);
        } else if (body_id && body_secret) {
          credentials = {*body_id, *body_secret};
        } else {
          refused->Inc();
          co_return OAuthError("invalid_client", "client authentication is required");
        }

        auto token = d.service_clients.IssueToken(credentials.id, credentials.secret);
        if (!token) {
          refused->Inc();
          log::Warn("service token refused",
                    {{"client_id", core::TruncateUtf8(credentials.id, 64)}, {"ip", Client(req, d.settings).ip}},
                    &req.log_context());
          co_return OAuthError("invalid_client", "unknown client or wrong client secret");
        }
        issued->Inc();
        co_return OAuthAnswer(200, {{"access_token", token->access_token},
                                    {"token_type", "Bearer"},
                                    {"expires_in", token->expires_in.count()}});
      },
      http::RouteOptions{.body = http::BodyKind::bytes});
}

}  // namespace store::user
