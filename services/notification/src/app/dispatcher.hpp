// Dispatcher: the sender workers and the retry scheduler.
//
// Rows of the delivery log are the work items. The consumer records them claimed (their
// next_attempt_at is a lease) and hands the recorded rows to Enqueue (sent as they are: nobody
// else can have touched a row this process just inserted and holds the lease of); a poller
// claims rows that are due (retries whose backoff has passed, re-sends, rows whose lease expired
// after a crash) with SELECT ... FOR UPDATE SKIP LOCKED and enqueues their ids (loaded when
// taken). `workers` threads each own one EmailSender (an SMTP connection kept open) and one
// SmsSender and:
//   take up to send_group queued rows -> load those known by id only (one query) -> send them one after the
//   other (outside any transaction; right after the SMTP server accepted a message, its
//   hand-over mark is written, see SendSession in ports.hpp) -> ONE transaction for the group:
//   attempt rows + new statuses + notification.sent.v1 / notification.failed.v1 in the outbox.
// The poller also settles rows whose sender died past the hand-over point (as sent: not twice).
// A crash between the server's acceptance and the mark sends that message again: never lost,
// at worst one message per worker twice.
// A transient failure schedules the next attempt with RetryPolicy's backoff; when the budget is
// spent, or on a permanent failure, the row is failed and the original Kafka record is copied
// to `<source topic>.dlq` (the dead-letter headers of libs/messaging). A retry never blocks the
// consumer: other events keep flowing.
//
// Thread-safety: Enqueue/QueueSize from any thread; Start/Stop from one.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "app/ports.hpp"
#include "domain/retry.hpp"
#include "store/messaging/producer.hpp"
#include "store/metrics/metrics.hpp"

namespace store::notification {

struct DispatcherOptions {
  int workers = 4;
  std::size_t queue_limit = 1000;              // Enqueue blocks beyond this (back-pressure on the consumer)
  std::chrono::milliseconds lease{120000};     // an attempt not finished within this is assumed lost
  std::chrono::milliseconds poll_interval{1000};
  int claim_batch = 100;
  // Deliveries a worker takes from the queue at once (what is there, up to this): sent one after
  // the other on its connection, their rows loaded with one query and their outcomes recorded in
  // one transaction (a crash before that transaction is covered by the hand-over points).
  int send_group = 64;
  RetryPolicy retry;
  std::string consumer_group = "notification";  // named in dead-letter headers
};

class Dispatcher {
 public:
  Dispatcher(DeliveryLog& log, DispatcherOptions options, EmailSenderFactory email, SmsSenderFactory sms,
             messaging::Producer* dlq, metrics::Registry* registry);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void Start();
  // Stops the threads after the attempts in hand; ids still queued are made due at once
  // (their lease released) so the next start sends them without waiting for the lease.
  void Stop();
  // Queues claimed rows by id (the worker loads them); blocks while the queue is full (returns
  // early when stopping).
  void Enqueue(std::span<const std::uint64_t> ids);
  // Queues rows just recorded (as DeliveryLog::Record returned them); the worker sends them
  // without loading them again. Blocks like the other.
  void Enqueue(std::vector<Delivery> recorded);
  std::size_t QueueSize() const;

 private:
  void WorkerLoop();
  void PollLoop();
  // ids: the group; recorded: those of them Enqueue got as rows.
  void Process(const std::vector<std::uint64_t>& ids, std::vector<Delivery> recorded, EmailSender& email, SmsSender* sms);
  // False when stopping.
  bool EnqueueLocked(std::unique_lock<std::mutex>& lock, std::uint64_t id, Delivery* recorded);
  void DeadLetter(const Delivery& d, const std::string& reason);

  DeliveryLog& log_;
  DispatcherOptions options_;
  EmailSenderFactory email_factory_;
  SmsSenderFactory sms_factory_;
  messaging::Producer* dlq_;
  metrics::Counter* sent_ = nullptr;
  metrics::Counter* retried_ = nullptr;
  metrics::Counter* failed_ = nullptr;
  metrics::Registry* registry_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_, space_cv_, poll_cv_;
  std::deque<std::uint64_t> queue_;
  std::unordered_map<std::uint64_t, Delivery> recorded_;  // queued rows Enqueue got whole
  std::unordered_set<std::uint64_t> owned_;  // queued or being sent by this process
  // Owned ids enqueued again meanwhile (the poller claimed a row whose outcome just committed,
  // e.g. a retry that fell due): queued again as soon as their worker lets go of them.
  std::unordered_set<std::uint64_t> again_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace store::notification
