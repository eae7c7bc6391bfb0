#include "store/log/log.hpp"

#include "store/core/clock.hpp"

#include <boost/json/serialize.hpp>
#include <unistd.h>

#include <atomic>
#include <chrono>

namespace store::log {
namespace {

struct State {
  std::string service = "unknown";
  std::atomic<int> min_level{static_cast<int>(Level::info)};
  int fd = 2;
};
State& state() {
  static State s;
  return s;
}

std::string_view LevelName(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

}  // namespace

void Init(std::string service, Level min_level, int fd) {
  state().service = std::move(service);
  state().min_level = static_cast<int>(min_level);
  state().fd = fd;
}

std::optional<Level> ParseLevel(std::string_view t) {
  if (t == "debug") return Level::debug;
  if (t == "info") return Level::info;
  if (t == "warn") return Level::warn;
  if (t == "error") return Level::error;
  return std::nullopt;
}

bool Enabled(Level level) { return static_cast<int>(level) >= state().min_level.load(std::memory_order_relaxed); }

std::string Format(Level level, std::string_view message, const boost::json::object& fields,
                   const Context* context) {
  boost::json::object line;
  line["ts"] = core::FormatTimestamp(std::chrono::system_clock::now());
  line["level"] = LevelName(level);
  line["service"] = state().service;
  if (context) {
    if (!context->request_id.empty()) line["request_id"] = context->request_id;
    if (!context->trace_id.empty()) line["trace_id"] = context->trace_id;
    if (!context->span_id.empty()) line["span_id"] = context->span_id;
  }
  line["msg"] = message;
  for (const auto& kv : fields) line[kv.key()] = kv.value();
  return boost::json::serialize(line);
}

void Write(Level level, std::string_view message, const boost::json::object& fields, const Context* context) {
  if (!Enabled(level)) return;
  std::string out = Format(level, message, fields, context);
  out.push_back('\n');
  // One write(2) per line keeps lines whole when several threads log at once.
  const char* p = out.data();
  std::size_t left = out.size();
  while (left > 0) {
    ssize_t n = ::write(state().fd, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace store::log
