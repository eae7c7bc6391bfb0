// Every configuration key of store_payment but http.* and log.level (the start-up helper's),
// declared once with its default and description (README: the table; --help-config prints it).
#pragma once

#include <chrono>
#include <string>

#include "adapters/sandbox_provider.hpp"
#include "adapters/stripe_provider.hpp"
#include "app/payments.hpp"
#include "store/auth/authenticator.hpp"
#include "store/cache/cache.hpp"
#include "store/db/db.hpp"
#include "store/messaging/kafka_config.hpp"

namespace store::config {
class Loader;
}

namespace store::payment {

struct Settings {
  db::Options db;
  cache::Options cache;  // the session revocation list (libs/auth)
  auth::AuthOptions auth;
  PaymentOptions payments;
  std::string provider = "sandbox";  // sandbox | stripe (adapters/providers.hpp)
  SandboxOptions sandbox;
  StripeOptions stripe;
  std::string shop_name = "StoreMicroservices";
  std::string shop_base_url = "http://127.0.0.1:18080";
  std::chrono::milliseconds reconcile_interval{std::chrono::seconds(5)};
  messaging::KafkaConfig kafka;
  std::string topic_prefix;
  bool consumer_enabled = true;
  std::string consumer_group = "payment-orders";
  std::string topic_order_cancelled = "order.cancelled.v1";

  static Settings Declare(config::Loader& cfg);
};

}  // namespace store::payment
