// The SessionRevocations and OneTimeStates ports on Redis.
//   auth:revoked:sid:<sid>          the revocation list every service reads (libs/auth), TTL = the
//                                   access tokens' remaining life
//   <key_prefix>oidc:<sha256(state)> {provider, nonce, PKCE verifier} of a social login, TTL
//                                   oidc.state_ttl, taken back with GETDEL (single use)
//   <key_prefix>mfa:<sha256(token)>  a sign-in waiting for its second factor, TTL mfa.challenge_ttl
//                                   (a wrong code puts it back with one attempt fewer), GETDEL
// Borrow the Cache (thread-safe).
#pragma once

#include <string>

#include "app/ports.hpp"
#include "store/cache/cache.hpp"

namespace store::user {

class RedisSessionRevocations final : public SessionRevocations {
 public:
  explicit RedisSessionRevocations(cache::Cache& cache) : cache_(cache) {}
  Task<void> Revoke(const std::string& session_id, std::chrono::seconds ttl) override;

 private:
  cache::Cache& cache_;
};

class RedisOneTimeStates final : public OneTimeStates {
 public:
  // Keys are `prefix` + the hash (the prefix names the kind: "user:oidc:", "user:mfa:").
  RedisOneTimeStates(cache::Cache& cache, std::string prefix) : cache_(cache), prefix_(std::move(prefix)) {}
  Task<void> Put(const std::string& state_hash, const std::string& value, std::chrono::milliseconds ttl) override;
  Task<std::optional<std::string>> Take(const std::string& state_hash) override;

 private:
  cache::Cache& cache_;
  std::string prefix_;
};

}  // namespace store::user
