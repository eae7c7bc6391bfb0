// Unit tests of the use cases (Accounts, SocialLogin) on in-memory fakes of their ports: the
// rules that the component tests check through MariaDB and Redis, here without engines — each
// test shows which port calls a use case makes and which it must not make.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "app/accounts.hpp"
#include "app/social_login.hpp"
#include "domain/secrets.hpp"
#include "fakes.hpp"
#include "store/testing/async.hpp"
#include "store/auth/secrets.hpp"

namespace usertest {
namespace {

using store::testing::RunAwaitable;
namespace json = boost::json;

constexpr const char* kPassword = "correct horse battery staple";
constexpr const char* kRegistered = "user.registered.v1";
constexpr const char* kVerification = "user.email_verification_requested.v1";
constexpr const char* kResetRequested = "user.password_reset_requested.v1";

Settings TestSettings() {
  Settings s;
  s.argon2_ops = 2;  // the policy's floor: fast, and still what production may use
  s.argon2_memory = 19ll * 1024 * 1024;
  s.hash_threads = 1;
  s.register_ = Limit{3, 2};
  return s;
}

KeyRing TestKeys() {
  KeyRing keys{store::auth::SigningKey::Generate("unit-test"), {}};
  keys.public_keys.Add(keys.current.Public());
  return keys;
}

class AccountsTest : public ::testing::Test {
 protected:
  AccountsTest() { InitSodium(); }

  RegisterCommand Registration(const std::string& email, const std::string& password = kPassword) {
    RegisterCommand cmd;
    cmd.email = email;
    cmd.password = password;
    cmd.name = "Ada";
    return cmd;
  }
  // Registers and verifies through the use cases; returns the user id.
  std::string RegisterVerified(const std::string& email) {
    auto cmd = Registration(email);
    EXPECT_TRUE(RunAwaitable(accounts_.Register(cmd, client_)));
    std::string token;
    for (const auto& e : store_.data.Events(kVerification))
      if (e.data.at("email").as_string() == email) token = std::string(e.data.at("token").as_string());
    auto verified = RunAwaitable(accounts_.VerifyEmail(token));
    EXPECT_TRUE(verified) << (verified ? "" : verified.error().message);
    return store_.data.UserByEmail(email)->id;
  }
  store::core::Result<Tokens> Login(const std::string& email, const std::string& password) {
    LoginCommand cmd;
    cmd.email = email;
    cmd.password = password;
    return RunAwaitable(accounts_.Login(cmd, client_));
  }

  Settings settings_ = TestSettings();
  store::core::FakeClock clock_{std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 55))};
  KeyRing keys_ = TestKeys();
  PasswordPolicy policy_{8, 1024, {"password1"}};
  FakeAccountStore store_;
  FakeRateLimiter limiter_;
  FakeRevocations revocations_;
  Accounts accounts_{settings_, store_, limiter_, revocations_, clock_, keys_, policy_};
  ClientInfo client_{"10.0.0.1", "unit"};
};

TEST_F(AccountsTest, RegisterAnswersTheSameForAnExistingEmailAndPublishesNothingForIt) {
  auto cmd = Registration("ada@example.com");
  ASSERT_TRUE(RunAwaitable(accounts_.Register(cmd, client_)));
  EXPECT_EQ(store_.data.Events(kRegistered).size(), 1u);
  EXPECT_EQ(store_.data.Events(kVerification).size(), 1u);
  auto again = Registration("ADA@example.com ", "another good password");
  EXPECT_TRUE(RunAwaitable(accounts_.Register(again, client_))) << "the same answer as for a new address";
  EXPECT_EQ(store_.data.users.size(), 1u);
  EXPECT_EQ(store_.data.events.size(), 2u) << "nothing published for an existing address";
  EXPECT_EQ(store_.data.email_requests, (std::vector<std::string>{"register", "register"})) << "both paths write the audit row";
  const User* u = store_.data.UserByEmail("ada@example.com");
  ASSERT_NE(u, nullptr);
  ASSERT_TRUE(u->password_hash);
  EXPECT_TRUE(u->password_hash->starts_with("$argon2id$v=19$m=19456,t=2,")) << *u->password_hash;
  EXPECT_EQ(store_.data.Events(kVerification)[0].data.at("token").as_string().size(), 43u) << "256 random bits";
  EXPECT_FALSE(store_.data.email_tokens.contains(std::string(store_.data.Events(kVerification)[0].data.at("token").as_string())))
      << "only the token's hash is stored";
}

