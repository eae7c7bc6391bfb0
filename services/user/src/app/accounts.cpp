#include "app/accounts.hpp"

#include <boost/json.hpp>

#include "store/auth/auth.hpp"
#include "store/core/ids.hpp"
#include "store/core/text.hpp"
#include "store/log/log.hpp"
#include "store/auth/secrets.hpp"

namespace store::user {

using core::Errc;
using core::Error;
using core::Fail;
using core::Result;
using core::Status;

namespace {
constexpr const char* kInvalidCredentials = "invalid email or password";
constexpr const char* kBadLink = "the link is invalid or has expired";

// An exceeded limit: 429, Retry-After = the time until the window or the lockout ends.
Error Throttled(std::chrono::seconds retry_after) {
  return Error::TooManyRequests("too many attempts; try again later", retry_after);
}

Error FieldInvalid(std::string field, std::string message) {
  return Error::Invalid("invalid request", {core::FieldError{std::move(field), std::move(message)}});
}

std::string AccountKey(const std::string& normalized_email) { return auth::Sha256Hex(normalized_email).substr(0, 32); }

std::chrono::system_clock::time_point FromMs(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

boost::json::value OptJson(const std::optional<std::string>& v) {
  if (v) return boost::json::value(*v);
  return nullptr;
}
}  // namespace

Accounts::Accounts(const Settings& settings, AccountStore& store, RateLimiter& limiter, SessionRevocations& revocations,
                   OneTimeStates& challenges, const core::Clock& clock, const KeyRing& keys, const PasswordPolicy& policy,
                   const SecretBox& secrets)
    : settings_(settings),
      store_(store),
      limiter_(limiter),
      revocations_(revocations),
      challenges_(challenges),
      clock_(clock),
      keys_(keys),
      policy_(policy),
      secrets_(secrets),
      hasher_(Argon2Params{settings.argon2_ops, static_cast<std::size_t>(settings.argon2_memory)}),
      hash_pool_(std::make_unique<core::BlockingPool>(static_cast<std::size_t>(settings.hash_threads))) {
  // A hash of a random password with the live parameters: unknown emails are "verified" against
  // it so that their answer takes as long as a wrong password's.
  auto dummy = hasher_.Hash(auth::NewSecretToken(16));
  if (!dummy) throw std::runtime_error("argon2id failed at start-up: " + dummy.error().message);
  dummy_hash_ = *dummy;
}

std::int64_t Accounts::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch()).count();
}

std::chrono::seconds Accounts::revocation_ttl() const { return settings_.access_token_ttl + settings_.auth.leeway + std::chrono::seconds(5); }

Task<std::string> Accounts::HashPassword(const std::string& password) {
  auto fn = [&] { return hasher_.Hash(password); };
  co_return co_await hash_pool_->Run(fn);
}

boost::asio::awaitable<bool> Accounts::VerifyPassword(const std::optional<std::string>& encoded, const std::string& password) {
  const std::string& target = encoded ? *encoded : dummy_hash_;
  auto fn = [&] { return hasher_.Verify(target, password); };
  bool ok = co_await hash_pool_->Run(fn);
  co_return ok && encoded.has_value();
}

Task<void> Accounts::Revoke(const std::vector<std::string>& sids) {
  for (const auto& sid : sids) {
    CO_TRY_STATUS(co_await revocations_.Revoke(sid, revocation_ttl()));
  }
  co_return Status{};
}

Task<void> Accounts::Throttle(const char* action, const Limit& limit, const std::string& ip, const std::string& account) {
  // Named strings only: a temporary inside a co_await expression is destroyed twice by g++ 12.
  std::string name = action;
  std::string kind_ip = "ip";
  std::string kind_account = "acct";
  std::string subject = ip.empty() ? "unknown" : ip;
  CO_TRY(by_ip, co_await limiter_.Hit(name, kind_ip, subject, limit.per_ip, settings_.abuse_window));
  if (by_ip) co_return Fail(Throttled(*by_ip));
  CO_TRY(by_account, co_await limiter_.Hit(name, kind_account, account, limit.per_account, settings_.abuse_window));
  if (by_account) co_return Fail(Throttled(*by_account));
  co_return Status{};
}

