#include "adapters/redis_page_cache.hpp"

#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "store/log/log.hpp"

namespace store::catalog {

RedisPageCache::RedisPageCache(cache::Cache& cache, std::string prefix, std::chrono::milliseconds ttl)
    : cache_(cache), prefix_(std::move(prefix)), ttl_(ttl), thread_([this] { timers_.run(); }) {}

RedisPageCache::~RedisPageCache() {
  work_.reset();
  timers_.stop();
  if (thread_.joinable()) thread_.join();
}

boost::asio::awaitable<Result<std::optional<std::string>>> RedisPageCache::Get(const std::string& id_or_slug) {
  std::string key = KeyOf(id_or_slug);
  co_return co_await cache_.Get(key);
}

boost::asio::awaitable<Status> RedisPageCache::Put(const std::string& id_or_slug, const std::string& page) {
  std::string key = KeyOf(id_or_slug);
  std::string value = page;
  co_return co_await cache_.Set(key, value, ttl_);
}

Status RedisPageCache::Drop(const std::vector<std::string>& ids_or_slugs) {
  if (ids_or_slugs.empty()) return {};
  std::vector<cache::Command> dels;
  for (const auto& k : ids_or_slugs) dels.push_back({"DEL", KeyOf(k)});
  auto r = cache_.PipelineSync(dels);
  if (!r) return std::unexpected(r.error());
  return {};
}

void RedisPageCache::DropAfter(std::vector<std::string> ids_or_slugs, std::chrono::milliseconds delay) {
  auto timer = std::make_shared<boost::asio::steady_timer>(timers_, delay);
  timer->async_wait([this, timer, keys = std::move(ids_or_slugs)](const boost::system::error_code& ec) {
    if (ec) return;  // shutting down
    if (auto dropped = Drop(keys); !dropped) log::Warn("page cache invalidation failed", {{"error", dropped.error().message}});
  });
}

}  // namespace store::catalog
