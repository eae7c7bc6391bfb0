// /v1/auth/*: registration, verification, login, refresh, logout, password reset, social login,
// the gateway's introspection, and the JWKS.
#include <algorithm>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "domain/rules.hpp"
#include "http/json_io.hpp"
#include "http/routes.hpp"

namespace store::user {

namespace json = boost::json;
using boost::asio::awaitable;
using core::Errc;
using core::Error;
using http::Request;
using http::Response;

namespace {

// Outcomes of the authentication routes, for dashboards and alerts (a burst of reuse or lockouts
// is an attack). Pointers into the registry, which outlives the server.
struct Outcomes {
  metrics::Counter *login_ok, *login_refused, *login_throttled, *refresh_ok, *refresh_refused, *registered, *oidc_ok,
      *oidc_refused;
};

Outcomes MakeOutcomes(metrics::Registry& registry) {
  auto outcome = [&](const char* name) {
    return &registry.GetCounter("user_auth_outcomes_total", "Outcomes of the authentication routes", {{"outcome", name}});
  };
  return {outcome("login_ok"),        outcome("login_refused"),   outcome("login_throttled"),
          outcome("refresh_ok"),      outcome("refresh_refused"), outcome("register_accepted"),
          outcome("oidc_ok"),         outcome("oidc_refused")};
}

core::Result<RegisterCommand> ParseRegister(const Request& req) {
  TRY(body, http::ObjectBody(req, {"email", "password", "name", "phone", "locale", "sms_opt_in"}));
  http::Fields f(body);
  RegisterCommand cmd;
  cmd.email = f.String("email", true, 1, 254).value_or("");
  cmd.password = f.String("password", true, 1, 4096).value_or("");
  cmd.name = f.Text("name", false, 0, 100).value_or("");
  cmd.phone = f.String("phone", false, 0, 16);
  if (cmd.phone && !ValidPhone(*cmd.phone)) f.Add("phone", "must be an E.164 number such as +4930123456");
  cmd.locale = f.String("locale", false, 0, 35).value_or("en");
  if (!ValidLocale(cmd.locale)) f.Add("locale", "must be a language tag such as en or de-AT");
  cmd.sms_opt_in = f.Bool("sms_opt_in").value_or(false);
  if (!cmd.email.empty() && !NormalizeEmail(cmd.email)) f.Add("email", "must be a valid email address");
  TRY_STATUS(f.Check());
  return cmd;
}

core::Result<LoginCommand> ParseLogin(const Request& req) {
  TRY(body, http::ObjectBody(req, {"email", "password", "remember_me", "guest_cart_id"}));
  http::Fields f(body);
  LoginCommand cmd;
  cmd.email = f.String("email", true, 1, 254).value_or("");
  cmd.password = f.String("password", true, 1, 4096).value_or("");
  cmd.remember_me = f.Bool("remember_me").value_or(false);
  cmd.guest_cart_id = f.Text("guest_cart_id", false, 0, 64);
  if (!cmd.email.empty() && !NormalizeEmail(cmd.email)) f.Add("email", "must be a valid email address");
  TRY_STATUS(f.Check());
  return cmd;
}

// {"email"} of a resend or reset request.
core::Result<std::string> ParseEmailRequest(const Request& req) {
  TRY(body, http::ObjectBody(req, {"email"}));
  http::Fields f(body);
  auto email = f.String("email", true, 1, 254).value_or("");
  if (!email.empty() && !NormalizeEmail(email)) f.Add("email", "must be a valid email address");
  TRY_STATUS(f.Check());
  return email;
}

// A body holding one required token field (verify-email, refresh).
core::Result<std::string> ParseToken(const Request& req, const char* field) {
  TRY(body, http::ObjectBody(req, {field}));
  http::Fields f(body);
  auto token = f.String(field, true, 1, 128).value_or("");
  TRY_STATUS(f.Check());
  return token;
}

struct ResetConfirmation {
  std::string token;
  std::string password;
};

core::Result<ResetConfirmation> ParseResetConfirmation(const Request& req) {
  TRY(body, http::ObjectBody(req, {"token", "password"}));
  http::Fields f(body);
  ResetConfirmation c;
  c.token = f.String("token", true, 1, 128).value_or("");
  c.password = f.String("password", true, 1, 4096).value_or("");
  TRY_STATUS(f.Check());
  return c;
}

// {"refresh_token"?} of a logout (the body may be empty).
core::Result<std::optional<std::string>> ParseLogout(const Request& req) {
  TRY(body, http::ObjectBody(req, {"refresh_token"}, true));
  http::Fields f(body);
  auto refresh = f.String("refresh_token", false, 0, 128);
  TRY_STATUS(f.Check());
  return refresh;
}

Response TokensAnswer(const Tokens& tokens) {
  return Response::Json(200, TokensJson(tokens)).SetHeader("Cache-Control", "no-store");
}

}  // namespace

void AddAuthRoutes(http::Router& router, const RouteDeps& deps) {
  // Handlers outlive this call: each holds a copy of `d` (references to parts that outlive the
  // router) and of `counters`.
  const RouteDeps d = deps;
  const Outcomes counters = MakeOutcomes(d.registry);

  router.Post("/v1/auth/register", [d, counters](Request& req) -> awaitable<Response> {
    CO_TRY(cmd, ParseRegister(req));
    auto client = Client(req, d.settings);
    CO_TRY_STATUS(co_await d.accounts.Register(cmd, client));
    counters.registered->Inc();
    co_return Accepted();
  });

  router.Post("/v1/auth/verify-email", [d](Request& req) -> awaitable<Response> {
    CO_TRY(token, ParseToken(req, "token"));
    CO_TRY(email, co_await d.accounts.VerifyEmail(token));
    co_return Response::Json(200, json::object{{"status", "verified"}, {"email", email}});
  });

  router.Post("/v1/auth/resend-verification", [d](Request& req) -> awaitable<Response> {
    CO_TRY(email, ParseEmailRequest(req));
    auto client = Client(req, d.settings);
    CO_TRY_STATUS(co_await d.accounts.ResendVerification(email, client));
    co_return Accepted();
  });

  router.Post("/v1/auth/password-reset/request", [d](Request& req) -> awaitable<Response> {
    CO_TRY(email, ParseEmailRequest(req));
    auto client = Client(req, d.settings);
    CO_TRY_STATUS(co_await d.accounts.RequestPasswordReset(email, client));
    co_return Accepted();
  });

  router.Post("/v1/auth/password-reset/confirm", [d](Request& req) -> awaitable<Response> {
    CO_TRY(confirmation, ParseResetConfirmation(req));
    CO_TRY_STATUS(co_await d.accounts.ConfirmPasswordReset(confirmation.token, confirmation.password));
    co_return Response::Empty(204);
  });

  router.Post("/v1/auth/login", [d, counters](Request& req) -> awaitable<Response> {
    CO_TRY(cmd, ParseLogin(req));
    auto client = Client(req, d.settings);
    auto login = co_await d.accounts.Login(cmd, client);
    if (!login) (login.error().code == Errc::too_many_requests ? counters.login_throttled : counters.login_refused)->Inc();
    else counters.login_ok->Inc();
    CO_TRY(tokens, std::move(login));
    co_return TokensAnswer(tokens);
  });

  router.Post("/v1/auth/refresh", [d, counters](Request& req) -> awaitable<Response> {
    CO_TRY(token, ParseToken(req, "refresh_token"));
    auto client = Client(req, d.settings);
    auto refreshed = co_await d.accounts.Refresh(token, client);
    (refreshed ? counters.refresh_ok : counters.refresh_refused)->Inc();
    CO_TRY(tokens, std::move(refreshed));
    co_return TokensAnswer(tokens);
  });

  router.Post("/v1/auth/logout", [d](Request& req) -> awaitable<Response> {
    CO_TRY(refresh, ParseLogout(req));
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
    // fmt, not "@" + std::to_string(...): g++ 12 -O3 reports a false -Wrestrict there (GCC PR 105329).
    res.SetHeader("X-Accel-Expires", cache_for == 0 ? std::string("0") : fmt::format("@{}", now + cache_for - 1));
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
    co_return TokensAnswer(tokens);
  });
}

}  // namespace store::user
