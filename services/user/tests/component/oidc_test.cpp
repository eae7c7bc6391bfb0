// Social login against a small OpenID provider run inside the test (discovery, JWKS, token
// endpoint with client_secret_basic), with locally generated RS256 and ES256 keys: the flow
// (PKCE S256, state, nonce), account creation and linking, and every id_token refusal.
#include <mutex>

#include "domain/secrets.hpp"
#include "fixture.hpp"
#include "store/auth/auth.hpp"
#include "store/auth/secrets.hpp"

namespace usertest {
namespace {

using boost::asio::awaitable;
using store::http::Request;
using store::http::Response;

std::string QueryParam(const std::string& url, const std::string& name) {
  auto pos = url.find("?" + name + "=");
  if (pos == std::string::npos) pos = url.find("&" + name + "=");
  if (pos == std::string::npos) return "";
  pos += name.size() + 2;
  return url.substr(pos, url.find('&', pos) - pos);
}

struct Provider {
  std::mutex mutex;
  std::string id_token;
  std::string last_verifier;
  std::string last_authorization;
  store::auth::SigningKey rsa = store::auth::SigningKey::Generate("rsa-1", store::auth::Alg::RS256);
  store::auth::SigningKey ec = store::auth::SigningKey::Generate("ec-1", store::auth::Alg::ES256);
  std::unique_ptr<store::testing::TestServer> server;
  std::string issuer;

  Provider() {
    store::http::Router router;
    router.Get("/.well-known/openid-configuration", [this](Request&) -> awaitable<Response> {
      co_return Response::Json(200, json::object{{"issuer", issuer},
                                                 {"authorization_endpoint", issuer + "/auth"},
                                                 {"token_endpoint", issuer + "/token"},
                                                 {"jwks_uri", issuer + "/jwks"}});
    });
    router.Get("/jwks", [this](Request&) -> awaitable<Response> {
      store::auth::KeySet keys;
      keys.Add(rsa.Public());
      keys.Add(ec.Public());
      co_return Response::Json(200, keys.ToJwks());
    });
    router.Post("/token", [this](Request& req) -> awaitable<Response> {
      std::lock_guard lock(mutex);
      last_authorization = std::string(req.Header("Authorization"));
      std::string body = req.body();
      last_verifier = QueryParam("?" + body, "code_verifier");
      if (last_authorization != "Basic dGVzdC1jbGllbnQ6dGVzdC1zZWNyZXQ=" ||  // base64("test-client:test-secret")
          QueryParam("?" + body, "code") != "good-code")
        co_return Response::Json(400, json::object{{"error", "invalid_grant"}});
      co_return Response::Json(200, json::object{{"access_token", "at"}, {"token_type", "Bearer"}, {"id_token", id_token}});
    }, {.body = store::http::BodyKind::bytes});  // a token endpoint takes a form (RFC 6749), not JSON
    server = std::make_unique<store::testing::TestServer>(std::move(router));
    issuer = server->Url("");
  }
};

class SocialLogin : public UserFixture {
 protected:
  SocialLogin() {
    Start([this](store::user::Settings& s) {
      store::user::OidcProviderSettings p;
      p.name = "local";
      p.issuer = provider_.issuer;
      p.client_id = "test-client";
      p.client_secret = "test-secret";
      p.redirect_uri = "http://127.0.0.1:18080/api/user/v1/auth/oidc/local/callback";
      s.oidc = {p};
    });
  }

  json::object Claims(const std::string& nonce, const std::string& sub, const std::string& email, bool verified = true) {
    auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    return {{"iss", provider_.issuer}, {"aud", "test-client"}, {"sub", sub},          {"iat", now},
            {"exp", now + 300},        {"nonce", nonce},       {"email", email},      {"email_verified", verified},
            {"name", "Social " + sub}};
  }

  struct Started {
    std::string url, state, nonce, challenge;
  };
  Started Begin() {
    auto r = Call("GET", "/v1/auth/oidc/local/start?redirect=0");
    EXPECT_EQ(r.status, 200) << r.body;
    Started s;
    s.url = std::string(r.Json().at("authorization_url").as_string());
    s.state = QueryParam(s.url, "state");
    s.nonce = QueryParam(s.url, "nonce");
    s.challenge = QueryParam(s.url, "code_challenge");
    return s;
  }
  Reply Finish(const Started& s, const std::string& id_token, const std::string& code = "good-code") {
    {
      std::lock_guard lock(provider_.mutex);
      provider_.id_token = id_token;
    }
    return Call("GET", "/v1/auth/oidc/local/callback?code=" + code + "&state=" + s.state);
  }

