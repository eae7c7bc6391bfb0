// BlockingPool: a bounded set of threads for blocking driver calls (MariaDB C API, hiredis,
// libmongoc, librdkafka flushes). Coroutines on the I/O threads `co_await pool.Run(fn)`: fn runs
// on a pool thread and the coroutine resumes on its own executor, so I/O threads never block.
// Thread-safety: Run may be called from any thread. The pool joins its threads on destruction.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <atomic>
#include <cstddef>
#include <memory>
#include <exception>
#include <optional>
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
  //
  // Shutdown safety: once the caller has resumed, it may destroy its strand and io_context at
  // once (a server stopping, a test ending). So no pool thread may still hold anything of the
  // caller's then: the work guard travels back inside the completion and is released on the
  // caller's thread, and the completion waits (microseconds) until the pool thread has returned
  // from post() and dropped its copies of the caller's executor. (co_spawn onto the pool, and a
  // plain post without this handshake, left a pool thread releasing the caller's strand after the
  // caller had resumed: a use-after-free under ASan at shutdown.)
  template <class F>
    requires CoAwaitSafeCallable<F>
  boost::asio::awaitable<std::invoke_result_t<F&>> Run(F&& fn) {
    using R = std::invoke_result_t<F&>;
    using Slot = std::conditional_t<std::is_void_v<R>, bool, R>;
    auto initiate = [this, &fn](auto handler) {
      auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
      boost::asio::post(pool_, [&fn, handler = std::move(handler), work = std::move(work)]() mutable {
        std::exception_ptr error;
        std::optional<Slot> value;
        try {
          if constexpr (std::is_void_v<R>) {
            fn();
            value.emplace(true);
          } else {
            value.emplace(fn());
          }
        } catch (...) {
          error = std::current_exception();
        }
        auto released = std::make_shared<std::atomic<bool>>(false);
        {
          auto caller = work.get_executor();
          boost::asio::post(caller, [handler = std::move(handler), work = std::move(work), error,
                                     value = std::move(value), released]() mutable {
            released->wait(false);
            work.reset();
            std::move(handler)(error, std::move(value));
          });
        }
        released->store(true);
        released->notify_one();
      });
    };
    [[maybe_unused]] auto result = co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&,
                                                       void(std::exception_ptr, std::optional<Slot>)>(
        initiate, boost::asio::use_awaitable);
    if constexpr (!std::is_void_v<R>) co_return std::move(*result);
  }

  std::size_t size() const { return threads_; }
  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }

 private:
  boost::asio::thread_pool pool_;
  std::size_t threads_;
};

}  // namespace store::core