Status Accounts::SendVerification(AccountTransaction& tx, const User& u, const std::string& email, const char* purpose,
                                  const char* reason) {
  auto now = NowMs();
  TRY_STATUS(tx.RetireEmailTokens(u.id, purpose, now));
  auto token = auth::NewSecretToken();
  auto expires = now + settings_.verification_ttl.count();
  TRY_STATUS(tx.InsertEmailToken(auth::Sha256Hex(token), u.id, purpose, email, now, expires));
  return tx.AddEvent(kEmailVerificationRequested, u.id,
                     {{"user_id", u.id},
                      {"email", email},
                      {"name", u.name},
                      {"locale", u.locale},
                      {"token", token},
                      {"expires_at", core::FormatTimestamp(FromMs(expires))},
                      {"reason", reason}});
}

std::vector<std::string> Accounts::SessionRoles(const User& u, const Session& s) const {
  const bool in_grace = u.admin_since && NowMs() < *u.admin_since + settings_.mfa_admin_grace.count();
  std::vector<std::string> roles;
  for (const auto& role : u.roles)
    if (role != "admin" || s.mfa || in_grace) roles.push_back(role);
  return roles;
}

std::string Accounts::IssueAccess(const User& u, const std::string& sid, const std::vector<std::string>& roles) const {
  auth::AccessClaims claims;
  claims.issuer = settings_.auth.issuer;
  claims.audience = settings_.auth.audience;
  claims.subject = u.id;
  claims.session_id = sid;
  claims.token_id = core::NewUuid();
  claims.roles = roles;
  claims.issued_at = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  claims.expires_at = claims.issued_at + settings_.access_token_ttl.count();
  return auth::IssueAccessToken(keys_.current, claims);
}

Result<Tokens> Accounts::StartSession(AccountTransaction& tx, const User& u, const std::string& method, bool remember_me,
                                      const ClientInfo& client, const std::optional<std::string>& guest_cart_id, bool mfa) {
  auto now = NowMs();
  Session s;
  s.id = core::NewUuid();
  s.user_id = u.id;
  s.method = method;
  s.remember_me = remember_me;
  s.ip = core::TruncateUtf8(client.ip, 64);
  s.user_agent = core::TruncateUtf8(client.user_agent, 255);
  s.created_at = now;
  s.last_used_at = now;
  s.expires_at = now + (remember_me ? settings_.remember_me_lifetime : settings_.absolute_lifetime).count();
  s.mfa = mfa;
  TRY_STATUS(tx.InsertSession(s));
  auto refresh = auth::NewSecretToken();
  TRY_STATUS(tx.InsertRefresh(auth::Sha256Hex(refresh), s.id, u.id, now));
  TRY_STATUS(tx.AddEvent(kLoggedIn, u.id,
                         {{"user_id", u.id}, {"session_id", s.id}, {"method", method}, {"guest_cart_id", OptJson(guest_cart_id)}}));
  Tokens t;
  t.roles = SessionRoles(u, s);
  t.access_token = IssueAccess(u, s.id, t.roles);
  t.expires_in = settings_.access_token_ttl.count();
  t.refresh_token = refresh;
  auto idle_end = remember_me ? s.expires_at : std::min(s.expires_at, now + settings_.idle_timeout.count());
  t.refresh_expires_in = (idle_end - now) / 1000;
  t.session_id = s.id;
  t.user = u;
  return t;
}

// ---------------------------------------------------------------- registration and verification