TEST_F(AccountsTest, RegisterRefusesACommonPasswordWith422BeforeCountingTheAttempt) {
  auto cmd = Registration("bob@example.com", "Password1");
  auto r = RunAwaitable(accounts_.Register(cmd, client_));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unprocessable);
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "password");
  EXPECT_TRUE(limiter_.hits.empty());
  EXPECT_EQ(store_.units_of_work, 0);
}

TEST_F(AccountsTest, RegisterOverTheAccountLimitIs429WithTheWindowAsRetryAfterAndWritesNothing) {
  for (int i = 0; i < 2; ++i) {
    auto cmd = Registration("carol@example.com");
    ASSERT_TRUE(RunAwaitable(accounts_.Register(cmd, client_)));
  }
  auto third = Registration("carol@example.com");
  auto r = RunAwaitable(accounts_.Register(third, client_));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_many_requests);
  EXPECT_EQ(r.error().retry_after, std::chrono::seconds(3600)) << "becomes the Retry-After header";
  EXPECT_TRUE(r.error().fields.empty()) << "no pseudo field carries it any more";
  EXPECT_EQ(store_.data.email_requests.size(), 2u);
}

TEST_F(AccountsTest, ALockedAccountAnswers429WithItsRetryAfterEvenToTheRightPasswordAndForUnknownEmails) {
  RegisterVerified("dave@example.com");
  limiter_.locked = std::chrono::seconds(7);
  for (const char* email : {"dave@example.com", "nobody@example.com"}) {
    auto r = Login(email, kPassword);
    ASSERT_FALSE(r) << email;
    EXPECT_EQ(r.error().code, Errc::too_many_requests) << email;
    EXPECT_EQ(r.error().retry_after, std::chrono::seconds(7)) << email;
  }
  EXPECT_TRUE(store_.data.sessions.empty());
}

TEST_F(AccountsTest, AWrongPasswordAndAnUnknownEmailGetTheSameErrorAndBothCountAsFailures) {
  RegisterVerified("erin@example.com");
  auto wrong = Login("erin@example.com", "not the password");
  auto unknown = Login("nobody@example.com", kPassword);
  ASSERT_FALSE(wrong);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(wrong.error().code, Errc::unauthenticated);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  EXPECT_EQ(wrong.error().fields.size(), unknown.error().fields.size());
  EXPECT_EQ(limiter_.failed.size(), 2u);
  EXPECT_NE(limiter_.failed[0], limiter_.failed[1]) << "counted per account (hashed email)";
  EXPECT_TRUE(limiter_.succeeded.empty());
}

TEST_F(AccountsTest, LoginBeforeVerificationIsRefusedOnlyAfterTheRightPassword) {
  auto cmd = Registration("fay@example.com");
  ASSERT_TRUE(RunAwaitable(accounts_.Register(cmd, client_)));
  auto wrong = Login("fay@example.com", "not the password");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::unauthenticated);
  auto right = Login("fay@example.com", kPassword);
  ASSERT_FALSE(right);
  EXPECT_EQ(right.error().code, Errc::forbidden);
}

