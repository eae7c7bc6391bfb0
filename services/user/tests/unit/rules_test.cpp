// Unit tests of the user service's pure rules: email/phone/text validation, the password policy,
// token secrets, Argon2id parameters and the id_token claim checks.
#include <gtest/gtest.h>
#include <sodium.h>

#include <boost/json.hpp>

#include "adapters/password_list.hpp"
#include "app/social_login.hpp"
#include "domain/rules.hpp"
#include "domain/secrets.hpp"

using namespace store::user;

TEST(Email, IsNormalisedToLowerCaseAndTrimmed) {
  EXPECT_EQ(NormalizeEmail("  Alice.Smith@Example.COM "), "alice.smith@example.com");
}

TEST(Email, RefusesImplausibleAddresses) {
  for (const char* bad : {"", "a", "@x.de", "a@", "a@b", "a@@b.de", "a b@c.de", "a@b..de", "a@.de", "a@b.de.", "<a@b.de>",
                          "a@b_c.de", "a\n@b.de"})
    EXPECT_FALSE(NormalizeEmail(bad).has_value()) << bad;
  EXPECT_FALSE(NormalizeEmail(std::string(250, 'a') + "@b.de").has_value());
}

TEST(Phone, AcceptsE164Only) {
  EXPECT_TRUE(ValidPhone("+4930123456"));
  EXPECT_FALSE(ValidPhone("030123456"));
  EXPECT_FALSE(ValidPhone("+0301234567"));
  EXPECT_FALSE(ValidPhone("+49 30 123456"));
  EXPECT_FALSE(ValidPhone("+1234567890123456"));
}

TEST(Text, CountsCodePointsAndRefusesControlCharacters) {
  EXPECT_EQ(Utf8Length("Zoë 🛒"), 5u);
  EXPECT_FALSE(Utf8Length("\xff").has_value());
  EXPECT_TRUE(ValidText("Zoë", 3));
  EXPECT_FALSE(ValidText("Zoë", 2));
  EXPECT_FALSE(ValidText("a\tb", 10));
}

class Policy : public ::testing::Test {
 protected:
  PasswordPolicy policy{8, 1024, ReadCommonPasswords(std::string(STORE_USER_SOURCE_DIR) + "/data/common-passwords.txt")};
};

TEST_F(Policy, ShipsAtLeastTenThousandCommonPasswords) { EXPECT_GE(policy.common_size(), 10000u); }

TEST(PasswordList, SkipsCommentsAndBlankLinesAndLowerCases) {
  auto list = PasswordPolicy::ParseList("# a comment\r\nHunter2\r\n\nqwerty\nlast-without-newline");
  EXPECT_EQ(list, (std::unordered_set<std::string>{"hunter2", "qwerty", "last-without-newline"}));
  EXPECT_TRUE(PasswordPolicy::ParseList("").empty());
}

TEST_F(Policy, RefusesShortCommonAndEmailPasswords) {
  EXPECT_TRUE(policy.Check("short7!", "").has_value());
  EXPECT_TRUE(policy.Check("password", "").has_value());
  EXPECT_TRUE(policy.Check("PassWord1", "").has_value() == policy.Check("password1", "").has_value());
  EXPECT_TRUE(policy.Check("baseball", "").has_value());
  EXPECT_TRUE(policy.Check("qwertyuiop", "").has_value());
  EXPECT_TRUE(policy.Check("alice@example.com", "alice@example.com").has_value());
  EXPECT_TRUE(policy.Check("alicesmith", "alicesmith@example.com").has_value());
}

TEST_F(Policy, AcceptsLongAndUnicodePasswordsUpToTheLimit) {
  EXPECT_FALSE(policy.Check("correct horse battery staple", "").has_value());
  EXPECT_FALSE(policy.Check(std::string(64, 'x') + "y", "").has_value());
  EXPECT_FALSE(policy.Check(std::string(1024, 'k'), "").has_value());
  EXPECT_TRUE(policy.Check(std::string(1025, 'k'), "").has_value());
  EXPECT_FALSE(policy.Check("ünïcødé-pässwörd", "").has_value());
  auto too_short = policy.Check("äöüäöüä", "");  // 7 code points, 14 bytes
  ASSERT_TRUE(too_short.has_value());
  EXPECT_EQ(too_short->field, "password");
}

TEST(Argon2, UsesArgon2idWithAtLeast19MiBAndTwoPassesAndUniqueSalts) {
  InitSodium();
  PasswordHasher weak(Argon2Params{1, 1024 * 1024});  // raised to the minimums
  EXPECT_EQ(weak.params().opslimit, 2u);
  EXPECT_EQ(weak.params().memlimit, 19u * 1024 * 1024);
  auto h1 = weak.Hash("correct horse battery staple");
  auto h2 = weak.Hash("correct horse battery staple");
  ASSERT_TRUE(h1 && h2);
  EXPECT_EQ(h1->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *h1;
  EXPECT_NE(*h1, *h2);
  EXPECT_TRUE(weak.Verify(*h1, "correct horse battery staple"));
  EXPECT_FALSE(weak.Verify(*h1, "correct horse battery staplE"));
  PasswordHasher stronger(Argon2Params{3, 32u * 1024 * 1024});
  EXPECT_TRUE(stronger.NeedsRehash(*h1));
  EXPECT_FALSE(weak.NeedsRehash(*h1));
}

namespace {
boost::json::object Claims() {
  return {{"iss", "https://idp.example"}, {"aud", "client-1"}, {"sub", "u-42"}, {"exp", 2000}, {"iat", 1000},
          {"nonce", "n-1"},                {"email", "Bob@Example.com"},       {"email_verified", true}, {"name", "Bob"}};
}
auto Check(const boost::json::object& c) {
  return CheckIdTokenClaims(c, "idp", "https://idp.example", "client-1", "n-1", 1500, std::chrono::seconds(30));
}
}  // namespace

TEST(IdToken, AcceptsMatchingClaims) {
  auto id = Check(Claims());
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->subject, "u-42");
  EXPECT_EQ(id->email, "bob@example.com");
  EXPECT_TRUE(id->email_verified);
}

TEST(IdToken, RefusesWrongIssuerAudienceNonceExpiryAndFutureIat) {
  auto with = [](const char* k, boost::json::value v) {
    auto c = Claims();
    c[k] = v;
    return c;
  };
  EXPECT_FALSE(Check(with("iss", "https://evil.example")));
  EXPECT_FALSE(Check(with("aud", "client-2")));
  EXPECT_FALSE(Check(with("aud", boost::json::array{"client-2", "client-3"})));
  EXPECT_FALSE(Check(with("aud", boost::json::array{"client-1", "client-3"})));  // no azp
  EXPECT_TRUE(Check(with("aud", boost::json::array{"client-1"})));
  EXPECT_FALSE(Check(with("nonce", "n-2")));
  EXPECT_FALSE(Check(with("exp", 1400)));
  EXPECT_FALSE(Check(with("iat", 1600)));
  auto no_nonce = Claims();
  no_nonce.erase("nonce");
  EXPECT_FALSE(Check(no_nonce));
  auto r = Check(with("exp", 1400));
  EXPECT_EQ(r.error().code, store::core::Errc::unauthenticated);
}
