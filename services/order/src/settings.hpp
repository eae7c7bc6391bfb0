// Every configuration key of store_order but http.* and log.level (the start-up helper's),
// declared once with its default and description (README: the table; --help-config prints it).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "app/checkout.hpp"
#include "app/saga.hpp"
#include "store/auth/authenticator.hpp"
#include "store/auth/service_token.hpp"
#include "store/cache/cache.hpp"
#include "store/db/db.hpp"
#include "store/http/client.hpp"
#include "store/messaging/kafka_config.hpp"

namespace store::config {
class Loader;
}

namespace store::order {

struct Settings {
  db::Options db;
  cache::Options cache;  // the session revocation list (libs/auth)
  auth::AuthOptions auth;
  auth::ServiceClientOptions service_client;  // the order service's own credential (client credentials)
  CheckoutSettings checkout;
  SagaSettings saga;
  std::chrono::milliseconds saga_interval{std::chrono::seconds(1)};
  std::string cart_url = "http://127.0.0.1:18130";
  std::string catalog_url = "http://127.0.0.1:18110";
  std::string user_url = "http://127.0.0.1:18100";
  std::string payment_url = "http://127.0.0.1:18140";
  http::ClientOptions client;
  std::string cart_cookie = "cart_token";
  messaging::KafkaConfig kafka;
  std::string topic_prefix;  // before the order events' topics
  bool consumer_enabled = true;
  std::string consumer_group = "order-saga";
  std::string topic_stock_reserved = "stock.reserved.v1";
  std::string topic_stock_failed = "stock.reservation_failed.v1";
  std::string topic_payment_succeeded = "payment.succeeded.v1";
  std::string topic_payment_failed = "payment.failed.v1";

  static Settings Declare(config::Loader& cfg);
};

// "DE:1900,FR:2000" -> {DE: 1900, FR: 2000}; throws std::invalid_argument naming what is wrong.
std::map<std::string, std::int64_t> ParseCountryAmounts(const std::string& text);

}  // namespace store::order
