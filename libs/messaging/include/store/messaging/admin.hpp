// Topic administration for tools and tests (services never create topics at run time: topics
// are declared in deploy/kafka/topics.conf). Each call makes a short-lived admin client.
// Thread-safe (no shared state). Errors: conflict (topic exists), not_found (topic missing),
// unavailable/timeout (broker unreachable), invalid_argument (bad name or settings).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "store/core/result.hpp"
#include "store/messaging/kafka_config.hpp"

namespace store::messaging {

// Creates a topic and waits until every partition has a leader, so producing and subscribing
// right after works.
core::Status CreateTopic(const KafkaConfig& config, const std::string& name, int partitions,
                         int replication_factor = 1, const std::map<std::string, std::string>& settings = {},
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

core::Status DeleteTopic(const KafkaConfig& config, const std::string& name,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Records the topic holds now: high minus low watermark, summed over its partitions (counts
// every record, duplicates included). For tests and tools.
core::Result<std::int64_t> CountRecords(const KafkaConfig& config, const std::string& name,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace store::messaging