Task<void> Accounts::Register(const RegisterCommand& cmd, const ClientInfo& client) {
  auto email = NormalizeEmail(cmd.email);
  if (!email) co_return Fail(FieldInvalid("email", "must be a valid email address"));
  std::vector<core::FieldError> fields;
  if (auto bad = policy_.Check(cmd.password, *email)) fields.push_back(*bad);
  if (!fields.empty()) co_return Fail(Error{Errc::unprocessable, "the password is not acceptable", fields});
  auto account = AccountKey(*email);
  CO_TRY_STATUS(co_await Throttle("register", settings_.register_, client.ip, account));
  // Hashing happens for new and existing addresses alike: the answer takes the same time.
  CO_TRY(hash, co_await HashPassword(cmd.password));
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Status {
    TRY_STATUS(tx.RecordEmailRequest("register", account, client.ip, now));  // both paths write: same commit cost
    TRY(existing, tx.UserByEmail(*email, true));
    if (existing) return {};  // same answer, nothing published: no enumeration
    User u;
    u.id = core::NewUuid();
    u.email = *email;
    u.password_hash = hash;
    u.name = cmd.name;
    u.phone = cmd.phone;
    u.locale = cmd.locale;
    u.sms_opt_in = cmd.sms_opt_in;
    TRY_STATUS(tx.InsertUser(u, now));
    TRY_STATUS(tx.AddEvent(kUserRegistered, u.id,
                           {{"user_id", u.id},
                            {"email", u.email},
                            {"name", u.name},
                            {"locale", u.locale},
                            {"phone", OptJson(u.phone)},
                            {"sms_opt_in", u.sms_opt_in},
                            {"method", "password"},
                            {"email_verified", false}}));
    return SendVerification(tx, u, u.email, "verify", "registration");
  };
  auto done = co_await store_.Transaction(fn);
  if (!done && done.error().code == Errc::conflict) co_return Status{};  // a concurrent twin registration won
  co_return done;
}

Task<std::string> Accounts::VerifyEmail(const std::string& token) {
  if (token.empty() || token.size() > 128) co_return Fail(FieldInvalid("token", kBadLink));
  auto hash = auth::Sha256Hex(token);
  auto now = NowMs();
  struct Outcome {
    std::string email;
  };
  auto fn = [&](AccountTransaction& tx) -> Result<Outcome> {
    TRY(row, tx.EmailTokenByHash(hash));
    if (!row || row->used_at || row->expires_at <= now || (row->purpose != "verify" && row->purpose != "email_change"))
      return Fail(FieldInvalid("token", kBadLink));
    TRY(user, tx.UserById(row->user_id, true));
    if (!user) return Fail(FieldInvalid("token", kBadLink));
    TRY_STATUS(tx.UseEmailToken(hash, now));
    if (row->purpose == "verify") {
      if (user->email != row->email) return Fail(FieldInvalid("token", kBadLink));  // the address changed since
      TRY_STATUS(tx.SetEmailVerified(user->id, now));
      return Outcome{user->email};
    }
    if (!user->pending_email || *user->pending_email != row->email) return Fail(FieldInvalid("token", kBadLink));
    TRY(taken, tx.UserByEmail(row->email, true));
    if (taken) return Fail(Errc::conflict, "that address now belongs to another account");
    TRY_STATUS(tx.SetEmail(user->id, row->email, now));
    TRY_STATUS(tx.AddEvent(kEmailChanged, user->id,
                           {{"user_id", user->id},
                            {"old_email", user->email},
                            {"new_email", row->email},
                            {"name", user->name},
                            {"locale", user->locale}}));
    return Outcome{row->email};
  };
  CO_TRY(outcome, co_await store_.Transaction(fn));
  co_return outcome.email;
}

Task<void> Accounts::ResendVerification(const std::string& raw_email, const ClientInfo& client) {
  auto email = NormalizeEmail(raw_email);
  if (!email) co_return Fail(FieldInvalid("email", "must be a valid email address"));
  auto account = AccountKey(*email);
  CO_TRY_STATUS(co_await Throttle("resend", settings_.resend, client.ip, account));
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Status {
    TRY_STATUS(tx.RecordEmailRequest("resend", account, client.ip, now));  // both paths write: same commit cost
    TRY(user, tx.UserByEmail(*email, true));
    if (!user || user->email_verified || user->disabled) return {};
    return SendVerification(tx, *user, user->email, "verify", "resend");
  };
  co_return co_await store_.Transaction(fn);
}

// ---------------------------------------------------------------- login and sessions

