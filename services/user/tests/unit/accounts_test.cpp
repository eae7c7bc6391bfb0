// Unit tests of the use cases (Accounts, SocialLogin) on in-memory fakes of their ports: the
// rules that the component tests check through MariaDB and Redis, here without engines — each
// test shows which port calls a use case makes and which it must not make.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "app/accounts.hpp"
#include "app/service_clients.hpp"
#include "app/social_login.hpp"
#include "domain/secrets.hpp"
#include "domain/totp.hpp"
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
  store::core::Result<SignIn> SignInWith(const std::string& email, const std::string& password) {
    LoginCommand cmd;
    cmd.email = email;
    cmd.password = password;
    return RunAwaitable(accounts_.Login(cmd, client_));
  }
  // A sign-in that must end with a session (no second factor).
  store::core::Result<Tokens> Login(const std::string& email, const std::string& password) {
    auto r = SignInWith(email, password);
    if (!r) return std::unexpected(r.error());
    if (auto* tokens = std::get_if<Tokens>(&*r)) return *tokens;
    return Fail(Errc::internal, "a second-factor challenge instead of a session");
  }

  Settings settings_ = TestSettings();
  store::core::FakeClock clock_{std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 55))};
  KeyRing keys_ = TestKeys();
  PasswordPolicy policy_{8, 1024, {"password1"}};
  FakeAccountStore store_;
  FakeRateLimiter limiter_;
  FakeRevocations revocations_;
  FakeOneTimeStates challenges_;
  SecretBox secrets_{std::string(SecretBox::kKeyBytes, 'k')};
  Accounts accounts_{settings_, store_, limiter_, revocations_, challenges_, clock_, keys_, policy_, secrets_};
  ClientInfo client_{"10.0.0.1", "unit"};
};

// ---------------------------------------------------------------- the second factor

class SecondFactorTest : public AccountsTest {
 protected:
  std::int64_t NowMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch()).count();
  }
  std::int64_t NowSeconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  }
  // The code an authenticator app shows now (`steps` later).
  std::string CodeNow(int steps = 0) const {
    return Hotp(secret_, static_cast<std::uint64_t>(TotpStep(NowSeconds()) + steps));
  }
  std::vector<std::string> Roles(const Tokens& t) {
    store::auth::TokenPolicy policy{settings_.auth.issuer, settings_.auth.audience};
    auto claims = store::auth::VerifyAccessToken(t.access_token, keys_.public_keys, policy, clock_.Now());
    EXPECT_TRUE(claims) << (claims ? "" : claims.error().message);
    return claims ? claims->roles : std::vector<std::string>{};
  }
  // Registers, signs in and turns the second factor on; returns the recovery codes.
  std::vector<std::string> Enrolled(const std::string& email) {
    user_ = RegisterVerified(email);
    auto tokens = Login(email, kPassword);
    EXPECT_TRUE(tokens);
    sid_ = tokens->session_id;
    auto begun = RunAwaitable(accounts_.BeginTotp(user_, sid_, kPassword));
    EXPECT_TRUE(begun);
    secret_ = *Base32Decode(begun->secret);
    auto codes = RunAwaitable(accounts_.ConfirmTotp(user_, sid_, CodeNow(), client_));
    EXPECT_TRUE(codes) << (codes ? "" : codes.error().message);
    clock_.Advance(std::chrono::seconds(kTotpStepSeconds));  // the confirming code is used up
    return codes ? *codes : std::vector<std::string>{};
  }
  MfaChallenge Challenged(const std::string& email) {
    auto r = SignInWith(email, kPassword);
    EXPECT_TRUE(r);
    EXPECT_TRUE(r && std::holds_alternative<MfaChallenge>(*r)) << "the password alone is not a session";
    return r && std::holds_alternative<MfaChallenge>(*r) ? std::get<MfaChallenge>(*r) : MfaChallenge{};
  }

  std::string user_, sid_, secret_;
};

