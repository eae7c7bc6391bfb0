#include "adapters/redis_zero_results.hpp"

namespace store::search {

boost::asio::awaitable<core::Status> RedisZeroResults::Count(std::string normalized_query, const log::Context*) {
  cache::Command command{"ZINCRBY", key_, "1", std::move(normalized_query)};
  auto run = cache_.Run(std::move(command));
  auto reply = co_await std::move(run);
  if (!reply) co_return std::unexpected(reply.error());
  co_return core::Status{};
}

}  // namespace store::search