Task<SignIn> Accounts::Login(const LoginCommand& cmd, const ClientInfo& client) {
  auto email = NormalizeEmail(cmd.email);
  if (!email) co_return Fail(FieldInvalid("email", "must be a valid email address"));
  if (cmd.password.empty() || cmd.password.size() > 4 * settings_.password_max)
    co_return Fail(Errc::unauthenticated, kInvalidCredentials);
  auto account = AccountKey(*email);
  std::string ip = client.ip.empty() ? "unknown" : client.ip;
  std::string action = "login";
  std::string kind = "ip";
  CO_TRY(by_ip, co_await limiter_.Hit(action, kind, ip, settings_.login.per_ip, settings_.abuse_window));
  if (by_ip) co_return Fail(Throttled(*by_ip));
  CO_TRY(locked, co_await limiter_.Locked(account));
  if (locked) co_return Fail(Throttled(*locked));

  auto load = [&](AccountTransaction& tx) { return tx.UserByEmail(*email, false); };
  CO_TRY(user, co_await store_.Run(load));
  std::optional<std::string> stored;
  if (user) stored = user->password_hash;
  bool ok = co_await VerifyPassword(stored, cmd.password);
  if (!ok) {
    LockoutPolicy policy{settings_.lockout_threshold, settings_.lockout_base, settings_.lockout_max, settings_.login.per_account,
                         settings_.abuse_window};
    CO_TRY_STATUS(co_await limiter_.Failed(account, policy));
    co_return Fail(Errc::unauthenticated, kInvalidCredentials);
  }
  CO_TRY_STATUS(co_await limiter_.Succeeded(account));
  if (user->disabled) co_return Fail(Errc::forbidden, "the account is disabled");
  if (settings_.require_verified_email && !user->email_verified)
    co_return Fail(Errc::forbidden, "the email address is not verified yet");
  if (hasher_.NeedsRehash(*user->password_hash)) {
    CO_TRY(rehash, co_await HashPassword(cmd.password));
    auto now = NowMs();
    auto save = [&](AccountTransaction& tx) { return tx.SetPassword(user->id, rehash, now); };
    CO_TRY_STATUS(co_await store_.Run(save));
  }
  if (user->HasSecondFactor()) {
    CO_TRY(challenge, co_await Challenge(*user, "password", cmd.remember_me, cmd.guest_cart_id, std::nullopt));
    co_return SignIn(std::move(challenge));
  }
  auto fn = [&](AccountTransaction& tx) { return StartSession(tx, *user, "password", cmd.remember_me, client, cmd.guest_cart_id); };
  CO_TRY(tokens, co_await store_.Transaction(fn));
  co_return SignIn(std::move(tokens));
}

Task<Tokens> Accounts::Refresh(const std::string& refresh_token, const ClientInfo& client) {
  (void)client;
  if (refresh_token.empty() || refresh_token.size() > 128) co_return Fail(Errc::unauthenticated, "invalid refresh token");
  auto hash = auth::Sha256Hex(refresh_token);
  auto now = NowMs();
  struct Outcome {
    std::optional<Tokens> tokens;
    std::vector<std::string> revoked;
  };
  auto fn = [&](AccountTransaction& tx) -> Result<Outcome> {
    TRY(row, tx.RefreshByHash(hash));
    if (!row) return Outcome{};
    TRY(session, tx.SessionById(row->session_id));
    if (!session) return Outcome{};  // the session already ended
    auto end = [&](const char* reason) -> Result<Outcome> {
      TRY(ids, tx.RevokeSessions(session->user_id, session->id, std::nullopt, reason, now));
      return Outcome{std::nullopt, ids};
    };
    // Spent already: a concurrent refresh within the grace (two tabs, a cut-off answer) gets a
    // token of its own; later it is a stolen token's use, and the whole session ends.
    const bool concurrent = row->used_at && now - *row->used_at <= settings_.refresh_reuse_grace.count();
    if (row->used_at && !concurrent) {
      log::Warn("refresh token reuse: the session ends", {{"session_id", session->id}, {"user_id", session->user_id}});
      return end("reuse");
    }
    if (now >= session->expires_at) return end("expired");
    if (!session->remember_me && now - session->last_used_at > settings_.idle_timeout.count()) return end("idle");
    TRY(user, tx.UserById(session->user_id, false));
    if (!user || user->disabled) return end("disabled");
    if (!concurrent) TRY_STATUS(tx.UseRefresh(hash, now));  // (the grace runs from the first use, never extended)
    auto next = auth::NewSecretToken();
    TRY_STATUS(tx.InsertRefresh(auth::Sha256Hex(next), session->id, user->id, now));
    TRY_STATUS(tx.TouchSession(session->id, now));
    Tokens t;
    t.roles = SessionRoles(*user, *session);
    t.access_token = IssueAccess(*user, session->id, t.roles);
    t.expires_in = settings_.access_token_ttl.count();
    t.refresh_token = next;
    auto idle_end = session->remember_me ? session->expires_at : std::min(session->expires_at, now + settings_.idle_timeout.count());
    t.refresh_expires_in = (idle_end - now) / 1000;
    t.session_id = session->id;
    t.user = *user;
    return Outcome{t, {}};
  };
  CO_TRY(outcome, co_await store_.Transaction(fn));
  if (!outcome.revoked.empty()) CO_TRY_STATUS(co_await Revoke(outcome.revoked));
  if (!outcome.tokens) co_return Fail(Errc::unauthenticated, "invalid refresh token");
  co_return std::move(*outcome.tokens);
}

