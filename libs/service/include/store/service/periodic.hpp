// Periodic: background work of a service done every `interval` on a thread of its own (expired
// reservations released, expired guest carts deleted, stuck payments reconciled). The first round
// runs one interval after the start; the destructor wakes the thread, lets the round in progress
// finish and joins. A round that needs asynchronous clients runs them on an io_context of its own
// (RunRound): the service's server threads are never borrowed.
//
//   store::service::Periodic sweep(std::chrono::seconds(1), [&] { SweepOnce(); });
//   store::service::Periodic reconcile(interval, [&] {
//     store::service::RunRound([&]() -> boost::asio::awaitable<void> { co_await payments.ReconcileOnce(); });
//   });
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace store::service {

class Periodic {
 public:
  Periodic(std::chrono::milliseconds interval, std::function<void()> round);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;
  // Starts the next round now (or right after the one in progress) instead of at the interval's
  // end: work that just became due (an order's stock reserved) need not wait for the clock.
  void Wake();

 private:
  void Loop();

  std::chrono::milliseconds interval_;
  std::function<void()> round_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;  // last: starts once the members above exist
};

// Runs `round()` to completion on a fresh io_context on the calling thread (clients made inside it
// belong to that io_context and must not outlive the call).
void RunRound(const std::function<boost::asio::awaitable<void>()>& round);

}  // namespace store::service
