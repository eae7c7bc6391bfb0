// MariaDB access of the user service: plain synchronous functions on a db::Connection, called
// by the use cases inside db::Database::Run / Transaction (so off the I/O threads). SQL lives
// here only; values are always bound, never spliced.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.hpp"
#include "store/db/db.hpp"

namespace store::user::repo {

using core::Result;
using core::Status;
using db::Connection;

Result<std::optional<User>> UserByEmail(Connection& c, const std::string& email, bool for_update = false);
Result<std::optional<User>> UserById(Connection& c, const std::string& id, bool for_update = false);
Status InsertUser(Connection& c, const User& u, std::int64_t now);
Status UpdateProfile(Connection& c, const User& u, std::int64_t now);
Status SetPassword(Connection& c, const std::string& user_id, const std::string& hash, std::int64_t now);
Status SetEmailVerified(Connection& c, const std::string& user_id, std::int64_t now);
Status SetPendingEmail(Connection& c, const std::string& user_id, const std::optional<std::string>& email, std::int64_t now);
Status SetEmail(Connection& c, const std::string& user_id, const std::string& email, std::int64_t now);
Status SetDisabled(Connection& c, const std::string& user_id, bool disabled, std::int64_t now);
Status SetRoles(Connection& c, const std::string& user_id, const std::string& roles, std::int64_t now);
Result<std::vector<User>> SearchUsers(Connection& c, const std::string& q, std::int64_t limit, std::int64_t offset);

struct EmailToken {
  std::string user_id;
  std::string purpose;
  std::string email;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> used_at;
};
Status InsertEmailToken(Connection& c, const std::string& hash, const std::string& user_id, const std::string& purpose,
                        const std::string& email, std::int64_t now, std::int64_t expires_at);
Result<std::optional<EmailToken>> EmailTokenByHash(Connection& c, const std::string& hash);  // FOR UPDATE
Status UseEmailToken(Connection& c, const std::string& hash, std::int64_t now);
// Marks every unused token of the user with `purpose` used (a newer link replaces older ones).
Status RetireEmailTokens(Connection& c, const std::string& user_id, const std::string& purpose, std::int64_t now);

Status InsertSession(Connection& c, const Session& s);
Result<std::optional<Session>> SessionById(Connection& c, const std::string& id);  // live or not
Result<std::vector<Session>> LiveSessions(Connection& c, const std::string& user_id, std::int64_t now,
                                          std::int64_t idle_ms);
Status TouchSession(Connection& c, const std::string& id, std::int64_t now);
// Ends sessions; returns the ids that were live (for the revocation list).
Result<std::vector<std::string>> RevokeSessions(Connection& c, const std::string& user_id,
                                                const std::optional<std::string>& only,
                                                const std::optional<std::string>& except, const std::string& reason,
                                                std::int64_t now);

struct RefreshRow {
  std::string session_id;
  std::string user_id;
  std::optional<std::int64_t> used_at;
};
Status InsertRefresh(Connection& c, const std::string& hash, const std::string& session_id, const std::string& user_id,
                     std::int64_t now);
Result<std::optional<RefreshRow>> RefreshByHash(Connection& c, const std::string& hash);  // FOR UPDATE
Status UseRefresh(Connection& c, const std::string& hash, std::int64_t now);

Result<std::vector<Address>> Addresses(Connection& c, const std::string& user_id);
Result<std::optional<Address>> AddressById(Connection& c, const std::string& user_id, const std::string& id);
Status InsertAddress(Connection& c, const std::string& user_id, const Address& a, std::int64_t now);
Status UpdateAddress(Connection& c, const std::string& user_id, const Address& a, std::int64_t now);
Result<bool> DeleteAddress(Connection& c, const std::string& user_id, const std::string& id);
// Clears the default flags on the user's other addresses when `a` sets them.
Status ClearOtherDefaults(Connection& c, const std::string& user_id, const Address& a);

// Records a register/resend/reset request (known address or not) and prunes a few old rows.
Status RecordEmailRequest(Connection& c, const std::string& kind, const std::string& account_hash, const std::string& ip,
                          std::int64_t now);

Result<std::optional<std::string>> UserIdOfIdentity(Connection& c, const std::string& provider, const std::string& subject);
Status InsertIdentity(Connection& c, const std::string& provider, const std::string& subject, const std::string& user_id,
                      const std::string& email, std::int64_t now);

}  // namespace store::user::repo
