#include "adapters/limiter.hpp"

#include <algorithm>

namespace store::user {

namespace {
std::chrono::seconds CeilSeconds(std::int64_t ms) { return std::chrono::seconds(std::max<std::int64_t>(1, (ms + 999) / 1000)); }
}  // namespace

Task<std::optional<std::chrono::seconds>> RedisRateLimiter::Hit(const std::string& action, const std::string& kind,
                                                                 const std::string& subject, std::int64_t limit,
                                                                 std::chrono::milliseconds window) {
  std::string key = prefix_ + "rl:" + action + ":" + kind + ":" + subject;
  std::vector<cache::Command> commands{{"INCR", key}, {"PEXPIRE", key, std::to_string(window.count()), "NX"}, {"PTTL", key}};
  CO_TRY(replies, co_await cache_.Pipeline(std::move(commands)));
  if (replies.size() != 3 || replies[0].is_error()) co_return core::Fail(core::Errc::unavailable, "rate counter failed");
  if (replies[0].integer <= limit) co_return std::optional<std::chrono::seconds>{};
  co_return std::optional<std::chrono::seconds>{CeilSeconds(std::max<std::int64_t>(replies[2].integer, 1))};
}

Task<std::optional<std::chrono::seconds>> RedisRateLimiter::Locked(const std::string& account) {
  std::string key = prefix_ + "lock:" + account;
  CO_TRY(ttl, co_await cache_.Ttl(std::move(key)));
  if (!ttl || ttl->count() <= 0) co_return std::optional<std::chrono::seconds>{};
  co_return std::optional<std::chrono::seconds>{CeilSeconds(ttl->count())};
}

Task<void> RedisRateLimiter::Failed(const std::string& account, const LockoutPolicy& policy) {
  std::string consecutive = prefix_ + "lf:" + account;
  std::string hourly = prefix_ + "lh:" + account;
  std::string window = std::to_string(policy.window.count());
  std::vector<cache::Command> commands{{"INCR", consecutive}, {"PEXPIRE", consecutive, window},
                                       {"INCR", hourly},      {"PEXPIRE", hourly, window, "NX"},
                                       {"PTTL", hourly}};
  CO_TRY(replies, co_await cache_.Pipeline(std::move(commands)));
  if (replies.size() != 5 || replies[0].is_error() || replies[2].is_error())
    co_return core::Fail(core::Errc::unavailable, "failure counter failed");
  std::int64_t lock_ms = 0;
  std::int64_t fails = replies[0].integer;
  if (fails >= policy.threshold) {
    auto doublings = std::min<std::int64_t>(fails - policy.threshold, 30);
    lock_ms = std::min<std::int64_t>(policy.base.count() << doublings, policy.max.count());
  }
  if (replies[2].integer >= policy.per_window) lock_ms = std::max<std::int64_t>(lock_ms, replies[4].integer);
  if (lock_ms > 0) {
    std::string lock = prefix_ + "lock:" + account;
    std::string one = "1";
    std::optional<std::chrono::milliseconds> ttl = std::chrono::milliseconds(lock_ms);
    CO_TRY_STATUS(co_await cache_.Set(std::move(lock), std::move(one), ttl));
  }
  co_return core::Status{};
}

Task<void> RedisRateLimiter::Succeeded(const std::string& account) {
  std::string consecutive = prefix_ + "lf:" + account;
  CO_TRY(n, co_await cache_.Del(std::move(consecutive)));
  (void)n;
  co_return core::Status{};
}

}  // namespace store::user
