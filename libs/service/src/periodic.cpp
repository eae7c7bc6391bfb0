#include "store/service/periodic.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace store::service {

Periodic::Periodic(std::chrono::milliseconds interval, std::function<void()> round)
    : interval_(interval), round_(std::move(round)), thread_([this] { Loop(); }) {}

Periodic::~Periodic() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void Periodic::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void Periodic::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
    if (stopping_) return;
    woken_ = false;
    lock.unlock();
    round_();
    lock.lock();
  }
}

void RunRound(const std::function<boost::asio::awaitable<void>()>& round) {
  boost::asio::io_context ioc;
  auto done = boost::asio::co_spawn(ioc, round(), boost::asio::use_future);
  ioc.run();
  done.get();
}

}  // namespace store::service
