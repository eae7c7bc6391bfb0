// Authenticator against a real JWKS endpoint (a TestServer) and the real Redis revocation list.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/serialize.hpp>

#include "store/auth/auth.hpp"
#include "store/cache/cache.hpp"
#include "store/http/message.hpp"
#include "store/http/router.hpp"
#include "store/testing/async.hpp"
#include "store/testing/cache.hpp"
#include "store/testing/engines.hpp"
#include "store/testing/server.hpp"

namespace auth = store::auth;
namespace http = store::http;
using boost::asio::awaitable;
using store::core::Errc;
using store::testing::RunAwaitable;
using namespace std::chrono_literals;

namespace {

struct JwksServer {
  std::mutex mu;
  auth::KeySet keys;
  std::atomic<int> fetches{0};
  std::unique_ptr<store::testing::TestServer> server;

  JwksServer() {
    http::Router router;
    router.Get("/.well-known/jwks.json", [this](http::Request&) -> awaitable<http::Response> {
      ++fetches;
      std::lock_guard lock(mu);
      co_return http::Response::Json(200, keys.ToJwks());
    });
    server = std::make_unique<store::testing::TestServer>(std::move(router));
  }
  void Publish(const auth::SigningKey& k) {
    std::lock_guard lock(mu);
    keys.Add(k.Public());
  }
};

http::Request WithHeader(std::string value) {
  http::BeastRequest raw{boost::beast::http::verb::get, "/v1/me", 11};
  if (!value.empty()) raw.set(boost::beast::http::field::authorization, value);
  return http::Request(std::move(raw), "req-1", {});
}

auth::AccessClaims ClaimsFor(std::string sid, std::vector<std::string> roles, const store::core::Clock& clock) {
  auto now = std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
  return {.issuer = "storemicroservices", .audience = "store", .subject = "u-1", .session_id = std::move(sid),
          .token_id = {}, .roles = std::move(roles), .issued_at = now, .expires_at = now + 300};
}

class AuthenticatorTest : public ::testing::Test {
 protected:
  // One io_context for every call: the JWKS client's pooled connections belong to it.
  boost::asio::io_context ioc;
  store::testing::TempKeyspace keyspace;
  store::cache::Cache redis{keyspace.options()};
  store::core::SystemClock clock;
  JwksServer jwks;
  auth::SigningKey key = auth::SigningKey::Generate("kid-" + store::testing::UniqueName("k"));

  auth::Authenticator Make() {
    auth::AuthOptions o;
    o.jwks_url = jwks.server->Url("/.well-known/jwks.json");
    return auth::Authenticator(o, &redis, clock);
  }
  store::core::Result<auth::AccessClaims> Call(auth::Authenticator& a, std::string header) {
    auto req = WithHeader(std::move(header));
    return RunAwaitable(ioc, a.Authenticate(req));
  }
};

}  // namespace

TEST_F(AuthenticatorTest, FetchesTheJwksAndVerifiesBearerTokens) {
  jwks.Publish(key);
  auto a = Make();
  auto sid = store::testing::UniqueName("sid");
  auto token = auth::IssueAccessToken(key, ClaimsFor(sid, {"customer"}, clock));
  auto ok = Call(a, "Bearer " + token);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->session_id, sid);
  EXPECT_TRUE(Call(a, "bearer " + token));  // the scheme is case-insensitive
  EXPECT_EQ(jwks.fetches.load(), 1);        // fetched once, then cached

  for (const std::string& bad : std::vector<std::string>{"", "Bearer", "Basic dXNlcjpwdw==", "Bearer " + token + "x", "Bearer a.b.c"}) {
    auto r = Call(a, bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::unauthenticated) << bad;
  }
}

