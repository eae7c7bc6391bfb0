#include <gtest/gtest.h>

#include <array>
#include <boost/json/serialize.hpp>
#include <random>

#include "store/auth/jws.hpp"

namespace auth = store::auth;
using auth::Alg;

namespace {
constexpr std::array kAll{Alg::EdDSA, Alg::ES256, Alg::RS256};

auth::KeySet SetOf(const auth::SigningKey& k) {
  auth::KeySet s;
  s.Add(k.Public());
  return s;
}

std::string Forge(std::string_view header_json, std::string_view payload_json, std::string_view sig) {
  return auth::Base64UrlEncode(header_json) + "." + auth::Base64UrlEncode(payload_json) + "." + auth::Base64UrlEncode(sig);
}
}  // namespace

TEST(Base64Url, RoundTripsEveryLengthAndRefusesGarbage) {
  std::mt19937 rng(7);
  for (int n = 0; n < 70; ++n) {
    std::string bytes(n, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    auto text = auth::Base64UrlEncode(bytes);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(auth::Base64UrlDecode(text), bytes);
  }
  EXPECT_EQ(auth::Base64UrlEncode("hello"), "aGVsbG8");
  EXPECT_FALSE(auth::Base64UrlDecode("aGVsbG8="));   // padding is not base64url
  EXPECT_FALSE(auth::Base64UrlDecode("a+b/"));
  EXPECT_FALSE(auth::Base64UrlDecode("A"));          // impossible length
  EXPECT_FALSE(auth::Base64UrlDecode("aGVsbG9"));    // non-canonical trailing bits
}

class EachAlg : public ::testing::TestWithParam<Alg> {};

TEST_P(EachAlg, SignsAndVerifiesAndSurvivesAJwkRoundTrip) {
  auto key = auth::SigningKey::Generate("k1", GetParam());
  boost::json::object payload{{"sub", "u-1"}, {"n", 42}};
  std::string token = key.Sign(payload);

  auto verified = auth::VerifyJws(token, SetOf(key), kAll);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(*verified, payload);
  auto header = auth::DecodeJwsPart(token, 0);
  ASSERT_TRUE(header);
  EXPECT_EQ(header->at("alg").as_string(), auth::NameOf(GetParam()));
  EXPECT_EQ(header->at("kid").as_string(), "k1");

  // Publish as JWKS, read back, verify with the parsed key.
  auto jwks = SetOf(key).ToJwks();
  auto parsed = auth::KeySet::FromJwks(boost::json::value(jwks));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_TRUE(auth::VerifyJws(token, *parsed, kAll));
  EXPECT_EQ(parsed->Find("k1")->ToJwk(), key.Public().ToJwk());

  // PEM round trip keeps the key.
  auto again = auth::SigningKey::FromPem("k1", key.ToPem());
  ASSERT_TRUE(again);
  EXPECT_TRUE(auth::VerifyJws(again->Sign(payload), SetOf(key), kAll));
}

INSTANTIATE_TEST_SUITE_P(Algorithms, EachAlg, ::testing::Values(Alg::EdDSA, Alg::ES256, Alg::RS256),
                         [](const auto& info) { return std::string(auth::NameOf(info.param)); });

TEST(VerifyJws, RefusesEveryForgery) {
  auto key = auth::SigningKey::Generate("k1");
  auto keys = SetOf(key);
  std::string good = key.Sign({{"sub", "u-1"}});
  const std::string payload = R"({"sub":"admin"})";
  std::array only_eddsa{Alg::EdDSA};

  // alg none, empty signature and with one.
  EXPECT_FALSE(auth::VerifyJws(Forge(R"({"alg":"none","kid":"k1"})", payload, ""), keys, kAll));
  EXPECT_FALSE(auth::VerifyJws(Forge(R"({"alg":"none","kid":"k1"})", payload, "x"), keys, kAll));
  // HS256 "signed" with the public key bytes as the HMAC secret: no HMAC code path exists.
  EXPECT_FALSE(auth::VerifyJws(Forge(R"({"alg":"HS256","kid":"k1"})", payload, "any-mac"), keys, kAll));
  // A different key under the same kid.
  auto other = auth::SigningKey::Generate("k1");
  EXPECT_FALSE(auth::VerifyJws(other.Sign({{"sub", "u-1"}}), keys, kAll));
  // Tampered payload with the original signature.
  auto dot1 = good.find('.'), dot2 = good.rfind('.');
  std::string tampered = good.substr(0, dot1 + 1) + auth::Base64UrlEncode(payload) + good.substr(dot2);
  auto r = auth::VerifyJws(tampered, keys, kAll);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, store::core::Errc::unauthenticated);
  // An allowed algorithm that does not match the key's (ES256 header on an Ed25519 key).
  std::string input = auth::Base64UrlEncode(R"({"alg":"ES256","kid":"k1"})") + "." + auth::Base64UrlEncode(payload);
  EXPECT_FALSE(auth::VerifyJws(input + "." + auth::Base64UrlEncode(key.SignBytes(input)), keys, kAll));
  // A valid RS256 token when only EdDSA is accepted.
  auto rsa = auth::SigningKey::Generate("r1", Alg::RS256);
  auto both = keys;
  both.Add(rsa.Public());
  EXPECT_FALSE(auth::VerifyJws(rsa.Sign({{"sub", "u"}}), both, only_eddsa));
  // Unknown kid, missing kid, crit header.
  EXPECT_FALSE(auth::VerifyJws(auth::SigningKey::Generate("k2").Sign({{"sub", "u"}}), keys, kAll));
  std::string no_kid = auth::Base64UrlEncode(R"({"alg":"EdDSA"})") + "." + auth::Base64UrlEncode(payload);
  EXPECT_FALSE(auth::VerifyJws(no_kid + "." + auth::Base64UrlEncode(key.SignBytes(no_kid)), keys, kAll));
  std::string crit = auth::Base64UrlEncode(R"({"alg":"EdDSA","kid":"k1","crit":["exp"]})") + "." + auth::Base64UrlEncode(payload);
  EXPECT_FALSE(auth::VerifyJws(crit + "." + auth::Base64UrlEncode(key.SignBytes(crit)), keys, kAll));
  // A payload that is not an object, though correctly signed.
  std::string arr = auth::Base64UrlEncode(R"({"alg":"EdDSA","kid":"k1"})") + "." + auth::Base64UrlEncode("[1]");
  EXPECT_FALSE(auth::VerifyJws(arr + "." + auth::Base64UrlEncode(key.SignBytes(arr)), keys, kAll));
}

