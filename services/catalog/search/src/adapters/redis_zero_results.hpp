// The ZeroResultLog port on Redis: ZINCRBY of the normalised query in one sorted set (member =
// query, score = count), read by the analytics.
// Thread-safety: as cache::Cache (safe to share).
#pragma once

#include <string>

#include "app/ports.hpp"
#include "store/cache/cache.hpp"

namespace store::search {

class RedisZeroResults final : public ZeroResultLog {
 public:
  RedisZeroResults(cache::Cache& cache, std::string key) : cache_(cache), key_(std::move(key)) {}
  boost::asio::awaitable<core::Status> Count(std::string normalized_query, const log::Context* ctx) override;

 private:
  cache::Cache& cache_;
  std::string key_;
};

}  // namespace store::search