TEST_F(AccountsTest, ReusingASpentRefreshTokenEndsTheSessionAndPutsItOnTheRevocationList) {
  RegisterVerified("gus@example.com");
  auto tokens = Login("gus@example.com", kPassword);
  ASSERT_TRUE(tokens);
  EXPECT_EQ(store_.data.Events("user.logged_in.v1").size(), 1u);
  auto next = RunAwaitable(accounts_.Refresh(tokens->refresh_token, client_));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->session_id, tokens->session_id);
  EXPECT_NE(next->refresh_token, tokens->refresh_token);
  EXPECT_TRUE(revocations_.revoked.empty());

  auto reused = RunAwaitable(accounts_.Refresh(tokens->refresh_token, client_));
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().code, Errc::unauthenticated);
  const auto& stored = store_.data.sessions.at(tokens->session_id);
  EXPECT_TRUE(stored.revoked_at);
  EXPECT_EQ(stored.revoke_reason, "reuse");
  ASSERT_EQ(revocations_.revoked.size(), 1u);
  EXPECT_EQ(revocations_.revoked[0].first, tokens->session_id);
  EXPECT_EQ(revocations_.revoked[0].second, settings_.access_token_ttl + settings_.auth.leeway + std::chrono::seconds(5));
  auto owner = RunAwaitable(accounts_.Refresh(next->refresh_token, client_));
  EXPECT_FALSE(owner) << "the owner's newer token dies with the thief's";
}

TEST_F(AccountsTest, AnIdleSessionEndsAtItsNextRefresh) {
  RegisterVerified("hal@example.com");
  auto tokens = Login("hal@example.com", kPassword);
  ASSERT_TRUE(tokens);
  clock_.Advance(settings_.idle_timeout + std::chrono::seconds(1));
  auto r = RunAwaitable(accounts_.Refresh(tokens->refresh_token, client_));
  ASSERT_FALSE(r);
  EXPECT_EQ(store_.data.sessions.at(tokens->session_id).revoke_reason, "idle");
}

TEST_F(AccountsTest, APasswordResetIsSingleUseEndsEverySessionAndProvesTheMailbox) {
  auto id = RegisterVerified("ivy@example.com");
  ASSERT_TRUE(Login("ivy@example.com", kPassword));
  ASSERT_TRUE(Login("ivy@example.com", kPassword));
  std::string email = "ivy@example.com";
  ASSERT_TRUE(RunAwaitable(accounts_.RequestPasswordReset(email, client_)));
  std::string unknown = "nobody@example.com";
  ASSERT_TRUE(RunAwaitable(accounts_.RequestPasswordReset(unknown, client_))) << "the same answer";
  auto events = store_.data.Events(kResetRequested);
  ASSERT_EQ(events.size(), 1u) << "an event only for the existing account";
  std::string token(events[0].data.at("token").as_string());
  std::string password = "a brand new passphrase";
  ASSERT_TRUE(RunAwaitable(accounts_.ConfirmPasswordReset(token, password)));
  EXPECT_EQ(revocations_.revoked.size(), 2u);
  for (const auto& [sid, s] : store_.data.sessions) EXPECT_EQ(s.revoke_reason, "reset") << sid;
  EXPECT_TRUE(store_.data.users.at(id).email_verified);
  auto again = RunAwaitable(accounts_.ConfirmPasswordReset(token, password));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::invalid_argument);
  EXPECT_TRUE(Login("ivy@example.com", password));
}

TEST_F(AccountsTest, SocialLoginLinkingAnUnverifiedAccountDropsItsPassword) {
  auto cmd = Registration("jan@example.com");
  ASSERT_TRUE(RunAwaitable(accounts_.Register(cmd, client_)));  // never verified
  OidcIdentity identity{"local", "sub-1", "jan@example.com", true, "Jan"};
  auto tokens = RunAwaitable(accounts_.LoginWithOidc(identity, client_));
  ASSERT_TRUE(tokens) << tokens.error().message;
  const User* u = store_.data.UserByEmail("jan@example.com");
  ASSERT_NE(u, nullptr);
  EXPECT_FALSE(u->password_hash) << "the password was never proven to belong to the mailbox's owner";
  EXPECT_TRUE(u->email_verified);
  EXPECT_EQ(store_.data.identities.at({"local", "sub-1"}), u->id);
  EXPECT_EQ(store_.data.Events(kRegistered).size(), 1u) << "linked, not created";
}

