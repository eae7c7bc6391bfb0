// The composition root of store_catalog (main.cpp), of the component tests (which run the service
// in-process) and of store_catalog_demo: the only place that knows every concrete type.
//
//   CatalogEngines engines(options);                       MariaDB and Redis pools
//   auth::Authenticator auth(auth_options, &engines.cache(), clock);   (revocations live in Redis)
//   CatalogService service(options, engines, clock, auth::RoleGuard(auth, "admin"), auth::RoleGuard(auth, "service"));
//   service.Migrate(); service.StartBackground(registry); service.AddRoutes(router, readiness); ... service.Stop();
//
// CatalogService owns the adapters (MariaDB store, Redis page cache, media files), the one page
// invalidation, the use case handlers, the HTTP API, the Kafka stock consumer and the expiry sweep
// thread. Destroy it before the engines.
#pragma once
#include <memory>
#include <string>

#include "adapters/mariadb_catalog.hpp"
#include "adapters/media_files.hpp"
#include "adapters/redis_page_cache.hpp"
#include "adapters/stock_consumer.hpp"
#include "app/handlers.hpp"
#include "http/routes.hpp"
#include "store/cache/cache.hpp"
#include "store/config/config.hpp"
#include "store/db/db.hpp"
#include "store/messaging/consumer_runner.hpp"
#include "store/messaging/kafka_config.hpp"
#include "store/metrics/metrics.hpp"
#include "store/service/periodic.hpp"

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
  // The second drop of a changed product's pages (app/page_invalidation.hpp); not a config key.
  std::chrono::milliseconds page_drop_again{PageInvalidation::kAgainAfter};
  bool consumer_enabled = true;
  std::string consumer_group = "catalog-stock";
  int consumer_batch_max = 200;
  StockTopics topics;
  std::chrono::milliseconds sweep_interval{1000};
  // Declares every key above (http.* and auth.* are the caller's).
  static ServiceOptions Declare(config::Loader& cfg);
};

// The engines' client pools (opened lazily).
class CatalogEngines {
 public:
  explicit CatalogEngines(const ServiceOptions& options) : db_(options.db), cache_(options.cache) {}
  db::Database& db() { return db_; }
  cache::Cache& cache() { return cache_; }

 private:
  db::Database db_;
  cache::Cache cache_;
};

class CatalogService {
 public:
  // admin: the admin check of the admin routes, service: the check of the service-to-service
  // routes (reservations); both auth::RoleGuard, whose authenticator must outlive the service.
  CatalogService(ServiceOptions options, CatalogEngines& engines, const core::Clock& clock, AdminCheck admin,
                 ServiceCheck service);
  ~CatalogService();
  // Applies the migrations (the service's and libs/messaging's), creates media.dir. Throws.
  void Migrate();
  // Adds the API routes and the readiness checks (the ops routes are the start-up helper's). The
  // service must outlive the router's server.
  void AddRoutes(http::Router& router, metrics::Readiness& readiness);
  // Starts the stock consumer (its lag gauge in `registry`) and the expiry sweep (background
  // threads); Stop() ends them.
  void StartBackground(metrics::Registry& registry);
  void Stop();

  db::Database& db() { return engines_.db(); }
  cache::Cache& cache() { return engines_.cache(); }
  const ServiceOptions& options() const { return options_; }
  const CatalogHandlers& handlers() const { return handlers_; }
  RedisPageCache& page_cache() { return pages_; }
  // One expiry round now (tests): releases due reservations, returns how many.
  core::Result<int> SweepOnce() { return handlers_.release_expired.RunOnce(); }

 private:
  ServiceOptions options_;
  CatalogEngines& engines_;
  const core::Clock& clock_;
  MariaDbCatalogStore store_;
  RedisPageCache pages_;
  MediaFiles media_;
  PageInvalidation invalidation_;
  AppContext context_;
  CatalogHandlers handlers_;
  HttpApi api_;
  std::unique_ptr<messaging::ConsumerRunner> consumer_;
  std::unique_ptr<service::Periodic> sweep_;  // the expiry sweep
};

}  // namespace store::catalog