TEST_F(SecondFactorTest, EnrolmentNeedsThePasswordAndAFirstCodeAndEndsTheOtherSessions) {
  user_ = RegisterVerified("mo@example.com");
  auto first = Login("mo@example.com", kPassword);
  auto other = Login("mo@example.com", kPassword);
  ASSERT_TRUE(first && other);
  auto wrong = RunAwaitable(accounts_.BeginTotp(user_, sid_, "not the password"));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::unauthenticated);
  EXPECT_FALSE(store_.data.users.at(user_).totp_pending);
  auto begun = RunAwaitable(accounts_.BeginTotp(user_, sid_, kPassword));
  ASSERT_TRUE(begun);
  secret_ = *Base32Decode(begun->secret);
  EXPECT_EQ(secret_.size(), 20u) << "160 bits";
  EXPECT_TRUE(begun->otpauth_uri.starts_with("otpauth://totp/Store:mo%40example.com?secret=" + begun->secret));
  const User& stored = store_.data.users.at(user_);
  ASSERT_TRUE(stored.totp_pending);
  EXPECT_EQ(stored.totp_pending->find(begun->secret), std::string::npos) << "sealed, never in the clear";
  EXPECT_FALSE(stored.HasSecondFactor()) << "not on before a first code";

  auto bad = RunAwaitable(accounts_.ConfirmTotp(user_, first->session_id, CodeNow(3), client_));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::unprocessable);
  auto codes = RunAwaitable(accounts_.ConfirmTotp(user_, first->session_id, CodeNow(), client_));
  ASSERT_TRUE(codes) << codes.error().message;
  EXPECT_EQ(codes->size(), 10u);
  EXPECT_TRUE(store_.data.users.at(user_).HasSecondFactor());
  EXPECT_TRUE(store_.data.sessions.at(first->session_id).session.mfa) << "this session proved the factor";
  EXPECT_EQ(store_.data.sessions.at(other->session_id).revoke_reason, "mfa_enabled");
  EXPECT_FALSE(store_.data.sessions.at(first->session_id).revoked_at);
  for (const auto& [hash, used] : store_.data.recovery_codes.at(user_))
    for (const auto& code : *codes) EXPECT_NE(hash, *NormalizeRecoveryCode(code)) << "only hashes are stored";
  auto again = RunAwaitable(accounts_.BeginTotp(user_, sid_, kPassword));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
}

TEST_F(SecondFactorTest, ThePasswordAloneGivesAChallengeAndACodeGivesAVerifiedSession) {
  Enrolled("ned@example.com");
  const std::size_t sessions = store_.data.sessions.size();
  auto challenge = Challenged("ned@example.com");
  EXPECT_EQ(store_.data.sessions.size(), sessions) << "no session before the code";
  EXPECT_EQ(challenge.expires_in, 300);
  EXPECT_EQ(challenges_.values.count(store::auth::Sha256Hex(challenge.token)), 1u) << "kept under its hash";
  auto used = RunAwaitable(accounts_.CompleteLogin(challenge.token, CodeNow(-1), client_));
  ASSERT_FALSE(used) << "the step the enrolment used works once";
  auto signed_in = RunAwaitable(accounts_.CompleteLogin(challenge.token, CodeNow(), client_));
  ASSERT_TRUE(signed_in) << signed_in.error().message;
  EXPECT_TRUE(store_.data.sessions.at(signed_in->tokens.session_id).session.mfa);
  auto replay = RunAwaitable(accounts_.CompleteLogin(challenge.token, CodeNow(), client_));
  ASSERT_FALSE(replay) << "a challenge is used once";
  EXPECT_EQ(replay.error().code, Errc::unauthenticated);
  auto next = Challenged("ned@example.com");
  auto same_code = RunAwaitable(accounts_.CompleteLogin(next.token, CodeNow(), client_));
  ASSERT_FALSE(same_code) << "a code works once, even within its 30 s";
  EXPECT_EQ(same_code.error().fields.at(0).field, "code");
}

TEST_F(SecondFactorTest, WrongCodesUseUpTheChallengeAndRecoveryCodesWorkOnce) {
  auto codes = Enrolled("ola@example.com");
  auto challenge = Challenged("ola@example.com");
  for (int i = 1; i < settings_.mfa_attempts; ++i) {
    auto wrong = RunAwaitable(accounts_.CompleteLogin(challenge.token, "000000", client_));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().message, "the code is wrong") << i;
  }
  auto last = RunAwaitable(accounts_.CompleteLogin(challenge.token, "000000", client_));
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().message, "the sign-in has expired; sign in again");
  EXPECT_FALSE(RunAwaitable(accounts_.CompleteLogin(challenge.token, CodeNow(), client_))) << "even the right code: start over";

  auto fresh = Challenged("ola@example.com");
  auto by_recovery = RunAwaitable(accounts_.CompleteLogin(fresh.token, " " + codes[3] + " ", client_));
  ASSERT_TRUE(by_recovery) << by_recovery.error().message;
  auto status = RunAwaitable(accounts_.SecondFactor(user_, by_recovery->tokens.session_id));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->recovery_codes_left, 9);
  EXPECT_TRUE(status->session_verified);
  auto reuse = RunAwaitable(accounts_.CompleteLogin(Challenged("ola@example.com").token, codes[3], client_));
  EXPECT_FALSE(reuse) << "a recovery code works once";
}