TEST_F(AccountsTest, SocialLoginWithoutAVerifiedEmailCreatesNothing) {
  OidcIdentity identity{"local", "sub-2", "kim@example.com", false, "Kim"};
  auto r = RunAwaitable(accounts_.LoginWithOidc(identity, client_));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::forbidden);
  EXPECT_TRUE(store_.data.users.empty());
  EXPECT_TRUE(store_.data.identities.empty());
}

TEST_F(AccountsTest, RegisterWritesTheAccountAndItsEventsInOneUnitOfWork) {
  store_.data.failing_topic = kVerification;  // the outbox refuses the last write of the registration
  auto cmd = Registration("lee@example.com");
  auto r = RunAwaitable(accounts_.Register(cmd, client_));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_TRUE(store_.data.users.empty()) << "no account without its events";
  EXPECT_TRUE(store_.data.events.empty());
  EXPECT_TRUE(store_.data.email_tokens.empty());
  EXPECT_TRUE(store_.data.email_requests.empty());
}

class SocialLoginTest : public AccountsTest {
 protected:
  SocialLoginTest() {
    OidcProviderSettings p;
    p.name = "local";
    p.issuer = "https://id.example";
    p.client_id = "store";
    p.client_secret = "secret";
    p.redirect_uri = "https://shop.example/callback";
    settings_.oidc.push_back(p);
    social_ = std::make_unique<SocialLogin>(settings_, states_, http_, clock_, accounts_);
  }
  void Discovery(const std::string& issuer) {
    http_.answers["https://id.example/.well-known/openid-configuration"] =
        FetchResponse{200,
                      json::serialize(json::object{{"issuer", issuer},
                                                   {"authorization_endpoint", "https://id.example/auth"},
                                                   {"token_endpoint", "https://id.example/token"},
                                                   {"jwks_uri", "https://id.example/jwks"}}),
                      {}};
  }
  FakeOidcStates states_;
  FakeHttp http_;
  std::unique_ptr<SocialLogin> social_;
};

TEST_F(SocialLoginTest, StartKeepsTheStateHashedAndSendsPkceS256) {
  Discovery("https://id.example");
  std::string provider = "local";
  auto started = RunAwaitable(social_->Start(provider));
  ASSERT_TRUE(started) << started.error().message;
  const std::string& url = started->url;
  EXPECT_TRUE(url.starts_with("https://id.example/auth?response_type=code&client_id=store&redirect_uri=https%3A%2F%2Fshop.example%2Fcallback"))
      << url;
  EXPECT_NE(url.find("&code_challenge_method=S256"), std::string::npos);
  auto at = url.find("&state=") + 7;
  std::string state = url.substr(at, url.find('&', at) - at);
  EXPECT_EQ(state, started->state);
  ASSERT_EQ(states_.values.size(), 1u);
  EXPECT_TRUE(states_.values.contains(store::auth::Sha256Hex(state))) << "stored under the state's hash, never the state";
}

TEST_F(SocialLoginTest, ADiscoveryDocumentOfAnotherIssuerIs503) {
  Discovery("https://evil.example");
  std::string provider = "local";
  auto url = RunAwaitable(social_->Start(provider));
  ASSERT_FALSE(url);
  EXPECT_EQ(url.error().code, Errc::unavailable);
  EXPECT_TRUE(states_.values.empty());
}

TEST_F(SocialLoginTest, AnUnknownOrReusedStateIs400WithoutAskingTheProvider) {
  Discovery("https://id.example");
  std::string provider = "local", code = "abc", state = "never-issued";
  auto r = RunAwaitable(social_->Callback(provider, code, state, client_));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  ASSERT_EQ(r.error().fields.size(), 1u);
  EXPECT_EQ(r.error().fields[0].field, "state");
  EXPECT_TRUE(http_.calls.empty());
}

}  // namespace
}  // namespace usertest
