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
#include <variant>
#include <vector>

#include "app/keys.hpp"
#include "app/ports.hpp"
#include "app/settings.hpp"
#include "domain/model.hpp"
#include "domain/rules.hpp"
#include "domain/secrets.hpp"
#include "domain/totp.hpp"
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

// A sign-in's outcome: the session's tokens, or (the account has a second factor) the challenge
// to complete with a code (CompleteLogin).
using SignIn = std::variant<Tokens, MfaChallenge>;

// A sign-in completed with its second factor; return_to: the page a browser's social sign-in
// ends on.
struct MfaSignIn {
  Tokens tokens;
  std::optional<std::string> return_to;
};

// The second factor of an account, as its owner sees it.
struct MfaStatus {
  bool enabled = false;
  std::optional<std::int64_t> enabled_at;
  std::int64_t recovery_codes_left = 0;
  bool required = false;                       // an admin: the admin role needs it
  std::optional<std::int64_t> grace_ends_at;  // an admin without it: until when the role works
  bool session_verified = false;               // this session passed the second factor
};

// An enrolment begun: the secret (base32, for typing in) and the otpauth:// URI (for the QR code).
struct TotpEnrolment {
  std::string secret;
  std::string otpauth_uri;
};

// An account as staff see it: the profile, the address book, the live sessions.
struct CustomerDetail {
  User user;
  std::vector<Address> addresses;
  std::vector<Session> sessions;
};

// Topics (contracts/events).
inline constexpr const char* kUserRegistered = "user.registered.v1";
inline constexpr const char* kEmailVerificationRequested = "user.email_verification_requested.v1";
inline constexpr const char* kPasswordResetRequested = "user.password_reset_requested.v1";
inline constexpr const char* kEmailChanged = "user.email_changed.v1";
inline constexpr const char* kLoggedIn = "user.logged_in.v1";
inline constexpr const char* kSecondFactorChanged = "user.second_factor_changed.v1";

class Accounts {
 public:
  Accounts(const Settings& settings, AccountStore& store, RateLimiter& limiter, SessionRevocations& revocations,
           OneTimeStates& challenges, const core::Clock& clock, const KeyRing& keys, const PasswordPolicy& policy,
           const SecretBox& secrets);

  Task<void> Register(const RegisterCommand& cmd, const ClientInfo& client);
  Task<std::string> VerifyEmail(const std::string& token);  // the verified address
  Task<void> ResendVerification(const std::string& email, const ClientInfo& client);
  Task<SignIn> Login(const LoginCommand& cmd, const ClientInfo& client);
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
  Task<CustomerDetail> Customer(const std::string& user_id);
  // admin.bootstrap_email: promote the account, or create it with admin.bootstrap_password.
  Task<void> EnsureBootstrapAdmin();

  Task<SignIn> LoginWithOidc(const OidcIdentity& identity, const ClientInfo& client,
                             const std::optional<std::string>& return_to = std::nullopt);

  // ---- the second factor (app/second_factor.cpp)
  // Completes a sign-in with a TOTP code or a recovery code. A wrong code costs one of the
  // challenge's mfa.attempts (then the password is asked again); unauthenticated for a wrong code
  // or a used, expired or unknown challenge; too_many_requests past abuse.mfa_per_*.
  Task<MfaSignIn> CompleteLogin(const std::string& challenge, const std::string& code, const ClientInfo& client);
  Task<MfaStatus> SecondFactor(const std::string& user_id, const std::string& sid);
  // Begins (or begins again) an enrolment; `password` is checked when the account has one; an
  // account without one (social sign-in only) must have signed in within mfa.reauth_window on the
  // session `sid` (unauthenticated otherwise: sign in again). conflict when it is on already.
  Task<TotpEnrolment> BeginTotp(const std::string& user_id, const std::string& sid, const std::string& password);
  // Turns it on with a first code of the enrolment's secret: returns the ten recovery codes (shown
  // once, stored hashed); this session counts as verified, the account's other sessions end.
  Task<std::vector<std::string>> ConfirmTotp(const std::string& user_id, const std::string& sid, const std::string& code,
                                             const ClientInfo& client);
  // Turns it off: the password (when the account has one) and a code (TOTP or recovery).
  Task<void> DisableTotp(const std::string& user_id, const std::string& password, const std::string& code,
                         const ClientInfo& client);
  // Ten new recovery codes for a current TOTP code; the old ones stop working.
  Task<std::vector<std::string>> NewRecoveryCodes(const std::string& user_id, const std::string& code, const ClientInfo& client);
  // An admin removes an account's second factor (a lost phone and no recovery code): its sessions end.
  Task<void> ResetSecondFactor(const std::string& user_id);

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
  // mfa: the sign-in passed the second factor.
  core::Result<Tokens> StartSession(AccountTransaction& tx, const User& u, const std::string& method, bool remember_me,
                                    const ClientInfo& client, const std::optional<std::string>& guest_cart_id,
                                    bool mfa = false);
  // A session's roles: the account's, but `admin` only when the session passed the second factor
  // or the account is still in its grace period (mfa.admin_grace).
  std::vector<std::string> SessionRoles(const User& u, const Session& s) const;
  // The access token of session `sid` with `roles` (SessionRoles).
  std::string IssueAccess(const User& u, const std::string& sid, const std::vector<std::string>& roles) const;
  // A sign-in waiting for its second factor (kept in `challenges_`).
  Task<MfaChallenge> Challenge(const User& u, const std::string& method, bool remember_me,
                               const std::optional<std::string>& guest_cart_id, const std::optional<std::string>& return_to);
  // Inside a transaction: whether `code` is the account's current TOTP code (used up) or one of
  // its unused recovery codes (used up); `totp_only` refuses recovery codes.
  core::Result<bool> CheckCode(AccountTransaction& tx, const User& u, const std::string& code, std::int64_t now,
                               bool totp_only = false) const;
  // Inside a transaction: user.second_factor_changed.v1 (the notice to the account's address).
  core::Status SecondFactorChanged(AccountTransaction& tx, const User& u, bool enabled, bool by_admin) const;
  // Inside a transaction: ten new recovery codes replace the account's (only their hashes stored).
  core::Result<std::vector<std::string>> FreshRecoveryCodes(AccountTransaction& tx, const std::string& user_id,
                                                            std::int64_t now) const;
  // Inside a transaction: a verification token for `email` and its event.
  core::Status SendVerification(AccountTransaction& tx, const User& u, const std::string& email, const char* purpose,
                                const char* reason);

  const Settings& settings_;
  AccountStore& store_;
  RateLimiter& limiter_;
  SessionRevocations& revocations_;
  OneTimeStates& challenges_;
  const core::Clock& clock_;
  const KeyRing& keys_;
  const PasswordPolicy& policy_;
  const SecretBox& secrets_;
  PasswordHasher hasher_;
  std::unique_ptr<core::BlockingPool> hash_pool_;
  std::string dummy_hash_;
};

}  // namespace store::user
