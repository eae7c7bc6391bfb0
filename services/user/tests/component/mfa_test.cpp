// The second factor through HTTP against MariaDB and Redis: enrolment, the sign-in's second step,
// recovery codes, turning it off, an admin's reset, and the admin role kept from sessions that
// did not pass it once the grace period is over (the gateway's introspection says so too).
#include "domain/totp.hpp"
#include "fixture.hpp"

namespace usertest {
namespace {

class SecondFactor : public UserFixture {};

TEST_F(SecondFactor, EnrolmentThenThePasswordAloneIsAChallengeAndACodeASession) {
  RegisterVerified("tia@example.com", kPassword);
  const std::string access = std::string(Login("tia@example.com", kPassword).at("access_token").as_string());
  auto status = Call("GET", "/v1/me/mfa", "", access);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.Json().at("enabled"), false);
  EXPECT_EQ(status.Json().at("required"), false);

  EXPECT_EQ(Post("/v1/me/mfa/totp", {{"password", "not the password"}}, access).status, 401);
  auto begun = Post("/v1/me/mfa/totp", {{"password", kPassword}}, access);
  ASSERT_EQ(begun.status, 200) << begun.body;
  EXPECT_EQ(begun.Header("cache-control"), "no-store");
  const std::string shown = std::string(begun.Json().at("secret").as_string());
  const std::string secret = *store::user::Base32Decode(shown);
  EXPECT_EQ(std::string(begun.Json().at("otpauth_uri").as_string()),
            "otpauth://totp/Store:tia%40example.com?secret=" + shown + "&issuer=Store&algorithm=SHA1&digits=6&period=30");
  const std::string pending = Scalar("SELECT totp_pending FROM users WHERE email = 'tia@example.com'");
  EXPECT_FALSE(pending.empty());
  EXPECT_EQ(pending.find(shown), std::string::npos) << "sealed at rest";
  EXPECT_EQ(Post("/v1/me/mfa/totp/confirm", {{"code", "000000"}}, access).status, 422);
  auto confirmed = Post("/v1/me/mfa/totp/confirm", {{"code", TotpCode(secret)}}, access);
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  const json::array codes = confirmed.Json().at("recovery_codes").as_array();
  ASSERT_EQ(codes.size(), 10u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NULL"), "10");
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM recovery_codes WHERE code_hash = '" + std::string(codes[0].as_string()) + "'"), "0");
  EXPECT_EQ(Call("GET", "/v1/me", "", access).Json().at("mfa_enabled"), true);
  clock_.Advance(std::chrono::seconds(store::user::kTotpStepSeconds));

  auto first = Post("/v1/auth/login", {{"email", "tia@example.com"}, {"password", kPassword}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json().at("mfa_required"), true);
  EXPECT_FALSE(first.Json().contains("access_token"));
  EXPECT_EQ(first.Json().at("expires_in"), 300);
  const std::string challenge = std::string(first.Json().at("mfa_token").as_string());
  auto wrong = Post("/v1/auth/login/mfa", {{"mfa_token", challenge}, {"code", "000000"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.Json().at("errors").as_array().at(0).as_object().at("field"), "code") << wrong.body;
  EXPECT_EQ(Post("/v1/auth/login/mfa", {{"mfa_token", challenge}, {"code", "12"}}).status, 401);
  EXPECT_EQ(Post("/v1/auth/login/mfa", {{"code", TotpCode(secret)}}).status, 400) << "no challenge";
  auto done = Post("/v1/auth/login/mfa", {{"mfa_token", challenge}, {"code", TotpCode(secret)}});
  ASSERT_EQ(done.status, 200) << done.body;
  const std::string sid = std::string(done.Json().at("session_id").as_string());
  EXPECT_EQ(Scalar("SELECT mfa FROM sessions WHERE id = '" + sid + "'"), "1");
  EXPECT_EQ(Post("/v1/auth/login/mfa", {{"mfa_token", challenge}, {"code", TotpCode(secret)}}).status, 401) << "used once";

  // A recovery code instead of the app, once.
  auto again = Post("/v1/auth/login", {{"email", "tia@example.com"}, {"password", kPassword}});
  auto recovered = Post("/v1/auth/login/mfa", {{"mfa_token", again.Json().at("mfa_token")}, {"code", codes[0]}});
  ASSERT_EQ(recovered.status, 200) << recovered.body;
  auto third = Post("/v1/auth/login", {{"email", "tia@example.com"}, {"password", kPassword}});
  EXPECT_EQ(Post("/v1/auth/login/mfa", {{"mfa_token", third.Json().at("mfa_token")}, {"code", codes[0]}}).status, 401);
  const std::string session_access = std::string(recovered.Json().at("access_token").as_string());
  EXPECT_EQ(Call("GET", "/v1/me/mfa", "", session_access).Json().at("recovery_codes_left"), 9);

  // Off: the password and a code; then the password alone signs in.
  EXPECT_EQ(Post("/v1/me/mfa/disable", {{"password", kPassword}, {"code", "000000"}}, session_access).status, 422);
  auto off = Post("/v1/me/mfa/disable", {{"password", kPassword}, {"code", codes[1]}}, session_access);
  ASSERT_EQ(off.status, 204) << off.body;
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM recovery_codes"), "0");
  EXPECT_TRUE(Login("tia@example.com", kPassword).contains("access_token"));
}

TEST_F(SecondFactor, WrongCodesEndTheChallengeAndCodeChecksAreLimited) {
  Start([](store::user::Settings& s) {
    s.mfa_attempts = 3;
    s.mfa = {100, 6};
  });
  RegisterVerified("uma@example.com", kPassword);
  const std::string secret = EnrolTotp(std::string(Login("uma@example.com", kPassword).at("access_token").as_string()), kPassword);
  auto challenge = [&] {
    return std::string(Post("/v1/auth/login", {{"email", "uma@example.com"}, {"password", kPassword}}).Json().at("mfa_token").as_string());
  };
  const std::string token = challenge();
  for (int i = 0; i < 2; ++i) EXPECT_EQ(Post("/v1/auth/login/mfa", {{"mfa_token", token}, {"code", "000000"}}).Json().at("detail"), "the code is wrong");
  EXPECT_EQ(Post("/v1/auth/login/mfa", {{"mfa_token", token}, {"code", "000000"}}).Json().at("detail"), "the sign-in has expired; sign in again");
  EXPECT_EQ(Post("/v1/auth/login/mfa", {{"mfa_token", token}, {"code", TotpCode(secret)}}).status, 401) << "spent: start over";
  // 4 code checks so far (the confirmation counts): two more, then 429 even for the right code.
  EXPECT_EQ(Post("/v1/auth/login/mfa", {{"mfa_token", challenge()}, {"code", "000000"}}).status, 401);
  EXPECT_EQ(Post("/v1/auth/login/mfa", {{"mfa_token", challenge()}, {"code", "000000"}}).status, 401);
  auto limited = Post("/v1/auth/login/mfa", {{"mfa_token", challenge()}, {"code", TotpCode(secret)}});
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_FALSE(limited.Header("retry-after").empty());
}

TEST_F(SecondFactor, AfterTheGracePeriodOnlyASessionThatPassedItIsAnAdmin) {
  Start([](store::user::Settings& s) { s.mfa_admin_grace = std::chrono::milliseconds(0); });
  auto login = Login("admin@shop.example", "admin password for tests");
  const std::string access = std::string(login.at("access_token").as_string());
  auto introspected = Call("GET", "/v1/auth/introspect", "", access);
  EXPECT_EQ(introspected.Header("x-user-roles"), "customer") << "no admin role without the second factor";
  EXPECT_EQ(Call("GET", "/v1/admin/users", "", access).status, 403);
  auto status = Call("GET", "/v1/me/mfa", "", access).Json();
  EXPECT_EQ(status.at("required"), true);
  EXPECT_FALSE(status.at("grace_ends_at").is_null());

  EnrolTotp(access, "admin password for tests");
  auto refreshed = Post("/v1/auth/refresh", {{"refresh_token", login.at("refresh_token")}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const std::string admin = std::string(refreshed.Json().at("access_token").as_string());
  EXPECT_EQ(Call("GET", "/v1/auth/introspect", "", admin).Header("x-user-roles"), "customer,admin");
  EXPECT_EQ(Call("GET", "/v1/admin/users", "", admin).status, 200);
  EXPECT_EQ(Call("GET", "/v1/me/mfa", "", admin).Json().at("session_verified"), true);

  // An admin removes a customer's second factor (a lost phone): their sessions end.
  RegisterVerified("val@example.com", kPassword);
  const std::string customer = std::string(Login("val@example.com", kPassword).at("access_token").as_string());
  EnrolTotp(customer, kPassword);
  const std::string id = Scalar("SELECT id FROM users WHERE email = 'val@example.com'");
  EXPECT_EQ(Call("DELETE", "/v1/admin/users/" + id + "/mfa", "", customer).status, 403);
  ASSERT_EQ(Call("DELETE", "/v1/admin/users/" + id + "/mfa", "", admin).status, 204);
  EXPECT_EQ(Introspect(customer), 401) << "their sessions ended";
  EXPECT_TRUE(Login("val@example.com", kPassword).contains("access_token")) << "the password alone again";
}

}  // namespace
}  // namespace usertest