Task<void> Accounts::EndSession(const std::string& user_id, const std::string& sid, const std::string& reason) {
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) { return tx.RevokeSessions(user_id, sid, std::nullopt, reason, now); };
  CO_TRY(ids, co_await store_.Transaction(fn));
  if (ids.empty()) co_return Fail(Errc::not_found, "no such session");
  co_return co_await Revoke(ids);
}

Task<void> Accounts::EndSessionByRefresh(const std::string& refresh_token) {
  auto hash = auth::Sha256Hex(refresh_token);
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Result<std::vector<std::string>> {
    TRY(row, tx.RefreshByHash(hash));
    if (!row) return Fail(Errc::unauthenticated, "invalid refresh token");
    return tx.RevokeSessions(row->user_id, row->session_id, std::nullopt, "logout", now);
  };
  CO_TRY(ids, co_await store_.Transaction(fn));
  co_return co_await Revoke(ids);
}

Task<void> Accounts::EndAllSessions(const std::string& user_id, const std::optional<std::string>& except, const std::string& reason) {
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) { return tx.RevokeSessions(user_id, std::nullopt, except, reason, now); };
  CO_TRY(ids, co_await store_.Transaction(fn));
  co_return co_await Revoke(ids);
}

Task<std::vector<Session>> Accounts::Sessions(const std::string& user_id) {
  auto now = NowMs();
  auto idle = settings_.idle_timeout.count();
  auto fn = [&](AccountTransaction& tx) { return tx.LiveSessions(user_id, now, idle); };
  co_return co_await store_.Run(fn);
}

// ---------------------------------------------------------------- passwords

Task<void> Accounts::RequestPasswordReset(const std::string& raw_email, const ClientInfo& client) {
  auto email = NormalizeEmail(raw_email);
  if (!email) co_return Fail(FieldInvalid("email", "must be a valid email address"));
  auto account = AccountKey(*email);
  CO_TRY_STATUS(co_await Throttle("reset", settings_.reset, client.ip, account));
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Status {
    TRY_STATUS(tx.RecordEmailRequest("reset", account, client.ip, now));  // both paths write: same commit cost
    TRY(user, tx.UserByEmail(*email, true));
    if (!user || user->disabled) return {};  // same answer, nothing sent
    TRY_STATUS(tx.RetireEmailTokens(user->id, "reset", now));
    auto token = auth::NewSecretToken();
    auto expires = now + settings_.reset_ttl.count();
    TRY_STATUS(tx.InsertEmailToken(auth::Sha256Hex(token), user->id, "reset", user->email, now, expires));
    return tx.AddEvent(kPasswordResetRequested, user->id,
                       {{"user_id", user->id},
                        {"email", user->email},
                        {"name", user->name},
                        {"locale", user->locale},
                        {"phone", OptJson(user->phone)},
                        {"sms_opt_in", user->sms_opt_in},
                        {"token", token},
                        {"expires_at", core::FormatTimestamp(FromMs(expires))}});
  };
  co_return co_await store_.Transaction(fn);
}