TEST_F(SecondFactorTest, ExpiredChallengesAndThrottledCodesAreRefused) {
  settings_.mfa = Limit{100, 3};
  Enrolled("pia@example.com");
  auto challenge = Challenged("pia@example.com");
  clock_.Advance(settings_.mfa_challenge_ttl + std::chrono::seconds(1));
  auto late = RunAwaitable(accounts_.CompleteLogin(challenge.token, CodeNow(), client_));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::unauthenticated);
  for (int i = 0; i < 2; ++i) EXPECT_FALSE(RunAwaitable(accounts_.CompleteLogin(Challenged("pia@example.com").token, "000000", client_)));
  auto throttled = RunAwaitable(accounts_.CompleteLogin(Challenged("pia@example.com").token, CodeNow(), client_));
  ASSERT_FALSE(throttled);
  EXPECT_EQ(throttled.error().code, Errc::too_many_requests) << "abuse.mfa_per_account counts every code check";
}

TEST_F(SecondFactorTest, AnAdminWithoutTheSecondFactorLosesTheRoleAfterTheGracePeriod) {
  settings_.mfa_admin_grace = std::chrono::hours(24);
  user_ = RegisterVerified("quinn@example.com");
  auto promote = [&](AccountTransaction& tx) { return tx.SetRoles(user_, {"customer", "admin"}, NowMs()); };
  ASSERT_TRUE(RunAwaitable(store_.Transaction(promote)));
  auto early = Login("quinn@example.com", kPassword);
  ASSERT_TRUE(early);
  EXPECT_EQ(Roles(*early), (std::vector<std::string>{"customer", "admin"})) << "within the grace period";
  auto status = RunAwaitable(accounts_.SecondFactor(user_, early->session_id));
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->required);
  EXPECT_EQ(status->grace_ends_at, NowMs() + 24 * 3600 * 1000);
  clock_.Advance(std::chrono::hours(25));
  auto late = Login("quinn@example.com", kPassword);
  ASSERT_TRUE(late);
  EXPECT_EQ(Roles(*late), (std::vector<std::string>{"customer"})) << "past it, a session without the factor is no admin";
  auto begun = RunAwaitable(accounts_.BeginTotp(user_, sid_, kPassword));
  ASSERT_TRUE(begun);
  secret_ = *Base32Decode(begun->secret);
  ASSERT_TRUE(RunAwaitable(accounts_.ConfirmTotp(user_, late->session_id, CodeNow(), client_)));
  auto refreshed = RunAwaitable(accounts_.Refresh(late->refresh_token, client_));
  ASSERT_TRUE(refreshed) << refreshed.error().message;
  EXPECT_EQ(Roles(*refreshed), (std::vector<std::string>{"customer", "admin"})) << "the session proved the factor";
}

TEST_F(SecondFactorTest, AnAccountWithoutAPasswordEnrolsOnlySoonAfterSigningIn) {
  OidcIdentity identity{"local", "sub-mfa", "sol@example.com", true, "Sol"};
  auto signed_in = RunAwaitable(accounts_.LoginWithOidc(identity, client_));
  ASSERT_TRUE(signed_in);
  const auto& tokens = std::get<Tokens>(*signed_in);
  clock_.Advance(settings_.mfa_reauth_window + std::chrono::seconds(1));
  auto stale = RunAwaitable(accounts_.BeginTotp(tokens.user.id, tokens.session_id, ""));
  ASSERT_FALSE(stale) << "an old session alone cannot add an authenticator";
  EXPECT_EQ(stale.error().code, Errc::unauthenticated);
  auto again = RunAwaitable(accounts_.LoginWithOidc(identity, client_));
  ASSERT_TRUE(again);
  const auto& fresh = std::get<Tokens>(*again);
  EXPECT_TRUE(RunAwaitable(accounts_.BeginTotp(fresh.user.id, fresh.session_id, ""))) << "a fresh sign-in does";
}

