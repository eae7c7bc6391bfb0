// Driving coroutines from a test's plain thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <utility>

namespace store::testing {

// Runs an awaitable to completion on `ioc` in the calling thread; returns its value. Objects
// that keep I/O objects between calls (an http::Client's pooled connections) must be destroyed
// before `ioc`, so declare the io_context first.
template <class T>
T RunAwaitable(boost::asio::io_context& ioc, boost::asio::awaitable<T> aw) {
  ioc.restart();
  auto f = boost::asio::co_spawn(ioc, std::move(aw), boost::asio::use_future);
  ioc.run();
  return f.get();
}

// The same on a fresh io_context of its own, for awaitables that keep no I/O objects.
template <class T>
T RunAwaitable(boost::asio::awaitable<T> aw) {
  boost::asio::io_context ioc;
  return RunAwaitable(ioc, std::move(aw));
}

}  // namespace store::testing