Task<void> Accounts::ConfirmPasswordReset(const std::string& token, const std::string& password) {
  if (token.empty() || token.size() > 128) co_return Fail(FieldInvalid("token", kBadLink));
  auto hash = auth::Sha256Hex(token);
  auto now = NowMs();
  // Look the token up first (policy needs the email), hash the password off the transaction.
  auto peek = [&](AccountTransaction& tx) -> Result<std::optional<EmailToken>> { return tx.EmailTokenByHash(hash); };
  CO_TRY(row, co_await store_.Run(peek));
  if (!row || row->used_at || row->expires_at <= now || row->purpose != "reset") co_return Fail(FieldInvalid("token", kBadLink));
  if (auto bad = policy_.Check(password, row->email))
    co_return Fail(Error{Errc::unprocessable, "the password is not acceptable", {*bad}});
  CO_TRY(encoded, co_await HashPassword(password));
  auto fn = [&](AccountTransaction& tx) -> Result<std::vector<std::string>> {
    TRY(again, tx.EmailTokenByHash(hash));
    if (!again || again->used_at || again->expires_at <= now || again->purpose != "reset")
      return Fail(FieldInvalid("token", kBadLink));
    TRY_STATUS(tx.UseEmailToken(hash, now));
    TRY_STATUS(tx.SetPassword(again->user_id, encoded, now));
    TRY_STATUS(tx.SetEmailVerified(again->user_id, now));  // the link proved the mailbox
    return tx.RevokeSessions(again->user_id, std::nullopt, std::nullopt, "reset", now);
  };
  CO_TRY(ids, co_await store_.Transaction(fn));
  co_return co_await Revoke(ids);
}

Task<void> Accounts::ChangePassword(const std::string& user_id, const std::string& current_sid, const std::string& current, const std::string& next) {
  auto load = [&](AccountTransaction& tx) { return tx.UserById(user_id, false); };
  CO_TRY(user, co_await store_.Run(load));
  if (!user) co_return Fail(Errc::unauthenticated, "unknown account");
  if (current.size() > 4 * settings_.password_max) co_return Fail(Errc::unauthenticated, "the current password is wrong");
  bool ok = co_await VerifyPassword(user->password_hash, current);
  if (!ok) co_return Fail(Error{Errc::unauthenticated, "the current password is wrong", {{"current_password", "is wrong"}}});
  if (auto bad = policy_.Check(next, user->email, "new_password"))
    co_return Fail(Error{Errc::unprocessable, "the password is not acceptable", {*bad}});
  CO_TRY(encoded, co_await HashPassword(next));
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Result<std::vector<std::string>> {
    TRY_STATUS(tx.SetPassword(user_id, encoded, now));
    TRY_STATUS(tx.RetireEmailTokens(user_id, "reset", now));
    return tx.RevokeSessions(user_id, std::nullopt, current_sid, "password_change", now);
  };
  CO_TRY(ids, co_await store_.Transaction(fn));
  co_return co_await Revoke(ids);
}

// ---------------------------------------------------------------- profile

Task<User> Accounts::Profile(const std::string& user_id) {
  auto fn = [&](AccountTransaction& tx) { return tx.UserById(user_id, false); };
  CO_TRY(user, co_await store_.Run(fn));
  if (!user) co_return Fail(Errc::not_found, "no such account");
  co_return std::move(*user);
}

Task<User> Accounts::UpdateProfile(const std::string& user_id, const ProfilePatch& patch) {
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Result<User> {
    TRY(user, tx.UserById(user_id, true));
    if (!user) return Fail(Errc::not_found, "no such account");
    if (patch.name) user->name = *patch.name;
    if (patch.phone) user->phone = *patch.phone;
    if (patch.locale) user->locale = *patch.locale;
    if (patch.sms_opt_in) user->sms_opt_in = *patch.sms_opt_in;
    TRY_STATUS(tx.UpdateProfile(*user, now));
    return *user;
  };
  co_return co_await store_.Transaction(fn);
}

Task<void> Accounts::RequestEmailChange(const std::string& user_id, const std::string& raw_email, const std::string& password) {
  auto email = NormalizeEmail(raw_email);
  if (!email) co_return Fail(FieldInvalid("new_email", "must be a valid email address"));
  auto load = [&](AccountTransaction& tx) { return tx.UserById(user_id, false); };
  CO_TRY(user, co_await store_.Run(load));
  if (!user) co_return Fail(Errc::not_found, "no such account");
  if (user->password_hash) {
    bool ok = password.size() <= 4 * settings_.password_max && co_await VerifyPassword(user->password_hash, password);
    if (!ok) co_return Fail(Error{Errc::unauthenticated, "the password is wrong", {{"password", "is wrong"}}});
  }
  if (*email == user->email) co_return Fail(FieldInvalid("new_email", "is already your address"));
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Status {
    TRY(me, tx.UserById(user_id, true));
    if (!me) return Fail(Errc::not_found, "no such account");
    TRY(taken, tx.UserByEmail(*email, false));
    if (taken) return {};  // same answer; nothing is sent to an address that has an account
    TRY_STATUS(tx.SetPendingEmail(user_id, *email, now));
    return SendVerification(tx, *me, *email, "email_change", "email_change");
  };
  co_return co_await store_.Transaction(fn);
}

