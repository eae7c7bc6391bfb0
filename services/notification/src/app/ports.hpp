// What the notification use cases need from the outside world: the delivery log (the consumer
// records rows in it, the sender workers load, mark and finish them, the admin API reads and
// resends them) and a way to send an email and an SMS. adapters/ implements them (MariaDB,
// libcurl SMTP, Twilio's REST API); service.cpp plugs those in. Nothing in app/ or http/
// includes an adapter.
//
// Sender failures are core::Error values: unavailable/timeout (core::IsTransient) is worth retrying later
// (server down, 4xx temporary reply, 429), anything else is permanent (5xx reply, rejected
// recipient) and the message is never retried automatically.
// A sender object is used by one worker thread at a time (it may keep a connection open).
// Delivery-log failures are as db::Database reports them (unavailable/timeout when MariaDB is
// down or slow, internal for a bug); not_found / conflict / unprocessable where a method says so.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/catalog.hpp"
#include "store/core/result.hpp"

namespace store::notification {

template <class T>
using Task = boost::asio::awaitable<core::Result<T>>;

// ------------------------------------------------------------------ the delivery log
// One row per message (event, template, channel). Status: pending (recorded; an attempt is due
// or running), retrying (the last attempt failed transiently; next_attempt_at is the due time),
// sent, failed (permanent failure or retry budget spent). While an attempt runs, next_attempt_at
// holds the end of its lease: if the process dies in the middle, the row is due again after the
// lease. Then the attempt's hand-over mark decides: none (the SMTP server did not accept the
// message, or the process died before the mark went out) -> sent again; present (the server
// accepted it) -> settled as sent. So no email is lost, and one is sent twice only when the
// process dies between the server's acceptance and the mark (the server's reply on its way back).

// The Kafka record an event came from.
struct Source {
  std::string topic;
  std::optional<std::string> key;
  std::string value;
  std::string event_id;
  std::string event_type;
};

// One event's messages, to record.
struct Recording {
  Source source;
  std::vector<Notification> notifications;
};

struct Delivery {
  std::uint64_t id = 0;
  std::string event_id, event_type, template_name, channel, locale, recipient;
  std::string subject, text, html;
  std::string status;
  int attempts = 0;
  int attempts_base = 0;  // attempts before the last resend (the retry budget counts from it)
  std::optional<std::string> last_error, next_attempt_at;  // times: "YYYY-MM-DD HH:MM:SS.fff" UTC
  std::string created_at, updated_at;
  std::optional<std::string> sent_at;
  std::optional<std::string> handed_over_at;  // the hand-over mark of the attempt in flight
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
  std::optional<std::chrono::system_clock::time_point> since;  // created_at >= since
  std::optional<std::uint64_t> before_id;  // page cursor: rows with a smaller id
  int limit = 50;
};

enum class Outcome { sent, transient, permanent };

// An attempt's outcome.
struct Finished {
  Delivery d;
  int attempt = 0;
  std::chrono::system_clock::time_point started;
  Outcome outcome = Outcome::sent;
  std::string error;  // also kept in the attempt row of a sent one (e.g. "assumed sent: ...")
  std::chrono::milliseconds retry_after{0};
};

// A sender worker's group of deliveries, on one database connection. Used by one thread.
class SendSession {
 public:
  virtual ~SendSession() = default;
  // The rows of `ids` that exist, in id order.
  virtual core::Result<std::vector<Delivery>> Load(const std::vector<std::uint64_t>& ids) = 0;
  // The hand-over point of attempt `attempt` of delivery `id`: BeginHandOver hands the mark to be
  // written without waiting (right after the SMTP server accepted the message, so it costs the
  // worker no round trip; the MariaDB adapter's one writer sends it at once, or with the other
  // workers' marks queued meanwhile), EndHandOver waits for its answer (the dispatcher calls it
  // when the next mark is due, a whole SMTP exchange later, and before Finish). One mark in flight
  // per session. An error from EndHandOver means the mark may be missing.
  virtual core::Status BeginHandOver(std::uint64_t id, int attempt) = 0;
  virtual core::Status EndHandOver() = 0;
  // Ends the attempts in one transaction (attempt rows, new statuses: sent; retrying due after
  // retry_after; failed; notification.sent.v1 / notification.failed.v1 in the outbox), then
  // drops the hand-over marks this session wrote (they are stale once their attempts are recorded).
  virtual core::Status Finish(std::span<const Finished> done) = 0;
};

class DeliveryLog {
 public:
  virtual ~DeliveryLog() = default;

  // --- the consumer (plain threads)
  // Records every event's messages in ONE transaction, each a pending row claimed for `lease` by
  // the caller (the consumer hands them to the sender workers). A row already present (a
  // redelivered event) is left alone. Returns the rows inserted now, as recorded (pending, no
  // attempt yet; the times are not filled in).
  virtual core::Result<std::vector<Delivery>> Record(std::span<const Recording> events,
                                                     std::chrono::milliseconds lease) = 0;
  // Records an event that can never be delivered (bad data) as a failed row, unless present.
  virtual core::Status RecordUndeliverable(const Source& source, const std::string& template_name,
                                           const std::string& error) = 0;

  // --- the sender workers and the poller (plain threads)
  // Runs `work` on one session (one connection, held for the call).
  virtual core::Status WithSession(const std::function<core::Status(SendSession&)>& work) = 0;
  // Claims up to `limit` due rows (pending/retrying with next_attempt_at <= now, the attempt in
  // flight not handed over) for `lease`; several instances share the work (SKIP LOCKED).
  virtual core::Result<std::vector<std::uint64_t>> ClaimDue(int limit, std::chrono::milliseconds lease) = 0;
  // Settles up to `limit` rows whose sender died after the hand-over point (a mark of the attempt
  // in flight, lease expired) as sent, with an attempt row saying so and notification.sent.v1,
  // and removes stale marks. Returns how many were settled.
  virtual core::Result<std::size_t> SettleHandedOver(int limit) = 0;
  // Makes a claimed, never attempted row due now (its lease released: a restart sends it at once).
  virtual core::Status Release(std::uint64_t id) = 0;

  // --- the admin API (awaitable from the I/O threads)
  virtual Task<std::vector<Delivery>> List(DeliveryFilter filter) = 0;  // by value: a coroutine
  // A delivery with its attempts, oldest first; nullopt for an unknown id.
  virtual Task<std::optional<std::pair<Delivery, std::vector<Attempt>>>> Find(std::uint64_t id) = 0;
  // Makes a sent or failed row due now again (same row, attempts keep counting; the retry budget
  // restarts) and returns it. not_found for an unknown id, conflict while an attempt is pending
  // or retrying, unprocessable for an undeliverable event's row.
  virtual Task<Delivery> Resend(std::uint64_t id) = 0;
};

// ------------------------------------------------------------------ the senders

struct Email {
  std::string to;
  std::string subject;
  std::string text;
  std::string html;
};

class EmailSender {
 public:
  virtual ~EmailSender() = default;
  // OK once the server accepted the message (its 250 to the end of data).
  virtual core::Status Send(const Email& email) = 0;
};

class SmsSender {
 public:
  virtual ~SmsSender() = default;
  // to: E.164 number.
  virtual core::Status Send(std::string_view to, std::string_view body) = 0;
};

// One sender per worker thread.
using EmailSenderFactory = std::function<std::unique_ptr<EmailSender>()>;
using SmsSenderFactory = std::function<std::unique_ptr<SmsSender>()>;  // empty: SMS disabled

}  // namespace store::notification
