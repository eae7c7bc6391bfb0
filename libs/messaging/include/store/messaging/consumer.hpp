// Consumer: one member of a Kafka consumer group that runs a handler per record and commits the
// record's offset only after the handler succeeded (enable.auto.commit=false), so a crash at any
// point redelivers the record instead of losing it: at-least-once. Pair it with the Inbox so the
// effect happens once.
//
// What happens to a record, by the handler's result:
//   ok                        -> commit, next record.
//   transient error           -> retried in place with exponential backoff (retry_initial ..
//                                retry_max), never skipped; Stop() interrupts the wait.
//   permanent error           -> the record goes to `<topic><dlq_suffix>` (value and key as they
//   (malformed envelope, a       were, original headers plus dlq.reason, dlq.error_code,
//   non-transient Errc, or       dlq.original_topic/partition/offset, dlq.consumer_group); once
//   an exception)                the broker acknowledged it, commit and move on. The dead-letter
//                                topic must exist (it is declared next to its topic).
// Records of one partition are handled one at a time, in offset order.
//
// Ownership: owns the librdkafka consumer and a producer for dead letters.
// Thread-safety: Run() on one thread; Stop() and stats() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/core/result.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/kafka_config.hpp"
#include "store/messaging/message.hpp"

namespace store::messaging {

using Handler = std::function<core::Status(const Message&)>;

// A Handler that decodes the event envelope first; a malformed envelope is a permanent failure
// (invalid_argument), so it is dead-lettered without reaching `handler`.
Handler EventHandler(std::function<core::Status(const Message&, const Event&)> handler);

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
  // Where a group with no committed offset starts: the topic's beginning (replay the history).
  bool start_from_earliest = true;
};

struct ConsumerStats {
  std::uint64_t handled = 0;        // committed after the handler succeeded
  std::uint64_t retried = 0;        // transient failures (each retry counts)
  std::uint64_t dead_lettered = 0;  // sent to the DLQ and committed
  std::uint64_t commit_failures = 0;
};

class Consumer {
 public:
  static core::Result<std::unique_ptr<Consumer>> Create(ConsumerOptions options, Handler handler);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Subscribes and processes records until Stop(); then leaves the group cleanly. Returns an
  // error for a fatal consumer error or when subscribing fails.
  core::Status Run();
  // Asks Run() to return after the record in hand (its offset is committed only if it was handled).
  void Stop();
  ConsumerStats stats() const;
  // Records waiting behind the one in hand, over the partitions assigned to this member: the
  // partitions' end offsets (as of the last fetch) minus this member's positions. Partitions it
  // has not fetched from yet count 0. Local and cheap (no broker round trip): meant for a
  // metrics::Registry gauge, e.g. kafka_consumer_lag{group="..."}.
  std::int64_t Lag() const;

 private:
  struct Impl;
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace store::messaging