// ---------------------------------------------------------------- addresses

Task<std::vector<Address>> Accounts::ListAddresses(const std::string& user_id) {
  auto fn = [&](AccountTransaction& tx) { return tx.Addresses(user_id); };
  co_return co_await store_.Run(fn);
}

Task<Address> Accounts::CreateAddress(const std::string& user_id, const Address& input) {
  Address address = input;
  address.id = core::NewUuid();
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Result<Address> {
    TRY(user, tx.UserById(user_id, true));  // serialises default-flag changes per account
    if (!user) return Fail(Errc::not_found, "no such account");
    TRY(existing, tx.Addresses(user_id));
    if (existing.size() >= 50) return Fail(Errc::unprocessable, "an address book holds at most 50 addresses");
    TRY_STATUS(tx.InsertAddress(user_id, address, now));
    TRY_STATUS(tx.ClearOtherDefaults(user_id, address));
    return address;
  };
  co_return co_await store_.Transaction(fn);
}

Task<Address> Accounts::UpdateAddress(const std::string& user_id, const Address& input) {
  const Address& address = input;
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Result<Address> {
    TRY(user, tx.UserById(user_id, true));
    if (!user) return Fail(Errc::not_found, "no such address");
    TRY(existing, tx.AddressById(user_id, address.id));
    if (!existing) return Fail(Errc::not_found, "no such address");
    TRY_STATUS(tx.UpdateAddress(user_id, address, now));
    TRY_STATUS(tx.ClearOtherDefaults(user_id, address));
    return address;
  };
  co_return co_await store_.Transaction(fn);
}

Task<void> Accounts::DeleteAddress(const std::string& user_id, const std::string& address_id) {
  auto fn = [&](AccountTransaction& tx) { return tx.DeleteAddress(user_id, address_id); };
  CO_TRY(deleted, co_await store_.Run(fn));
  if (!deleted) co_return Fail(Errc::not_found, "no such address");
  co_return Status{};
}

// ---------------------------------------------------------------- admin

Task<std::vector<User>> Accounts::SearchUsers(const std::string& q, std::int64_t limit, std::int64_t offset) {
  auto fn = [&](AccountTransaction& tx) { return tx.SearchUsers(q, limit, offset); };
  co_return co_await store_.Run(fn);
}

Task<CustomerDetail> Accounts::Customer(const std::string& user_id) {
  const auto now = NowMs();
  const auto idle = settings_.idle_timeout.count();
  auto fn = [&](AccountTransaction& tx) -> Result<CustomerDetail> {
    TRY(user, tx.UserById(user_id, false));
    if (!user) return Fail(Errc::not_found, "no such account");
    TRY(addresses, tx.Addresses(user_id));
    TRY(sessions, tx.LiveSessions(user_id, now, idle));
    return CustomerDetail{std::move(*user), std::move(addresses), std::move(sessions)};
  };
  co_return co_await store_.Run(fn);
}

Task<User> Accounts::SetDisabled(const std::string& user_id, bool disabled) {
  auto now = NowMs();
  struct Outcome {
    User user;
    std::vector<std::string> revoked;
  };
  auto fn = [&](AccountTransaction& tx) -> Result<Outcome> {
    TRY(user, tx.UserById(user_id, true));
    if (!user) return Fail(Errc::not_found, "no such account");
    TRY_STATUS(tx.SetDisabled(user_id, disabled, now));
    user->disabled = disabled;
    std::vector<std::string> ids;
    if (disabled) {
      TRY(revoked, tx.RevokeSessions(user_id, std::nullopt, std::nullopt, "disabled", now));
      ids = std::move(revoked);
    }
    return Outcome{*user, ids};
  };
  CO_TRY(outcome, co_await store_.Transaction(fn));
  CO_TRY_STATUS(co_await Revoke(outcome.revoked));
  co_return outcome.user;
}

