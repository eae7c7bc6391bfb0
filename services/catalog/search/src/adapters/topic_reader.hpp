// TopicReader: reads topics from their beginning with no consumer group state (partitions
// assigned by hand, nothing committed), for the reindex: Kafka is the event store, so replaying
// the product topics from offset 0 rebuilds the index.
//   TopicReader reader(kafka, {"product.upserted.v1", "product.archived.v1"});
//   auto ends = reader.EndOffsets();          // where "caught up" is, captured now
//   reader.ReadUntil(ends, on_batch, 500);    // every record before `ends`, in batches
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

namespace store::search {

using PartitionKey = std::pair<std::string, std::int32_t>;
using Offsets = std::map<PartitionKey, std::int64_t>;

class TopicReader {
 public:
  static core::Result<std::unique_ptr<TopicReader>> Create(const messaging::KafkaConfig& kafka,
                                                           std::vector<std::string> topics);
  ~TopicReader();

  // The high watermark of every partition of the topics, now.
  core::Result<Offsets> EndOffsets();
  // Delivers every record below `ends` not delivered yet, `batch` at a time; stops at the first
  // callback error (returned). timeout: the whole call.
  core::Status ReadUntil(const Offsets& ends, const std::function<core::Status(std::vector<messaging::Message>&)>& on_batch,
                         std::size_t batch, std::chrono::milliseconds timeout);
  std::uint64_t records_read() const { return records_; }

 private:
  struct Impl;
  explicit TopicReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::uint64_t records_ = 0;
};

}  // namespace store::search
