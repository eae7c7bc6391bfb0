#include "adapters/account_store.hpp"

#include <algorithm>

#include "domain/rules.hpp"
#include "store/core/text.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/outbox.hpp"

namespace store::user {

using core::Result;
using core::Status;
using db::Connection;

namespace {
constexpr const char* kUserColumns =
    "id, email, email_verified, password_hash, name, phone, locale, sms_opt_in, roles, disabled, pending_email, created_at, "
    "totp_secret, totp_pending, totp_enabled_at, totp_last_step, admin_since";
constexpr const char* kSessionColumns =
    "id, user_id, method, remember_me, ip, user_agent, created_at, last_used_at, expires_at, mfa";

User ToUser(const db::Row& r) {
  User u;
  u.id = r.Text("id");
  u.email = r.Text("email");
  u.email_verified = r.Bool("email_verified");
  u.password_hash = r.OptText("password_hash");
  u.name = r.Text("name");
  u.phone = r.OptText("phone");
  u.locale = r.Text("locale");
  u.sms_opt_in = r.Bool("sms_opt_in");
  u.roles = SplitRoles(r.Text("roles"));
  u.disabled = r.Bool("disabled");
  u.pending_email = r.OptText("pending_email");
  u.created_at = r.Int("created_at");
  u.totp_secret = r.OptText("totp_secret");
  u.totp_pending = r.OptText("totp_pending");
  u.totp_enabled_at = r.OptInt("totp_enabled_at");
  u.totp_last_step = r.Int("totp_last_step");
  u.admin_since = r.OptInt("admin_since");
  return u;
}

std::string JoinRoles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ",") + r;
  return out;
}

Session ToSession(const db::Row& r) {
  Session s;
  s.id = r.Text("id");
  s.user_id = r.Text("user_id");
  s.method = r.Text("method");
  s.remember_me = r.Bool("remember_me");
  s.ip = r.Text("ip");
  s.user_agent = r.Text("user_agent");
  s.created_at = r.Int("created_at");
  s.last_used_at = r.Int("last_used_at");
  s.expires_at = r.Int("expires_at");
  s.mfa = r.Bool("mfa");
  return s;
}

Address ToAddress(const db::Row& r) {
  Address a;
  a.id = r.Text("id");
  a.label = r.Text("label");
  a.name = r.Text("name");
  a.line1 = r.Text("line1");
  a.line2 = r.Text("line2");
  a.city = r.Text("city");
  a.region = r.Text("region");
  a.postal_code = r.Text("postal_code");
  a.country = r.Text("country");
  a.phone = r.OptText("phone");
  a.default_shipping = r.Bool("default_shipping");
  a.default_billing = r.Bool("default_billing");
  return a;
}

Result<std::optional<User>> OneUser(Result<std::optional<db::Row>> row) {
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<User>{};
  return std::optional<User>{ToUser(**row)};
}
// One unit of work on a leased connection (inside a transaction, or not: see AccountStore).
class MariaDbTransaction final : public AccountTransaction {
 public:
  MariaDbTransaction(Connection& c, const core::Clock& clock, const std::string& topic_prefix)
      : c_(c), clock_(clock), topic_prefix_(topic_prefix) {}

  Result<std::optional<User>> UserByEmail(const std::string& email, bool for_update) override;
  Result<std::optional<User>> UserById(const std::string& id, bool for_update) override;
  Status InsertUser(const User& u, std::int64_t now) override;
  Status UpdateProfile(const User& u, std::int64_t now) override;
  Status SetPassword(const std::string& user_id, const std::optional<std::string>& hash, std::int64_t now) override;
  Status SetEmailVerified(const std::string& user_id, std::int64_t now) override;
  Status SetPendingEmail(const std::string& user_id, const std::optional<std::string>& email, std::int64_t now) override;
  Status SetEmail(const std::string& user_id, const std::string& email, std::int64_t now) override;
  Status SetDisabled(const std::string& user_id, bool disabled, std::int64_t now) override;
  Status SetRoles(const std::string& user_id, const std::vector<std::string>& roles, std::int64_t now) override;
  Result<std::vector<User>> SearchUsers(const std::string& q, std::int64_t limit, std::int64_t offset) override;
  Result<std::optional<std::string>> UserIdOfIdentity(const std::string& provider, const std::string& subject) override;
  Status InsertIdentity(const std::string& provider, const std::string& subject, const std::string& user_id,
                        const std::string& email, std::int64_t now) override;
  Status RecordEmailRequest(const std::string& kind, const std::string& account_hash, const std::string& ip,
                            std::int64_t now) override;

