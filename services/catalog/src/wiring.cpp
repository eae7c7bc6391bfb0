#include "wiring.hpp"

#include <cstdlib>

#include "http/dto.hpp"
#include "store/core/money.hpp"
#include "store/db/migrations.hpp"
#include "store/http/ops.hpp"
#include "store/log/log.hpp"

namespace store::catalog {

ServiceOptions ServiceOptions::Declare(config::Loader& cfg) {
  ServiceOptions o;
  o.db = db::Options::Declare(cfg);
  o.cache = cache::Options::Declare(cfg);
  o.kafka = messaging::KafkaConfig::Load(cfg, "catalog");
  o.settings.currency = cfg.String("shop.currency", "EUR", "ISO 4217 currency of every price", [](const std::string& v) {
    return core::Currency::Parse(v) ? std::nullopt : std::optional<std::string>("must be three uppercase letters");
  });
  const char* state = std::getenv("STORE_STATE");
  std::string media_default = (state && *state ? std::string(state) : std::string("./.state")) + "/media";
  o.media_dir = cfg.String("media.dir", media_default, "Directory of product images (the gateway serves it as /media/)");
  o.settings.media_url = cfg.String("media.url", "/media", "Public URL prefix of media.dir");
  o.settings.low_stock = cfg.Int("stock.low_threshold", 5, "The admin's low-stock list: SKUs with at most this many units available", 0, 1000000);
  o.settings.topic_prefix =
      cfg.String("events.topic_prefix", "", "Put before the catalog events' topics (a test's or a benchmark's own topics)");
  o.image_max_bytes = cfg.Bytes("media.max_bytes", 8 * 1024 * 1024, "Largest accepted image upload");
  o.settings.reservation_ttl = std::chrono::duration_cast<std::chrono::seconds>(
      cfg.Duration("reservation.ttl", std::chrono::minutes(15), "How long reserved stock waits for payment"));
  o.sweep_interval = cfg.Duration("reservation.sweep_interval", std::chrono::seconds(1), "How often expired reservations are released");
  o.cache_prefix = cfg.String("cache.prefix", "catalog:", "Prefix of the catalog's Redis keys");
  o.page_ttl = cfg.Duration("cache.page_ttl", std::chrono::minutes(10), "Lifetime of a cached product page");
  o.consumer_enabled = cfg.Bool("consumer.enabled", true, "Consume order/payment events (reservations)");
  o.consumer_group = cfg.String("consumer.group", "catalog-stock", "Kafka consumer group of the stock consumer");
  o.consumer_batch_max = static_cast<int>(
      cfg.Int("consumer.batch_max", 200, "Most events of one partition applied by one transaction", 1, 10000));
  o.topics.order_placed = cfg.String("consumer.topic_order_placed", "order.placed.v1", "Topic of order.placed events");
  o.topics.order_cancelled = cfg.String("consumer.topic_order_cancelled", "order.cancelled.v1", "Topic of order.cancelled events");
  o.topics.order_confirmed =
      cfg.String("consumer.topic_order_confirmed", "order.confirmed.v1", "Topic of order.confirmed events (the reservation is committed)");
  return o;
}

CatalogService::CatalogService(ServiceOptions options, CatalogEngines& engines, const core::Clock& clock, AdminCheck admin,
                               ServiceCheck service)
    : options_(std::move(options)),
      engines_(engines),
      clock_(clock),
      store_(engines.db(), options_.settings, clock),
      pages_(engines.cache(), options_.cache_prefix, options_.page_ttl),
      media_(options_.media_dir, options_.settings.renditions),
      invalidation_(pages_, options_.page_drop_again),
      context_{store_, invalidation_, options_.settings, clock},
      handlers_{.category_tree = {context_},
                .category = {context_},
                .browse = {context_},
                .brands = {context_},
                .product_types = {context_},
                .create_category = {context_},
                .update_category = {context_},
                .delete_category = {context_},
                .create_product_type = {context_},
                .update_product_type = {context_},
                .product_page = {context_, pages_,
                                 [this](const ProductView& p) { return boost::json::serialize(ProductPageJson(p, options_.settings)); }},
                .product = {context_},
                .products = {context_},
                .offers = {context_},
                .create_product = {context_},
                .update_product = {context_},
                .add_variant = {context_},
                .update_variant = {context_},
                .add_image = {context_, media_},
                .remove_image = {context_, media_},
                .stock = {context_},
                .reservation = {context_},
                .set_stock = {context_},
                .adjustments = {context_},
                .low_stock = {context_},
                .reserve = {context_},
                .settle = {context_},
                .release_expired = {context_},
                .stock_events = {context_}},
      api_{handlers_, std::move(admin), std::move(service), options_.settings, options_.image_max_bytes} {}

CatalogService::~CatalogService() { Stop(); }

void CatalogService::Migrate() {
  if (auto m = db::Migrate(db(), STORE_CATALOG_MIGRATIONS_DIR); !m) throw std::runtime_error("catalog migrations: " + m.error().message);
  if (auto m = db::Migrate(db(), STORE_CATALOG_MESSAGING_MIGRATIONS_DIR); !m)
    throw std::runtime_error("messaging migrations: " + m.error().message);
  media_.Prepare();
}

void CatalogService::AddRoutes(http::Router& router, metrics::Readiness& readiness) {
  catalog::AddRoutes(router, api_);
  readiness.Add("db", [this]() { return db().Ping(); });
  readiness.Add("cache", [this]() { return cache().Ping(); });
}

void CatalogService::StartBackground(metrics::Registry& registry) {
  sweep_ = std::make_unique<service::Periodic>(options_.sweep_interval, [this] {
    auto n = SweepOnce();
    if (!n) log::Warn("releasing expired reservations failed", {{"error", n.error().message}});
    else if (*n > 0) log::Info("expired reservations released", {{"count", *n}});
  });
  if (!options_.consumer_enabled) return;
  // One consumer for the three topics, in batches of one partition; the inbox makes each event's
  // effect happen once.
  messaging::RunnerOptions ro;
  ro.consumer.kafka = options_.kafka;
  ro.consumer.group_id = options_.consumer_group;
  ro.consumer.topics = {options_.topics.order_placed, options_.topics.order_cancelled, options_.topics.order_confirmed};
  ro.consumer.batch_max = options_.consumer_batch_max;
  auto runner = messaging::ConsumerRunner::CreateBatching(
      ro, StockConsumerHandler(db(), options_.settings, clock_, handlers_.stock_events, options_.topics), &registry);
  if (!runner) throw std::runtime_error("kafka consumer: " + runner.error().message);
  consumer_ = std::move(*runner);
  consumer_->Start();
}

void CatalogService::Stop() {
  if (consumer_) consumer_->Stop();
  sweep_.reset();
}

}  // namespace store::catalog
