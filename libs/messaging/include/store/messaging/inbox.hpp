// Inbox: consumer-side de-duplication, so an event delivered twice (Kafka is at-least-once) has
// its effect once. The consumer records the event id in the SAME transaction as the effect;
// the Consumer commits the Kafka offset only after that transaction committed:
//
//   TRY(verdict, Inbox::Apply(conn, "catalog.stock", event.event_id));
//   if (verdict == InboxVerdict::already_applied) return {};   // a redelivery: nothing to do
//   ... apply the effect on conn ...
//
// InboxHandler() wraps exactly that into a consumer Handler; InboxBatchHandler() does it for a
// whole batch in ONE transaction (one commit for N events). The table is `inbox (consumer,
// event_id)` with that primary key (migrations/V900__messaging_outbox_inbox.sql); a concurrent
// duplicate waits on the row lock and then sees the first one's id.
// Stateless; thread-safety is the connection's / database's.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "store/core/result.hpp"
#include "store/db/db.hpp"
#include "store/messaging/consumer.hpp"

namespace store::messaging {

enum class InboxVerdict {
  first_delivery,   // recorded now: apply the effect in this transaction
  already_applied,  // recorded before: skip the effect
};

class Inbox {
 public:
  // Records (consumer, event_id) unless present. Must run inside a transaction on `conn`
  // (internal error otherwise). invalid_argument for an empty consumer name or a non-UUID id.
  static core::Result<InboxVerdict> Apply(db::Connection& conn, std::string_view consumer,
                                          std::string_view event_id);

  // Deletes records older than `age` (only safe past the topic's retention: older events can no
  // longer be redelivered). Returns the number of rows removed.
  static core::Result<std::uint64_t> Purge(db::Connection& conn, std::string_view consumer,
                                           std::chrono::hours age);
};

using InboxEffect = std::function<core::Status(db::Connection&, const Message&, const Event&)>;

// A Consumer handler that decodes the envelope, then in ONE transaction on `db` (retried on
// deadlock) records the event in the inbox and runs `effect` for a first delivery only.
// A database outage or deadlock (unavailable/timeout) is transient, so the Consumer retries the
// record; the inbox makes the retry harmless even when a COMMIT's outcome was unknown.
// Blocks the consumer thread (TransactionSync): that thread is a plain thread, not an I/O one.
Handler InboxHandler(db::Database& db, std::string consumer, InboxEffect effect);

// The batch form, for Consumer::CreateBatching: decodes every record (a malformed one fails the
// batch permanently, so the Consumer retries the records one by one and dead-letters only that
// one), then ONE transaction (retried on deadlock) records every event in the inbox and runs
// `effect` for the first deliveries, in offset order. Any error rolls the whole batch back:
// a permanent one (the effect refused an event) makes the Consumer fall back to one record at
// a time, a transient one retries the batch. Events repeated inside one batch apply once.
BatchHandler InboxBatchHandler(db::Database& db, std::string consumer, InboxEffect effect);

}  // namespace store::messaging
