// Clock: the one source of "now" for domain code, so tests can use a fake one.
// SystemClock is thread-safe; FakeClock is for single-threaded unit tests.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace store::core {

class Clock {
 public:
  using time_point = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  time_point Now() const override { return std::chrono::system_clock::now(); }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(time_point start = {}) : now_(start) {}
  time_point Now() const override { return now_; }
  void Advance(std::chrono::nanoseconds d) { now_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d); }

 private:
  time_point now_;
};

// RFC 3339 UTC with milliseconds ("2024-05-01T12:00:00.123Z"): log lines and event envelopes.
std::string FormatTimestamp(std::chrono::system_clock::time_point at);
// Accepts RFC 3339 date-times (any fraction, "Z" or a numeric offset); nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> ParseTimestamp(std::string_view text);

}  // namespace store::core
