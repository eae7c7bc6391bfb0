#include "adapters/repository.hpp"

#include "domain/rules.hpp"

namespace store::user::repo {

namespace {
constexpr const char* kUserColumns =
    "id, email, email_verified, password_hash, name, phone, locale, sms_opt_in, roles, disabled, pending_email, created_at";

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
}  // namespace

Result<std::optional<User>> UserByEmail(Connection& c, const std::string& email, bool for_update) {
  std::string sql = std::string("SELECT ") + kUserColumns + " FROM users WHERE email = ?" + (for_update ? " FOR UPDATE" : "");
  return OneUser(c.QueryOne(sql, email));
}

Result<std::optional<User>> UserById(Connection& c, const std::string& id, bool for_update) {
  std::string sql = std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?" + (for_update ? " FOR UPDATE" : "");
  return OneUser(c.QueryOne(sql, id));
}

Status InsertUser(Connection& c, const User& u, std::int64_t now) {
  TRY(r, c.Execute("INSERT INTO users (id, email, email_verified, password_hash, name, phone, locale, sms_opt_in, roles, "
                   "disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   u.id, u.email, u.email_verified, u.password_hash, u.name, u.phone, u.locale, u.sms_opt_in,
                   JoinRoles(u.roles), u.disabled, now, now));
  (void)r;
  return {};
}

Status UpdateProfile(Connection& c, const User& u, std::int64_t now) {
  TRY(r, c.Execute("UPDATE users SET name = ?, phone = ?, locale = ?, sms_opt_in = ?, updated_at = ? WHERE id = ?", u.name,
                   u.phone, u.locale, u.sms_opt_in, now, u.id));
  (void)r;
  return {};
}

Status SetPassword(Connection& c, const std::string& user_id, const std::string& hash, std::int64_t now) {
  TRY(r, c.Execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, now, user_id));
  (void)r;
  return {};
}

Status SetEmailVerified(Connection& c, const std::string& user_id, std::int64_t now) {
  TRY(r, c.Execute("UPDATE users SET email_verified = TRUE, updated_at = ? WHERE id = ?", now, user_id));
  (void)r;
  return {};
}

Status SetPendingEmail(Connection& c, const std::string& user_id, const std::optional<std::string>& email, std::int64_t now) {
  TRY(r, c.Execute("UPDATE users SET pending_email = ?, updated_at = ? WHERE id = ?", email, now, user_id));
  (void)r;
  return {};
}

Status SetEmail(Connection& c, const std::string& user_id, const std::string& email, std::int64_t now) {
  TRY(r, c.Execute("UPDATE users SET email = ?, email_verified = TRUE, pending_email = NULL, updated_at = ? WHERE id = ?",
                   email, now, user_id));
  (void)r;
  return {};
}

Status SetDisabled(Connection& c, const std::string& user_id, bool disabled, std::int64_t now) {
  TRY(r, c.Execute("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", disabled, now, user_id));
  (void)r;
  return {};
}

Status SetRoles(Connection& c, const std::string& user_id, const std::string& roles, std::int64_t now) {
  TRY(r, c.Execute("UPDATE users SET roles = ?, updated_at = ? WHERE id = ?", roles, now, user_id));
  (void)r;
  return {};
}

Result<std::vector<User>> SearchUsers(Connection& c, const std::string& q, std::int64_t limit, std::int64_t offset) {
  // LIKE metacharacters in the query are escaped: a search for "a_b" means a literal underscore.
  std::string pattern = "%";
  for (char ch : q) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  pattern += "%";
  TRY(rows, c.Query(std::string("SELECT ") + kUserColumns +
                        " FROM users WHERE email LIKE ? OR name LIKE ? OR id = ? ORDER BY created_at, id LIMIT ? OFFSET ?",
                    pattern, pattern, q, limit, offset));
  std::vector<User> out;
  for (const auto& r : rows) out.push_back(ToUser(r));
  return out;
}

