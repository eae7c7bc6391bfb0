#include "rdkafka_conf.hpp"

#include <fmt/format.h>

namespace store::messaging::detail {

core::Result<std::unique_ptr<RdKafka::Conf>> MakeConf(const KafkaConfig& config,
                                                      const std::map<std::string, std::string>& props) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::map<std::string, std::string> all = {
      {"bootstrap.servers", config.bootstrap},
      {"client.id", config.client_id},
      // Loopback brokers go away and come back in tests and local runs: reconnect quickly.
      {"reconnect.backoff.max.ms", "1000"},
  };
  for (auto& [k, v] : props) all[k] = v;
  for (auto& [k, v] : config.extra) all[k] = v;
  for (auto& [k, v] : all) {
    std::string err;
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK)
      return core::Fail(core::Errc::invalid_argument, fmt::format("kafka setting {}={}: {}", k, v, err));
  }
  return conf;
}

core::Errc ErrcOf(RdKafka::ErrorCode code) {
  switch (code) {
    case RdKafka::ERR_MSG_SIZE_TOO_LARGE:
      return core::Errc::payload_too_large;
    case RdKafka::ERR__INVALID_ARG:
    case RdKafka::ERR_TOPIC_EXCEPTION:
    case RdKafka::ERR_INVALID_CONFIG:
      return core::Errc::invalid_argument;
    case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
    case RdKafka::ERR_GROUP_AUTHORIZATION_FAILED:
    case RdKafka::ERR_CLUSTER_AUTHORIZATION_FAILED:
      return core::Errc::forbidden;
    case RdKafka::ERR__MSG_TIMED_OUT:
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR_REQUEST_TIMED_OUT:
      return core::Errc::timeout;
    case RdKafka::ERR__FATAL:
      return core::Errc::internal;
    default:
      // Broker down, leader moving, unknown topic (maybe being created), queue full...: retry.
      return core::Errc::unavailable;
  }
}

Message ToMessage(RdKafka::Message& raw) {
  Message m;
  m.topic = raw.topic_name();
  m.partition = raw.partition();
  m.offset = raw.offset();
  if (raw.key()) m.key = *raw.key();
  if (raw.payload()) m.value.assign(static_cast<const char*>(raw.payload()), raw.len());
  if (auto* headers = raw.headers()) {
    for (const auto& h : headers->get_all())
      m.headers.emplace_back(h.key(), h.value() ? std::string(static_cast<const char*>(h.value()), h.value_size())
                                                : std::string());
  }
  return m;
}

}  // namespace store::messaging::detail
