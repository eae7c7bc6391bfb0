// The use cases of the user service: registration, verification, login and sessions, password
// change and reset, profile, email change, addresses, admin, social-login accounts.
//
// Ownership: borrows its ports (app/ports.hpp: the account store, the rate limiter, the
// revocation list), the Clock, KeyRing and PasswordPolicy (they outlive it); owns the
// BlockingPool that runs Argon2id. Thread-safety: every method may be awaited from any
// I/O thread concurrently. Errors are core::Error values: invalid_argument (400) and
// unprocessable (422) with field errors for bad input, unauthenticated (401), forbidden (403),
// not_found (404), too_many_requests (429, with its retry_after), unavailable (503) when an
// engine is down. Bad input never changes anything.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/keys.hpp"
#include "app/ports.hpp"
#include "app/settings.hpp"
#include "domain/model.hpp"
#include "domain/rules.hpp"
#include "domain/secrets.hpp"
#include "store/core/blocking_pool.hpp"
#include "store/core/clock.hpp"

namespace store::user {

struct RegisterCommand {
  std::string email;  // raw; normalised by the use case
  std::string password;
  std::string name;
  std::optional<std::string> phone;
  std::string locale = "en";
  bool sms_opt_in = false;
};

struct LoginCommand {
  std::string email;
  std::string password;
  bool remember_me = false;
  std::optional<std::string> guest_cart_id;
};

struct ProfilePatch {
  std::optional<std::string> name;
  std::optional<std::optional<std::string>> phone;  // set to null clears it
  std::optional<std::string> locale;
  std::optional<bool> sms_opt_in;
};

struct OidcIdentity {
  std::string provider;
  std::string subject;
  std::string email;  // normalised; may be empty
  bool email_verified = false;
  std::string name;
};

// Topics (contracts/events).
inline constexpr const char* kUserRegistered = "user.registered.v1";
inline constexpr const char* kEmailVerificationRequested = "user.email_verification_requested.v1";
inline constexpr const char* kPasswordResetRequested = "user.password_reset_requested.v1";
inline constexpr const char* kEmailChanged = "user.email_changed.v1";
inline constexpr const char* kLoggedIn = "user.logged_in.v1";

class Accounts {
 public:
  Accounts(const Settings& settings, AccountStore& store, RateLimiter& limiter, SessionRevocations& revocations,
           const core::Clock& clock, const KeyRing& keys, const PasswordPolicy& policy);

  Task<void> Register(const RegisterCommand& cmd, const ClientInfo& client);
  Task<std::string> VerifyEmail(const std::string& token);  // the verified address
  Task<void> ResendVerification(const std::string& email, const ClientInfo& client);
  Task<Tokens> Login(const LoginCommand& cmd, const ClientInfo& client);
  Task<Tokens> Refresh(const std::string& refresh_token, const ClientInfo& client);
  // Ends the session `sid` of `user_id` (logout; or DELETE /v1/me/sessions/{id}: not_found when
  // it is not theirs or already ended).
  Task<void> EndSession(const std::string& user_id, const std::string& sid, const std::string& reason);
  // Ends the session a refresh token belongs to (logout without a valid access token).
  Task<void> EndSessionByRefresh(const std::string& refresh_token);
  Task<void> EndAllSessions(const std::string& user_id, const std::optional<std::string>& except, const std::string& reason);
  Task<void> RequestPasswordReset(const std::string& email, const ClientInfo& client);
  Task<void> ConfirmPasswordReset(const std::string& token, const std::string& password);
  Task<void> ChangePassword(const std::string& user_id, const std::string& current_sid, const std::string& current, const std::string& next);

  Task<User> Profile(const std::string& user_id);
  Task<User> UpdateProfile(const std::string& user_id, const ProfilePatch& patch);
  Task<void> RequestEmailChange(const std::string& user_id, const std::string& new_email, const std::string& password);
  Task<std::vector<Session>> Sessions(const std::string& user_id);

  Task<std::vector<Address>> ListAddresses(const std::string& user_id);
  Task<Address> CreateAddress(const std::string& user_id, const Address& input);
  Task<Address> UpdateAddress(const std::string& user_id, const Address& input);
  Task<void> DeleteAddress(const std::string& user_id, const std::string& address_id);

  Task<std::vector<User>> SearchUsers(const std::string& q, std::int64_t limit, std::int64_t offset);
  Task<User> SetDisabled(const std::string& user_id, bool disabled);
  // admin.bootstrap_email: promote the account, or create it with admin.bootstrap_password.
  Task<void> EnsureBootstrapAdmin();

  Task<Tokens> LoginWithOidc(const OidcIdentity& identity, const ClientInfo& client);

  // Seconds the revocation list keeps a session id: the access-token lifetime plus leeway.
  std::chrono::seconds revocation_ttl() const;
  const PasswordHasher& hasher() const { return hasher_; }

 private:
  std::int64_t NowMs() const;
  Task<std::string> HashPassword(const std::string& password);
  boost::asio::awaitable<bool> VerifyPassword(const std::optional<std::string>& encoded, const std::string& password);
  Task<void> Revoke(const std::vector<std::string>& sids);
  Task<void> Throttle(const char* action, const Limit& limit, const std::string& ip, const std::string& account);
  // Inside a transaction: a session, its first refresh token and user.logged_in.
  core::Result<Tokens> StartSession(AccountTransaction& tx, const User& u, const std::string& method, bool remember_me,
                                    const ClientInfo& client, const std::optional<std::string>& guest_cart_id);
  std::string IssueAccess(const User& u, const std::string& sid) const;
  // Inside a transaction: a verification token for `email` and its event.
  core::Status SendVerification(AccountTransaction& tx, const User& u, const std::string& email, const char* purpose,
                                const char* reason);

  const Settings& settings_;
  AccountStore& store_;
  RateLimiter& limiter_;
  SessionRevocations& revocations_;
  const core::Clock& clock_;
  const KeyRing& keys_;
  const PasswordPolicy& policy_;
  PasswordHasher hasher_;
  std::unique_ptr<core::BlockingPool> hash_pool_;
  std::string dummy_hash_;
};

}  // namespace store::user
