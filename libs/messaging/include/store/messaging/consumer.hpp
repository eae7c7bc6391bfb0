// Consumer: one member of a Kafka consumer group that runs a handler per batch of records of ONE
// partition and commits their offsets only after the handler succeeded, so a crash at
// any point redelivers instead of losing: at-least-once. Pair it with the Inbox (one transaction
// for the batch's effects and inbox rows) so the effects happen exactly once.
//
// Batches: up to `batch_max` records of one partition: what had arrived when the first one was
// taken, or (batch_wait > 0) what arrived within `batch_wait` of it, in offset order. The default
// (0) waits for nothing: a lone event is handled at once, and under load the records that came
// in while the last batch was handled make the next one. A single-record Handler is a batch of 1 (batch_max forced to 1).
//
// What happens to a batch, by the handler's result:
//   ok                        -> the offset after it is committed (asynchronously); next batch.
//   transient error           -> the whole batch is retried in place with exponential backoff
//                                (retry_initial .. retry_max), never skipped; Stop() interrupts the
//                                wait (nothing of the batch is committed; it comes back).
//   permanent error of a      -> the batch is handed again ONE RECORD AT A TIME (the handler sees
//   batch of several records     spans of 1), so a poison record only costs itself: its healthy
//                                neighbours are applied, each on its own.
//   permanent error of one    -> the record goes to `<topic><dlq_suffix>` (value and key as they
//   record (malformed            were, original headers plus dlq.reason, dlq.error_code,
//   envelope, a non-transient    dlq.original_topic/partition/offset, dlq.consumer_group); once
//   Errc, or an exception)       the broker acknowledged it, its offset is committed and the consumer
//                                moves on. The dead-letter topic must exist (declared next to its topic).
// So a batch handler must be all-or-nothing (one transaction), as InboxBatchHandler is.
//
// Offsets: `enable.auto.commit=false`; after a batch was handled, the offset after it is
// committed asynchronously (the next batch does not wait for the broker); when partitions are
// revoked (rebalance) and on Stop() what was handled is committed synchronously, so a graceful
// stop or handover redelivers nothing; a crash (kill -9) redelivers at most the batches whose
// asynchronous commit had not landed, which the inbox absorbs. Records fetched but not handed out yet when their
// partition is revoked are dropped (the new owner reads them).
//
// Ownership: owns the librdkafka consumer and a producer for dead letters.
// Thread-safety: Run() on one thread; Stop() and stats() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "store/core/result.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/kafka_config.hpp"
#include "store/messaging/message.hpp"

namespace store::messaging {

using Handler = std::function<core::Status(const Message&)>;
// Records of one partition, in offset order (never empty). All-or-nothing: on an error nothing
// of the batch may have taken effect (see above).
using BatchHandler = std::function<core::Status(std::span<const Message>)>;

// A Handler that decodes the event envelope first; a malformed envelope is a permanent failure
// (invalid_argument), so it is dead-lettered without reaching `handler`.
Handler EventHandler(std::function<core::Status(const Message&, const Event&)> handler);

// A record of a batch with its decoded envelope.
struct EventRecord {
  const Message* message;
  Event event;
};
// Decodes every record of a batch; the first malformed envelope fails the batch (permanent, so
// the Consumer falls back to one record at a time and dead-letters only that one).
core::Result<std::vector<EventRecord>> DecodeBatch(std::span<const Message> batch);

struct ConsumerOptions {
  KafkaConfig kafka;
  std::string group_id;             // one group per consuming service (and purpose)
  std::vector<std::string> topics;
  // Optional static membership (group.instance.id): a restarted member with the same id takes
  // its partitions back at once instead of waiting for the old session to time out.
  std::string instance_id;
  std::string dlq_suffix = ".dlq";
  std::chrono::milliseconds retry_initial{100};
  std::chrono::milliseconds retry_max{5000};
  std::chrono::milliseconds poll_timeout{200};
  // Batch consumption (BatchHandler only): at most this many records of one partition per call,
  // and at most this long waited for more after the first record of a batch arrived (0: only
  // what had arrived already).
  std::size_t batch_max = 500;
  std::chrono::milliseconds batch_wait{0};
  // Where a group with no committed offset starts: the topic's beginning (replay the history).
  bool start_from_earliest = true;
};

struct ConsumerStats {
  std::uint64_t handled = 0;        // records stored for commit after the handler succeeded
  std::uint64_t batches = 0;        // successful handler calls (a fallback record counts as one)
  std::uint64_t fallbacks = 0;      // batches handed again one record at a time (permanent failure)
  std::uint64_t retried = 0;        // transient failures (each retry counts)
  std::uint64_t dead_lettered = 0;  // sent to the DLQ and committed
  std::uint64_t commit_failures = 0;
};

class Consumer {
 public:
  // One record per call (batch_max is 1 whatever the options say).
  static core::Result<std::unique_ptr<Consumer>> Create(ConsumerOptions options, Handler handler);
  // Batches of up to options.batch_max records of one partition.
  static core::Result<std::unique_ptr<Consumer>> CreateBatching(ConsumerOptions options, BatchHandler handler);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Subscribes and processes records until Stop(); then leaves the group cleanly. Returns an
  // error for a fatal consumer error or when subscribing fails.
  core::Status Run();
  // Asks Run() to return after the batch in hand (its offsets are committed only if it was handled).
  void Stop();
  ConsumerStats stats() const;
  // Records waiting behind the batch in hand, over the partitions assigned to this member: the
  // partitions' end offsets (as of the last fetch) minus this member's positions. Partitions it
  // has not fetched from yet count 0. Local and cheap (no broker round trip): meant for a
  // metrics::Registry gauge, e.g. kafka_consumer_lag{group="..."}.
  std::int64_t Lag() const;

 private:
  struct Impl;
  static core::Result<std::unique_ptr<Impl>> MakeImpl(ConsumerOptions options, BatchHandler handler);
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace store::messaging
