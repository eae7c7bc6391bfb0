// BlockingPool: a bounded set of threads for blocking driver calls (MariaDB C API, hiredis,
// libmongoc, librdkafka flushes). Coroutines on the I/O threads `co_await pool.Run(fn)`: fn runs
// on a pool thread and the coroutine resumes on its own executor, so I/O threads never block.
// Thread-safety: Run may be called from any thread. The pool joins its threads on destruction.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace store::core {

class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) : pool_(threads), threads_(threads) {}
  ~BlockingPool() { pool_.join(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F>> Run(F fn) {
    using R = std::invoke_result_t<F>;
    co_return co_await boost::asio::co_spawn(
        pool_.get_executor(),
        [fn = std::move(fn)]() mutable -> boost::asio::awaitable<R> { co_return fn(); },
        boost::asio::use_awaitable);
  }

  std::size_t size() const { return threads_; }
  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }

 private:
  boost::asio::thread_pool pool_;
  std::size_t threads_;
};

}  // namespace store::core
