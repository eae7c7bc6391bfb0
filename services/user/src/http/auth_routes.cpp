// /v1/auth/*: registration, verification, login, refresh, logout, password reset, social login,
// the gateway's introspection, and the JWKS.
#include <algorithm>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "domain/rules.hpp"
#include "http/json_io.hpp"
#include "http/routes.hpp"
#include "store/http/cookies.hpp"

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
      *oidc_refused, *mfa_ok, *mfa_refused;
};

Outcomes MakeOutcomes(metrics::Registry& registry) {
  auto outcome = [&](const char* name) {
    return &registry.GetCounter("user_auth_outcomes_total", "Outcomes of the authentication routes", {{"outcome", name}});
  };
  return {outcome("login_ok"),        outcome("login_refused"),   outcome("login_throttled"),
          outcome("refresh_ok"),      outcome("refresh_refused"), outcome("register_accepted"),
          outcome("oidc_ok"),         outcome("oidc_refused"),    outcome("mfa_ok"),
          outcome("mfa_refused")};
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

// A login; `session_cookie: true` (a browser) asks for the refresh token as an HttpOnly cookie.
struct LoginRequest {
  LoginCommand cmd;
  bool session_cookie = false;
};

core::Result<LoginRequest> ParseLogin(const Request& req) {
  TRY(body, http::ObjectBody(req, {"email", "password", "remember_me", "guest_cart_id", "session_cookie"}));
  http::Fields f(body);
  LoginRequest login;
  LoginCommand& cmd = login.cmd;
  cmd.email = f.String("email", true, 1, 254).value_or("");
  cmd.password = f.String("password", true, 1, 4096).value_or("");
  cmd.remember_me = f.Bool("remember_me").value_or(false);
  cmd.guest_cart_id = f.Text("guest_cart_id", false, 0, 64);
  login.session_cookie = f.Bool("session_cookie").value_or(false);
  if (!cmd.email.empty() && !NormalizeEmail(cmd.email)) f.Add("email", "must be a valid email address");
  TRY_STATUS(f.Check());
  return login;
}

// The second step of a sign-in: the challenge (else the browser's challenge cookie) and a code.
struct MfaLoginRequest {
  std::optional<std::string> challenge;
  std::string code;
  bool session_cookie = false;
};

core::Result<MfaLoginRequest> ParseMfaLogin(const Request& req) {
  TRY(body, http::ObjectBody(req, {"mfa_token", "code", "session_cookie"}));
  http::Fields f(body);
  MfaLoginRequest r;
  r.challenge = f.String("mfa_token", false, 1, 128);
  r.code = f.String("code", true, 1, 32).value_or("");
  r.session_cookie = f.Bool("session_cookie").value_or(false);
  TRY_STATUS(f.Check());
  return r;
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

// A body holding one required token field (verify-email).
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

// {"refresh_token"?} of a refresh or a logout (the body may be empty: the session cookie's then).
core::Result<std::optional<std::string>> ParseOptionalRefresh(const Request& req) {
  TRY(body, http::ObjectBody(req, {"refresh_token"}, true));
  http::Fields f(body);
  auto refresh = f.String("refresh_token", false, 1, 128);
  TRY_STATUS(f.Check());
  return refresh;
}

// The browser session's cookie: the refresh token, HttpOnly (no script reads it), SameSite=Strict
// (never sent by a request another site starts), on the auth path only, living as the session may.
http::CookieSpec SessionCookie(const Settings& settings, std::int64_t max_age_seconds = 0) {
  return http::CookieSpec{.name = "store_session", .path = settings.session_cookie_path,
                          .max_age = std::chrono::seconds(max_age_seconds), .secure = settings.session_cookie_secure,
                          .same_site = "Strict"};
}
// Beside it, a flag the pages may read ("1", no secret) so that a visitor who never signed in is
// not sent to the refresh route on every page load.
http::CookieSpec SessionHint(const Settings& settings, std::int64_t max_age_seconds = 0) {
  return http::CookieSpec{.name = "store_signed_in", .path = "/", .max_age = std::chrono::seconds(max_age_seconds),
                          .secure = settings.session_cookie_secure, .same_site = "Strict", .http_only = false};
}

// A browser's social sign-in: its state, from the start to the provider's redirect back (Lax: that
// redirect is a top-level navigation from the provider's site, which Strict would not send it on).
http::CookieSpec SocialStateCookie(const Settings& settings) {
  return http::CookieSpec{.name = "store_oidc_state", .path = settings.session_cookie_path + "/oidc",
                          .max_age = std::chrono::duration_cast<std::chrono::seconds>(settings.oidc_state_ttl),
                          .secure = settings.session_cookie_secure, .same_site = "Lax"};
}

// The page a browser's social sign-in returns to: a path of this site ("/..." but not "//host" or
// "/\host", which browsers read as another site), printable, no quotes or angle brackets.
bool LocalPath(std::string_view path) {
  if (path.empty() || path.size() > 512 || path[0] != '/' || path.starts_with("//")) return false;
  for (unsigned char c : path)  // a backslash anywhere: "/\\host" too
    if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '"' || c == '\'' || c == '<' || c == '>') return false;
  return true;
}

void SetSession(Response& res, const Settings& settings, const Tokens& tokens) {
  res.SetHeader("Set-Cookie", http::SetCookieValue(SessionCookie(settings, tokens.refresh_expires_in), tokens.refresh_token));
  res.SetHeader("Set-Cookie", http::SetCookieValue(SessionHint(settings, tokens.refresh_expires_in), "1"));
}

void ClearSession(Response& res, const Settings& settings) {
  res.SetHeader("Set-Cookie", http::ClearCookieValue(SessionCookie(settings)));
  res.SetHeader("Set-Cookie", http::ClearCookieValue(SessionHint(settings)));
}

// A browser's social sign-in waiting for its second factor: the challenge token, from the
// provider's redirect back to the code form's POST (same site: Strict), on the auth path only.
http::CookieSpec MfaCookie(const Settings& settings) {
  return http::CookieSpec{.name = "store_mfa", .path = settings.session_cookie_path,
                          .max_age = std::chrono::duration_cast<std::chrono::seconds>(settings.mfa_challenge_ttl),
                          .secure = settings.session_cookie_secure, .same_site = "Strict"};
}

// The answer of a sign-in stopped at its second factor. No session yet: nothing is cached.
Response ChallengeAnswer(const MfaChallenge& c) {
  Response res = Response::Json(200, json::object{{"mfa_required", true},
                                                  {"mfa_token", c.token},
                                                  {"methods", json::array{"totp", "recovery_code"}},
                                                  {"expires_in", c.expires_in}});
  res.SetHeader("Cache-Control", "no-store");
  return res;
}

// A request authenticated by the session cookie must come from this site's own pages: its Origin
// (every browser sends one with a POST) names the host the client asked for (the gateway forwards
// it in X-Forwarded-Host). Defence in depth beside SameSite=Strict and the JSON-only bodies (a
// cross-site form cannot send JSON). No Origin: not a browser, so no ambient cookie to abuse.
bool SameOrigin(const Request& req) {
  const std::string_view origin = req.Header("Origin");
  if (origin.empty()) return true;
  std::string_view host = req.Header("X-Forwarded-Host");
  if (host.empty()) host = req.Header("Host");
  const auto scheme_end = origin.find("://");
  return scheme_end != std::string_view::npos && !host.empty() && origin.substr(scheme_end + 3) == host;
}

// Where the refresh token of a refresh or logout comes from: the body (an API client), else the
// session cookie (a browser; then the answer rotates the cookie). 403 for a cookie sent cross-origin.
struct RefreshSource {
  std::optional<std::string> token;
  bool from_cookie = false;
};

core::Result<RefreshSource> RefreshOf(const Request& req) {
  TRY(body_token, ParseOptionalRefresh(req));
  if (body_token) return RefreshSource{std::move(body_token), false};
  auto cookie = http::TokenCookie(req, "store_session");
  if (!cookie) return RefreshSource{};
  if (!SameOrigin(req)) return std::unexpected(Error{Errc::forbidden, "the session cookie came from another site"});
  return RefreshSource{std::move(cookie), true};
}

// The tokens; for a browser session the refresh token goes into the cookie, never into the body.
// return_to: the page a browser's social sign-in ends on (after its second factor).
Response TokensAnswer(const Tokens& tokens, const Settings& settings, bool session_cookie,
                      const std::optional<std::string>& return_to = std::nullopt) {
  json::object body = TokensJson(tokens);
  if (session_cookie) body.erase("refresh_token");
  if (return_to) body["return_to"] = *return_to;
  Response res = Response::Json(200, std::move(body));
  res.SetHeader("Cache-Control", "no-store");
  if (session_cookie) SetSession(res, settings, tokens);
  return res;
}

Response Ended(const Settings& settings) {
  auto res = Response::Empty(204);
  ClearSession(res, settings);
  return res;
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
    CO_TRY(login_request, ParseLogin(req));
    auto client = Client(req, d.settings);
    auto login = co_await d.accounts.Login(login_request.cmd, client);
    if (!login) (login.error().code == Errc::too_many_requests ? counters.login_throttled : counters.login_refused)->Inc();
    else counters.login_ok->Inc();
    CO_TRY(outcome, std::move(login));
    if (auto* challenge = std::get_if<MfaChallenge>(&outcome)) co_return ChallengeAnswer(*challenge);
    co_return TokensAnswer(std::get<Tokens>(outcome), d.settings, login_request.session_cookie);
  });

  // The second step of a sign-in whose account has a second factor: the login's mfa_token (or a
  // browser's store_mfa cookie, after a social sign-in) and a TOTP or recovery code. The answer
  // is the login's, plus return_to after a browser's social sign-in.
  router.Post("/v1/auth/login/mfa", [d, counters](Request& req) -> awaitable<Response> {
    CO_TRY(body, ParseMfaLogin(req));
    bool from_cookie = false;
    if (!body.challenge) {
      body.challenge = http::TokenCookie(req, MfaCookie(d.settings).name);
      if (!body.challenge) co_return Error::Invalid("invalid request", {{"mfa_token", "is required"}});
      if (!SameOrigin(req)) co_return Error{Errc::forbidden, "the sign-in cookie came from another site"};
      from_cookie = true;
    }
    auto completed = co_await d.accounts.CompleteLogin(*body.challenge, body.code, Client(req, d.settings));
    (completed ? counters.mfa_ok : counters.mfa_refused)->Inc();
    CO_TRY(signed_in, std::move(completed));
    Response res = TokensAnswer(signed_in.tokens, d.settings, body.session_cookie || from_cookie, signed_in.return_to);
    if (from_cookie) res.SetHeader("Set-Cookie", http::ClearCookieValue(MfaCookie(d.settings)));
    co_return res;
  });

  router.Post("/v1/auth/refresh", [d, counters](Request& req) -> awaitable<Response> {
    CO_TRY(source, RefreshOf(req));
    if (!source.token) co_return Error{Errc::unauthenticated, "no refresh token"};
    auto client = Client(req, d.settings);
    auto refreshed = co_await d.accounts.Refresh(*source.token, client);
    (refreshed ? counters.refresh_ok : counters.refresh_refused)->Inc();
    if (!refreshed && source.from_cookie) {
      Response refused = refreshed.error();
      ClearSession(refused, d.settings);
      co_return refused;
    }
    CO_TRY(tokens, std::move(refreshed));
    co_return TokensAnswer(tokens, d.settings, source.from_cookie);
  });

  // Every logout answer clears the session cookie (a browser's session ends with it).
  router.Post("/v1/auth/logout", [d](Request& req) -> awaitable<Response> {
    CO_TRY(source, RefreshOf(req));
    auto claims = co_await d.authenticator.Authenticate(req);
    if (claims) {
      const std::string reason = "logout";
      auto done = co_await d.accounts.EndSession(claims->subject, claims->session_id, reason);
      if (!done && done.error().code != Errc::not_found) co_return done.error();  // already ended: still 204
      co_return Ended(d.settings);
    }
    if (!source.token) co_return claims.error();
    CO_TRY_STATUS(co_await d.accounts.EndSessionByRefresh(*source.token));
    co_return Ended(d.settings);
  });

  router.Post("/v1/auth/logout-all", [d](Request& req) -> awaitable<Response> {
    CO_TRY(claims, co_await d.authenticator.Authenticate(req));
    const std::string reason = "logout_all";
    const std::optional<std::string> except;
    CO_TRY_STATUS(co_await d.accounts.EndAllSessions(claims.subject, except, reason));
    co_return Ended(d.settings);
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

  router.Get("/v1/auth/oidc/providers", [d](Request&) -> awaitable<Response> {
    json::array providers;
    for (const auto& [name, display] : d.social.Providers())
      providers.push_back(json::object{{"name", name}, {"display_name", display}});
    auto res = Response::Json(200, json::object{{"providers", std::move(providers)}});
    res.SetHeader("Cache-Control", "public, max-age=300");
    co_return res;
  });

  // ?return_to=/path: a browser's sign-in (the storefront's button), which ends on that page with
  // the session cookie set; the state is bound to the browser with a cookie. Without it: an API
  // client's, whose callback answers with the tokens.
  router.Get("/v1/auth/oidc/{provider}/start", [d](Request& req) -> awaitable<Response> {
    std::string provider(*req.PathParam("provider"));
    auto return_to = req.Query("return_to");
    if (return_to && !LocalPath(*return_to))
      co_return Error::Invalid("invalid request", {{"return_to", "must be a path of this site, such as /account"}});
    CO_TRY(started, co_await d.social.Start(provider, return_to));
    if (req.Query("redirect") == std::optional<std::string>("0"))
      co_return Response::Json(200, json::object{{"authorization_url", started.url}}).SetHeader("Cache-Control", "no-store");
    auto res = Response::Empty(302);
    res.SetHeader("Location", started.url);
    res.SetHeader("Cache-Control", "no-store");
    if (return_to) res.SetHeader("Set-Cookie", http::SetCookieValue(SocialStateCookie(d.settings), started.state));
    co_return res;
  });

  // A browser's sign-in (its state cookie present) ends with a redirect: to its page with the
  // session cookie set, or to the sign-in page saying why not (/login?social_error=cancelled,
  // expired, refused or unavailable). An API client's answers with the tokens or a problem.
  router.Get("/v1/auth/oidc/{provider}/callback", [d, counters](Request& req) -> awaitable<Response> {
    std::string provider(*req.PathParam("provider"));
    if (!d.social.Has(provider)) co_return Error::NotFound("no such provider");
    const auto browser_state = http::TokenCookie(req, SocialStateCookie(d.settings).name);
    const auto redirect = [&](const std::string& location) {
      auto res = Response::Empty(303);
      res.SetHeader("Location", location);
      res.SetHeader("Cache-Control", "no-store");
      res.SetHeader("Set-Cookie", http::ClearCookieValue(SocialStateCookie(d.settings)));
      return res;
    };
    core::Result<SocialSignIn> signed_in = core::Fail(Errc::unauthenticated, "the provider refused the sign-in");
    if (!req.Query("error"))
      signed_in = co_await d.social.Callback(provider, req.Query("code").value_or(""), req.Query("state").value_or(""),
                                             Client(req, d.settings), browser_state);
    (signed_in ? counters.oidc_ok : counters.oidc_refused)->Inc();
    if (browser_state && !signed_in) {
      const Errc why = signed_in.error().code;
      co_return redirect(std::string("/login?social_error=") +
                         (req.Query("error")              ? "cancelled"
                          : why == Errc::invalid_argument ? "expired"
                          : why == Errc::unavailable      ? "unavailable"
                                                          : "refused"));
    }
    CO_TRY(result, std::move(signed_in));
    const auto* challenge = std::get_if<MfaChallenge>(&result.outcome);
    if (!result.return_to) {
      if (challenge) co_return ChallengeAnswer(*challenge);
      co_return TokensAnswer(std::get<Tokens>(result.outcome), d.settings, false);
    }
    if (challenge) {  // the sign-in page asks for the code; the challenge waits in a cookie
      auto res = redirect("/login?mfa=required");
      res.SetHeader("Set-Cookie", http::SetCookieValue(MfaCookie(d.settings), challenge->token));
      co_return res;
    }
    auto res = redirect(*result.return_to);
    SetSession(res, d.settings, std::get<Tokens>(result.outcome));
    co_return res;
  });
}

}  // namespace store::user
