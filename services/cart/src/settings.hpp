// Every configuration key of store_cart but http.* and log.level (the start-up helper's),
// declared once with its default and description (README: the table; --help-config prints it).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "domain/cart.hpp"
#include "http/who.hpp"
#include "store/auth/authenticator.hpp"
#include "store/cache/cache.hpp"
#include "store/docstore/docstore.hpp"
#include "store/http/client.hpp"
#include "store/messaging/kafka_config.hpp"

namespace store::config {
class Loader;
}

namespace store::cart {

struct Settings {
  docstore::Options docstore;
  cache::Options cache;  // Redis: the carts' read-through cache and the session revocation list (libs/auth)
  std::string cache_prefix = "cart:";
  std::chrono::milliseconds cache_ttl{std::chrono::minutes(10)};
  auth::AuthOptions auth;
  std::string catalog_url;
  http::ClientOptions catalog_client;
  std::chrono::milliseconds review_offer_ttl{1000};  // 0: reviews ask the catalog every time
  Limits limits;
  std::chrono::seconds guest_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds sweep_interval{std::chrono::minutes(1)};
  std::int64_t sweep_batch = 500;
  CookieOptions cookie;
  messaging::KafkaConfig kafka;
  std::chrono::milliseconds relay_scan_interval{std::chrono::seconds(5)};
  std::chrono::milliseconds relay_drop_delay{std::chrono::minutes(1)};
  std::string topic_prefix;
  bool consumer_enabled = true;
  std::string consumer_group = "cart-orders";
  std::string topic_order_confirmed = "order.confirmed.v1";

  static Settings Declare(config::Loader& cfg);
};

}  // namespace store::cart
