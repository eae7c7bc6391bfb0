// Every setting of the user service, declared on a config::Loader (see README for the table).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "store/auth/auth.hpp"
#include "store/config/config.hpp"

namespace store::user {

struct OidcProviderSettings {
  std::string name;
  std::string issuer;
  std::string client_id;
  std::string client_secret;
  std::string scopes = "openid email profile";
  std::string redirect_uri;
  std::string display_name;  // what the sign-in page's button says ("Continue with <display_name>")
};

// A service allowed the OAuth 2.0 client-credentials grant (POST /v1/oauth/token).
struct ServiceClientSettings {
  std::string id;           // the client_id: [a-z0-9_], 1..64 characters
  std::string secret_file;  // one line, the secret (at least 32 characters)
};

struct Limit {
  std::int64_t per_ip = 0;       // attempts per abuse.window from one client IP
  std::int64_t per_account = 0;  // attempts per abuse.window for one email address
};

struct Settings {
  auth::AuthOptions auth;  // issuer, audience, leeway (jwks_url unused here: the service holds the keys)
  std::chrono::seconds access_token_ttl{600};
  std::chrono::seconds gateway_cache{1};
  std::string signing_key_file;
  bool generate_dev_key = true;
  std::string dev_key_file = ".state/user/signing-key.pem";
  std::string previous_keys_file;
  bool require_verified_email = true;

  std::chrono::milliseconds idle_timeout{std::chrono::minutes(30)};
  // A spent refresh token presented again this soon after it was spent is a concurrent refresh
  // (two tabs resuming at once, a page left while its refresh was on the way), not a theft: it
  // gets a new token of its own. Later, it ends the session (reuse). 0: always reuse.
  std::chrono::milliseconds refresh_reuse_grace{std::chrono::seconds(10)};
  std::chrono::milliseconds absolute_lifetime{std::chrono::hours(12)};
  std::chrono::milliseconds remember_me_lifetime{std::chrono::hours(24 * 30)};
  // The browser session (the storefront): the refresh token as an HttpOnly cookie on this path.
  bool session_cookie_secure = true;
  std::string session_cookie_path = "/api/user/v1/auth";

  std::size_t password_min = 8;
  std::size_t password_max = 1024;
  std::string common_list_file = "services/user/data/common-passwords.txt";
  std::uint64_t argon2_ops = 3;
  std::int64_t argon2_memory = 64ll * 1024 * 1024;
  int hash_threads = 2;

  std::chrono::milliseconds verification_ttl{std::chrono::hours(24)};
  std::chrono::milliseconds reset_ttl{std::chrono::minutes(30)};

  std::string client_ip_header = "X-Real-IP";
  std::chrono::milliseconds abuse_window{std::chrono::hours(1)};
  Limit login{300, 100};  // per_account counts FAILED logins
  Limit register_{20, 5};
  Limit reset{20, 5};
  Limit resend{20, 5};
  std::int64_t lockout_threshold = 5;
  std::chrono::milliseconds lockout_base{std::chrono::seconds(1)};
  std::chrono::milliseconds lockout_max{std::chrono::minutes(15)};

  std::string admin_email;
  std::string admin_password;

  // The second factor (TOTP).
  std::string mfa_issuer = "Store";  // the name an authenticator app shows beside the code
  std::string mfa_key_file;          // 32 random bytes, base64; empty: mfa.dev_key_file
  std::string mfa_dev_key_file = ".state/user/mfa-key";
  std::chrono::milliseconds mfa_admin_grace{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds mfa_challenge_ttl{std::chrono::minutes(5)};
  std::chrono::milliseconds mfa_reauth_window{std::chrono::minutes(10)};  // a password-less account's enrolment
  std::int64_t mfa_attempts = 5;  // wrong codes per challenge
  Limit mfa{100, 20};             // code checks per IP / per account per abuse.window

  // Service-to-service credentials: the client-credentials grant's clients and its tokens' lifetime.
  std::vector<ServiceClientSettings> service_clients;
  std::string service_clients_dir = ".state/service-clients";  // default home of <id>.secret
  std::chrono::seconds service_token_ttl{300};

  // The address book: countries an address may be in (ISO 3166-1 alpha-2; empty: any).
  std::vector<std::string> address_countries = {"AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "LU",
                                                "NL", "PL", "PT", "SE", "GB", "CH", "NO", "US", "CA"};

  std::vector<OidcProviderSettings> oidc;
  std::chrono::milliseconds oidc_state_ttl{std::chrono::minutes(10)};
  std::chrono::milliseconds oidc_http_timeout{std::chrono::seconds(5)};

  std::string key_prefix = "user:";
  std::string topic_prefix;  // prepended to every topic name (tests; shared clusters)

  // Declares every key; `defaults` supplies the default values (file paths differ per install).
  static Settings Declare(config::Loader& cfg, const Settings& defaults);
};

}  // namespace store::user