Task<void> Accounts::EnsureBootstrapAdmin() {
  if (settings_.admin_email.empty()) co_return Status{};
  auto email = NormalizeEmail(settings_.admin_email);
  if (!email) co_return Fail(Errc::invalid_argument, "admin.bootstrap_email is not an email address");
  std::optional<std::string> hash;
  if (!settings_.admin_password.empty()) {
    if (auto bad = policy_.Check(settings_.admin_password, *email))
      co_return Fail(Errc::invalid_argument, "admin.bootstrap_password " + bad->message);
    CO_TRY(h, co_await HashPassword(settings_.admin_password));
    hash = h;
  }
  auto now = NowMs();
  auto fn = [&](AccountTransaction& tx) -> Status {
    TRY(user, tx.UserByEmail(*email, true));
    if (user) {
      if (user->HasRole("admin")) return {};
      log::Info("bootstrap admin: role granted", {{"user_id", user->id}});
      return tx.SetRoles(user->id, {"customer", "admin"}, now);
    }
    if (!hash) return {};  // promoted when it registers and the service restarts
    User u;
    u.id = core::NewUuid();
    u.email = *email;
    u.email_verified = true;
    u.password_hash = hash;
    u.name = "Administrator";
    u.roles = {"customer", "admin"};
    TRY_STATUS(tx.InsertUser(u, now));
    log::Info("bootstrap admin created", {{"user_id", u.id}});
    return {};
  };
  co_return co_await store_.Transaction(fn);
}

// ---------------------------------------------------------------- social login

Task<SignIn> Accounts::LoginWithOidc(const OidcIdentity& id, const ClientInfo& client,
                                     const std::optional<std::string>& return_to) {
  auto now = NowMs();
  // The session, or the account to challenge for its second factor.
  auto fn = [&](AccountTransaction& tx) -> Result<std::variant<Tokens, User>> {
    TRY(linked, tx.UserIdOfIdentity(id.provider, id.subject));
    std::optional<User> user;
    if (linked) {
      TRY(found, tx.UserById(*linked, true));
      user = std::move(found);
    }
    if (!user) {
      if (id.email.empty() || !id.email_verified)
        return Fail(Errc::forbidden, "the provider did not confirm a verified email address");
      TRY(by_email, tx.UserByEmail(id.email, true));
      if (by_email) {
        // Linking proves the mailbox. An unverified account's password was never proven to belong
        // to the mailbox's owner: drop it (they can set one by reset).
        if (!by_email->email_verified) {
          TRY_STATUS(tx.SetPassword(by_email->id, std::nullopt, now));
          TRY_STATUS(tx.SetEmailVerified(by_email->id, now));
          by_email->email_verified = true;
          by_email->password_hash.reset();
        }
        user = std::move(by_email);
      } else {
        User u;
        u.id = core::NewUuid();
        u.email = id.email;
        u.email_verified = true;
        u.name = core::TruncateUtf8(id.name, 100);
        TRY_STATUS(tx.InsertUser(u, now));
        TRY_STATUS(tx.AddEvent(kUserRegistered, u.id,
                               {{"user_id", u.id},
                                {"email", u.email},
                                {"name", u.name},
                                {"locale", u.locale},
                                {"phone", nullptr},
                                {"sms_opt_in", false},
                                {"method", "oidc"},
                                {"email_verified", true}}));
        user = u;
      }
      TRY_STATUS(tx.InsertIdentity(id.provider, id.subject, user->id, id.email, now));
    }
    if (user->disabled) return Fail(Errc::forbidden, "the account is disabled");
    if (user->HasSecondFactor()) return std::variant<Tokens, User>(std::move(*user));
    TRY(tokens, StartSession(tx, *user, "oidc", false, client, std::nullopt));
    return std::variant<Tokens, User>(std::move(tokens));
  };
  CO_TRY(outcome, co_await store_.Transaction(fn));
  if (auto* tokens = std::get_if<Tokens>(&outcome)) co_return SignIn(std::move(*tokens));
  CO_TRY(challenge, co_await Challenge(std::get<User>(outcome), "oidc", false, std::nullopt, return_to));
  co_return SignIn(std::move(challenge));
}

}  // namespace store::user
