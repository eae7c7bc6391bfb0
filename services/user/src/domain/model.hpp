// The user service's entities as plain values. Times are unix milliseconds (the service's Clock).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace store::user {

struct User {
  std::string id;
  std::string email;
  bool email_verified = false;
  std::optional<std::string> password_hash;  // nullopt: social login only
  std::string name;
  std::optional<std::string> phone;
  std::string locale = "en";
  bool sms_opt_in = false;
  std::vector<std::string> roles{"customer"};
  bool disabled = false;
  std::optional<std::string> pending_email;
  std::int64_t created_at = 0;
  // The second factor (TOTP): the secret sealed at rest (set once enrolment is confirmed), the
  // secret of an enrolment not confirmed yet, the last time step a code was used for.
  std::optional<std::string> totp_secret;
  std::optional<std::string> totp_pending;
  std::optional<std::int64_t> totp_enabled_at;
  std::int64_t totp_last_step = 0;
  std::optional<std::int64_t> admin_since;  // when the admin role was granted
  bool HasSecondFactor() const { return totp_secret.has_value(); }
  bool HasRole(const std::string& role) const {
    for (const auto& r : roles)
      if (r == role) return true;
    return false;
  }
};

struct Session {
  std::string id;
  std::string user_id;
  std::string method;  // password | oidc
  bool remember_me = false;
  std::string ip;
  std::string user_agent;
  std::int64_t created_at = 0;
  std::int64_t last_used_at = 0;
  std::int64_t expires_at = 0;
  bool mfa = false;  // the sign-in passed the second factor
};

struct Address {
  std::string id;
  std::string label;
  std::string name;
  std::string line1;
  std::string line2;
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country;
  std::optional<std::string> phone;
  bool default_shipping = false;
  bool default_billing = false;
};

// What the client sent along that the service records (never trusted for decisions but limits).
struct ClientInfo {
  std::string ip;
  std::string user_agent;
};

// The answer to a sign-in whose account has a second factor: no session yet, a challenge token
// (opaque, single use, short-lived) to send back with a code.
struct MfaChallenge {
  std::string token;
  std::int64_t expires_in = 0;  // seconds
  std::optional<std::string> return_to;  // a browser's social sign-in: the page it ends on
};

// The answer to a successful login, refresh or social login.
struct Tokens {
  std::string access_token;
  std::int64_t expires_in = 0;  // seconds
  std::string refresh_token;
  std::int64_t refresh_expires_in = 0;
  std::string session_id;
  User user;
  std::vector<std::string> roles;  // what the access token carries (admin only after the second factor, or in the grace period)
};

}  // namespace store::user
