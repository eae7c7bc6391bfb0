// Abuse counters in Redis: fixed-window attempt limits per client IP and per account, and the
// login lockout with growing backoff. Keys live under the service's prefix:
//   <prefix>rl:<action>:<ip|acct>:<subject>   attempts in the current window (INCR + PEXPIRE NX)
//   <prefix>lf:<acct>                          consecutive failed logins (cleared on success)
//   <prefix>lh:<acct>                          failed logins this window (capped: abuse.login_per_account)
//   <prefix>lock:<acct>                        the lockout itself; its TTL is the Retry-After
// Account subjects are the SHA-256 of the normalised email, whether or not the account exists,
// so the answers are the same for known and unknown addresses.
// Thread-safety: stateless apart from the Cache (thread-safe); borrows the Cache.
#pragma once

#include <string>

#include "app/ports.hpp"
#include "store/cache/cache.hpp"

namespace store::user {

// The RateLimiter port on Redis.
class RedisRateLimiter final : public RateLimiter {
 public:
  RedisRateLimiter(cache::Cache& cache, std::string prefix) : cache_(cache), prefix_(std::move(prefix)) {}
  Task<std::optional<std::chrono::seconds>> Hit(const std::string& action, const std::string& kind, const std::string& subject,
                                                std::int64_t limit, std::chrono::milliseconds window) override;
  Task<std::optional<std::chrono::seconds>> Locked(const std::string& account) override;
  Task<void> Failed(const std::string& account, const LockoutPolicy& policy) override;
  Task<void> Succeeded(const std::string& account) override;

 private:
  cache::Cache& cache_;
  std::string prefix_;
};

}  // namespace store::user
