// Private helpers shared by producer, consumer and admin: building librdkafka configurations.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <string>

#include "store/core/result.hpp"
#include "store/messaging/kafka_config.hpp"
#include "store/messaging/message.hpp"

namespace store::messaging::detail {

// A librdkafka global conf with the common settings, then `props`, then config.extra.
core::Result<std::unique_ptr<RdKafka::Conf>> MakeConf(const KafkaConfig& config,
                                                      const std::map<std::string, std::string>& props);

// The project's error code for a librdkafka error: broker/network trouble is transient.
core::Errc ErrcOf(RdKafka::ErrorCode code);

// A consumed record as a plain value (topic, partition, offset, key, value, headers).
Message ToMessage(RdKafka::Message& raw);  // headers() is not const in librdkafka

}  // namespace store::messaging::detail
