// One change per cart at a time in this process. Why: the local engine, FerretDB 1.x, does not
// apply a conditional update atomically — an update is a query, then a write by _id
// (FerretDB v1.24 internal/handler/msg_update.go → common.UpdateDocument → UpdateAll), so two
// saves that read the same version can both "match" and the second overwrites the first: a lost
// line, although each was answered 200. Real MongoDB applies {_id, version} filters atomically,
// so there the versioned save alone keeps concurrent changes (of any number of instances)
// safe; with FerretDB these locks keep one instance safe. Several instances on FerretDB are not
// (README: "Concurrency").
//
// A lock is one of 256 stripes chosen by the cart's key; waiting polls every 200 µs on the
// coroutine's executor (no thread blocks). Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <string>

namespace store::cart {

class CartLocks {
 public:
  class Held {
   public:
    explicit Held(std::atomic<bool>* flag) : flag_(flag) {}
    Held(Held&& other) noexcept : flag_(std::exchange(other.flag_, nullptr)) {}
    Held(const Held&) = delete;
    Held& operator=(const Held&) = delete;
    Held& operator=(Held&&) = delete;
    ~Held() {
      if (flag_) flag_->store(false, std::memory_order_release);
    }

   private:
    std::atomic<bool>* flag_;
  };

  boost::asio::awaitable<Held> Lock(const std::string& cart_id) {
    std::atomic<bool>& flag = stripes_[std::hash<std::string>{}(cart_id) % stripes_.size()];
    boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor);
    while (flag.exchange(true, std::memory_order_acquire)) {
      wait.expires_after(std::chrono::microseconds(200));
      co_await wait.async_wait(boost::asio::use_awaitable);
    }
    co_return Held(&flag);
  }

 private:
  std::array<std::atomic<bool>, 256> stripes_{};
};

}  // namespace store::cart