TEST(VerifyJws, GarbageNeverCrashes) {
  auto key = auth::SigningKey::Generate("k1");
  auto keys = SetOf(key);
  std::string good = key.Sign({{"sub", "u-1"}});
  std::mt19937 rng(11);
  for (int i = 0; i < 3000; ++i) {
    std::string t = good;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      auto pos = rng() % t.size();
      switch (rng() % 3) {
        case 0: t[pos] = static_cast<char>(rng()); break;
        case 1: t.erase(pos, 1 + rng() % 8); break;
        default: t.insert(pos, 1, "._-A/+="[rng() % 7]); break;
      }
      if (t.empty()) t = ".";
    }
    auto r = auth::VerifyJws(t, keys, kAll);
    if (r) {
      EXPECT_EQ(t, good);
    }
  }
  for (std::string_view t : {"", ".", "..", "...", "a.b.c", "e30.e30.", "e30.e30.e30"})
    EXPECT_FALSE(auth::VerifyJws(t, keys, kAll));
}

TEST(KeySet, ParsesForeignJwksAndRejectsBadKeys) {
  // A JWKS as OpenID providers publish it: an RSA signing key plus an encryption key we skip.
  auto rsa = auth::SigningKey::Generate("google-1", Alg::RS256);
  auto jwk = rsa.Public().ToJwk();
  jwk.erase("alg");
  boost::json::object enc{{"kty", "OKP"}, {"crv", "X25519"}, {"x", "AAAA"}, {"use", "enc"}, {"kid", "e"}};
  boost::json::object unknown{{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "hmac"}};
  auto set = auth::KeySet::FromJwks(boost::json::value{{"keys", boost::json::array{jwk, unknown}}});
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->size(), 1u);
  EXPECT_TRUE(set->Find("google-1"));
  EXPECT_FALSE(auth::KeySet::FromJwks(boost::json::value{{"keys", boost::json::array{enc}}}));  // use: enc
  EXPECT_FALSE(auth::KeySet::FromJwks(boost::json::value{{"nokeys", 1}}));
  auto wrong_alg = jwk;
  wrong_alg["alg"] = "ES256";
  EXPECT_FALSE(auth::PublicKey::FromJwk(wrong_alg));
  auto short_ed = auth::SigningKey::Generate("e").Public().ToJwk();
  short_ed["x"] = "AAAA";
  EXPECT_FALSE(auth::PublicKey::FromJwk(short_ed));
  EXPECT_FALSE(auth::SigningKey::FromPem("x", "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"));
}