Status InsertEmailToken(Connection& c, const std::string& hash, const std::string& user_id, const std::string& purpose,
                        const std::string& email, std::int64_t now, std::int64_t expires_at) {
  TRY(r, c.Execute("INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                   hash, user_id, purpose, email, now, expires_at));
  (void)r;
  return {};
}

Result<std::optional<EmailToken>> EmailTokenByHash(Connection& c, const std::string& hash) {
  TRY(row, c.QueryOne("SELECT user_id, purpose, email, expires_at, used_at FROM email_tokens WHERE token_hash = ? FOR UPDATE", hash));
  if (!row) return std::optional<EmailToken>{};
  return std::optional<EmailToken>{
      EmailToken{row->Text("user_id"), row->Text("purpose"), row->Text("email"), row->Int("expires_at"), row->OptInt("used_at")}};
}

Status UseEmailToken(Connection& c, const std::string& hash, std::int64_t now) {
  TRY(r, c.Execute("UPDATE email_tokens SET used_at = ? WHERE token_hash = ?", now, hash));
  (void)r;
  return {};
}

Status RetireEmailTokens(Connection& c, const std::string& user_id, const std::string& purpose, std::int64_t now) {
  TRY(r, c.Execute("UPDATE email_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL", now, user_id,
                   purpose));
  (void)r;
  return {};
}

Status InsertSession(Connection& c, const Session& s) {
  TRY(r, c.Execute("INSERT INTO sessions (id, user_id, method, remember_me, ip, user_agent, created_at, last_used_at, expires_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   s.id, s.user_id, s.method, s.remember_me, s.ip, s.user_agent, s.created_at, s.last_used_at, s.expires_at));
  (void)r;
  return {};
}

Result<std::optional<Session>> SessionById(Connection& c, const std::string& id) {
  TRY(row, c.QueryOne("SELECT id, user_id, method, remember_me, ip, user_agent, created_at, last_used_at, expires_at, revoked_at "
                      "FROM sessions WHERE id = ? AND revoked_at IS NULL FOR UPDATE",
                      id));
  if (!row) return std::optional<Session>{};
  return std::optional<Session>{ToSession(*row)};
}

Result<std::vector<Session>> LiveSessions(Connection& c, const std::string& user_id, std::int64_t now, std::int64_t idle_ms) {
  TRY(rows, c.Query("SELECT id, user_id, method, remember_me, ip, user_agent, created_at, last_used_at, expires_at FROM sessions "
                    "WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? AND (remember_me OR last_used_at > ?) "
                    "ORDER BY created_at DESC, id",
                    user_id, now, now - idle_ms));
  std::vector<Session> out;
  for (const auto& r : rows) out.push_back(ToSession(r));
  return out;
}

Status TouchSession(Connection& c, const std::string& id, std::int64_t now) {
  TRY(r, c.Execute("UPDATE sessions SET last_used_at = ? WHERE id = ?", now, id));
  (void)r;
  return {};
}

Result<std::vector<std::string>> RevokeSessions(Connection& c, const std::string& user_id, const std::optional<std::string>& only,
                                                const std::optional<std::string>& except, const std::string& reason,
                                                std::int64_t now) {
  TRY(rows, c.Query("SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL AND (? IS NULL OR id = ?) "
                    "AND (? IS NULL OR id <> ?) FOR UPDATE",
                    user_id, only, only, except, except));
  std::vector<std::string> ids;
  for (const auto& r : rows) {
    ids.push_back(r.Text("id"));
    TRY(u, c.Execute("UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE id = ?", now, reason, ids.back()));
    (void)u;
  }
  return ids;
}

Status InsertRefresh(Connection& c, const std::string& hash, const std::string& session_id, const std::string& user_id,
                     std::int64_t now) {
  TRY(r, c.Execute("INSERT INTO refresh_tokens (token_hash, session_id, user_id, created_at) VALUES (?, ?, ?, ?)", hash,
                   session_id, user_id, now));
  (void)r;
  return {};
}

Result<std::optional<RefreshRow>> RefreshByHash(Connection& c, const std::string& hash) {
  TRY(row, c.QueryOne("SELECT session_id, user_id, used_at FROM refresh_tokens WHERE token_hash = ? FOR UPDATE", hash));
  if (!row) return std::optional<RefreshRow>{};
  return std::optional<RefreshRow>{RefreshRow{row->Text("session_id"), row->Text("user_id"), row->OptInt("used_at")}};
}

Status UseRefresh(Connection& c, const std::string& hash, std::int64_t now) {
  TRY(r, c.Execute("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ?", now, hash));
  (void)r;
  return {};
}

Result<std::vector<Address>> Addresses(Connection& c, const std::string& user_id) {
  TRY(rows, c.Query("SELECT * FROM addresses WHERE user_id = ? ORDER BY created_at, id", user_id));
  std::vector<Address> out;
  for (const auto& r : rows) out.push_back(ToAddress(r));
  return out;
}

Result<std::optional<Address>> AddressById(Connection& c, const std::string& user_id, const std::string& id) {
  TRY(row, c.QueryOne("SELECT * FROM addresses WHERE user_id = ? AND id = ?", user_id, id));
  if (!row) return std::optional<Address>{};
  return std::optional<Address>{ToAddress(*row)};
}

Status InsertAddress(Connection& c, const std::string& user_id, const Address& a, std::int64_t now) {
  TRY(r, c.Execute("INSERT INTO addresses (id, user_id, label, name, line1, line2, city, region, postal_code, country, phone, "
                   "default_shipping, default_billing, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   a.id, user_id, a.label, a.name, a.line1, a.line2, a.city, a.region, a.postal_code, a.country, a.phone,
                   a.default_shipping, a.default_billing, now, now));
  (void)r;
  return {};
}

Status UpdateAddress(Connection& c, const std::string& user_id, const Address& a, std::int64_t now) {
  TRY(r, c.Execute("UPDATE addresses SET label = ?, name = ?, line1 = ?, line2 = ?, city = ?, region = ?, postal_code = ?, "
                   "country = ?, phone = ?, default_shipping = ?, default_billing = ?, updated_at = ? WHERE user_id = ? AND id = ?",
                   a.label, a.name, a.line1, a.line2, a.city, a.region, a.postal_code, a.country, a.phone, a.default_shipping,
                   a.default_billing, now, user_id, a.id));
  (void)r;
  return {};
}

Result<bool> DeleteAddress(Connection& c, const std::string& user_id, const std::string& id) {
  TRY(r, c.Execute("DELETE FROM addresses WHERE user_id = ? AND id = ?", user_id, id));
  return r.affected_rows > 0;
}

Status ClearOtherDefaults(Connection& c, const std::string& user_id, const Address& a) {
  if (a.default_shipping) {
    TRY(r, c.Execute("UPDATE addresses SET default_shipping = FALSE WHERE user_id = ? AND id <> ?", user_id, a.id));
    (void)r;
  }
  if (a.default_billing) {
    TRY(r, c.Execute("UPDATE addresses SET default_billing = FALSE WHERE user_id = ? AND id <> ?", user_id, a.id));
    (void)r;
  }
  return {};
}

Status RecordEmailRequest(Connection& c, const std::string& kind, const std::string& account_hash, const std::string& ip,
                          std::int64_t now) {
  constexpr std::int64_t kKeepMs = 30ll * 24 * 3600 * 1000;
  TRY(pruned, c.Execute("DELETE FROM email_requests WHERE created_at < ? ORDER BY created_at LIMIT 5", now - kKeepMs));
  (void)pruned;
  TRY(r, c.Execute("INSERT INTO email_requests (kind, account_hash, ip, created_at) VALUES (?, ?, ?, ?)", kind, account_hash,
                   ip.substr(0, 64), now));
  (void)r;
  return {};
}

Result<std::optional<std::string>> UserIdOfIdentity(Connection& c, const std::string& provider, const std::string& subject) {
  TRY(row, c.QueryOne("SELECT user_id FROM oidc_identities WHERE provider = ? AND subject = ?", provider, subject));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>{row->Text("user_id")};
}

Status InsertIdentity(Connection& c, const std::string& provider, const std::string& subject, const std::string& user_id,
                      const std::string& email, std::int64_t now) {
  TRY(r, c.Execute("INSERT INTO oidc_identities (provider, subject, user_id, email, created_at) VALUES (?, ?, ?, ?, ?)", provider,
                   subject, user_id, email, now));
  (void)r;
  return {};
}

}  // namespace store::user::repo
