#include "adapters/redis_query_log.hpp"

#include <cstdlib>

namespace store::search {

boost::asio::awaitable<core::Status> RedisQueryLog::Count(std::string normalized_query, bool found_nothing, const log::Context*) {
  std::vector<cache::Command> commands{{"ZINCRBY", queries_key_, "1", normalized_query}};
  if (found_nothing) commands.push_back({"ZINCRBY", zero_key_, "1", std::move(normalized_query)});
  auto run = cache_.Pipeline(std::move(commands));
  auto replies = co_await std::move(run);
  if (!replies) co_return std::unexpected(replies.error());
  co_return core::Status{};
}

boost::asio::awaitable<core::Result<std::vector<QueryCount>>> RedisQueryLog::Top(bool found_nothing, int limit) {
  cache::Command command{"ZREVRANGE", found_nothing ? zero_key_ : queries_key_, "0", std::to_string(limit - 1), "WITHSCORES"};
  auto run = cache_.Run(std::move(command));
  auto reply = co_await std::move(run);
  if (!reply) co_return std::unexpected(reply.error());
  std::vector<QueryCount> out;
  const auto& e = reply->elements;
  for (std::size_t i = 0; i + 1 < e.size(); i += 2)
    out.push_back(QueryCount{e[i].str, std::strtoll(e[i + 1].str.c_str(), nullptr, 10)});
  co_return out;
}

}  // namespace store::search
