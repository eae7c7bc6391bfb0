#include "settings.hpp"

#include "store/config/config.hpp"

namespace store::cart {

Settings Settings::Declare(config::Loader& cfg) {
  Settings s;
  s.docstore = docstore::Options::Declare(cfg);
  s.cache = cache::Options::Declare(cfg);
  s.cache_prefix = cfg.String("cache.prefix", "cart:", "Prefix of the cart cache's Redis keys");
  s.cache_ttl = cfg.Duration("cache.cart_ttl", std::chrono::minutes(10), "How long a cart stays in the Redis cache after it was last read or written");
  s.auth = auth::AuthOptions::Declare(cfg);
  s.catalog_url = cfg.String("catalog.url", "http://127.0.0.1:18110", "Base URL of the catalog service (offers of SKUs)");
  s.catalog_client.read_timeout = cfg.Duration("catalog.timeout", std::chrono::milliseconds(1000),
                                                "How long the catalog may take to answer before a change is refused (503)");
  s.catalog_client.connect_timeout = s.catalog_client.read_timeout;
  s.review_offer_ttl = cfg.Duration("catalog.review_offer_ttl", std::chrono::seconds(1),
                                    "How old the catalog's offers on a cart review may be (0s: ask the catalog for every review; changes always ask)");
  s.catalog_client.max_retries = 1;
  s.catalog_client.user_agent = "store-cart";
  s.limits.max_lines = static_cast<int>(cfg.Int("limits.max_lines", 100, "Most lines in one cart", 1, 1000));
  s.limits.max_per_line = static_cast<int>(cfg.Int("limits.max_per_line", 99, "Highest quantity of one line", 1, 10000));
  s.limits.low_stock = static_cast<int>(cfg.Int("limits.low_stock", 5, "A line says \"only N left\" at or below this stock", 0, 1000));
  s.guest_ttl = std::chrono::duration_cast<std::chrono::seconds>(
      cfg.Duration("guest.ttl", std::chrono::hours(24 * 30), "How long a guest cart lives after its last change"));
  s.sweep_interval = cfg.Duration("guest.sweep_interval", std::chrono::minutes(1), "How often expired guest carts are deleted");
  s.sweep_batch = cfg.Int("guest.sweep_batch", 500, "Most expired guest carts deleted by one sweep round", 1, 100000);
  s.cookie.name = cfg.String("cookie.name", "cart_token", "Name of the guest cart token's cookie");
  s.cookie.path = cfg.String("cookie.path", "/api", "Path of the cookie: the APIs' path as browsers see it (the order service reads it too: a guest's checkout)");
  s.cookie.secure = cfg.Bool("cookie.secure", true, "Mark the cookie Secure (browsers still send it to http://localhost)");
  s.cookie.max_age = s.guest_ttl;
  s.kafka = messaging::KafkaConfig::Load(cfg, "cart");
  s.relay_scan_interval = cfg.Duration("relay.scan_interval", std::chrono::seconds(5),
                                       "How often the event relay looks for carts with unpublished events (after a crash or a failed publish)");
  s.relay_drop_delay = cfg.Duration("relay.drop_delay", std::chrono::minutes(1),
                                    "How long published events may stay in a cart's document for its next change to drop them (0s: dropped at once)");
  s.topic_prefix = cfg.String("events.topic_prefix", "", "Put before the cart events' topics (\"bench.\": a benchmark's own topics)");
  s.consumer_enabled = cfg.Bool("consumer.enabled", true, "Consume order.confirmed (ordered lines leave the cart)");
  s.consumer_group = cfg.String("consumer.group", "cart-orders", "Kafka consumer group of the order.confirmed consumer");
  s.topic_order_confirmed = cfg.String("consumer.topic_order_confirmed", "order.confirmed.v1", "Topic of order.confirmed events");
  return s;
}

}  // namespace store::cart
