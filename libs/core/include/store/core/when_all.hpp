// WhenAll: coroutines run at once, awaited together. For a round of independent steps that each
// wait on another service (the order saga's payment intents): N of them take about as long as the
// slowest one instead of the sum.
//
//   std::vector<boost::asio::awaitable<Result<Outcome>>> steps;
//   for (const auto& o : due) steps.push_back(Step(o));
//   for (auto& r : co_await store::core::WhenAll(std::move(steps))) ...
//
// The tasks run on the calling coroutine's executor, which must be single-threaded (an io_context
// run by one thread, or a strand). Results come back in the tasks' order. A task that throws:
// the others still finish, then the first exception is rethrown.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <optional>
#include <vector>

namespace store::core {

template <class T>
boost::asio::awaitable<std::vector<T>> WhenAll(std::vector<boost::asio::awaitable<T>> tasks) {
  auto executor = co_await boost::asio::this_coro::executor;
  std::vector<std::optional<T>> results(tasks.size());
  std::exception_ptr failure;
  std::size_t left = tasks.size();
  boost::asio::steady_timer all_done(executor, boost::asio::steady_timer::time_point::max());
  for (std::size_t i = 0; i < tasks.size(); ++i)
    boost::asio::co_spawn(executor, std::move(tasks[i]), [&, i](std::exception_ptr e, T value) {
      if (e && !failure) failure = e;
      if (!e) results[i].emplace(std::move(value));
      if (--left == 0) all_done.cancel();
    });
  if (left > 0) {
    boost::system::error_code cancelled;
    co_await all_done.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, cancelled));
  }
  if (failure) std::rethrow_exception(failure);
  std::vector<T> out;
  out.reserve(results.size());
  for (auto& r : results) out.push_back(std::move(*r));
  co_return out;
}

}  // namespace store::core
