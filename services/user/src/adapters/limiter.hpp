// Abuse counters in Redis: fixed-window attempt limits per client IP and per account, and the
// login lockout with growing backoff. Keys live under the service's prefix:
//   <prefix>rl:<action>:<ip|acct>:<subject>   attempts in the current window (INCR + PEXPIRE NX)
//   <prefix>lf:<acct>                          consecutive failed logins (cleared on success)
//   <prefix>lh:<acct>                          failed logins this window (capped: abuse.login_per_account)
//   <prefix>lock:<acct>                        the lockout itself; its TTL is the Retry-After
// Account subjects are the SHA-256 of the normalised email, whether or not the account exists,
// so the answers are the same for known and unknown addresses.
// Thread-safety: stateless apart from the Cache (thread-safe).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "store/cache/cache.hpp"
#include "store/core/result.hpp"

namespace store::user {

struct LockoutPolicy {
  std::int64_t threshold = 5;
  std::chrono::milliseconds base{1000};
  std::chrono::milliseconds max{std::chrono::minutes(15)};
  std::int64_t per_window = 100;
  std::chrono::milliseconds window{std::chrono::hours(1)};
};

class Limiter {
 public:
  Limiter(cache::Cache& cache, std::string prefix) : cache_(cache), prefix_(std::move(prefix)) {}
  // (Parameters are references: callers pass named values, never temporaries, inside co_await.)
  // Counts one attempt; nullopt while within `limit` per `window`, else the seconds until the
  // window ends.
  boost::asio::awaitable<core::Result<std::optional<std::int64_t>>> Hit(const std::string& action, const std::string& kind,
                                                                         const std::string& subject, std::int64_t limit,
                                                                         std::chrono::milliseconds window);
  // Seconds left on the account's lockout, nullopt when not locked.
  boost::asio::awaitable<core::Result<std::optional<std::int64_t>>> Locked(const std::string& account);
  // A failed login: counts it and locks the account when the policy says so.
  boost::asio::awaitable<core::Status> Failed(const std::string& account, const LockoutPolicy& policy);
  // A successful login clears the consecutive-failure count.
  boost::asio::awaitable<core::Status> Succeeded(const std::string& account);

 private:
  cache::Cache& cache_;
  std::string prefix_;
};

}  // namespace store::user
