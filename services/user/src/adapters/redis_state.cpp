#include "adapters/redis_state.hpp"

#include "store/auth/auth.hpp"

namespace store::user {

Task<void> RedisSessionRevocations::Revoke(const std::string& session_id, std::chrono::seconds ttl) {
  std::string sid = session_id;  // a named copy: the callee takes it by value inside co_await
  co_return co_await auth::RevokeSession(cache_, std::move(sid), ttl);
}

Task<void> RedisOneTimeStates::Put(const std::string& state_hash, const std::string& value, std::chrono::milliseconds ttl) {
  std::string key = prefix_ + state_hash;
  std::string copy = value;
  std::optional<std::chrono::milliseconds> expiry = ttl;
  co_return co_await cache_.Set(std::move(key), std::move(copy), expiry);
}

Task<std::optional<std::string>> RedisOneTimeStates::Take(const std::string& state_hash) {
  cache::Command getdel{"GETDEL", prefix_ + state_hash};
  CO_TRY(reply, co_await cache_.Run(std::move(getdel)));
  if (reply.is_nil()) co_return std::optional<std::string>{};
  co_return std::optional<std::string>{std::move(reply.str)};
}

}  // namespace store::user
