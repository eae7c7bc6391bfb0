// The QueryLog port on Redis: one sorted set of every query asked and one of those that found
// nothing (member = the normalised query, score = how often), ZINCRBY in one pipelined round
// trip; the admin's top lists are ZREVRANGE ... WITHSCORES.
// Thread-safety: as cache::Cache (safe to share).
#pragma once

#include <string>

#include "app/ports.hpp"
#include "store/cache/cache.hpp"

namespace store::search {

class RedisQueryLog final : public QueryLog {
 public:
  RedisQueryLog(cache::Cache& cache, std::string queries_key, std::string zero_results_key)
      : cache_(cache), queries_key_(std::move(queries_key)), zero_key_(std::move(zero_results_key)) {}
  boost::asio::awaitable<core::Status> Count(std::string normalized_query, bool found_nothing, const log::Context* ctx) override;
  boost::asio::awaitable<core::Result<std::vector<QueryCount>>> Top(bool found_nothing, int limit) override;

 private:
  cache::Cache& cache_;
  std::string queries_key_, zero_key_;
};

}  // namespace store::search
