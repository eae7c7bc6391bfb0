#include "store/metrics/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>

#include "store/log/log.hpp"

namespace store::metrics {
namespace {

// Label values may hold any text; the format wants \\, \" and \n escaped.
std::string EscapeLabelValue(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string EscapeHelp(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out.push_back(c);
  }
  return out;
}

std::string LabelKey(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    if (!out.empty()) out.push_back(',');
    out += k;
    out += "=\"";
    out += EscapeLabelValue(v);
    out.push_back('"');
  }
  return out;
}

std::string FormatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

// `name{a="b"}` or `name` when there are no labels; extra is appended inside the braces.
std::string Series(std::string_view name, const std::string& key, const std::string& extra = {}) {
  std::string labels = key;
  if (!extra.empty()) {
    if (!labels.empty()) labels.push_back(',');
    labels += extra;
  }
  if (labels.empty()) return std::string(name);
  return fmt::format("{}{{{}}}", name, labels);
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::Observe(double value) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  counts_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Registry::Family& Registry::FamilyLocked(std::string_view name, std::string_view help, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}, {}, {}}).first;
  }
  if (it->second.type != type) {
    throw std::logic_error(fmt::format("metric {} is already registered with another type", name));
  }
  return it->second;
}

Counter& Registry::GetCounter(std::string_view name, std::string_view help, const Labels& labels) {
  std::string key = LabelKey(labels);
  {
    std::shared_lock lock(mutex_);
    auto f = families_.find(name);
    if (f != families_.end() && f->second.type == Type::counter) {
      auto s = f->second.counters.find(key);
      if (s != f->second.counters.end()) return *s->second;
    }
  }
  std::unique_lock lock(mutex_);
  auto& family = FamilyLocked(name, help, Type::counter);
  auto& slot = family.counters[key];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Registry::GetHistogram(std::string_view name, std::string_view help, const Labels& labels,
                                  const std::vector<double>& bounds) {
  std::string key = LabelKey(labels);
  {
    std::shared_lock lock(mutex_);
    auto f = families_.find(name);
    if (f != families_.end() && f->second.type == Type::histogram) {
      auto s = f->second.histograms.find(key);
      if (s != f->second.histograms.end()) return *s->second;
    }
  }
  std::unique_lock lock(mutex_);
  auto& family = FamilyLocked(name, help, Type::histogram);
  auto& slot = family.histograms[key];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void Registry::SetGauge(std::string_view name, std::string_view help, const Labels& labels, GaugeFunction read) {
  std::string key = LabelKey(labels);
  std::unique_lock lock(mutex_);
  FamilyLocked(name, help, Type::gauge).gauges[key] = std::move(read);
}

std::string Registry::Render() const {
  std::shared_lock lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    const char* type = family.type == Type::counter ? "counter" : family.type == Type::histogram ? "histogram" : "gauge";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, EscapeHelp(family.help), name, type);
    for (const auto& [key, read] : family.gauges) {
      out += fmt::format("{} {}\n", Series(name, key), FormatNumber(read()));
    }
    for (const auto& [key, c] : family.counters) {
      out += fmt::format("{} {}\n", Series(name, key), c->Value());
    }
    for (const auto& [key, h] : family.histograms) {
      std::uint64_t cumulative = 0;
      const auto& bounds = h->bounds();
      for (std::size_t i = 0; i <= bounds.size(); ++i) {
        cumulative += h->BucketCount(i);
        double le = i < bounds.size() ? bounds[i] : INFINITY;
        out += fmt::format("{} {}\n", Series(name + "_bucket", key, fmt::format("le=\"{}\"", FormatNumber(le))),
                           cumulative);
      }
      // Count is taken from the buckets so that the exposition is self-consistent even while
      // other threads observe.
      out += fmt::format("{} {}\n", Series(name + "_sum", key), FormatNumber(h->Sum()));
      out += fmt::format("{} {}\n", Series(name + "_count", key), cumulative);
    }
  }
  return out;
}

void Readiness::Add(std::string name, Check check) { checks_.emplace_back(std::move(name), std::move(check)); }

boost::asio::awaitable<core::Status> Readiness::Run() const {
  for (const auto& [name, check] : checks_) {
    core::Status s = co_await check();
    if (!s) {
      log::Warn("readiness check failed", {{"check", name}, {"error", s.error().message}});
      co_return core::Fail(core::Errc::unavailable, fmt::format("readiness check '{}' failed", name));
    }
  }
  co_return core::Status{};
}

}  // namespace store::metrics
