// Structured logs: one JSON object per line on stderr with
//   ts, level, service, request_id, trace_id, msg, and any extra fields.
// Request and trace ids travel explicitly in a Context (coroutines hop threads, so no
// thread-locals). Thread-safe: each line is written with one write(2) call.
//
//   store::log::Init("catalog", store::log::Level::info);
//   store::log::Info("order placed", {{"order_id", id}}, &req.log_context());
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace store::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

struct Context {
  std::string request_id;
  std::string trace_id;
  std::string span_id;
};

// Sets the service name and the lowest level written. fd 2 unless told otherwise.
void Init(std::string service, Level min_level, int fd = 2);
std::optional<Level> ParseLevel(std::string_view text);
bool Enabled(Level level);

void Write(Level level, std::string_view message, const boost::json::object& fields = {},
           const Context* context = nullptr);

inline void Debug(std::string_view m, const boost::json::object& f = {}, const Context* c = nullptr) {
  if (Enabled(Level::debug)) Write(Level::debug, m, f, c);
}
inline void Info(std::string_view m, const boost::json::object& f = {}, const Context* c = nullptr) {
  Write(Level::info, m, f, c);
}
inline void Warn(std::string_view m, const boost::json::object& f = {}, const Context* c = nullptr) {
  Write(Level::warn, m, f, c);
}
inline void Error(std::string_view m, const boost::json::object& f = {}, const Context* c = nullptr) {
  Write(Level::error, m, f, c);
}

// The line Write would print (without the newline); for tests.
std::string Format(Level level, std::string_view message, const boost::json::object& fields,
                   const Context* context);

}  // namespace store::log
