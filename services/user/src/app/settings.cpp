#include "app/settings.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "store/address/address.hpp"
#include "store/core/text.hpp"

namespace store::user {

namespace {
std::chrono::seconds Secs(std::chrono::milliseconds ms) { return std::chrono::duration_cast<std::chrono::seconds>(ms); }

Limit DeclareLimit(config::Loader& cfg, const std::string& action, Limit def, const std::string& account_what,
                   std::int64_t account_max = 1'000'000) {
  Limit l;
  l.per_ip = cfg.Int("abuse." + action + "_per_ip", def.per_ip,
                     action + " attempts allowed per client IP per abuse.window", 1, 1'000'000);
  l.per_account = cfg.Int("abuse." + action + "_per_account", def.per_account,
                          account_what + " per email address per abuse.window", 1, account_max);
  return l;
}
}  // namespace

Settings Settings::Declare(config::Loader& cfg, const Settings& defaults) {
  Settings s = defaults;
  s.auth = auth::AuthOptions::Declare(cfg);
  auto ttl_text = cfg.String("auth.access_token_ttl", "10m", "Lifetime of an access token (5m..15m)",
                            [](const std::string& v) -> std::optional<std::string> {
                              auto d = config::ParseDuration(v);
                              if (!d || *d < std::chrono::minutes(5) || *d > std::chrono::minutes(15))
                                return "must be a duration within 5m..15m";
                              return std::nullopt;
                            });
  s.access_token_ttl = Secs(config::ParseDuration(ttl_text).value_or(std::chrono::minutes(10)));
  s.gateway_cache = Secs(cfg.Duration("auth.gateway_cache", std::chrono::seconds(1),
                                      "Longest time the gateway may cache an introspection answer (X-Accel-Expires)"));
  s.signing_key_file = cfg.String("auth.signing_key_file", "",
                                  "PEM (PKCS#8) Ed25519 private key signing access tokens; empty: development key (auth.dev_key_file)");
  s.generate_dev_key = cfg.Bool("auth.generate_dev_key", true,
                                "Without auth.signing_key_file, create (once) and use auth.dev_key_file; false: refuse to start");
  s.dev_key_file = cfg.String("auth.dev_key_file", defaults.dev_key_file, "Where the development signing key lives");
  s.previous_keys_file = cfg.String("auth.previous_keys_file", "",
                                    "JWKS file of retired public keys still published (key rotation)");
  s.require_verified_email = cfg.Bool("auth.require_verified_email", true, "Password login only after the email was verified");

  s.idle_timeout = cfg.Duration("session.idle_timeout", std::chrono::minutes(30),
                                "A session not refreshed for this long ends (not for remember-me sessions)");
  s.refresh_reuse_grace = cfg.Duration("session.refresh_reuse_grace", std::chrono::seconds(10),
                                       "A spent refresh token used again within this is a concurrent refresh (a new token), later a theft (the session ends)");
  s.absolute_lifetime = cfg.Duration("session.absolute_lifetime", std::chrono::hours(12),
                                     "A session ends this long after login, whatever its use");
  s.remember_me_lifetime = cfg.Duration("session.remember_me_lifetime", std::chrono::hours(24 * 30),
                                        "Absolute lifetime of a 'remember me' session");
  s.session_cookie_secure = cfg.Bool("session.cookie_secure", true,
                                     "Mark the browser session cookie Secure (false only for plain-http runs other than localhost)");
  s.session_cookie_path = cfg.String("session.cookie_path", "/api/user/v1/auth",
                                     "Path of the browser session cookie as the browser sees it (through the gateway)");

  s.password_min = static_cast<std::size_t>(cfg.Int("password.min_length", 8, "Shortest password accepted (characters)", 8, 64));
  s.password_max = static_cast<std::size_t>(
      cfg.Int("password.max_length", 1024, "Longest password accepted (characters; at least 64)", 64, 4096));
  s.common_list_file = cfg.String("password.common_list_file", defaults.common_list_file,
                                  "List of common passwords refused (one per line)");
  s.argon2_ops = static_cast<std::uint64_t>(cfg.Int("password.argon2_ops", 3, "Argon2id passes t (at least 2)", 2, 20));
  auto memory_text = cfg.String("password.argon2_memory", "64MiB", "Argon2id memory (at least 19MiB)",
                               [](const std::string& v) -> std::optional<std::string> {
                                 auto b = config::ParseBytes(v);
                                 if (!b || *b < 19ll * 1024 * 1024 || *b > 4ll * 1024 * 1024 * 1024)
                                   return "must be a size within 19MiB..4GiB";
                                 return std::nullopt;
                               });
  s.argon2_memory = config::ParseBytes(memory_text).value_or(64ll * 1024 * 1024);
  s.hash_threads = static_cast<int>(cfg.Int("password.hash_threads", 2, "Threads hashing passwords (each uses argon2_memory)", 1, 64));

  s.verification_ttl = cfg.Duration("verification.token_ttl", std::chrono::hours(24), "Lifetime of an email verification link");
  s.reset_ttl = cfg.Duration("reset.token_ttl", std::chrono::minutes(30), "Lifetime of a password reset link");

  s.client_ip_header = cfg.String("abuse.client_ip_header", "X-Real-IP",
                                  "Header carrying the client IP, set by the gateway (never X-Forwarded-For from clients)");
  s.abuse_window = cfg.Duration("abuse.window", std::chrono::hours(1), "Window of the abuse counters");
  s.login = DeclareLimit(cfg, "login", s.login, "failed logins (at most 100)", 100);
  s.register_ = DeclareLimit(cfg, "register", s.register_, "registrations");
  s.reset = DeclareLimit(cfg, "reset", s.reset, "reset requests");
  s.resend = DeclareLimit(cfg, "resend", s.resend, "verification resends");
  s.lockout_threshold = cfg.Int("abuse.lockout_threshold", 5, "Consecutive failed logins before the account locks", 1, 100);
  s.lockout_base = cfg.Duration("abuse.lockout_base", std::chrono::seconds(1),
                                "First lockout; each further failure doubles it");
  s.lockout_max = cfg.Duration("abuse.lockout_max", std::chrono::minutes(15), "Longest lockout");

  s.admin_email = cfg.String("admin.bootstrap_email", "", "The first admin: this account gets the admin role at start-up");
  s.admin_password = cfg.String("admin.bootstrap_password", "",
                                "Creates the bootstrap admin (verified) with this password when it does not exist yet");

  s.mfa_issuer = cfg.String("mfa.issuer", "Store", "The shop's name as authenticator apps show it beside the code");
  s.mfa_key_file = cfg.String("mfa.key_file", "",
                              "File with the 32-byte key (base64) sealing TOTP secrets at rest; empty: development key "
                              "(mfa.dev_key_file, with auth.generate_dev_key)");
  s.mfa_dev_key_file = cfg.String("mfa.dev_key_file", defaults.mfa_dev_key_file, "Where the development TOTP sealing key lives");
  s.mfa_admin_grace = cfg.Duration("mfa.admin_grace", std::chrono::hours(24 * 7),
                                   "How long a new admin may work without a second factor; after it, a session without one "
                                   "does not carry the admin role (0: at once)");
  s.mfa_challenge_ttl = cfg.Duration("mfa.challenge_ttl", std::chrono::minutes(5),
                                     "Time to enter the code after the password (or social sign-in)");
  s.mfa_reauth_window = cfg.Duration("mfa.reauth_window", std::chrono::minutes(10),
                                     "An account without a password (social sign-in only) turns on two-step verification "
                                     "only this soon after signing in");
  s.mfa_attempts = cfg.Int("mfa.attempts", 5, "Wrong codes allowed per sign-in before the password is asked again", 1, 20);
  s.mfa = DeclareLimit(cfg, "mfa", s.mfa, "second-factor code checks (at most 100)", 100);

  auto clients = core::SplitList(cfg.String(
      "oauth.clients", "order",
      "Services allowed the client-credentials grant (POST /v1/oauth/token), comma separated; each has "
      "oauth.client.<id>.secret_file",
      [](const std::string& v) -> std::optional<std::string> {
        for (const auto& id : core::SplitList(v))
          if (id.size() > 64 || !std::ranges::all_of(id, [](unsigned char c) { return std::islower(c) || std::isdigit(c) || c == '_'; }))
            return "client ids are 1..64 of a-z, 0-9 and _";
        return std::nullopt;
      }));
  s.service_clients.clear();
  for (const auto& id : clients) {
    ServiceClientSettings c;
    c.id = id;
    c.secret_file = cfg.String("oauth.client." + id + ".secret_file", defaults.service_clients_dir + "/" + id + ".secret",
                               "File holding the client's secret (one line, at least 32 characters); missing, with "
                               "auth.generate_dev_key: created once with 256 random bits");
    s.service_clients.push_back(std::move(c));
  }
  auto service_ttl_text = cfg.String("oauth.token_ttl", "5m", "Lifetime of a service's access token (30s..15m)",
                                     [](const std::string& v) -> std::optional<std::string> {
                                       auto d = config::ParseDuration(v);
                                       if (!d || *d < std::chrono::seconds(30) || *d > std::chrono::minutes(15))
                                         return "must be a duration within 30s..15m";
                                       return std::nullopt;
                                     });
  s.service_token_ttl = Secs(config::ParseDuration(service_ttl_text).value_or(std::chrono::minutes(5)));

  std::string countries_default;
  for (const auto& c : defaults.address_countries) countries_default += (countries_default.empty() ? "" : ",") + c;
  s.address_countries = core::SplitList(cfg.String(
      "addresses.countries", countries_default,
      "Countries an address of the address book may be in: ISO 3166-1 alpha-2 codes, comma separated (empty: any)",
      [](const std::string& v) -> std::optional<std::string> {
        for (const auto& code : core::SplitList(v))
          if (!address::IsCountry(code)) return "'" + code + "' is not an ISO 3166-1 alpha-2 code (upper case)";
        return std::nullopt;
      }));

  auto providers = core::SplitList(cfg.String("oidc.providers", "", "Social login providers, comma separated (each needs oidc.<name>.*)"));
  for (const auto& p : providers) {
    OidcProviderSettings o;
    o.name = p;
    auto k = "oidc." + p + ".";
    auto required = [](const std::string& v) -> std::optional<std::string> {
      if (v.empty()) return "is required";
      return std::nullopt;
    };
    o.issuer = cfg.String(k + "issuer", "", "Issuer URL (discovery at <issuer>/.well-known/openid-configuration)", required);
    o.client_id = cfg.String(k + "client_id", "", "OAuth client id", required);
    o.client_secret = cfg.String(k + "client_secret", "", "OAuth client secret (client_secret_basic)");
    o.scopes = cfg.String(k + "scopes", "openid email profile", "Scopes requested");
    o.redirect_uri = cfg.String(k + "redirect_uri", "", "Redirect URI registered with the provider (the callback as the browser sees it)", required);
    o.display_name = cfg.String(k + "display_name", p, "The provider's name on the sign-in page");
    s.oidc.push_back(std::move(o));
  }
  s.oidc_state_ttl = cfg.Duration("oidc.state_ttl", std::chrono::minutes(10), "Lifetime of a social login's state, nonce and PKCE verifier");
  s.oidc_http_timeout = cfg.Duration("oidc.http_timeout", std::chrono::seconds(5), "Timeout of calls to a provider (discovery, token, JWKS)");
  s.key_prefix = cfg.String("redis.key_prefix", "user:", "Prefix of the service's Redis keys (counters, OIDC state)");
  s.topic_prefix = cfg.String("events.topic_prefix", "", "Prefix of the Kafka topic names written to the outbox (empty in the shop)");
  return s;
}

}  // namespace store::user
