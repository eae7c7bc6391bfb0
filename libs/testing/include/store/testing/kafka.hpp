// Kafka fixtures: a KafkaConfig for the test broker, a unique topic per test (created with its
// dead-letter topic, deleted when the object dies), and a reader that fetches everything a
// topic holds. Throws std::runtime_error when the broker cannot be reached (the test fails).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "store/messaging/kafka_config.hpp"
#include "store/messaging/message.hpp"

namespace store::testing {

// The test broker from Engines::FromEnv(), client id "test".
store::messaging::KafkaConfig KafkaTestConfig();

class TempTopic {
 public:
  // Creates "<prefix>_<unique>" with `partitions` partitions and, if with_dlq, "<name>.dlq".
  explicit TempTopic(const std::string& prefix = "t", int partitions = 1, bool with_dlq = true);
  ~TempTopic();
  TempTopic(const TempTopic&) = delete;
  TempTopic& operator=(const TempTopic&) = delete;

  const std::string& name() const { return name_; }
  std::string dlq() const { return name_ + ".dlq"; }

 private:
  std::string name_;
  bool with_dlq_;
};

// Every record `topic` holds, read from the beginning of each partition up to its end offset
// at the time of the call (no consumer group, nothing committed). Records of one partition are
// in offset order; partitions follow each other.
std::vector<store::messaging::Message> ReadAll(const std::string& topic,
                                               std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace store::testing
