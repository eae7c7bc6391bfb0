#include <gtest/gtest.h>

#include "store/auth/secrets.hpp"
#include "store/auth/tokens.hpp"

namespace auth = store::auth;
using namespace std::chrono_literals;

namespace {
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
const std::int64_t kT = 1'800'000'000;

auth::AccessClaims Claims() {
  return {.issuer = "storemicroservices", .audience = "store", .subject = "u-1", .session_id = "s-1",
          .token_id = {}, .roles = {"customer"}, .issued_at = kT, .expires_at = kT + 600};
}
const auth::TokenPolicy kPolicy{.issuer = "storemicroservices", .audience = "store", .leeway = 30s};

struct Fixture {
  auth::SigningKey key = auth::SigningKey::Generate("k1");
  auth::KeySet keys;
  Fixture() { keys.Add(key.Public()); }
  auto Verify(const auth::AccessClaims& c, std::chrono::system_clock::time_point now = kNow) {
    return auth::VerifyAccessToken(auth::IssueAccessToken(key, c), keys, kPolicy, now);
  }
};
}  // namespace

TEST(AccessToken, RoundTripsItsClaims) {
  Fixture f;
  auto c = f.Verify(Claims());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->subject, "u-1");
  EXPECT_EQ(c->session_id, "s-1");
  EXPECT_EQ(c->expires_at, kT + 600);
  EXPECT_FALSE(c->token_id.empty());
  EXPECT_TRUE(c->HasRole("customer"));
  EXPECT_FALSE(c->HasRole("admin"));
}

TEST(AccessToken, EnforcesExpiryWithLeeway) {
  Fixture f;
  EXPECT_TRUE(f.Verify(Claims(), kNow + 600s + 29s));
  EXPECT_FALSE(f.Verify(Claims(), kNow + 600s + 30s));
  auto future = Claims();
  future.issued_at = kT + 120;
  EXPECT_FALSE(f.Verify(future));
}

TEST(AccessToken, RefusesOtherIssuersAudiencesAndIncompleteTokens) {
  Fixture f;
  auto c = Claims();
  c.audience = "another-api";
  EXPECT_FALSE(f.Verify(c));
  c = Claims();
  c.issuer = "https://evil.example";
  EXPECT_FALSE(f.Verify(c));
  c = Claims();
  c.session_id.clear();
  EXPECT_FALSE(f.Verify(c));
  // An audience array containing ours is accepted; nbf in the future is not.
  boost::json::object p{{"iss", "storemicroservices"}, {"aud", boost::json::array{"x", "store"}}, {"sub", "u"},
                        {"sid", "s"}, {"iat", kT}, {"exp", kT + 60}};
  EXPECT_TRUE(auth::VerifyAccessToken(f.key.Sign(p), f.keys, kPolicy, kNow));
  p["nbf"] = kT + 300;
  EXPECT_FALSE(auth::VerifyAccessToken(f.key.Sign(p), f.keys, kPolicy, kNow));
  p.erase("nbf");
  p.erase("exp");
  EXPECT_FALSE(auth::VerifyAccessToken(f.key.Sign(p), f.keys, kPolicy, kNow));
}

TEST(AccessToken, OnlyEdDsaEvenWhenTheKeySetHoldsOthers) {
  Fixture f;
  auto es = auth::SigningKey::Generate("e1", auth::Alg::ES256);
  f.keys.Add(es.Public());
  auto r = auth::VerifyAccessToken(auth::IssueAccessToken(es, Claims()), f.keys, kPolicy, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store::core::Errc::unauthenticated);
}

TEST(Secrets, TokensCarry256RandomBitsInBase64UrlAndAreStoredAsTheirSha256) {
  auto a = auth::NewSecretToken();
  auto b = auth::NewSecretToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
  EXPECT_EQ(auth::NewSecretToken(16).size(), 22u);
  EXPECT_EQ(auth::Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(auth::HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(auth::SecureEquals(a, std::string(a)));
  EXPECT_FALSE(auth::SecureEquals(a, b));
  EXPECT_FALSE(auth::SecureEquals("abc", "abcd"));
}