  Status InsertEmailToken(const std::string& hash, const std::string& user_id, const std::string& purpose,
                          const std::string& email, std::int64_t now, std::int64_t expires_at) override;
  Result<std::optional<EmailToken>> EmailTokenByHash(const std::string& hash) override;
  Status UseEmailToken(const std::string& hash, std::int64_t now) override;
  Status RetireEmailTokens(const std::string& user_id, const std::string& purpose, std::int64_t now) override;

  Status InsertSession(const Session& s) override;
  Result<std::optional<Session>> SessionById(const std::string& id) override;
  Result<std::vector<Session>> LiveSessions(const std::string& user_id, std::int64_t now, std::int64_t idle_ms) override;
  Status TouchSession(const std::string& id, std::int64_t now) override;
  Result<std::vector<std::string>> RevokeSessions(const std::string& user_id, const std::optional<std::string>& only,
                                                  const std::optional<std::string>& except, const std::string& reason,
                                                  std::int64_t now) override;
  Status InsertRefresh(const std::string& hash, const std::string& session_id, const std::string& user_id,
                       std::int64_t now) override;
  Result<std::optional<RefreshToken>> RefreshByHash(const std::string& hash) override;
  Status UseRefresh(const std::string& hash, std::int64_t now) override;

  Result<std::vector<Address>> Addresses(const std::string& user_id) override;
  Result<std::optional<Address>> AddressById(const std::string& user_id, const std::string& id) override;
  Status InsertAddress(const std::string& user_id, const Address& a, std::int64_t now) override;
  Status UpdateAddress(const std::string& user_id, const Address& a, std::int64_t now) override;
  Result<bool> DeleteAddress(const std::string& user_id, const std::string& id) override;
  Status ClearOtherDefaults(const std::string& user_id, const Address& a) override;

  Status SetTotpPending(const std::string& user_id, const std::optional<std::string>& sealed, std::int64_t now) override;
  Status SetTotp(const std::string& user_id, const std::optional<std::string>& sealed, std::int64_t step, std::int64_t now) override;
  Status SetTotpLastStep(const std::string& user_id, std::int64_t step) override;
  Status ReplaceRecoveryCodes(const std::string& user_id, const std::vector<std::string>& hashes, std::int64_t now) override;
  Result<bool> UseRecoveryCode(const std::string& user_id, const std::string& hash, std::int64_t now) override;
  Result<std::int64_t> RecoveryCodesLeft(const std::string& user_id) override;
  Status SetSessionMfa(const std::string& session_id) override;

  Status AddEvent(std::string_view topic, const std::string& key, boost::json::object data) override;

 private:
  Connection& c_;
  const core::Clock& clock_;
  const std::string& topic_prefix_;
};
}  // namespace

Result<std::optional<User>> MariaDbTransaction::UserByEmail(const std::string& email, bool for_update) {
  std::string sql = std::string("SELECT ") + kUserColumns + " FROM users WHERE email = ?" + (for_update ? " FOR UPDATE" : "");
  return OneUser(c_.QueryOne(sql, email));
}

Result<std::optional<User>> MariaDbTransaction::UserById(const std::string& id, bool for_update) {
  std::string sql = std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?" + (for_update ? " FOR UPDATE" : "");
  return OneUser(c_.QueryOne(sql, id));
}

Status MariaDbTransaction::InsertUser(const User& u, std::int64_t now) {
  const std::optional<std::int64_t> admin_since = u.HasRole("admin") ? std::optional<std::int64_t>(now) : std::nullopt;
  TRY(r, c_.Execute("INSERT INTO users (id, email, email_verified, password_hash, name, phone, locale, sms_opt_in, roles, "
                    "disabled, created_at, updated_at, admin_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    u.id, u.email, u.email_verified, u.password_hash, u.name, u.phone, u.locale, u.sms_opt_in,
                    JoinRoles(u.roles), u.disabled, now, now, admin_since));
  (void)r;
  return {};
}

Status MariaDbTransaction::UpdateProfile(const User& u, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE users SET name = ?, phone = ?, locale = ?, sms_opt_in = ?, updated_at = ? WHERE id = ?", u.name,
                    u.phone, u.locale, u.sms_opt_in, now, u.id));
  (void)r;
  return {};
}

Status MariaDbTransaction::SetPassword(const std::string& user_id, const std::optional<std::string>& hash, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, now, user_id));
  (void)r;
  return {};
}

Status MariaDbTransaction::SetEmailVerified(const std::string& user_id, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE users SET email_verified = TRUE, updated_at = ? WHERE id = ?", now, user_id));
  (void)r;
  return {};
}

