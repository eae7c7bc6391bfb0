// OpenID Connect social login (authorization-code flow with PKCE S256, state and nonce).
//
// Start: a fresh state, nonce and PKCE verifier are kept in Redis (<prefix>oidc:<state>, TTL
// oidc.state_ttl, taken back exactly once with GETDEL) and the provider's authorization URL is
// returned. Callback: the state is consumed, the code exchanged at the token endpoint
// (client_secret_basic, with the PKCE verifier), and the id_token verified: signature against the
// provider's JWKS (RS256, ES256 or EdDSA; an unknown kid refetches the JWKS once), iss, aud (and
// azp when several audiences), exp, iat, nonce. Then Accounts::LoginWithOidc links or creates
// the account. Provider endpoints come from <issuer>/.well-known/openid-configuration (cached
// after the first success). State goes through the OneTimeStates port, provider calls through
// the HttpFetcher port (both borrowed, like the Accounts it logs in with). A browser's sign-in
// keeps the page to return to with the state and must end in the browser that began it.
// Thread-safety: all methods may be awaited concurrently (provider caches are locked).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/accounts.hpp"
#include "app/ports.hpp"
#include "app/settings.hpp"
#include "store/auth/auth.hpp"

namespace store::user {

// Checks an id_token's claims (after its signature was verified into `payload`).
core::Result<OidcIdentity> CheckIdTokenClaims(const boost::json::object& payload, const std::string& provider,
                                              const std::string& issuer, const std::string& client_id,
                                              const std::string& nonce, std::int64_t now_seconds,
                                              std::chrono::seconds leeway);

// A sign-in begun: the provider's authorization URL and the state it carries (a browser's
// sign-in binds the state to that browser with a cookie).
struct SocialStart {
  std::string url;
  std::string state;
};

// A sign-in finished: the session (or the second factor's challenge, which carries return_to on),
// and for a browser's sign-in the local page to go back to.
struct SocialSignIn {
  SignIn outcome;
  std::optional<std::string> return_to;
};

class SocialLogin {
 public:
  SocialLogin(const Settings& settings, OneTimeStates& states, HttpFetcher& http, const core::Clock& clock, Accounts& accounts);
  ~SocialLogin();
  bool Has(const std::string& provider) const;
  // The providers, in configuration order: {name, display name}.
  std::vector<std::pair<std::string, std::string>> Providers() const;
  // return_to: a browser's sign-in, which ends on that page of the shop (a local path).
  Task<SocialStart> Start(const std::string& provider, std::optional<std::string> return_to = std::nullopt);
  // browser_state: the state cookie of the browser the request comes from. A browser's sign-in
  // is finished only in the browser that began it (the cookie holds its state): no one can sign
  // a victim into the attacker's account by sending them to a callback URL (login CSRF).
  Task<SocialSignIn> Callback(const std::string& provider, const std::string& code, const std::string& state,
                              const ClientInfo& client, const std::optional<std::string>& browser_state = std::nullopt);

 private:
  struct Provider;
  Task<void> Discover(Provider& p);
  Task<auth::KeySet> Keys(Provider& p, bool refresh);

  const Settings& settings_;
  OneTimeStates& states_;
  HttpFetcher& http_;
  const core::Clock& clock_;
  Accounts& accounts_;
  std::map<std::string, std::unique_ptr<Provider>> providers_;
};

}  // namespace store::user
