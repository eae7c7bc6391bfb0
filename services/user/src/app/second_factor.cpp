// The second factor of Accounts: TOTP enrolment, the sign-in's second step, recovery codes.
//
// A sign-in of an account with a second factor stops after the password (or the provider) with a
// challenge: a random token whose SHA-256 keys {user, method, remember_me, guest cart, return_to,
// attempts left, end} in the OneTimeStates port, taken back once per attempt (two concurrent
// attempts cannot both use it) and put back with one attempt fewer after a wrong code. Codes are
// checked inside a transaction that locks the account row, so that a TOTP step or a recovery
// code is used at most once even by concurrent requests.
#include <boost/json.hpp>

#include "app/accounts.hpp"
#include "store/auth/secrets.hpp"
#include "store/log/log.hpp"

namespace store::user {

using core::Errc;
using core::Error;
using core::Fail;
using core::Result;
using core::Status;

namespace {
constexpr const char* kWrongCode = "the code is wrong";
constexpr const char* kSignInAgain = "the sign-in has expired; sign in again";
constexpr int kRecoveryCodes = 10;

std::int64_t Seconds(std::int64_t ms) { return ms / 1000; }

std::string OptString(const boost::json::object& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : std::string();
}
}  // namespace

Result<bool> Accounts::CheckCode(AccountTransaction& tx, const User& u, const std::string& code, std::int64_t now,
                                 bool totp_only) const {
  if (u.totp_secret) {
    TRY(secret, secrets_.Open(*u.totp_secret));
    if (auto step = MatchTotp(secret, code, Seconds(now), u.totp_last_step)) {
      TRY_STATUS(tx.SetTotpLastStep(u.id, *step));
      return true;
    }
  }
  if (totp_only) return false;
  auto recovery = NormalizeRecoveryCode(code);
  if (!recovery) return false;
  return tx.UseRecoveryCode(u.id, auth::Sha256Hex(*recovery), now);
}

Result<std::vector<std::string>> Accounts::FreshRecoveryCodes(AccountTransaction& tx, const std::string& user_id,
                                                              std::int64_t now) const {
  std::vector<std::string> codes, hashes;
  for (int i = 0; i < kRecoveryCodes; ++i) {
    codes.push_back(NewRecoveryCode());
    hashes.push_back(auth::Sha256Hex(*NormalizeRecoveryCode(codes.back())));
  }
  TRY_STATUS(tx.ReplaceRecoveryCodes(user_id, hashes, now));
  return codes;
}

Status Accounts::SecondFactorChanged(AccountTransaction& tx, const User& u, bool enabled, bool by_admin) const {
  return tx.AddEvent(kSecondFactorChanged, u.id,
                     {{"user_id", u.id},
                      {"email", u.email},
                      {"name", u.name},
                      {"locale", u.locale},
                      {"enabled", enabled},
                      {"by_admin", by_admin}});
}

Task<MfaChallenge> Accounts::Challenge(const User& u, const std::string& method, bool remember_me,
                                       const std::optional<std::string>& guest_cart_id,
                                       const std::optional<std::string>& return_to) {
  MfaChallenge c;
  c.token = auth::NewSecretToken();
  c.expires_in = std::chrono::duration_cast<std::chrono::seconds>(settings_.mfa_challenge_ttl).count();
  c.return_to = return_to;
  boost::json::object state{{"user_id", u.id},
                            {"method", method},
                            {"remember_me", remember_me},
                            {"attempts", settings_.mfa_attempts},
                            {"expires_at", NowMs() + settings_.mfa_challenge_ttl.count()}};
  if (guest_cart_id) state["guest_cart_id"] = *guest_cart_id;
  if (return_to) state["return_to"] = *return_to;
  const std::string key = auth::Sha256Hex(c.token);
  const std::string value = boost::json::serialize(state);
  CO_TRY_STATUS(co_await challenges_.Put(key, value, settings_.mfa_challenge_ttl));
  co_return c;
}

Task<MfaSignIn> Accounts::CompleteLogin(const std::string& challenge, const std::string& code, const ClientInfo& client) {
  if (challenge.empty() || challenge.size() > 128) co_return Fail(Errc::unauthenticated, kSignInAgain);
  const std::string key = auth::Sha256Hex(challenge);
  CO_TRY(taken, co_await challenges_.Take(key));
  if (!taken) co_return Fail(Errc::unauthenticated, kSignInAgain);
  boost::system::error_code ec;
  auto parsed = boost::json::parse(*taken, ec);
  if (ec || !parsed.is_object()) co_return Fail(Errc::internal, "a second-factor challenge is unreadable");
  boost::json::object state = parsed.as_object();
  const std::string user_id = OptString(state, "user_id");
  const std::int64_t expires_at = state["expires_at"].to_number<std::int64_t>();
  const std::int64_t now = NowMs();
  if (now >= expires_at) co_return Fail(Errc::unauthenticated, kSignInAgain);
  CO_TRY_STATUS(co_await Throttle("mfa", settings_.mfa, client.ip, user_id));

  const std::string method = OptString(state, "method");
  const bool remember_me = state["remember_me"].as_bool();
  std::optional<std::string> guest_cart_id, return_to;
  if (state.contains("guest_cart_id")) guest_cart_id = OptString(state, "guest_cart_id");
  if (state.contains("return_to")) return_to = OptString(state, "return_to");
  auto fn = [&](AccountTransaction& tx) -> Result<std::optional<Tokens>> {
    TRY(user, tx.UserById(user_id, true));
    if (!user || user->disabled) return Fail(Errc::forbidden, "the account is disabled");
    TRY(ok, CheckCode(tx, *user, code, now));
    if (!ok) return std::optional<Tokens>{};
    TRY(tokens, StartSession(tx, *user, method, remember_me, client, guest_cart_id, true));
    return std::optional<Tokens>(std::move(tokens));
  };
  CO_TRY(tokens, co_await store_.Transaction(fn));
  if (tokens) co_return MfaSignIn{std::move(*tokens), std::move(return_to)};
  // A wrong code: the same challenge again with one attempt fewer, until none is left.
  const std::int64_t left = state["attempts"].to_number<std::int64_t>() - 1;
  if (left > 0) {
    state["attempts"] = left;
    const std::string value = boost::json::serialize(state);
    CO_TRY_STATUS(co_await challenges_.Put(key, value, std::chrono::milliseconds(expires_at - now)));
    co_return Fail(Error{Errc::unauthenticated, kWrongCode, {{"code", "is wrong"}}});
  }
  log::Warn("second factor: too many wrong codes, the sign-in starts over", {{"user_id", user_id}});
  co_return Fail(Errc::unauthenticated, kSignInAgain);
}

Task<MfaStatus> Accounts::SecondFactor(const std::string& user_id, const std::string& sid) {
  struct Found {
    std::optional<User> user;
    std::int64_t left = 0;
    bool session_mfa = false;
  };
  auto fn = [&](AccountTransaction& tx) -> Result<Found> {
    Found f;
    TRY(user, tx.UserById(user_id, false));
    f.user = std::move(user);
    if (!f.user) return f;
    TRY(left, tx.RecoveryCodesLeft(user_id));
    f.left = left;
    TRY(session, tx.SessionById(sid));
    f.session_mfa = session && session->mfa;
    return f;
  };
  CO_TRY(found, co_await store_.Run(fn));
  if (!found.user) co_return Fail(Errc::not_found, "no such account");
  const User& u = *found.user;
  MfaStatus status;
  status.enabled = u.HasSecondFactor();
  status.enabled_at = u.totp_enabled_at;
  status.recovery_codes_left = status.enabled ? found.left : 0;
  status.required = u.HasRole("admin");
  if (status.required && !status.enabled && u.admin_since) status.grace_ends_at = *u.admin_since + settings_.mfa_admin_grace.count();
  status.session_verified = found.session_mfa;
  co_return status;
}

Task<TotpEnrolment> Accounts::BeginTotp(const std::string& user_id, const std::string& sid, const std::string& password) {
  struct Found {
    std::optional<User> user;
    std::optional<Session> session;
  };
  auto load = [&](AccountTransaction& tx) -> Result<Found> {
    TRY(user, tx.UserById(user_id, false));
    TRY(session, tx.SessionById(sid));
    return Found{std::move(user), std::move(session)};
  };
  CO_TRY(found, co_await store_.Run(load));
  const auto& user = found.user;
  if (!user) co_return Fail(Errc::unauthenticated, "unknown account");
  if (user->HasSecondFactor()) co_return Fail(Errc::conflict, "two-step verification is on already");
  if (user->password_hash) {
    bool ok = password.size() <= 4 * settings_.password_max && co_await VerifyPassword(user->password_hash, password);
    if (!ok) co_return Fail(Error{Errc::unauthenticated, "the password is wrong", {{"password", "is wrong"}}});
  } else if (!found.session || NowMs() - found.session->created_at > settings_.mfa_reauth_window.count()) {
    // No password to ask for: a recent sign-in stands in for it (a stolen old session cannot bind
    // the attacker's authenticator to the account).
    co_return Fail(Errc::unauthenticated, "sign in again to turn on two-step verification");
  }
  const std::string secret = auth::RandomBytes(20);  // 160 bits, as RFC 4226 recommends
  const std::string sealed = secrets_.Seal(secret);
  const auto now = NowMs();
  auto save = [&](AccountTransaction& tx) { return tx.SetTotpPending(user_id, sealed, now); };
  CO_TRY_STATUS(co_await store_.Run(save));
  co_return TotpEnrolment{Base32Encode(secret), OtpauthUri(settings_.mfa_issuer, user->email, secret)};
}

Task<std::vector<std::string>> Accounts::ConfirmTotp(const std::string& user_id, const std::string& sid, const std::string& code,
                                                     const ClientInfo& client) {
  CO_TRY_STATUS(co_await Throttle("mfa", settings_.mfa, client.ip, user_id));
  const auto now = NowMs();
  struct Outcome {
    std::vector<std::string> codes;
    std::vector<std::string> ended;
  };
  auto fn = [&](AccountTransaction& tx) -> Result<Outcome> {
    TRY(user, tx.UserById(user_id, true));
    if (!user) return Fail(Errc::unauthenticated, "unknown account");
    if (user->HasSecondFactor()) return Fail(Errc::conflict, "two-step verification is on already");
    if (!user->totp_pending) return Fail(Errc::conflict, "no enrolment to confirm: begin one first");
    TRY(secret, secrets_.Open(*user->totp_pending));
    auto step = MatchTotp(secret, code, Seconds(now), 0);
    if (!step) return Fail(Error{Errc::unprocessable, kWrongCode, {{"code", "is wrong"}}});
    TRY_STATUS(tx.SetTotp(user_id, *user->totp_pending, *step, now));
    TRY(codes, FreshRecoveryCodes(tx, user_id, now));
    TRY_STATUS(tx.SetSessionMfa(sid));
    TRY_STATUS(SecondFactorChanged(tx, *user, true, false));
    TRY(ended, tx.RevokeSessions(user_id, std::nullopt, sid, "mfa_enabled", now));
    return Outcome{std::move(codes), std::move(ended)};
  };
  CO_TRY(outcome, co_await store_.Transaction(fn));
  CO_TRY_STATUS(co_await Revoke(outcome.ended));
  log::Info("second factor on", {{"user_id", user_id}});
  co_return std::move(outcome.codes);
}

Task<void> Accounts::DisableTotp(const std::string& user_id, const std::string& password, const std::string& code,
                                 const ClientInfo& client) {
  CO_TRY_STATUS(co_await Throttle("mfa", settings_.mfa, client.ip, user_id));
  auto load = [&](AccountTransaction& tx) { return tx.UserById(user_id, false); };
  CO_TRY(user, co_await store_.Run(load));
  if (!user) co_return Fail(Errc::unauthenticated, "unknown account");
  if (!user->HasSecondFactor()) co_return Fail(Errc::conflict, "two-step verification is off");
  if (user->password_hash) {
    bool ok = password.size() <= 4 * settings_.password_max && co_await VerifyPassword(user->password_hash, password);
    if (!ok) co_return Fail(Error{Errc::unauthenticated, "the password is wrong", {{"password", "is wrong"}}});
  }
  const auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Status {
    TRY(locked, tx.UserById(user_id, true));
    if (!locked || !locked->HasSecondFactor()) return Fail(Errc::conflict, "two-step verification is off");
    TRY(ok, CheckCode(tx, *locked, code, now));
    if (!ok) return Fail(Error{Errc::unprocessable, kWrongCode, {{"code", "is wrong"}}});
    TRY_STATUS(tx.SetTotp(user_id, std::nullopt, 0, now));
    TRY_STATUS(SecondFactorChanged(tx, *locked, false, false));
    return tx.ReplaceRecoveryCodes(user_id, {}, now);
  };
  CO_TRY_STATUS(co_await store_.Transaction(fn));
  log::Info("second factor off", {{"user_id", user_id}});
  co_return Status{};
}

Task<std::vector<std::string>> Accounts::NewRecoveryCodes(const std::string& user_id, const std::string& code,
                                                          const ClientInfo& client) {
  CO_TRY_STATUS(co_await Throttle("mfa", settings_.mfa, client.ip, user_id));
  const auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Result<std::vector<std::string>> {
    TRY(user, tx.UserById(user_id, true));
    if (!user) return Fail(Errc::unauthenticated, "unknown account");
    if (!user->HasSecondFactor()) return Fail(Errc::conflict, "two-step verification is off");
    TRY(ok, CheckCode(tx, *user, code, now, true));
    if (!ok) return Fail(Error{Errc::unprocessable, kWrongCode, {{"code", "is wrong: enter the code your app shows"}}});
    return FreshRecoveryCodes(tx, user_id, now);
  };
  co_return co_await store_.Transaction(fn);
}

Task<void> Accounts::ResetSecondFactor(const std::string& user_id) {
  const auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Result<std::vector<std::string>> {
    TRY(user, tx.UserById(user_id, true));
    if (!user) return Fail(Errc::not_found, "no such account");
    TRY_STATUS(tx.SetTotp(user_id, std::nullopt, 0, now));
    TRY_STATUS(tx.SetTotpPending(user_id, std::nullopt, now));
    TRY_STATUS(tx.ReplaceRecoveryCodes(user_id, {}, now));
    if (user->HasSecondFactor()) TRY_STATUS(SecondFactorChanged(tx, *user, false, true));
    return tx.RevokeSessions(user_id, std::nullopt, std::nullopt, "mfa_reset", now);
  };
  CO_TRY(ended, co_await store_.Transaction(fn));
  log::Info("second factor reset by an admin", {{"user_id", user_id}});
  co_return co_await Revoke(ended);
}

}  // namespace store::user