Status MariaDbTransaction::SetPendingEmail(const std::string& user_id, const std::optional<std::string>& email, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE users SET pending_email = ?, updated_at = ? WHERE id = ?", email, now, user_id));
  (void)r;
  return {};
}

Status MariaDbTransaction::SetEmail(const std::string& user_id, const std::string& email, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE users SET email = ?, email_verified = TRUE, pending_email = NULL, updated_at = ? WHERE id = ?",
                    email, now, user_id));
  (void)r;
  return {};
}

Status MariaDbTransaction::SetDisabled(const std::string& user_id, bool disabled, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", disabled, now, user_id));
  (void)r;
  return {};
}

Status MariaDbTransaction::SetRoles(const std::string& user_id, const std::vector<std::string>& roles, std::int64_t now) {
  // admin_since: kept while the account stays an admin, set when it becomes one, cleared after.
  const bool admin = std::find(roles.begin(), roles.end(), "admin") != roles.end();
  TRY(r, c_.Execute("UPDATE users SET roles = ?, admin_since = IF(?, COALESCE(admin_since, ?), NULL), updated_at = ? WHERE id = ?",
                    JoinRoles(roles), admin, now, now, user_id));
  (void)r;
  return {};
}

Result<std::vector<User>> MariaDbTransaction::SearchUsers(const std::string& q, std::int64_t limit, std::int64_t offset) {
  // LIKE metacharacters in the query are escaped: a search for "a_b" means a literal underscore.
  std::string pattern = "%";
  for (char ch : q) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  pattern += "%";
  TRY(rows, c_.Query(std::string("SELECT ") + kUserColumns +
                         " FROM users WHERE email LIKE ? OR name LIKE ? OR id = ? ORDER BY created_at, id LIMIT ? OFFSET ?",
                     pattern, pattern, q, limit, offset));
  std::vector<User> out;
  for (const auto& r : rows) out.push_back(ToUser(r));
  return out;
}

Status MariaDbTransaction::SetTotpPending(const std::string& user_id, const std::optional<std::string>& sealed, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE users SET totp_pending = ?, updated_at = ? WHERE id = ?", sealed, now, user_id));
  (void)r;
  return {};
}

Status MariaDbTransaction::SetTotp(const std::string& user_id, const std::optional<std::string>& sealed, std::int64_t step,
                                   std::int64_t now) {
  const std::optional<std::int64_t> enabled_at = sealed ? std::optional<std::int64_t>(now) : std::nullopt;
  TRY(r, c_.Execute("UPDATE users SET totp_secret = ?, totp_pending = NULL, totp_enabled_at = ?, totp_last_step = ?, "
                    "updated_at = ? WHERE id = ?",
                    sealed, enabled_at, step, now, user_id));
  (void)r;
  return {};
}

Status MariaDbTransaction::SetTotpLastStep(const std::string& user_id, std::int64_t step) {
  TRY(r, c_.Execute("UPDATE users SET totp_last_step = ? WHERE id = ?", step, user_id));
  (void)r;
  return {};
}

Status MariaDbTransaction::ReplaceRecoveryCodes(const std::string& user_id, const std::vector<std::string>& hashes,
                                                std::int64_t now) {
  TRY(d, c_.Execute("DELETE FROM recovery_codes WHERE user_id = ?", user_id));
  (void)d;
  for (const auto& hash : hashes) {
    TRY(r, c_.Execute("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)", user_id, hash, now));
    (void)r;
  }
  return {};
}

Result<bool> MariaDbTransaction::UseRecoveryCode(const std::string& user_id, const std::string& hash, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL", now,
                    user_id, hash));
  return r.affected_rows == 1;
}

Result<std::int64_t> MariaDbTransaction::RecoveryCodesLeft(const std::string& user_id) {
  TRY(row, c_.QueryOne("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ? AND used_at IS NULL", user_id));
  return row ? row->Int("n") : 0;
}

Status MariaDbTransaction::SetSessionMfa(const std::string& session_id) {
  TRY(r, c_.Execute("UPDATE sessions SET mfa = TRUE WHERE id = ?", session_id));
  (void)r;
  return {};
}

