// Connection settings shared by the producer, the consumer and the admin helpers.
// Load() declares the `kafka.*` keys on a config Loader (so they are typed, documented and
// overridable from the environment: CATALOG_KAFKA_BOOTSTRAP, ...). Plain value.
#pragma once

#include <chrono>
#include <map>
#include <string>

namespace store::config {
class Loader;
}

namespace store::messaging {

struct KafkaConfig {
  std::string bootstrap = "127.0.0.1:19092";  // kafka.bootstrap: host:port[,host:port...]
  std::string client_id = "store";            // kafka.client_id: shows up in broker logs/metrics
  // kafka.delivery_timeout: how long a send may take, retries included, before it fails.
  // A send never reports success before the broker acknowledged it (acks=all). 0 = no limit
  // (the outbox relay uses that: see outbox_relay.hpp).
  std::chrono::milliseconds delivery_timeout{30000};
  // kafka.session_timeout: a consumer that stops heartbeating is out of its group after this.
  std::chrono::milliseconds session_timeout{10000};
  // Raw librdkafka properties applied last (tuning, tests); not read from the config file.
  std::map<std::string, std::string> extra;

  // Declares kafka.bootstrap, kafka.client_id, kafka.delivery_timeout, kafka.session_timeout.
  static KafkaConfig Load(config::Loader& loader, const std::string& default_client_id);
};

}  // namespace store::messaging
