// The event envelope: every event on Kafka is one JSON object
//   {"event_id": "<uuid>", "type": "order.placed.v1", "occurred_at": "2024-05-01T12:00:00.123Z",
//    "data": {...}}
// Events are facts (past tense, versioned). The aggregate id travels as the Kafka key, and the
// headers repeat `event_id` and carry the W3C `traceparent`. Readers ignore unknown fields, so a
// producer may add fields without breaking consumers; a breaking change gets a new topic (.v2).
//
// Plain values, no shared state: thread-safe as values are. Decoding a malformed envelope is an
// expected failure (Errc::invalid_argument), which a consumer treats as permanent (dead letter).
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "store/core/ids.hpp"
#include "store/core/result.hpp"
#include "store/log/log.hpp"

namespace store::messaging {

struct Event {
  std::string event_id;     // random v4 UUID, the de-duplication key of every consumer (inbox)
  std::string type;         // the versioned event name, by convention the topic name
  std::string occurred_at;  // RFC 3339, UTC, millisecond precision: 2024-05-01T12:00:00.123Z
  boost::json::value data;  // the fact itself; usually an object
};

// A new event with a fresh event id, stamped with `at` (pass the service's Clock::Now()).
Event NewEvent(std::string type, boost::json::value data,
               std::chrono::system_clock::time_point at = std::chrono::system_clock::now());

// The JSON text of the envelope (compact, fields in the order above).
std::string EncodeEvent(const Event& event);

// Parses and validates an envelope. Unknown fields are ignored. invalid_argument when the text is
// not JSON, not an object, or event_id/type/occurred_at/data are missing or malformed.
core::Result<Event> DecodeEvent(std::string_view json);

// The UUID check is core's (event ids are UUIDs).
using core::IsUuid;


}  // namespace store::messaging
