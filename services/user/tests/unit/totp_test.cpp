// The second factor's pure rules: RFC 4648 base32, RFC 4226 HOTP and RFC 6238 TOTP test vectors,
// the ±1 step window, single use, recovery codes and the sealed secret.
#include <gtest/gtest.h>

#include <set>

#include "domain/secrets.hpp"
#include "domain/totp.hpp"

namespace {

using namespace store::user;

const std::string kRfcSecret = "12345678901234567890";  // RFC 4226 / 6238 (SHA-1)

TEST(Base32, EncodesAndDecodesTheRfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> vectors{
      {"", ""}, {"f", "MY"}, {"fo", "MZXQ"}, {"foo", "MZXW6"}, {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}};
  for (const auto& [raw, text] : vectors) {
    EXPECT_EQ(Base32Encode(raw), text);
    EXPECT_EQ(Base32Decode(text), raw);
  }
  EXPECT_EQ(Base32Decode("mzxw 6ytb oi======"), "foobar") << "any case, spaces and padding";
  EXPECT_FALSE(Base32Decode("MZXW1")) << "1 is not a base32 digit";
}

TEST(Hotp, GivesTheRfc4226Values) {
  const std::vector<std::string> expected{"755224", "287082", "359152", "969429", "338314",
                                          "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < expected.size(); ++counter) EXPECT_EQ(Hotp(kRfcSecret, counter), expected[counter]);
}

TEST(Totp, GivesTheRfc6238ValuesForSha1) {
  const std::vector<std::pair<std::int64_t, std::string>> vectors{{59, "94287082"},         {1111111109, "07081804"},
                                                                  {1111111111, "14050471"}, {1234567890, "89005924"},
                                                                  {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& [time, code] : vectors) {
    EXPECT_EQ(Hotp(kRfcSecret, static_cast<std::uint64_t>(TotpStep(time)), 8), code) << time;
    EXPECT_EQ(MatchTotp(kRfcSecret, code.substr(2), time, 0), TotpStep(time)) << "six digits: " << time;
  }
}

TEST(Totp, AcceptsTheStepBeforeAndAfterOnlyAndEachStepOnce) {
  const std::int64_t now = 1'700'000'000;
  const std::int64_t step = TotpStep(now);
  for (std::int64_t delta : {-1, 0, 1})
    EXPECT_EQ(MatchTotp(kRfcSecret, Hotp(kRfcSecret, static_cast<std::uint64_t>(step + delta)), now, 0), step + delta) << delta;
  for (std::int64_t delta : {-3, -2, 2, 3})
    EXPECT_FALSE(MatchTotp(kRfcSecret, Hotp(kRfcSecret, static_cast<std::uint64_t>(step + delta)), now, 0)) << delta;
  const std::string code = Hotp(kRfcSecret, static_cast<std::uint64_t>(step));
  EXPECT_FALSE(MatchTotp(kRfcSecret, code, now, step)) << "a used step is refused (RFC 6238 5.2)";
  EXPECT_FALSE(MatchTotp(kRfcSecret, Hotp(kRfcSecret, static_cast<std::uint64_t>(step - 1)), now, step)) << "and the ones before it";
  EXPECT_TRUE(MatchTotp(kRfcSecret, code.substr(0, 3) + " " + code.substr(3), now, 0)) << "spaces are ignored";
  for (const std::string bad : {"", "12345", "1234567", "12a456", "-12345", "１２３４５６"})
    EXPECT_FALSE(MatchTotp(kRfcSecret, bad, now, 0)) << bad;
}

TEST(Totp, TheOtpauthUriNamesTheIssuerAndAccountEscaped) {
  EXPECT_EQ(OtpauthUri("My Shop", "ada+1@example.com", "foobar"),
            "otpauth://totp/My%20Shop:ada%2B1%40example.com?secret=MZXW6YTBOI&issuer=My%20Shop&algorithm=SHA1&digits=6&period=30");
}

TEST(RecoveryCodes, AreTenBase32CharactersReadInAnyFormAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    auto code = NewRecoveryCode();
    ASSERT_EQ(code.size(), 11u);
    EXPECT_EQ(code[5], '-');
    auto normal = NormalizeRecoveryCode(code);
    ASSERT_TRUE(normal) << code;
    EXPECT_EQ(normal->size(), 10u);
    seen.insert(*normal);
  }
  EXPECT_EQ(seen.size(), 200u);
  EXPECT_EQ(NormalizeRecoveryCode(" ABCDE-fghij "), "abcdefghij");
  EXPECT_FALSE(NormalizeRecoveryCode("abcde-fghi")) << "too short";
  EXPECT_FALSE(NormalizeRecoveryCode("abcde-fghijk")) << "too long";
  EXPECT_FALSE(NormalizeRecoveryCode("abcde-fgh1j")) << "1 is not base32";
  EXPECT_FALSE(NormalizeRecoveryCode("123456")) << "a TOTP code is not a recovery code";
}

TEST(SecretBox, OpensWhatItSealedAndNothingElse) {
  InitSodium();
  SecretBox box(std::string(SecretBox::kKeyBytes, 'a'));
  auto sealed = box.Seal(kRfcSecret);
  EXPECT_EQ(sealed.find(kRfcSecret), std::string::npos);
  EXPECT_NE(box.Seal(kRfcSecret), sealed) << "a fresh nonce each time";
  EXPECT_EQ(box.Open(sealed), kRfcSecret);
  SecretBox other(std::string(SecretBox::kKeyBytes, 'b'));
  EXPECT_FALSE(other.Open(sealed)) << "another key";
  std::string altered = sealed;
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box.Open(altered)) << "an altered value";
  EXPECT_FALSE(box.Open("not base64!"));
  EXPECT_THROW(SecretBox("short"), std::invalid_argument);
}

}  // namespace
