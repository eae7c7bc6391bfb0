// TopicReader: replays topics from their beginning with no consumer group state (partitions
// assigned by hand, nothing committed). Kafka is the event store, so every read model (the
// search index, an order timeline) must be rebuildable by replaying its topics from the oldest
// record still retained; this is the one reader for that.
//   TRY(reader, TopicReader::Create(kafka, {"product.upserted.v1", "product.archived.v1"}));
//   TRY(ends, reader->EndOffsets());                       // where "caught up" is, captured now
//   reader->ReadUntil(ends, on_batch, 500, 30min);         // every record before `ends`, in batches
// Calling EndOffsets/ReadUntil again continues where the last call stopped (catch-up rounds).
// Errors: unavailable (no broker, no metadata), not_found (a topic does not exist), timeout.
// Thread-safety: one thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/core/result.hpp"
#include "store/messaging/kafka_config.hpp"
#include "store/messaging/message.hpp"

namespace store::messaging {

using PartitionKey = std::pair<std::string, std::int32_t>;
using Offsets = std::map<PartitionKey, std::int64_t>;

class TopicReader {
 public:
  static core::Result<std::unique_ptr<TopicReader>> Create(const KafkaConfig& kafka,
                                                           std::vector<std::string> topics);
  ~TopicReader();

  // The high watermark of every partition of the topics, now.
  core::Result<Offsets> EndOffsets();
  // Delivers every record below `ends` not delivered yet, up to `batch` at a time (records of
  // several partitions may share a batch; each partition's records are in offset order); stops
  // at the first callback error (returned). timeout: the whole call.
  core::Status ReadUntil(const Offsets& ends, const std::function<core::Status(std::vector<Message>&)>& on_batch,
                         std::size_t batch, std::chrono::milliseconds timeout);
  std::uint64_t records_read() const { return records_; }

 private:
  struct Impl;
  explicit TopicReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::uint64_t records_ = 0;
};

}  // namespace store::messaging
