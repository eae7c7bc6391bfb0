// Shared by the benchmark drivers (bench/*/store_bench_*): their flags, their results printed as
// one JSON line, and the MariaDB durable-commit reference most benchmarks report next to their
// figure.
#pragma once

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace store::bench {

using Clock = std::chrono::steady_clock;

// "--name value" pairs after the mode (argv[1]).
inline std::map<std::string, std::string> Args(int argc, char** argv) {
  std::map<std::string, std::string> a;
  for (int i = 2; i + 1 < argc; i += 2) a[std::string(argv[i]).substr(2)] = argv[i + 1];
  return a;
}
inline std::string Arg(const std::map<std::string, std::string>& a, const std::string& name, const std::string& otherwise) {
  auto it = a.find(name);
  return it == a.end() ? otherwise : it->second;
}

inline double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Latencies of what was done, and errors by kind ("create 503", "confirm no answer", ...), from
// any thread.
struct Results {
  std::mutex mu;
  std::vector<double> latencies_ms;
  std::atomic<long> errors{0};
  std::map<std::string, long> error_kinds;

  void Error(const std::string& kind) {
    ++errors;
    std::lock_guard lock(mu);
    ++error_kinds[kind];
  }
  void Add(const std::vector<double>& l) {
    std::lock_guard lock(mu);
    latencies_ms.insert(latencies_ms.end(), l.begin(), l.end());
  }
  // {"done", "errors", "error_kinds", "seconds", "rate", "latency_ms": {p50, p90, p99, max}}; `more` added.
  boost::json::object Summary(double seconds, boost::json::object more = {}) {
    std::lock_guard lock(mu);
    auto& l = latencies_ms;
    std::sort(l.begin(), l.end());
    auto at = [&](double q) {
      return l.empty() ? 0.0 : l[std::min(l.size() - 1, static_cast<std::size_t>(q * static_cast<double>(l.size())))];
    };
    boost::json::object kinds;
    for (const auto& [k, n] : error_kinds) kinds[k] = n;
    boost::json::object out{{"done", l.size()},
                            {"errors", errors.load()},
                            {"error_kinds", kinds},
                            {"seconds", seconds},
                            {"rate", static_cast<double>(l.size()) / seconds},
                            {"latency_ms", boost::json::object{{"p50", at(0.50)}, {"p90", at(0.90)}, {"p99", at(0.99)},
                                                               {"max", l.empty() ? 0.0 : l.back()}}}};
    for (auto& [k, v] : more) out[k] = v;
    return out;
  }
  void Print(double seconds) { std::printf("%s\n", boost::json::serialize(Summary(seconds)).c_str()); }
};

// Closed loop: `concurrency` workers, back to back for `seconds`. Each makes its own state once
// (`start()`: a connection, a client; std::nullopt after it reported why it could not), then calls
// `once(state)` until the time is up: "" when it succeeded (its latency counts), else the kind of
// its failure ("create 503"). Prints the Results line.
template <class Start, class Once>
void ClosedLoop(int concurrency, double seconds, Start start, Once once) {
  Results results;
  const auto begin = Clock::now();
  const auto deadline = begin + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> workers;
  for (int w = 0; w < concurrency; ++w)
    workers.emplace_back([&] {
      auto state = start(results);
      if (!state) return;
      std::vector<double> mine;
      while (Clock::now() < deadline) {
        const auto t0 = Clock::now();
        const std::string failed = once(*state);
        if (failed.empty()) mine.push_back(Ms(Clock::now() - t0));
        else results.Error(failed);
      }
      results.Add(mine);
    });
  for (auto& t : workers) t.join();
  results.Print(std::chrono::duration<double>(Clock::now() - begin).count());
}

// The reference: --concurrency C connections (8) to the MariaDB of --host/--port/--user/--password/
// --database, each committing a one-row INSERT after the other for --duration S seconds (10)
// (autocommit, InnoDB's durable commit: the redo log flushed per commit, group commit shared by
// concurrent ones). Prints the Results line; returns the exit code.
int Commit(const std::map<std::string, std::string>& args);

}  // namespace store::bench
