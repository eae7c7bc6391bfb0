// Exponential backoff with "equal jitter": the n-th retry waits a random time in
// [d/2, d] where d = min(max, initial * 2^(n-1)). Delays therefore never shrink from one attempt
// to the next (until the cap), and instances retrying together spread out. Plain value.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace store::notification {

struct RetryPolicy {
  std::chrono::milliseconds initial{1000};
  std::chrono::milliseconds max{300000};
  int attempts = 8;  // attempts in total (the first included) before a transient failure becomes permanent

  // The wait after failed attempt number `attempt` (1-based).
  std::chrono::milliseconds Delay(int attempt) const {
    double d = static_cast<double>(initial.count());
    for (int i = 1; i < attempt && d < static_cast<double>(max.count()); ++i) d *= 2;
    auto cap = std::min<std::int64_t>(static_cast<std::int64_t>(d), max.count());
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<std::int64_t> jitter(0, cap / 2);
    return std::chrono::milliseconds(cap - cap / 2 + jitter(rng));
  }
};

}  // namespace store::notification
