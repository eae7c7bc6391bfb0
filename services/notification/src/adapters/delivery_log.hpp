// The delivery log in MariaDB (tables `deliveries` and `delivery_attempts`, migrations/V001).
// Free functions on a db::Connection, so callers choose the thread and the transaction:
// the consumer and the sender workers use Database::RunSync/TransactionSync on their own plain
// threads, the admin API uses the awaitable Database::Run.
//
// Status of a row: pending (recorded; an attempt is due or running), retrying (the last attempt
// failed transiently; next_attempt_at is the due time), sent, failed (permanent failure or
// retry budget spent). While an attempt runs, next_attempt_at holds the end of its lease: if
// the process dies in the middle, the row is due again after the lease. Then the attempt's
// hand-over mark (table delivery_handovers) decides: none (the SMTP server never got the end of
// the message) -> sent again; present (the end of the message was on its way) -> settled as
// sent, so no email goes out twice.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/catalog.hpp"
#include "store/core/result.hpp"
#include "store/db/db.hpp"

namespace store::notification {

// The Kafka record an event came from.
struct Source {
  std::string topic;
  std::optional<std::string> key;
  std::string value;
  std::string event_id;
  std::string event_type;
};

struct Delivery {
  std::uint64_t id = 0;
  std::string event_id, event_type, template_name, channel, locale, recipient;
  std::string subject, text, html;
  std::string status;
  int attempts = 0;
  int attempts_base = 0;
  std::optional<std::string> last_error, next_attempt_at;
  std::string created_at, updated_at;
  std::optional<std::string> sent_at;
  std::optional<std::string> handed_over_at;
  std::string source_topic;
  std::optional<std::string> source_key;
  std::string source_value;
};

struct Attempt {
  int attempt = 0;
  std::string started_at, finished_at, outcome;
  std::optional<std::string> error;
};

struct DeliveryFilter {
  std::optional<std::string> status, template_name, recipient, channel;
  std::optional<std::string> since;  // "YYYY-MM-DD HH:MM:SS[.fff]" UTC: created_at >= since
  std::optional<std::uint64_t> before_id;  // page cursor: rows with a smaller id
  int limit = 50;
};

enum class Outcome { sent, transient, permanent };

namespace delivery_log {

// Inserts one pending row per notification, claimed for `lease` by the caller (the consumer
// hands the ids to the sender workers). A row already present — a redelivered event — is left
// alone. Returns the ids inserted now. Call inside a transaction.
core::Result<std::vector<std::uint64_t>> Record(db::Connection& c, const Source& source,
                                                const std::vector<Notification>& notifications,
                                                std::chrono::milliseconds lease);
// Records an event that can never be delivered (bad data) as a failed row, unless present.
core::Status RecordUndeliverable(db::Connection& c, const Source& source, const std::string& template_name,
                                 const std::string& error);
core::Result<std::optional<Delivery>> Load(db::Connection& c, std::uint64_t id);
// The rows of `ids` that exist, in id order (one statement per 16 ids).
core::Result<std::vector<Delivery>> LoadMany(db::Connection& c, const std::vector<std::uint64_t>& ids);
// Claims up to `limit` due rows (pending/retrying with next_attempt_at <= now, the attempt in
// flight not handed over) for `lease`; SKIP LOCKED so several instances share the work. Runs its
// own transaction.
core::Result<std::vector<std::uint64_t>> ClaimDue(db::Connection& c, int limit, std::chrono::milliseconds lease);
// The hand-over point of one attempt (table delivery_handovers, MEMORY: no log flush).
struct HandOverMark {
  std::uint64_t delivery_id = 0;
  int attempt = 0;
};
// The statement that records the hand-over point of attempt `attempt` of row `id`
// (Connection::SendText, autocommit).
std::string HandOverSql(std::uint64_t id, int attempt);
// Removes these marks (once their attempts are recorded; a newer attempt's mark stays).
core::Status ForgetHandOvers(db::Connection& c, const std::vector<HandOverMark>& marks);
// Settles up to `limit` rows whose sender died after the hand-over point (a mark of the attempt
// in flight, lease expired) as sent, with an attempt row saying so and notification.sent.v1, and
// removes stale marks. Returns how many were settled. Runs its own transaction.
core::Result<std::size_t> SettleHandedOver(db::Connection& c, int limit);
// An attempt's outcome, for Finish.
struct Finished {
  Delivery d;
  int attempt = 0;
  std::chrono::system_clock::time_point started;
  Outcome outcome = Outcome::sent;
  std::string error;  // also kept in the attempt row of a sent one (e.g. "assumed sent: ...")
  std::chrono::milliseconds retry_after{0};
};
// Ends attempts: locks their rows (id order), writes their attempt rows (one statement) and new
// statuses (sent; retrying due after `retry_after`; failed; the sent ones with one statement),
// plus notification.sent.v1 / notification.failed.v1 in the outbox (one statement). Call inside
// a transaction.
core::Status Finish(db::Connection& c, std::span<const Finished> done);
core::Result<std::vector<Delivery>> List(db::Connection& c, const DeliveryFilter& filter);
core::Result<std::vector<Attempt>> Attempts(db::Connection& c, std::uint64_t id);
// Makes a sent or failed row due now again (same row, attempts keep counting; the retry budget
// restarts). not_found for an unknown id, conflict while an attempt is pending or retrying.
core::Status Resend(db::Connection& c, std::uint64_t id);

}  // namespace delivery_log
}  // namespace store::notification
