#include "store/messaging/kafka_config.hpp"

#include "store/config/config.hpp"

namespace store::messaging {

KafkaConfig KafkaConfig::Load(config::Loader& cfg, const std::string& default_client_id) {
  KafkaConfig k;
  k.bootstrap = cfg.String("kafka.bootstrap", k.bootstrap, "Kafka bootstrap servers, host:port[,host:port]",
                           [](const std::string& v) -> std::optional<std::string> {
                             if (v.empty() || v.find(':') == std::string::npos) return "expected host:port";
                             return std::nullopt;
                           });
  k.client_id = cfg.String("kafka.client_id", default_client_id, "Kafka client.id (shown in broker logs)");
  k.delivery_timeout = cfg.Duration("kafka.delivery_timeout", k.delivery_timeout,
                                    "upper bound for one send including retries; then it fails");
  k.session_timeout = cfg.Duration("kafka.session_timeout", k.session_timeout,
                                   "consumer group session timeout (6s..300s on default brokers)");
  return k;
}

}  // namespace store::messaging