TEST_F(SecondFactorTest, TurningItOffNeedsThePasswordAndACodeAndNewRecoveryCodesReplaceTheOld) {
  auto codes = Enrolled("rex@example.com");
  auto fresh = RunAwaitable(accounts_.NewRecoveryCodes(user_, codes[0], client_));
  ASSERT_FALSE(fresh) << "new recovery codes need the app's code, not a recovery code";
  fresh = RunAwaitable(accounts_.NewRecoveryCodes(user_, CodeNow(), client_));
  ASSERT_TRUE(fresh) << fresh.error().message;
  EXPECT_NE(*fresh, codes);
  auto wrong_password = RunAwaitable(accounts_.DisableTotp(user_, "not the password", (*fresh)[0], client_));
  ASSERT_FALSE(wrong_password);
  EXPECT_EQ(wrong_password.error().code, Errc::unauthenticated);
  auto old_code = RunAwaitable(accounts_.DisableTotp(user_, kPassword, codes[1], client_));
  ASSERT_FALSE(old_code) << "the old recovery codes stopped working";
  EXPECT_EQ(old_code.error().code, Errc::unprocessable);
  ASSERT_TRUE(RunAwaitable(accounts_.DisableTotp(user_, kPassword, (*fresh)[1], client_)));
  EXPECT_FALSE(store_.data.users.at(user_).HasSecondFactor());
  EXPECT_TRUE(Login("rex@example.com", kPassword)) << "the password alone signs in again";
}

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

  clock_.Advance(settings_.refresh_reuse_grace + std::chrono::milliseconds(1));  // no concurrent refresh: a theft
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

TEST_F(AccountsTest, TheSameRefreshTokenTwiceAtOnceIsTwoTabsNotATheft) {
  RegisterVerified("ida@example.com");
  auto tokens = Login("ida@example.com", kPassword);
  ASSERT_TRUE(tokens);
  auto first = RunAwaitable(accounts_.Refresh(tokens->refresh_token, client_));
  ASSERT_TRUE(first);
  clock_.Advance(settings_.refresh_reuse_grace / 2);
  auto second = RunAwaitable(accounts_.Refresh(tokens->refresh_token, client_));  // the other tab, a moment later
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->session_id, tokens->session_id);
  EXPECT_NE(second->refresh_token, first->refresh_token) << "a token of its own";
  EXPECT_FALSE(store_.data.sessions.at(tokens->session_id).revoked_at);
  EXPECT_TRUE(revocations_.revoked.empty());
  // Both tabs go on; the grace runs from the first use: the same token later still ends the session.
  EXPECT_TRUE(RunAwaitable(accounts_.Refresh(first->refresh_token, client_)));
  EXPECT_TRUE(RunAwaitable(accounts_.Refresh(second->refresh_token, client_)));
  clock_.Advance(settings_.refresh_reuse_grace);
  auto late = RunAwaitable(accounts_.Refresh(tokens->refresh_token, client_));
  ASSERT_FALSE(late);
  EXPECT_EQ(store_.data.sessions.at(tokens->session_id).revoke_reason, "reuse");
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
  FakeOneTimeStates states_;
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

// The client-credentials grant's use case: a configured client with its secret gets a service
// token (sub and sid service:<id>, the role service, oauth.token_ttl); anything else is one 401.
TEST(ServiceClientsTest, IssuesServiceTokensOnlyForAConfiguredClientWithItsSecret) {
  Settings settings = TestSettings();
  settings.service_token_ttl = std::chrono::seconds(120);
  KeyRing keys = TestKeys();
  store::core::FakeClock clock{std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 55))};
  ServiceClients clients(settings, {{"order", "order-secret-0123456789-0123456789"}, {"ops", "ops-secret-0123456789-0123456789-x"}},
                         keys, clock);
  auto token = clients.IssueToken("order", "order-secret-0123456789-0123456789");
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_EQ(token->expires_in, std::chrono::seconds(120));
  auto claims = store::auth::VerifyAccessToken(token->access_token, keys.public_keys,
                                               {.issuer = settings.auth.issuer, .audience = settings.auth.audience},
                                               clock.Now());
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->subject, "service:order");
  EXPECT_EQ(claims->session_id, "service:order");
  EXPECT_EQ(claims->roles, std::vector<std::string>{"service"});
  EXPECT_EQ(claims->expires_at - claims->issued_at, 120);

  for (auto [id, secret] : {std::pair{"order", "order-secret-0123456789-012345678"}, {"order", ""},
                            {"order", "ops-secret-0123456789-0123456789-x"}, {"nobody", "order-secret-0123456789-0123456789"},
                            {"", ""}, {"ORDER", "order-secret-0123456789-0123456789"}}) {
    auto refused = clients.IssueToken(id, secret);
    ASSERT_FALSE(refused) << id << " " << secret;
    EXPECT_EQ(refused.error().code, store::core::Errc::unauthenticated);
    EXPECT_EQ(refused.error().message, "unknown client or wrong client secret");  // the same for every refusal
  }
}

}  // namespace
}  // namespace usertest