  // A browser's sign-in begun with `return_to`, the provider vouching for (sub, email), and its
  // redirect back to the callback with the browser's state cookie: the callback's answer and the state.
  struct BrowserReply {
    Reply reply;
    std::string state;
  };
  BrowserReply BrowserSignIn(const std::string& return_to, const std::string& sub, const std::string& email) {
    auto started = Call("GET", "/v1/auth/oidc/local/start?return_to=" + return_to);
    const std::string state = QueryParam(started.Header("location"), "state");
    {
      std::lock_guard lock(provider_.mutex);
      provider_.id_token = provider_.rsa.Sign(Claims(QueryParam(started.Header("location"), "nonce"), sub, email));
    }
    return {Call("GET", "/v1/auth/oidc/local/callback?code=good-code&state=" + state, "", "", "10.0.0.1",
                 {{"Cookie", "store_oidc_state=" + state}}),
            state};
  }

  Provider provider_;
};

TEST_F(SocialLogin, StartRedirectsWithPkceStateAndNonce) {
  auto r = Call("GET", "/v1/auth/oidc/local/start");
  EXPECT_EQ(r.status, 302);
  auto location = r.Header("location");
  EXPECT_EQ(location.rfind(provider_.issuer + "/auth?", 0), 0u) << location;
  EXPECT_EQ(QueryParam(location, "response_type"), "code");
  EXPECT_EQ(QueryParam(location, "client_id"), "test-client");
  EXPECT_EQ(QueryParam(location, "code_challenge_method"), "S256");
  EXPECT_EQ(QueryParam(location, "scope"), "openid%20email%20profile");
  EXPECT_GE(QueryParam(location, "state").size(), 43u);
  EXPECT_GE(QueryParam(location, "nonce").size(), 43u);
  EXPECT_EQ(Call("GET", "/v1/auth/oidc/nope/start").status, 404);
  EXPECT_EQ(Call("GET", "/v1/auth/oidc/nope/callback?code=a&state=b").status, 404);
}

TEST_F(SocialLogin, AVerifiedEmailCreatesAnAccountAndTheSameSubjectLogsInAgain) {
  auto s = Begin();
  auto token = provider_.rsa.Sign(Claims(s.nonce, "sub-1", "Sol@Example.com"));
  auto r = Finish(s, token);
  ASSERT_EQ(r.status, 200) << r.body;
  {
    std::lock_guard lock(provider_.mutex);
    EXPECT_EQ(store::auth::Base64UrlEncode(store::auth::Sha256(provider_.last_verifier)), s.challenge) << "PKCE S256";
  }
  auto user = r.Json().at("user").as_object();
  EXPECT_EQ(user.at("email").as_string(), "sol@example.com");
  EXPECT_TRUE(user.at("email_verified").as_bool());
  EXPECT_FALSE(user.at("has_password").as_bool());
  EXPECT_EQ(Introspect(std::string(r.Json().at("access_token").as_string())), 204);
  auto registered = Outbox("user.registered.v1");
  ASSERT_EQ(registered.size(), 1u);
  EXPECT_EQ(registered[0].data().at("method").as_string(), "oidc");
  auto logged = Outbox("user.logged_in.v1");
  ASSERT_EQ(logged.size(), 1u);
  EXPECT_EQ(logged[0].data().at("method").as_string(), "oidc");
  // Again, signed with the EC key this time: the same account, no new registration.
  auto again = Begin();
  auto second = Finish(again, provider_.ec.Sign(Claims(again.nonce, "sub-1", "sol@example.com")));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.Json().at("user").as_object().at("id"), user.at("id"));
  EXPECT_EQ(Outbox("user.registered.v1").size(), 1u);
  // The state is single use.
  EXPECT_EQ(Finish(again, provider_.ec.Sign(Claims(again.nonce, "sub-1", "sol@example.com"))).status, 400);
}

TEST_F(SocialLogin, AnExistingPasswordAccountIsLinkedByItsVerifiedEmail) {
  auto id = RegisterVerified("lin@example.com", kPassword);
  auto s = Begin();
  auto r = Finish(s, provider_.rsa.Sign(Claims(s.nonce, "sub-link", "lin@example.com")));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json().at("user").as_object().at("id").as_string(), id);
  EXPECT_EQ(Scalar("SELECT user_id FROM oidc_identities WHERE subject = 'sub-link'"), id);
  Login("lin@example.com", kPassword);  // the password still works
  // An unverified email from the provider neither creates nor links.
  auto u = Begin();
  EXPECT_EQ(Finish(u, provider_.rsa.Sign(Claims(u.nonce, "sub-unverified", "lin@example.com", false))).status, 403);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM oidc_identities WHERE subject = 'sub-unverified'"), "0");
}

