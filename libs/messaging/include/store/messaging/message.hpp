// Kafka records as plain values: what we send (OutgoingMessage) and what a consumer hands to its
// handler (Message). Header names used by the project are constants here so producer, relay,
// consumer and dead-letter code agree on them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/core/result.hpp"
#include "store/log/trace.hpp"
#include "store/messaging/envelope.hpp"

namespace store::messaging {

using Headers = std::vector<std::pair<std::string, std::string>>;

inline constexpr std::string_view kEventIdHeader = "event_id";
inline constexpr std::string_view kTraceParentHeader = "traceparent";
// Dead-letter headers (see Consumer).
inline constexpr std::string_view kDlqReasonHeader = "dlq.reason";
inline constexpr std::string_view kDlqErrorCodeHeader = "dlq.error_code";
inline constexpr std::string_view kDlqTopicHeader = "dlq.original_topic";
inline constexpr std::string_view kDlqPartitionHeader = "dlq.original_partition";
inline constexpr std::string_view kDlqOffsetHeader = "dlq.original_offset";
inline constexpr std::string_view kDlqGroupHeader = "dlq.consumer_group";

struct OutgoingMessage {
  std::string topic;
  std::string key;  // the aggregate id: all events of one aggregate land in one partition, in order
  std::string value;
  Headers headers;
};

// The record for an event: value = the envelope, key = aggregate id, headers = event_id and,
// when given, traceparent.
OutgoingMessage EventMessage(std::string topic, std::string key, const Event& event,
                             const std::optional<log::TraceContext>& trace = std::nullopt);

struct Message {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::optional<std::string> key;  // nullopt for a record without key
  std::string value;
  Headers headers;

  // The last header with this name (Kafka allows repeats).
  std::optional<std::string_view> Header(std::string_view name) const;
  // The trace context from the traceparent header, if present and valid.
  std::optional<log::TraceContext> Trace() const;
  // A context for log lines about this message (trace ids, or empty).
  log::Context LogContext() const;
};

}  // namespace store::messaging
