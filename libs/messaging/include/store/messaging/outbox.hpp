// Transactional outbox, writer side. A service records the event announcing a state change in
// the SAME MariaDB transaction as the change itself, so both commit or neither does:
//
//   db.Transaction([&](store::db::Connection& c) -> Status {
//     TRY_STATUS(c.Execute("UPDATE orders SET status = 'placed' WHERE id = ?", id));
//     return store::messaging::Outbox::Add(c, "order.placed.v1", id, event, trace);
//   });
//
// OutboxRelay (outbox_relay.hpp) publishes the rows later, in id order, and deletes them once
// Kafka acknowledged them. Tables: migrations/V900__messaging_outbox_inbox.sql.
// Stateless; thread-safety is the connection's (one thread at a time).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "store/core/result.hpp"
#include "store/db/db.hpp"
#include "store/log/trace.hpp"
#include "store/messaging/envelope.hpp"

namespace store::messaging {

class Outbox {
 public:
  // Appends one event for `topic` with Kafka key `key` (the aggregate id). Must run inside a
  // transaction on `conn` (internal error otherwise: an outbox row outside the business
  // transaction defeats its purpose). invalid_argument for an empty topic or a bad event id.
  static core::Status Add(db::Connection& conn, std::string_view topic, std::string_view key,
                          const Event& event, const std::optional<log::TraceContext>& trace = std::nullopt);

  // Appends several events with ONE statement (a batch's events; same rules as Add for each).
  struct Record {
    std::string_view topic;
    std::string_view key;
    const Event* event = nullptr;
    std::optional<log::TraceContext> trace;
  };
  static core::Status AddMany(db::Connection& conn, std::span<const Record> records);

  // Rows waiting to be published (for metrics and tests).
  static core::Result<std::int64_t> Pending(db::Connection& conn);
};

}  // namespace store::messaging
