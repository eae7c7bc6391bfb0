// Metrics: counters, latency histograms and gauges with labels, rendered in the Prometheus text
// exposition format (version 0.0.4), plus readiness checks for GET /readyz.
//
//   store::metrics::Registry reg;
//   auto& hits = reg.GetCounter("orders_placed_total", "Orders placed", {{"channel", "web"}});
//   hits.Inc();
//   auto& lat = reg.GetHistogram("db_query_seconds", "Query latency", {{"query", "by_id"}});
//   lat.Observe(0.0042);
//   std::string text = reg.Render();
//
// Ownership: the Registry owns every series; Get* returns a reference that stays valid for the
// Registry's lifetime, so hot paths look a series up once and keep the reference.
// Thread-safety: everything is thread-safe. Inc/Observe are lock-free atomics; Get* takes a
// shared lock (an exclusive one only the first time a series is created); Render takes a
// shared lock. Errors: asking for an existing name with another type throws std::logic_error
// (a programming bug, found at start-up).
//
// This library has no HTTP dependency: store::http serves Render() and the readiness checks
// (store::http::AddOpsRoutes), so the arrow points http -> metrics only.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/core/result.hpp"

namespace store::metrics {

// Label name/value pairs, in the order given (the order is part of the series identity).
using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count.
class Counter {
 public:
  void Inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A distribution of observed values (seconds for latencies) over fixed upper bounds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative count of the bucket at index i (bounds().size() is the +Inf bucket).
  std::uint64_t BucketCount(std::size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  std::uint64_t Count() const { return count_.load(std::memory_order_relaxed); }
  double Sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// A value read when /metrics is scraped (consumer lag, queue depth, pool size): the function
// is called under the registry's shared lock from the scraping thread, so it must be cheap,
// thread-safe and must not touch the registry.
using GaugeFunction = std::function<double()>;

// Latency buckets from 0.5 ms to 10 s, suited to request and query durations in seconds.
std::vector<double> DefaultLatencyBuckets();

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& GetHistogram(std::string_view name, std::string_view help, const Labels& labels = {},
                          const std::vector<double>& bounds = DefaultLatencyBuckets());
  // Registers (or replaces) the gauge series `name{labels}`; whatever `read` captures must
  // outlive the Registry or be replaced before it dies.
  void SetGauge(std::string_view name, std::string_view help, const Labels& labels, GaugeFunction read);

  // Every family in name order, in the Prometheus text format.
  std::string Render() const;

 private:
  enum class Type { counter, histogram, gauge };
  struct Family {
    Type type;
    std::string help;
    // Keyed by the rendered label set, e.g. `method="GET",route="/v1/x"`.
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::map<std::string, GaugeFunction> gauges;
  };
  Family& FamilyLocked(std::string_view name, std::string_view help, Type type);

  mutable std::shared_mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

// Readiness: named checks ("db", "kafka") run on GET /readyz. A check is an awaitable that
// must not block an I/O thread (use core::BlockingPool for driver calls) and should bound its
// own time. Add checks at start-up; Run may then be called from any thread.
class Readiness {
 public:
  using Check = std::function<boost::asio::awaitable<core::Status>()>;

  void Add(std::string name, Check check);
  // Runs the checks in order; the first failure is returned as an `unavailable` error whose
  // message names the failing check (and not its internal error text).
  boost::asio::awaitable<core::Status> Run() const;

 private:
  std::vector<std::pair<std::string, Check>> checks_;
};

}  // namespace store::metrics