TEST_F(SocialLogin, ABrowserSignInEndsOnItsPageWithTheSessionCookieAndOnlyInTheBrowserThatBeganIt) {
  auto providers = Call("GET", "/v1/auth/oidc/providers");
  ASSERT_EQ(providers.status, 200);
  EXPECT_EQ(json::serialize(providers.Json()), R"({"providers":[{"name":"local","display_name":"local"}]})");

  // The storefront's button: start with the page to come back to; the state is bound to this
  // browser by a Lax cookie (the provider's redirect back is a cross-site navigation).
  auto start = Call("GET", "/v1/auth/oidc/local/start?return_to=%2Faccount%3Fwelcome%3D1");
  ASSERT_EQ(start.status, 302) << start.body;
  const std::string state = QueryParam(start.Header("location"), "state");
  const std::string nonce = QueryParam(start.Header("location"), "nonce");
  ASSERT_EQ(start.SetCookies().size(), 1u);
  EXPECT_EQ(start.SetCookies()[0],
            "store_oidc_state=" + state + "; Path=/api/user/v1/auth/oidc; Max-Age=600; HttpOnly; SameSite=Lax; Secure");
  {
    std::lock_guard lock(provider_.mutex);
    provider_.id_token = provider_.rsa.Sign(Claims(nonce, "sub-browser", "web@example.com"));
  }
  const std::string callback = "/v1/auth/oidc/local/callback?code=good-code&state=" + state;
  // The same callback URL opened in another browser (a victim sent there: login CSRF) signs no one in.
  auto elsewhere = Call("GET", callback, "", "", "10.0.0.1", {{"Cookie", "store_oidc_state=someone-elses-state"}});
  EXPECT_EQ(elsewhere.status, 303);
  EXPECT_EQ(elsewhere.Header("location"), "/login?social_error=refused");
  EXPECT_EQ(elsewhere.SetCookies(), std::vector<std::string>{"store_oidc_state=; Path=/api/user/v1/auth/oidc; Max-Age=0; HttpOnly; SameSite=Lax; Secure"});
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM oidc_identities"), "0");

  // Its own browser: signed in, back on its page with the session cookie and its flag.
  auto [done, state2] = BrowserSignIn("/account", "sub-browser", "web@example.com");
  ASSERT_EQ(done.status, 303) << done.body;
  EXPECT_EQ(done.Header("location"), "/account");
  EXPECT_EQ(done.Header("cache-control"), "no-store");
  auto cookies = done.SetCookies();
  ASSERT_EQ(cookies.size(), 3u);
  EXPECT_EQ(cookies[0].rfind("store_oidc_state=; ", 0), 0u) << cookies[0];
  EXPECT_EQ(cookies[1].rfind("store_session=", 0), 0u) << cookies[1];
  EXPECT_NE(cookies[1].find("; Path=/api/user/v1/auth; "), std::string::npos) << cookies[1];
  EXPECT_EQ(cookies[2].rfind("store_signed_in=1; Path=/;", 0), 0u) << cookies[2];
  EXPECT_TRUE(done.body.empty()) << "no token in the page";
  // The cookie is a working session: a refresh from this site's page with it alone.
  auto refreshed = Call("POST", "/v1/auth/refresh", "{}", "", "10.0.0.1",
                        {{"Cookie", cookies[1].substr(0, cookies[1].find(';'))}, {"Origin", "http://shop.example"},
                         {"X-Forwarded-Host", "shop.example"}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(refreshed.Json().at("user").as_object().at("email").as_string(), "web@example.com");

  // The provider's "no" and a spent state come back to the sign-in page saying why.
  auto cancelled = Call("GET", "/v1/auth/oidc/local/callback?error=access_denied&state=" + state2, "", "", "10.0.0.1",
                        {{"Cookie", "store_oidc_state=" + state2}});
  EXPECT_EQ(cancelled.Header("location"), "/login?social_error=cancelled");
  auto spent = Call("GET", "/v1/auth/oidc/local/callback?code=good-code&state=" + state2, "", "", "10.0.0.1",
                    {{"Cookie", "store_oidc_state=" + state2}});
  EXPECT_EQ(spent.Header("location"), "/login?social_error=expired");
  // Only a page of this site to go back to: never another site (an open redirect).
  for (const char* where : {"//evil.example/x", "/%5Cevil.example", "https://evil.example/", "account", "/a%22onload%3D"})
    EXPECT_EQ(Call("GET", std::string("/v1/auth/oidc/local/start?return_to=") + where).status, 400) << where;
}

// An account with a second factor: the provider's answer is not a session. The browser goes to the
// sign-in page's code form with the challenge in a cookie, and the code ends on its page.
TEST_F(SocialLogin, ABrowserSignInOfAnAccountWithASecondFactorEndsAfterItsCode) {
  RegisterVerified("two@example.com", kPassword);
  const std::string secret = EnrolTotp(std::string(Login("two@example.com", kPassword).at("access_token").as_string()), kPassword);
  const Reply back = BrowserSignIn("/account/orders", "sub-two", "two@example.com").reply;
  ASSERT_EQ(back.status, 303) << back.body;
  EXPECT_EQ(back.Header("location"), "/login?mfa=required");
  const std::string challenge_cookie = back.SetCookie("store_mfa");
  ASSERT_FALSE(challenge_cookie.empty()) << "the challenge waits in a cookie";
  EXPECT_NE(challenge_cookie.find("; Path=/api/user/v1/auth;"), std::string::npos) << challenge_cookie;
  EXPECT_NE(challenge_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(challenge_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = 'two@example.com')"), "1")
      << "only the enrolment's session: none for the provider's answer alone";
  const std::string cookie = challenge_cookie.substr(0, challenge_cookie.find(';'));
  const std::vector<std::pair<std::string, std::string>> same_site{
      {"Cookie", cookie}, {"Origin", "http://shop.example"}, {"X-Forwarded-Host", "shop.example"}};
  auto cross = Call("POST", "/v1/auth/login/mfa", json::serialize(json::object{{"code", TotpCode(secret)}}), "", "10.0.0.1",
                    {{"Cookie", cookie}, {"Origin", "http://evil.example"}, {"X-Forwarded-Host", "shop.example"}});
  EXPECT_EQ(cross.status, 403) << "another site's page cannot use the cookie";
  auto done = Call("POST", "/v1/auth/login/mfa", json::serialize(json::object{{"code", TotpCode(secret)}}), "", "10.0.0.1", same_site);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.Json().at("return_to"), "/account/orders");
  EXPECT_FALSE(done.Json().contains("refresh_token")) << "a browser session: the refresh token is in its cookie";
  EXPECT_FALSE(done.SetCookie("store_session").empty());
  EXPECT_TRUE(done.SetCookie("store_mfa").starts_with("store_mfa=;")) << "the challenge cookie cleared";
}

TEST_F(SocialLogin, RefusesWrongNonceAudienceIssuerExpiryAndSignature) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  auto impostor = store::auth::SigningKey::Generate("rsa-1", store::auth::Alg::RS256);  // same kid, other key
  struct Case {
    const char* what;
    std::function<std::string(const std::string& nonce)> token;
  };
  std::vector<Case> cases{
      {"wrong nonce", [&](const std::string&) { return provider_.rsa.Sign(Claims("another-nonce", "x1", "x1@example.com")); }},
      {"wrong audience",
       [&](const std::string& n) {
         auto c = Claims(n, "x2", "x2@example.com");
         c["aud"] = "someone-else";
         return provider_.rsa.Sign(c);
       }},
      {"wrong issuer",
       [&](const std::string& n) {
         auto c = Claims(n, "x3", "x3@example.com");
         c["iss"] = "https://evil.example";
         return provider_.ec.Sign(c);
       }},
      {"expired",
       [&](const std::string& n) {
         auto c = Claims(n, "x4", "x4@example.com");
         c["exp"] = now - 3600;
         return provider_.rsa.Sign(c);
       }},
      {"bad signature", [&](const std::string& n) { return impostor.Sign(Claims(n, "x5", "x5@example.com")); }},
      {"alg none",
       [&](const std::string& n) {
         return store::auth::Base64UrlEncode(R"({"alg":"none","kid":"rsa-1"})") + "." +
                store::auth::Base64UrlEncode(json::serialize(Claims(n, "x6", "x6@example.com"))) + ".";
       }},
  };
  for (const auto& c : cases) {
    auto s = Begin();
    auto r = Finish(s, c.token(s.nonce));
    EXPECT_EQ(r.status, 401) << c.what << ": " << r.body;
  }
  auto s = Begin();
  EXPECT_EQ(Finish(s, provider_.rsa.Sign(Claims(s.nonce, "x7", "x7@example.com")), "bad-code").status, 401)
      << "a code the provider refuses";
  EXPECT_EQ(Call("GET", "/v1/auth/oidc/local/callback?code=good-code&state=never-issued").status, 400);
  EXPECT_EQ(Call("GET", "/v1/auth/oidc/local/callback?error=access_denied").status, 401);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM oidc_identities"), "0");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM users"), "1");  // the bootstrap admin only
}

}  // namespace
}  // namespace usertest
