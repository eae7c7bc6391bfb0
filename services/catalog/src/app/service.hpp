// CatalogService: the wiring of store_catalog (and of the component tests, which run it
// in-process): configuration, MariaDB + migrations, Redis, the HTTP routes, the Kafka consumer of
// order.placed / order.cancelled / payment.succeeded (through the inbox), and the background
// task that releases expired reservations.
#pragma once
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/catalog.hpp"
#include "http/routes.hpp"
#include "store/cache/cache.hpp"
#include "store/config/config.hpp"
#include "store/db/db.hpp"
#include "store/http/server.hpp"
#include "store/messaging/consumer.hpp"
#include "store/messaging/kafka_config.hpp"
#include "store/metrics/metrics.hpp"

namespace store::catalog {

struct ServiceOptions {
  Settings settings;
  db::Options db;
  cache::Options cache;
  messaging::KafkaConfig kafka;
  std::string media_dir;
  std::int64_t image_max_bytes = 8 * 1024 * 1024;
  std::string cache_prefix = "catalog:";
  std::chrono::milliseconds page_ttl{std::chrono::minutes(10)};
  bool consumer_enabled = true;
  std::string consumer_group = "catalog-stock";
  std::string topic_order_placed = "order.placed.v1";
  std::string topic_order_cancelled = "order.cancelled.v1";
  std::string topic_payment_succeeded = "payment.succeeded.v1";
  std::chrono::milliseconds sweep_interval{1000};
  // Declares every key above (and http.* is left to the caller).
  static ServiceOptions Declare(config::Loader& cfg);
};

class CatalogService {
 public:
  CatalogService(ServiceOptions options, const core::Clock& clock, AdminCheck admin);
  ~CatalogService();
  // Applies the migrations (the service's and libs/messaging's). Throws on failure.
  void Migrate();
  // The routes (API + ops). The service must outlive the router's server.
  http::Router BuildRouter(metrics::Registry& registry, metrics::Readiness& readiness);
  // Starts the consumer and the expiry task (background threads); Stop() ends them.
  void StartBackground();
  void Stop();

  db::Database& db() { return db_; }
  cache::Cache& cache() { return cache_; }
  const Catalog& catalog() const { return catalog_; }
  HttpDeps& deps() { return deps_; }
  // One expiry round now (tests): releases due reservations, returns how many.
  core::Result<int> SweepOnce();

 private:
  void InvalidateSync(const Changes& changes);
  void SweepLoop();

  ServiceOptions options_;
  const core::Clock& clock_;
  db::Database db_;
  cache::Cache cache_;
  Catalog catalog_;
  core::BlockingPool cpu_{2};
  HttpDeps deps_;
  std::unique_ptr<messaging::Consumer> consumer_;
  std::thread consumer_thread_, sweep_thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace store::catalog
