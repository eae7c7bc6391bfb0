// store_argon2_cost --ops T --memory MiB [--count N]: the single-thread cost of one Argon2id
// password hash (libsodium crypto_pwhash_str, the call the user service makes for every login and
// registration). Prints JSON: {"ops", "memory_mib", "count", "ms_mean", "ms_min", "ms_max",
// "cpu_ms_mean"}: wall-clock times, and the thread's CPU time per hash (what the hash costs even
// when other processes share the core).
// bench/auth/run.sh pins it to one core; logins/s per core is bounded by 1000 / ms_mean.
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
  unsigned long long ops = 3;
  std::size_t memory_mib = 64;
  int count = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--ops") ops = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--memory") memory_mib = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--count") count = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: store_argon2_cost --ops T --memory MiB [--count N]\n");
      return 2;
    }
  }
  if (sodium_init() < 0) return 1;
  const char* password = "correct horse battery staple 42";
  char out[crypto_pwhash_STRBYTES];
  double total = 0, lo = 1e18, hi = 0;
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
  };
  const double cpu0 = cpu_now();
  for (int i = 0; i < count; i++) {
    auto t0 = std::chrono::steady_clock::now();
    if (crypto_pwhash_str(out, password, std::strlen(password), ops, memory_mib * 1024 * 1024) != 0) {
      std::fprintf(stderr, "crypto_pwhash_str failed (out of memory?)\n");
      return 1;
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    total += ms;
    lo = std::min(lo, ms);
    hi = std::max(hi, ms);
  }
  const double cpu_ms = (cpu_now() - cpu0) / count;
  std::printf("{\"ops\":%llu,\"memory_mib\":%zu,\"count\":%d,\"ms_mean\":%.2f,\"ms_min\":%.2f,\"ms_max\":%.2f,\"cpu_ms_mean\":%.2f}\n",
              ops, memory_mib, count, total / count, lo, hi, cpu_ms);
  return 0;
}