Status MariaDbTransaction::InsertEmailToken(const std::string& hash, const std::string& user_id, const std::string& purpose,
                                            const std::string& email, std::int64_t now, std::int64_t expires_at) {
  TRY(r, c_.Execute("INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                    hash, user_id, purpose, email, now, expires_at));
  (void)r;
  return {};
}

Result<std::optional<EmailToken>> MariaDbTransaction::EmailTokenByHash(const std::string& hash) {
  TRY(row, c_.QueryOne("SELECT user_id, purpose, email, expires_at, used_at FROM email_tokens WHERE token_hash = ? FOR UPDATE", hash));
  if (!row) return std::optional<EmailToken>{};
  return std::optional<EmailToken>{
      EmailToken{row->Text("user_id"), row->Text("purpose"), row->Text("email"), row->Int("expires_at"), row->OptInt("used_at")}};
}

Status MariaDbTransaction::UseEmailToken(const std::string& hash, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE email_tokens SET used_at = ? WHERE token_hash = ?", now, hash));
  (void)r;
  return {};
}

Status MariaDbTransaction::RetireEmailTokens(const std::string& user_id, const std::string& purpose, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE email_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL", now, user_id,
                    purpose));
  (void)r;
  return {};
}

Status MariaDbTransaction::InsertSession(const Session& s) {
  TRY(r, c_.Execute("INSERT INTO sessions (id, user_id, method, remember_me, ip, user_agent, created_at, last_used_at, expires_at, mfa) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    s.id, s.user_id, s.method, s.remember_me, s.ip, s.user_agent, s.created_at, s.last_used_at, s.expires_at,
                    s.mfa));
  (void)r;
  return {};
}

Result<std::optional<Session>> MariaDbTransaction::SessionById(const std::string& id) {
  TRY(row, c_.QueryOne(std::string("SELECT ") + kSessionColumns + " FROM sessions WHERE id = ? AND revoked_at IS NULL FOR UPDATE", id));
  if (!row) return std::optional<Session>{};
  return std::optional<Session>{ToSession(*row)};
}

Result<std::vector<Session>> MariaDbTransaction::LiveSessions(const std::string& user_id, std::int64_t now, std::int64_t idle_ms) {
  TRY(rows, c_.Query(std::string("SELECT ") + kSessionColumns +
                         " FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? AND (remember_me OR last_used_at > ?) "
                     "ORDER BY created_at DESC, id",
                     user_id, now, now - idle_ms));
  std::vector<Session> out;
  for (const auto& r : rows) out.push_back(ToSession(r));
  return out;
}

Status MariaDbTransaction::TouchSession(const std::string& id, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE sessions SET last_used_at = ? WHERE id = ?", now, id));
  (void)r;
  return {};
}

Result<std::vector<std::string>> MariaDbTransaction::RevokeSessions(const std::string& user_id, const std::optional<std::string>& only,
                                                                    const std::optional<std::string>& except, const std::string& reason,
                                                                    std::int64_t now) {
  TRY(rows, c_.Query("SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND (? IS NULL OR id = ?) "
                     "AND (? IS NULL OR id <> ?) FOR UPDATE",
                     user_id, only, only, except, except));
  std::vector<std::string> ids;
  for (const auto& r : rows) {
    ids.push_back(r.Text("id"));
    TRY(u, c_.Execute("UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE id = ?", now, reason, ids.back()));
    (void)u;
  }
  return ids;
}

Status MariaDbTransaction::InsertRefresh(const std::string& hash, const std::string& session_id, const std::string& user_id,
                                         std::int64_t now) {
  TRY(r, c_.Execute("INSERT INTO refresh_tokens (token_hash, session_id, user_id, created_at) VALUES (?, ?, ?, ?)", hash,
                    session_id, user_id, now));
  (void)r;
  return {};
}

Result<std::optional<RefreshToken>> MariaDbTransaction::RefreshByHash(const std::string& hash) {
  TRY(row, c_.QueryOne("SELECT session_id, user_id, used_at FROM refresh_tokens WHERE token_hash = ? FOR UPDATE", hash));
  if (!row) return std::optional<RefreshToken>{};
  return std::optional<RefreshToken>{RefreshToken{row->Text("session_id"), row->Text("user_id"), row->OptInt("used_at")}};
}

Status MariaDbTransaction::UseRefresh(const std::string& hash, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?", now, hash));
  (void)r;
  return {};
}

Result<std::vector<Address>> MariaDbTransaction::Addresses(const std::string& user_id) {
  TRY(rows, c_.Query("SELECT * FROM addresses WHERE user_id = ? ORDER BY created_at, id", user_id));
  std::vector<Address> out;
  for (const auto& r : rows) out.push_back(ToAddress(r));
  return out;
}

Result<std::optional<Address>> MariaDbTransaction::AddressById(const std::string& user_id, const std::string& id) {
  TRY(row, c_.QueryOne("SELECT * FROM addresses WHERE user_id = ? AND id = ?", user_id, id));
  if (!row) return std::optional<Address>{};
  return std::optional<Address>{ToAddress(*row)};
}

