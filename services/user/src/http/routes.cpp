#include "http/routes.hpp"

#include <boost/json.hpp>
#include <set>

#include "domain/rules.hpp"
#include "store/messaging/envelope.hpp"

namespace store::user {

namespace json = boost::json;
using boost::asio::awaitable;
using core::Errc;
using core::Error;
using core::FieldError;
using http::Request;
using http::Response;

namespace {

std::string Iso(std::int64_t ms) {
  return core::FormatTimestamp(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

json::object ProfileJson(const User& u, bool admin_view = false) {
  json::array roles;
  for (const auto& r : u.roles) roles.emplace_back(r);
  json::object o{{"id", u.id},
                 {"email", u.email},
                 {"email_verified", u.email_verified},
                 {"name", u.name},
                 {"phone", u.phone ? json::value(*u.phone) : json::value(nullptr)},
                 {"locale", u.locale},
                 {"sms_opt_in", u.sms_opt_in},
                 {"roles", roles},
                 {"has_password", u.password_hash.has_value()},
                 {"created_at", Iso(u.created_at)}};
  if (u.pending_email) o["pending_email"] = *u.pending_email;
  if (admin_view) o["disabled"] = u.disabled;
  return o;
}

json::object TokensJson(const Tokens& t) {
  return {{"access_token", t.access_token}, {"token_type", "Bearer"},
          {"expires_in", t.expires_in},     {"refresh_token", t.refresh_token},
          {"refresh_expires_in", t.refresh_expires_in}, {"session_id", t.session_id},
          {"user", ProfileJson(t.user)}};
}

json::object AddressJson(const Address& a) {
  return {{"id", a.id},
          {"label", a.label},
          {"name", a.name},
          {"line1", a.line1},
          {"line2", a.line2},
          {"city", a.city},
          {"region", a.region},
          {"postal_code", a.postal_code},
          {"country", a.country},
          {"phone", a.phone ? json::value(*a.phone) : json::value(nullptr)},
          {"default_shipping", a.default_shipping},
          {"default_billing", a.default_billing}};
}

// A strict JSON object body: only `allowed` fields (others are a 400, so a "roles" or "email_verified"
// smuggled into a body is refused, never applied).
core::Result<json::object> Body(const Request& req, std::initializer_list<const char*> allowed, bool may_be_empty = false) {
  if (may_be_empty && req.body().empty()) return json::object{};
  auto ct = req.Header("Content-Type");
  if (!ct.empty() && ct.find("json") == std::string_view::npos)
    return core::Fail(Errc::unsupported_media_type, "the body must be application/json");
  TRY(value, req.Json());
  if (!value.is_object()) return core::Fail(Error::Invalid("the body must be a JSON object"));
  std::vector<FieldError> fields;
  std::set<std::string_view> names(allowed.begin(), allowed.end());
  for (const auto& kv : value.as_object())
    if (!names.contains(kv.key())) fields.push_back({std::string(kv.key()), "is not a field of this request"});
  if (!fields.empty()) return core::Fail(Error::Invalid("unknown fields", fields));
  return value.as_object();
}

// Field readers collecting errors.
struct Fields {
  const json::object& o;
  std::vector<FieldError> errors;

  std::optional<std::string> Str(const char* name, bool required, std::size_t max_chars, bool allow_empty = false) {
    auto it = o.find(name);
    if (it == o.end() || it->value().is_null()) {
      if (required) errors.push_back({name, "is required"});
      return std::nullopt;
    }
    if (!it->value().is_string()) {
      errors.push_back({name, "must be a string"});
      return std::nullopt;
    }
    std::string s(it->value().as_string());
    if (!allow_empty && s.empty() && required) {
      errors.push_back({name, "must not be empty"});
      return std::nullopt;
    }
    auto n = Utf8Length(s);
    if (!n) {
      errors.push_back({name, "must be valid UTF-8"});
      return std::nullopt;
    }
    if (*n > max_chars) {
      errors.push_back({name, "must have at most " + std::to_string(max_chars) + " characters"});
      return std::nullopt;
    }
    return s;
  }
  std::optional<std::string> Text(const char* name, bool required, std::size_t max_chars) {
    auto s = Str(name, required, max_chars, true);
    if (s && !ValidText(*s, max_chars)) {
      errors.push_back({name, "must not contain control characters"});
      return std::nullopt;
    }
    return s;
  }
  std::optional<bool> Bool(const char* name) {
    auto it = o.find(name);
    if (it == o.end()) return std::nullopt;
    if (!it->value().is_bool()) {
      errors.push_back({name, "must be true or false"});
      return std::nullopt;
    }
    return it->value().as_bool();
  }
  bool Has(const char* name) const { return o.contains(name); }
  bool IsNull(const char* name) const {
    auto it = o.find(name);
    return it != o.end() && it->value().is_null();
  }
  core::Status Done() {
    if (errors.empty()) return {};
    return core::Fail(Error::Invalid("invalid request", errors));
  }
};

ClientInfo Client(const Request& req, const Settings& s) {
  ClientInfo c;
  c.ip = std::string(req.Header(s.client_ip_header));
  if (c.ip.empty() || c.ip.size() > 64) c.ip = "direct";
  c.user_agent = std::string(req.Header("User-Agent"));
  return c;
}

// The answer of register, resend and reset requests: the same bytes whether or not the address
// has an account (no enumeration).
Response Accepted() { return Response::Json(202, json::object{{"status", "accepted"}}); }

core::Result<Address> ParseAddress(const json::object& body) {
  Fields f{body, {}};
  Address a;
  a.label = f.Text("label", false, 50).value_or("");
  a.name = f.Text("name", true, 100).value_or("");
  a.line1 = f.Text("line1", true, 200).value_or("");
  a.line2 = f.Text("line2", false, 200).value_or("");
  a.city = f.Text("city", true, 100).value_or("");
  a.region = f.Text("region", false, 100).value_or("");
  a.postal_code = f.Text("postal_code", true, 20).value_or("");
  auto country = f.Str("country", true, 2);
  if (country && !ValidCountry(*country)) f.errors.push_back({"country", "must be an ISO 3166-1 alpha-2 code such as DE"});
  a.country = country.value_or("");
  a.phone = f.Str("phone", false, 16);
  if (a.phone && !ValidPhone(*a.phone)) f.errors.push_back({"phone", "must be an E.164 number such as +4930123456"});
  a.default_shipping = f.Bool("default_shipping").value_or(false);
  a.default_billing = f.Bool("default_billing").value_or(false);
  for (const char* required : {"name", "line1", "city", "postal_code"}) {
    auto it = body.find(required);
    if (it != body.end() && it->value().is_string() && it->value().as_string().empty())
      f.errors.push_back({required, "must not be empty"});
  }
  TRY_STATUS(f.Done());
  return a;
}

constexpr std::initializer_list<const char*> kAddressFields = {"label", "line1", "line2", "city", "region", "postal_code",
                                                               "country", "phone", "default_shipping", "default_billing",
                                                               "name", "id"};

}  // namespace


void AddRoutes(http::Router& router, RouteDeps d) {
  // Outcomes of the authentication routes, for dashboards and alerts (a burst of reuse or
  // lockouts is an attack).
  struct Outcomes {
    metrics::Counter *login_ok, *login_refused, *login_throttled, *refresh_ok, *refresh_refused, *registered, *oidc_ok,
        *oidc_refused;
  };
  auto outcome = [&](const char* name) {
    return &d.registry.GetCounter("user_auth_outcomes_total", "Outcomes of the authentication routes", {{"outcome", name}});
  };
  const Outcomes counters{outcome("login_ok"),        outcome("login_refused"),   outcome("login_throttled"),
                          outcome("refresh_ok"),      outcome("refresh_refused"), outcome("register_accepted"),
                          outcome("oidc_ok"),         outcome("oidc_refused")};
  // Handlers outlive this call: each holds a copy of `d` (references to parts that outlive the
  // router) and of `counters` (pointers into the registry, which outlives the server).

  router.Post("/v1/auth/register", [d, counters](Request& req) -> awaitable<Response> {
    CO_TRY(body, Body(req, {"email", "password", "name", "phone", "locale", "sms_opt_in"}));
    Fields f{body, {}};
    RegisterCommand cmd;
    cmd.email = f.Str("email", true, 254).value_or("");
    cmd.password = f.Str("password", true, 4096).value_or("");
    cmd.name = f.Text("name", false, 100).value_or("");
    cmd.phone = f.Str("phone", false, 16);
    if (cmd.phone && !ValidPhone(*cmd.phone)) f.errors.push_back({"phone", "must be an E.164 number such as +4930123456"});
    cmd.locale = f.Str("locale", false, 35).value_or("en");
    if (!ValidLocale(cmd.locale)) f.errors.push_back({"locale", "must be a language tag such as en or de-AT"});
    cmd.sms_opt_in = f.Bool("sms_opt_in").value_or(false);
    if (!cmd.email.empty() && !NormalizeEmail(cmd.email)) f.errors.push_back({"email", "must be a valid email address"});
    CO_TRY_STATUS(f.Done());
    auto client = Client(req, d.settings);
    CO_TRY_STATUS(co_await d.accounts.Register(cmd, client));
    counters.registered->Inc();
    co_return Accepted();
  });

  router.Post("/v1/auth/verify-email", [d](Request& req) -> awaitable<Response> {
    CO_TRY(body, Body(req, {"token"}));
    Fields f{body, {}};
    auto token = f.Str("token", true, 128).value_or("");
    CO_TRY_STATUS(f.Done());
    CO_TRY(email, co_await d.accounts.VerifyEmail(token));
    co_return Response::Json(200, json::object{{"status", "verified"}, {"email", email}});
  });

  auto email_only = [d](bool resend) {
    return [d, resend](Request& req) -> awaitable<Response> {
      CO_TRY(body, Body(req, {"email"}));
      Fields f{body, {}};
      auto email = f.Str("email", true, 254).value_or("");
      if (!email.empty() && !NormalizeEmail(email)) f.errors.push_back({"email", "must be a valid email address"});
      CO_TRY_STATUS(f.Done());
      auto client = Client(req, d.settings);
      if (resend) {
        CO_TRY_STATUS(co_await d.accounts.ResendVerification(email, client));
      } else {
        CO_TRY_STATUS(co_await d.accounts.RequestPasswordReset(email, client));
      }
      co_return Accepted();
    };
  };
  router.Post("/v1/auth/resend-verification", email_only(true));
  router.Post("/v1/auth/password-reset/request", email_only(false));

  router.Post("/v1/auth/password-reset/confirm", [d](Request& req) -> awaitable<Response> {
    CO_TRY(body, Body(req, {"token", "password"}));
    Fields f{body, {}};
    auto token = f.Str("token", true, 128).value_or("");
    auto password = f.Str("password", true, 4096).value_or("");
    CO_TRY_STATUS(f.Done());
    CO_TRY_STATUS(co_await d.accounts.ConfirmPasswordReset(token, password));
    co_return Response::Empty(204);
  });

  router.Post("/v1/auth/login", [d, counters](Request& req) -> awaitable<Response> {
    CO_TRY(body, Body(req, {"email", "password", "remember_me", "guest_cart_id"}));
    Fields f{body, {}};
    LoginCommand cmd;
    cmd.email = f.Str("email", true, 254).value_or("");
    cmd.password = f.Str("password", true, 4096).value_or("");
    cmd.remember_me = f.Bool("remember_me").value_or(false);
    cmd.guest_cart_id = f.Text("guest_cart_id", false, 64);
    if (!cmd.email.empty() && !NormalizeEmail(cmd.email)) f.errors.push_back({"email", "must be a valid email address"});
    CO_TRY_STATUS(f.Done());
    auto client = Client(req, d.settings);
    auto login = co_await d.accounts.Login(cmd, client);
    if (!login) (login.error().code == Errc::too_many_requests ? counters.login_throttled : counters.login_refused)->Inc();
    else counters.login_ok->Inc();
    CO_TRY(tokens, std::move(login));
    co_return Response::Json(200, TokensJson(tokens)).SetHeader("Cache-Control", "no-store");
  });

  router.Post("/v1/auth/refresh", [d, counters](Request& req) -> awaitable<Response> {
    CO_TRY(body, Body(req, {"refresh_token"}));
    Fields f{body, {}};
    auto token = f.Str("refresh_token", true, 128).value_or("");
    CO_TRY_STATUS(f.Done());
    auto client = Client(req, d.settings);
    auto refreshed = co_await d.accounts.Refresh(token, client);
    (refreshed ? counters.refresh_ok : counters.refresh_refused)->Inc();
    CO_TRY(tokens, std::move(refreshed));
    co_return Response::Json(200, TokensJson(tokens)).SetHeader("Cache-Control", "no-store");
  });

  router.Post("/v1/auth/logout", [d](Request& req) -> awaitable<Response> {
    CO_TRY(body, Body(req, {"refresh_token"}, true));
    Fields f{body, {}};
    auto refresh = f.Str("refresh_token", false, 128);
    CO_TRY_STATUS(f.Done());
    auto claims = co_await d.authenticator.Authenticate(req);
    if (claims) {
      const std::string reason = "logout";
      auto done = co_await d.accounts.EndSession(claims->subject, claims->session_id, reason);
      if (!done && done.error().code != Errc::not_found) co_return done.error();  // already ended: still 204
      co_return Response::Empty(204);
    }
    if (!refresh) co_return claims.error();
    CO_TRY_STATUS(co_await d.accounts.EndSessionByRefresh(*refresh));
    co_return Response::Empty(204);
  });

  router.Post("/v1/auth/logout-all", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    const std::string reason = "logout_all";
    const std::optional<std::string> except;
    CO_TRY_STATUS(co_await d.accounts.EndAllSessions(claims.subject, except, reason));
    co_return Response::Empty(204);
  });

  router.Get("/v1/auth/introspect", [d](Request& req) -> awaitable<Response> {
    auto claims = co_await d.authenticator.Authenticate(req);
    if (!claims) {
      Response res = claims.error();
      if (claims.error().code == Errc::unauthenticated) res.SetHeader("WWW-Authenticate", "Bearer");
      co_return res;
    }
    auto now = std::chrono::duration_cast<std::chrono::seconds>(d.clock.Now().time_since_epoch()).count();
    auto cache_for = std::clamp<std::int64_t>(claims->expires_at - now, 0, d.settings.gateway_cache.count());
    std::string roles;
    for (const auto& r : claims->roles) roles += (roles.empty() ? "" : ",") + r;
    auto res = Response::Empty(204);
    res.SetHeader("X-User-Id", claims->subject);
    res.SetHeader("X-User-Roles", roles);
    res.SetHeader("X-Session-Id", claims->session_id);
    // Absolute ("@<unix seconds>"): nginx keeps the verdict until the END of that second, so
    // "@<now + cache_for - 1>" lives at most cache_for seconds (a relative "1" lives 1-2 s).
    res.SetHeader("X-Accel-Expires", cache_for == 0 ? std::string("0") : "@" + std::to_string(now + cache_for - 1));
    co_return res;
  });

  router.Get("/.well-known/jwks.json", [d](Request&) -> awaitable<Response> {
    auto res = Response::Json(200, d.keys.public_keys.ToJwks());
    res.SetHeader("Cache-Control", "public, max-age=300");
    co_return res;
  });

  router.Get("/v1/auth/oidc/{provider}/start", [d](Request& req) -> awaitable<Response> {
    std::string provider(*req.PathParam("provider"));
    CO_TRY(url, co_await d.social.Start(provider));
    if (req.Query("redirect") == std::optional<std::string>("0"))
      co_return Response::Json(200, json::object{{"authorization_url", url}}).SetHeader("Cache-Control", "no-store");
    auto res = Response::Empty(302);
    res.SetHeader("Location", url);
    res.SetHeader("Cache-Control", "no-store");
    co_return res;
  });

  router.Get("/v1/auth/oidc/{provider}/callback", [d, counters](Request& req) -> awaitable<Response> {
    std::string provider(*req.PathParam("provider"));
    if (!d.social.Has(provider)) co_return Error::NotFound("no such provider");
    if (req.Query("error")) co_return Error{Errc::unauthenticated, "the provider refused the sign-in"};
    auto code = req.Query("code").value_or("");
    auto state = req.Query("state").value_or("");
    auto client = Client(req, d.settings);
    auto signed_in = co_await d.social.Callback(provider, code, state, client);
    (signed_in ? counters.oidc_ok : counters.oidc_refused)->Inc();
    CO_TRY(tokens, std::move(signed_in));
    co_return Response::Json(200, TokensJson(tokens)).SetHeader("Cache-Control", "no-store");
  });

  // ------------------------------------------------------------------ the account itself

  router.Get("/v1/me", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(user, co_await d.accounts.Profile(claims.subject));
    co_return Response::Json(200, ProfileJson(user));
  });

