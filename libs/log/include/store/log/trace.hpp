// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header
//   00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>
// The one implementation for HTTP (server and client) and Kafka (headers, outbox rows).
// A hop keeps a valid incoming trace id and starts a new span for itself; an absent or invalid
// header starts a new trace. Plain values; thread-safe to copy.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/log/log.hpp"

namespace store::log {

struct TraceContext {
  std::string trace_id;        // 32 lowercase hex, never all zeros
  std::string span_id;         // 16 lowercase hex: this hop's span
  std::string parent_span_id;  // the caller's span, empty when this hop started the trace
  std::string flags = "01";    // sampled

  // `traceparent` naming this hop's span as the parent of the next one.
  std::string Header() const;

  // A valid header → its trace id with a fresh span for this hop; otherwise a new trace.
  static TraceContext Continue(std::string_view traceparent);
  static TraceContext NewTrace();
  // A new span in the same trace, this span as its parent.
  TraceContext Child() const;
  // The ids for log lines of this hop (no request id).
  Context ToLogContext() const;
};

// Parses a `traceparent` header; nullopt when invalid (wrong shape, bad hex, zero ids,
// version ff). Returned span_id is the caller's span (the header's parent-id).
std::optional<TraceContext> ParseTraceparent(std::string_view header);

}  // namespace store::log
