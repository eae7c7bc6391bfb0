// The shop's access tokens: short-lived EdDSA JWTs issued by the user service, verified by every
// service locally against the user service's JWKS.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/auth/jws.hpp"
#include "store/core/result.hpp"

namespace store::auth {

struct AccessClaims {
  std::string issuer;      // iss
  std::string audience;    // aud
  std::string subject;     // sub: the user id
  std::string session_id;  // sid: the session (refresh-token family); revocation is per sid
  std::string token_id;    // jti
  std::vector<std::string> roles;  // "customer", "admin"
  std::int64_t issued_at = 0;      // iat, unix seconds
  std::int64_t expires_at = 0;     // exp, unix seconds

  bool HasRole(std::string_view role) const;
};

// A JWS over {iss, aud, sub, sid, jti, roles, iat, exp}; a missing jti gets a random one.
std::string IssueAccessToken(const SigningKey& key, const AccessClaims& claims);

struct TokenPolicy {
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway{30};  // clock skew tolerated on exp / iat / nbf
};

// EdDSA only; then iss equal, aud equal (or containing it, when an array), exp in the future,
// iat / nbf not in the future (all ± leeway), sub and sid present. Errc::unauthenticated otherwise.
core::Result<AccessClaims> VerifyAccessToken(std::string_view token, const KeySet& keys, const TokenPolicy& policy,
                                             std::chrono::system_clock::time_point now);

}  // namespace store::auth