  router.Patch("/v1/me", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(body, Body(req, {"name", "phone", "locale", "sms_opt_in"}));
    Fields f{body, {}};
    ProfilePatch patch;
    patch.name = f.Text("name", false, 100);
    if (f.IsNull("phone")) {
      patch.phone = std::optional<std::string>{};
    } else if (auto phone = f.Str("phone", false, 16)) {
      if (!ValidPhone(*phone)) f.errors.push_back({"phone", "must be an E.164 number such as +4930123456"});
      patch.phone = phone;
    }
    patch.locale = f.Str("locale", false, 35);
    if (patch.locale && !ValidLocale(*patch.locale)) f.errors.push_back({"locale", "must be a language tag such as en or de-AT"});
    patch.sms_opt_in = f.Bool("sms_opt_in");
    CO_TRY_STATUS(f.Done());
    CO_TRY(user, co_await d.accounts.UpdateProfile(claims.subject, patch));
    co_return Response::Json(200, ProfileJson(user));
  });

  router.Post("/v1/me/email", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(body, Body(req, {"new_email", "password"}));
    Fields f{body, {}};
    auto email = f.Str("new_email", true, 254).value_or("");
    auto password = f.Str("password", false, 4096).value_or("");
    if (!email.empty() && !NormalizeEmail(email)) f.errors.push_back({"new_email", "must be a valid email address"});
    CO_TRY_STATUS(f.Done());
    CO_TRY_STATUS(co_await d.accounts.RequestEmailChange(claims.subject, email, password));
    co_return Accepted();
  });

  router.Post("/v1/me/password", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(body, Body(req, {"current_password", "new_password"}));
    Fields f{body, {}};
    auto current = f.Str("current_password", true, 4096).value_or("");
    auto next = f.Str("new_password", true, 4096).value_or("");
    CO_TRY_STATUS(f.Done());
    CO_TRY_STATUS(co_await d.accounts.ChangePassword(claims.subject, claims.session_id, current, next));
    co_return Response::Empty(204);
  });

  router.Get("/v1/me/sessions", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(sessions, co_await d.accounts.Sessions(claims.subject));
    json::array list;
    for (const auto& s : sessions)
      list.push_back(json::object{{"id", s.id},
                                  {"created_at", Iso(s.created_at)},
                                  {"last_used_at", Iso(s.last_used_at)},
                                  {"expires_at", Iso(s.expires_at)},
                                  {"remember_me", s.remember_me},
                                  {"method", s.method},
                                  {"ip", s.ip},
                                  {"user_agent", s.user_agent},
                                  {"current", s.id == claims.session_id}});
    co_return Response::Json(200, json::object{{"sessions", list}});
  });

  router.Delete("/v1/me/sessions/{id}", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    std::string id(*req.PathParam("id"));
    if (!messaging::IsUuid(id)) co_return Error::NotFound("no such session");
    const std::string reason = "ended";
    CO_TRY_STATUS(co_await d.accounts.EndSession(claims.subject, id, reason));
    co_return Response::Empty(204);
  });

  router.Get("/v1/me/addresses", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(list, co_await d.accounts.ListAddresses(claims.subject));
    json::array items;
    for (const auto& a : list) items.push_back(AddressJson(a));
    co_return Response::Json(200, json::object{{"addresses", items}});
  });

  router.Post("/v1/me/addresses", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    CO_TRY(body, Body(req, kAddressFields));
    if (body.contains("id")) co_return Error::Invalid("invalid request", {{"id", "is chosen by the service"}});
    CO_TRY(address, ParseAddress(body));
    CO_TRY(created, co_await d.accounts.CreateAddress(claims.subject, address));
    auto res = Response::Json(201, AddressJson(created));
    res.SetHeader("Location", "/v1/me/addresses/" + created.id);
    co_return res;
  });

  router.Put("/v1/me/addresses/{id}", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    std::string id(*req.PathParam("id"));
    if (!messaging::IsUuid(id)) co_return Error::NotFound("no such address");
    CO_TRY(body, Body(req, kAddressFields));
    if (auto it = body.find("id"); it != body.end() && !(it->value().is_string() && it->value().as_string() == id))
      co_return Error::Invalid("invalid request", {{"id", "must match the path"}});
    CO_TRY(address, ParseAddress(body));
    address.id = id;
    CO_TRY(updated, co_await d.accounts.UpdateAddress(claims.subject, address));
    co_return Response::Json(200, AddressJson(updated));
  });

  router.Delete("/v1/me/addresses/{id}", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    std::string id(*req.PathParam("id"));
    if (!messaging::IsUuid(id)) co_return Error::NotFound("no such address");
    CO_TRY_STATUS(co_await d.accounts.DeleteAddress(claims.subject, id));
    co_return Response::Empty(204);
  });

  // ------------------------------------------------------------------ admin

  router.Get("/v1/admin/users", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.RequireRole(req, "admin"));
    std::vector<FieldError> errors;
    auto q = req.Query("q").value_or("");
    if (!ValidText(q, 100)) errors.push_back({"q", "must be at most 100 characters of text"});
    auto number = [&](const char* name, std::int64_t def, std::int64_t lo, std::int64_t hi) -> std::int64_t {
      auto v = req.Query(name);
      if (!v) return def;
      char* end = nullptr;
      long long n = std::strtoll(v->c_str(), &end, 10);
      if (v->empty() || *end != '\0' || n < lo || n > hi) {
        errors.push_back({name, "must be an integer within " + std::to_string(lo) + ".." + std::to_string(hi)});
        return def;
      }
      return n;
    };
    auto limit = number("limit", 50, 1, 200);
    auto offset = number("offset", 0, 0, 1'000'000);
    if (!errors.empty()) co_return Error::Invalid("invalid query", errors);
    CO_TRY(users, co_await d.accounts.SearchUsers(q, limit, offset));
    json::array items;
    for (const auto& u : users) items.push_back(ProfileJson(u, true));
    co_return Response::Json(200, json::object{{"users", items}});
  });

  auto set_disabled = [d](bool disabled) {
    return [d, disabled](Request& req) -> awaitable<Response> {
      CO_TRY(claims, co_await d.authenticator.RequireRole(req, "admin"));
      std::string id(*req.PathParam("id"));
      if (!messaging::IsUuid(id)) co_return Error::NotFound("no such account");
      if (disabled && id == claims.subject) co_return Error{Errc::unprocessable, "an admin cannot disable their own account"};
      CO_TRY(user, co_await d.accounts.SetDisabled(id, disabled));
      co_return Response::Json(200, ProfileJson(user, true));
    };
  };
  router.Post("/v1/admin/users/{id}/disable", set_disabled(true));
  router.Post("/v1/admin/users/{id}/enable", set_disabled(false));
}

}  // namespace store::user
