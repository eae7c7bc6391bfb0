// Verifying the caller of an HTTP request, for every service: the bearer token's signature
// (against the user service's JWKS, fetched and refreshed), issuer, audience, expiry, and the
// session revocation list in Redis.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "store/auth/jws.hpp"
#include "store/auth/tokens.hpp"
#include "store/core/clock.hpp"
#include "store/core/result.hpp"

namespace store::cache { class Cache; }
namespace store::config { class Loader; }
namespace store::http { class Request; }

namespace store::auth {

// Revocation list: Redis key "auth:revoked:sid:<sid>" while the session's access tokens can live.
std::string RevocationKey(std::string_view session_id);
boost::asio::awaitable<core::Status> RevokeSession(cache::Cache& redis, std::string session_id, std::chrono::seconds ttl);
boost::asio::awaitable<core::Result<bool>> IsSessionRevoked(cache::Cache& redis, std::string session_id);

struct AuthOptions {
  std::string issuer = "storemicroservices";
  std::string audience = "store";
  std::string jwks_url;  // e.g. http://127.0.0.1:18100/.well-known/jwks.json; empty: keys only via SetKeys
  std::chrono::seconds jwks_refresh{300};
  std::chrono::seconds leeway{30};
  // Declares auth.issuer, auth.audience, auth.jwks_url, auth.jwks_refresh, auth.leeway.
  static AuthOptions Declare(config::Loader& cfg);
};

// Thread-safe after construction.
class Authenticator {
 public:
  // revocations may be null (no revocation check: only for tools and unit tests).
  Authenticator(AuthOptions options, cache::Cache* revocations, const core::Clock& clock);
  ~Authenticator();

  void SetKeys(KeySet keys);
  // Fetches options.jwks_url now. Authenticate also refreshes when the keys are older than
  // jwks_refresh, and when a token names an unknown kid (at most once every 10 s).
  boost::asio::awaitable<core::Status> RefreshKeys();

  // "Authorization: Bearer <token>" → the verified claims; 401 when missing, malformed, badly
  // signed, expired, for another audience or revoked. A Redis outage is 503, never a pass.
  boost::asio::awaitable<core::Result<AccessClaims>> Authenticate(const http::Request& request);
  // Authenticate, then 403 when the role is missing.
  boost::asio::awaitable<core::Result<AccessClaims>> RequireRole(const http::Request& request, std::string_view role);

  // The same checks on a raw token (the user service's introspection endpoint uses it).
  boost::asio::awaitable<core::Result<AccessClaims>> VerifyToken(std::string token);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A route guard: the verified claims when the request carries a valid token with `role` (401/403/503
// otherwise, as RequireRole). The one way a service protects its admin routes:
//   auto admin = auth::RoleGuard(authenticator, "admin");   ...  CO_TRY_STATUS(co_await admin(req));
//   CO_TRY(staff, co_await admin(req));  // when the route records who did it (staff.subject)
using Guard = std::function<boost::asio::awaitable<core::Result<AccessClaims>>(const http::Request&)>;
Guard RoleGuard(Authenticator& authenticator, std::string role);

}  // namespace store::auth