TEST_F(AuthenticatorTest, ARevokedSessionIsRefusedAtOnce) {
  jwks.Publish(key);
  auto a = Make();
  auto sid = store::testing::UniqueName("sid");
  auto token = "Bearer " + auth::IssueAccessToken(key, ClaimsFor(sid, {"customer"}, clock));
  ASSERT_TRUE(Call(a, token));
  ASSERT_TRUE(RunAwaitable(auth::RevokeSession(redis, sid, 60s)));
  auto r = Call(a, token);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unauthenticated);
  EXPECT_EQ(r.error().message, "session revoked");
  auto ttl = RunAwaitable(redis.Ttl(auth::RevocationKey(sid)));
  ASSERT_TRUE(ttl && *ttl);
  EXPECT_GT(**ttl, 50s);
}

TEST_F(AuthenticatorTest, RolesAreChecked) {
  jwks.Publish(key);
  auto a = Make();
  auto customer = "Bearer " + auth::IssueAccessToken(key, ClaimsFor(store::testing::UniqueName("s"), {"customer"}, clock));
  auto admin = "Bearer " + auth::IssueAccessToken(key, ClaimsFor(store::testing::UniqueName("s"), {"customer", "admin"}, clock));
  auto req1 = WithHeader(customer), req2 = WithHeader(admin);
  auto denied = RunAwaitable(ioc, a.RequireRole(req1, "admin"));
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, Errc::forbidden);
  EXPECT_TRUE(RunAwaitable(ioc, a.RequireRole(req2, "admin")));

  // The route guard answers the same.
  auto guard = auth::RoleGuard(a, "admin");
  auto guarded = RunAwaitable(ioc, guard(req1));
  ASSERT_FALSE(guarded);
  EXPECT_EQ(guarded.error().code, Errc::forbidden);
  EXPECT_TRUE(RunAwaitable(ioc, guard(req2)));
  auto anonymous = WithHeader("");
  auto refused = RunAwaitable(ioc, guard(anonymous));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::unauthenticated);
}

TEST_F(AuthenticatorTest, AnUnknownKidFetchesTheRotatedKeySetOnce) {
  jwks.Publish(key);
  auto a = Make();
  ASSERT_TRUE(Call(a, "Bearer " + auth::IssueAccessToken(key, ClaimsFor("s-rot", {}, clock))));
  auto next = auth::SigningKey::Generate(key.kid() + "-next");
  jwks.Publish(next);
  auto rotated = "Bearer " + auth::IssueAccessToken(next, ClaimsFor(store::testing::UniqueName("s"), {}, clock));
  EXPECT_TRUE(Call(a, rotated));
  EXPECT_EQ(jwks.fetches.load(), 2);
  // A kid nobody publishes: one more fetch at most per 10 s, then refused without fetching again.
  auto stranger = auth::SigningKey::Generate("nobody");
  auto forged = "Bearer " + auth::IssueAccessToken(stranger, ClaimsFor("s", {}, clock));
  EXPECT_FALSE(Call(a, forged));
  EXPECT_FALSE(Call(a, forged));
  EXPECT_LE(jwks.fetches.load(), 3);
}

TEST_F(AuthenticatorTest, DependenciesDownAre503NotAPass) {
  // No JWKS reachable and no keys: unavailable, not unauthenticated and not success.
  auth::AuthOptions o;
  o.jwks_url = "http://127.0.0.1:1/.well-known/jwks.json";
  auth::Authenticator no_jwks(o, &redis, clock);
  auto r = Call(no_jwks, "Bearer " + auth::IssueAccessToken(key, ClaimsFor("s", {}, clock)));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);

  // Redis down: the revocation list cannot be read → 503.
  auto opts = keyspace.options();
  opts.port = 1;
  opts.connect_timeout = 200ms;
  opts.acquire_timeout = 500ms;
  store::cache::Cache dead(opts);
  auth::AuthOptions local;
  local.jwks_url.clear();
  auth::Authenticator a(local, &dead, clock);
  auth::KeySet ks;
  ks.Add(key.Public());
  a.SetKeys(ks);
  auto r2 = Call(a, "Bearer " + auth::IssueAccessToken(key, ClaimsFor("s", {}, clock)));
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, Errc::unavailable);
}