Status MariaDbTransaction::InsertAddress(const std::string& user_id, const Address& a, std::int64_t now) {
  TRY(r, c_.Execute("INSERT INTO addresses (id, user_id, label, name, line1, line2, city, region, postal_code, country, phone, "
                    "default_shipping, default_billing, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    a.id, user_id, a.label, a.name, a.line1, a.line2, a.city, a.region, a.postal_code, a.country, a.phone,
                    a.default_shipping, a.default_billing, now, now));
  (void)r;
  return {};
}

Status MariaDbTransaction::UpdateAddress(const std::string& user_id, const Address& a, std::int64_t now) {
  TRY(r, c_.Execute("UPDATE addresses SET label = ?, name = ?, line1 = ?, line2 = ?, city = ?, region = ?, postal_code = ?, "
                    "country = ?, phone = ?, default_shipping = ?, default_billing = ?, updated_at = ? WHERE user_id = ? AND id = ?",
                    a.label, a.name, a.line1, a.line2, a.city, a.region, a.postal_code, a.country, a.phone, a.default_shipping,
                    a.default_billing, now, user_id, a.id));
  (void)r;
  return {};
}

Result<bool> MariaDbTransaction::DeleteAddress(const std::string& user_id, const std::string& id) {
  TRY(r, c_.Execute("DELETE FROM addresses WHERE user_id = ? AND id = ?", user_id, id));
  return r.affected_rows > 0;
}

Status MariaDbTransaction::ClearOtherDefaults(const std::string& user_id, const Address& a) {
  if (a.default_shipping) {
    TRY(r, c_.Execute("UPDATE addresses SET default_shipping = FALSE WHERE user_id = ? AND id <> ?", user_id, a.id));
    (void)r;
  }
  if (a.default_billing) {
    TRY(r, c_.Execute("UPDATE addresses SET default_billing = FALSE WHERE user_id = ? AND id <> ?", user_id, a.id));
    (void)r;
  }
  return {};
}

Status MariaDbTransaction::RecordEmailRequest(const std::string& kind, const std::string& account_hash, const std::string& ip,
                                              std::int64_t now) {
  constexpr std::int64_t kKeepMs = 30ll * 24 * 3600 * 1000;
  TRY(pruned, c_.Execute("DELETE FROM email_requests WHERE created_at < ? ORDER BY created_at LIMIT 5", now - kKeepMs));
  (void)pruned;
  TRY(r, c_.Execute("INSERT INTO email_requests (kind, account_hash, ip, created_at) VALUES (?, ?, ?, ?)", kind, account_hash,
                    core::TruncateUtf8(ip, 64), now));
  (void)r;
  return {};
}

Result<std::optional<std::string>> MariaDbTransaction::UserIdOfIdentity(const std::string& provider, const std::string& subject) {
  TRY(row, c_.QueryOne("SELECT user_id FROM oidc_identities WHERE provider = ? AND subject = ?", provider, subject));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>{row->Text("user_id")};
}

Status MariaDbTransaction::InsertIdentity(const std::string& provider, const std::string& subject, const std::string& user_id,
                                          const std::string& email, std::int64_t now) {
  TRY(r, c_.Execute("INSERT INTO oidc_identities (provider, subject, user_id, email, created_at) VALUES (?, ?, ?, ?, ?)", provider,
                    subject, user_id, email, now));
  (void)r;
  return {};
}

Status MariaDbTransaction::AddEvent(std::string_view topic, const std::string& key, boost::json::object data) {
  auto event = messaging::NewEvent(std::string(topic), boost::json::value(std::move(data)), clock_.Now());
  return messaging::Outbox::Add(c_, topic_prefix_ + std::string(topic), key, event);
}

MariaDbAccountStore::MariaDbAccountStore(db::Database& db, const core::Clock& clock, std::string topic_prefix)
    : db_(db), clock_(clock), topic_prefix_(std::move(topic_prefix)) {}

boost::asio::awaitable<Status> MariaDbAccountStore::RunTransaction(const Work& work) {
  auto fn = [&](Connection& c) -> Status {
    MariaDbTransaction tx(c, clock_, topic_prefix_);
    return work(tx);
  };
  co_return co_await db_.Transaction(fn);
}

boost::asio::awaitable<Status> MariaDbAccountStore::RunOnce(const Work& work) {
  auto fn = [&](Connection& c) -> Status {
    MariaDbTransaction tx(c, clock_, topic_prefix_);
    return work(tx);
  };
  co_return co_await db_.Run(fn);
}

}  // namespace store::user
