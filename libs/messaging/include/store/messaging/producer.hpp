// Producer: the idempotent Kafka producer (enable.idempotence=true, acks=all, order kept per
// partition across retries). A send returns success only after the broker acknowledged the
// record (its delivery report arrived); every other outcome is an Error, so a caller never
// believes a lost write was stored. Keys pick the partition with murmur2 (the Java clients'
// hash), so every client agrees where an aggregate's events live.
//
// Ownership: owns the librdkafka handle and one thread that serves delivery reports. The
// destructor flushes what is in flight (up to the delivery timeout), then stops.
// Thread-safety: all members may be called from any thread concurrently.
// Errors: unavailable/timeout (transient: broker down, leader moving, unknown topic, timed out),
// payload_too_large, invalid_argument, internal (a fatal idempotence error: recreate the producer).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <span>
#include <vector>

#include "store/core/blocking_pool.hpp"
#include "store/core/result.hpp"
#include "store/messaging/kafka_config.hpp"
#include "store/messaging/message.hpp"

namespace store::messaging {

class Producer {
 public:
  static core::Result<std::unique_ptr<Producer>> Create(const KafkaConfig& config);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Sends one record and waits for the broker's acknowledgement. With delivery_timeout 0 the
  // wait has no limit (librdkafka retries until the broker takes the record, or Purge()).
  core::Status Produce(const OutgoingMessage& message);

  // Sends all records (pipelined), waits for every acknowledgement; one Status per record, in
  // the same order. Records with the same key keep their order on the broker, but after a failed
  // record later ones of the same partition may still succeed: callers that need gap-free order
  // stop at the first failure (the outbox relay does).
  std::vector<core::Status> ProduceAll(std::span<const OutgoingMessage> messages);

  // Produce() on a BlockingPool thread, so a coroutine on an I/O thread never blocks.
  boost::asio::awaitable<core::Status> ProduceAsync(core::BlockingPool& pool, OutgoingMessage message);

  // Loads the partition metadata of `topics` now. A producer that does not know a topic yet holds
  // its first records until the metadata arrives and its next once-a-second topic scan assigns
  // them partitions (up to ~1 s); after this they are partitioned and sent at once. For
  // producers that start in front of a burst (a benchmark's load, a just-started relay).
  // unavailable/timeout when the broker does not answer within `timeout`.
  core::Status LoadMetadata(const std::vector<std::string>& topics, std::chrono::milliseconds timeout);

  // Waits until nothing is in flight; timeout if records are still pending after `timeout`.
  core::Status Flush(std::chrono::milliseconds timeout);

  // Fails every record still queued or in flight (their sends return unavailable) and every
  // later send: for stopping a producer that waits on a broker that is away. The broker may
  // still have stored some in-flight records; callers treat them as unacknowledged.
  void Purge();

  // True after librdkafka raised a fatal error (e.g. idempotence sequence lost): every later send
  // fails; make a new Producer.
  bool Fatal() const;

 private:
  struct Impl;
  explicit Producer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace store::messaging
