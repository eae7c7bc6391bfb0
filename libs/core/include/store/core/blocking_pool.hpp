// BlockingPool: a bounded set of threads for blocking driver calls (MariaDB C API, hiredis,
// libmongoc, librdkafka flushes). Coroutines on the I/O threads `co_await pool.Run(fn)`: fn runs
// on a pool thread and the coroutine resumes on its own executor, so I/O threads never block.
// Thread-safety: Run may be called from any thread. The pool joins its threads on destruction.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace store::core {

// g++ 12 destroys a temporary closure or aggregate TWICE when it is an argument inside a
// co_await expression (a double free as soon as it owns memory, e.g. captures a std::string by
// value). Awaitable APIs that take a callable therefore accept only callables that are safe
// there: a named lvalue, or a temporary with nothing to destroy (a lambda capturing by
// reference, `[&]`). The constraint turns the miscompilation into a compile error.
template <class F>
concept CoAwaitSafeCallable =
    std::is_lvalue_reference_v<F> || std::is_trivially_destructible_v<std::remove_reference_t<F>>;

class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) : pool_(threads), threads_(threads) {}
  ~BlockingPool() { pool_.join(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // fn is used by reference: the caller's object lives until the co_await completes.
  template <class F>
    requires CoAwaitSafeCallable<F>
  boost::asio::awaitable<std::invoke_result_t<F&>> Run(F&& fn) {
    using R = std::invoke_result_t<F&>;
    auto task = [&fn]() -> boost::asio::awaitable<R> { co_return fn(); };
    co_return co_await boost::asio::co_spawn(pool_.get_executor(), std::move(task), boost::asio::use_awaitable);
  }

  std::size_t size() const { return threads_; }
  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }

 private:
  boost::asio::thread_pool pool_;
  std::size_t threads_;
};

}  // namespace store::core
