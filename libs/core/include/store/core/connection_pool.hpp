// ConnectionPool<Conn>: a bounded pool of blocking driver connections (MariaDB, Redis), shared
// by the threads of a BlockingPool. Connections open lazily up to max_size; Take() waits up to
// acquire_timeout for a free one, then fails with Errc::unavailable.
//
// Reconnection: a broken connection given back is discarded (closed, its slot freed). One
// discarded connection usually means the server restarted, so every connection validated before
// that is pinged before its next use, and so is any connection idle for validate_after_idle —
// a restarted server costs callers nothing, and there is no silent auto-reconnect mid-call.
//
// Conn must offer `bool Ping()` (false when the session is gone) and `bool broken() const`.
// Thread-safe. The pool must outlive every connection taken from it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fmt/format.h>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/core/result.hpp"

namespace store::core {

struct PoolStats {
  std::size_t open = 0;    // connections currently open (idle + leased)
  std::size_t idle = 0;
  std::size_t max = 0;
  std::uint64_t opened_total = 0;     // connections ever opened (reconnects show up here)
  std::uint64_t discarded_total = 0;  // broken connections thrown away
};

template <class Conn>
class ConnectionPool {
 public:
  struct Settings {
    std::string engine;  // named in errors: "no free mariadb connection ..."
    std::size_t max_size = 8;
    std::chrono::milliseconds acquire_timeout{5000};
    std::chrono::milliseconds validate_after_idle{1000};  // 0: ping on every Take
  };
  using Opener = std::function<Result<std::unique_ptr<Conn>>()>;

  ConnectionPool(Settings settings, Opener open) : settings_(std::move(settings)), open_conn_(std::move(open)) {}
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  Result<std::unique_ptr<Conn>> Take() {
    const auto deadline = Clock::now() + settings_.acquire_timeout;
    std::unique_lock lock(mutex_);
    for (;;) {
      if (!idle_.empty()) {
        Idle entry = std::move(idle_.back());
        idle_.pop_back();
        const std::uint64_t generation = generation_;
        lock.unlock();
        const bool suspect = entry.validated_at < generation ||
                             Clock::now() - entry.last_used >= settings_.validate_after_idle;
        if (!suspect || entry.conn->Ping()) return Lend(std::move(entry.conn), generation);
        Discard(std::move(entry.conn));
        lock.lock();
        continue;
      }
      if (open_ < settings_.max_size) {
        ++open_;
        const std::uint64_t generation = generation_;
        lock.unlock();
        auto conn = open_conn_();
        if (!conn) {
          lock.lock();
          --open_;
          cv_.notify_one();
          return std::unexpected(std::move(conn.error()));
        }
        {
          std::lock_guard count(mutex_);
          ++opened_total_;
        }
        return Lend(std::move(*conn), generation);
      }
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= settings_.max_size)
        return std::unexpected(Error::Unavailable(
            fmt::format("no free {} connection within {} ms (pool of {})", settings_.engine,
                        settings_.acquire_timeout.count(), settings_.max_size)));
    }
  }

  void Give(std::unique_ptr<Conn> conn) {
    if (!conn) return;
    if (conn->broken()) {
      Discard(std::move(conn));
      return;
    }
    std::lock_guard lock(mutex_);
    auto node = leased_.extract(conn.get());
    idle_.push_back({std::move(conn), Clock::now(), node.empty() ? 0 : node.mapped()});
    cv_.notify_one();
  }

  PoolStats Stats() const {
    std::lock_guard lock(mutex_);
    return {open_, idle_.size(), settings_.max_size, opened_total_, discarded_total_};
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Idle {
    std::unique_ptr<Conn> conn;
    Clock::time_point last_used;
    std::uint64_t validated_at;  // generation when it was last known good
  };

  std::unique_ptr<Conn> Lend(std::unique_ptr<Conn> conn, std::uint64_t generation) {
    std::lock_guard lock(mutex_);
    leased_[conn.get()] = generation;
    return conn;
  }

  void Discard(std::unique_ptr<Conn> conn) {
    const Conn* key = conn.get();
    conn.reset();  // closes the socket outside the lock
    std::lock_guard lock(mutex_);
    leased_.erase(key);
    --open_;
    ++discarded_total_;
    ++generation_;
    cv_.notify_one();
  }

  const Settings settings_;
  const Opener open_conn_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Idle> idle_;
  std::unordered_map<const Conn*, std::uint64_t> leased_;
  std::size_t open_ = 0;
  std::uint64_t opened_total_ = 0;
  std::uint64_t discarded_total_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace store::core
