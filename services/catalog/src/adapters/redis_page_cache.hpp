// The product page cache on Redis: "<prefix>page:<id-or-slug>" for `ttl`. The delayed drops run
// on the adapter's own timer thread (so they outlive the request or the consumer record that
// asked for them, and never block an I/O thread). Thread-safe; the cache must outlive it.
#pragma once
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "app/ports.hpp"
#include "store/cache/cache.hpp"

namespace store::catalog {

class RedisPageCache final : public PageCache {
 public:
  RedisPageCache(cache::Cache& cache, std::string prefix, std::chrono::milliseconds ttl);
  ~RedisPageCache() override;  // pending delayed drops are abandoned (the pages expire anyway)

  boost::asio::awaitable<Result<std::optional<std::string>>> Get(const std::string& id_or_slug) override;
  boost::asio::awaitable<Status> Put(const std::string& id_or_slug, const std::string& page) override;
  Status Drop(const std::vector<std::string>& ids_or_slugs) override;
  void DropAfter(std::vector<std::string> ids_or_slugs, std::chrono::milliseconds delay) override;

  // The Redis key of a page (tests write stale pages under it).
  std::string KeyOf(std::string_view id_or_slug) const { return prefix_ + "page:" + std::string(id_or_slug); }

 private:
  cache::Cache& cache_;
  std::string prefix_;
  std::chrono::milliseconds ttl_;
  boost::asio::io_context timers_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_{timers_.get_executor()};
  std::thread thread_;
};

}  // namespace store::catalog
