// The notification service's parts wired together, for main.cpp and the component tests:
// config keys, migrations, the catalog, the dispatcher (sender workers + retry poller), the
// Kafka consumers (a messaging::ConsumerRunner of batching consumers), and the admin routes.
// Start/Stop from one thread; the Service must outlive the HTTP server using its routes.
#pragma once

#include <filesystem>
#include <memory>

#include "adapters/delivery_log.hpp"
#include "adapters/smtp_sender.hpp"
#include "adapters/twilio_sms.hpp"
#include "app/dispatcher.hpp"
#include "app/notifier.hpp"
#include "domain/catalog.hpp"
#include "http/admin_routes.hpp"
#include "store/db/db.hpp"
#include "store/messaging/consumer_runner.hpp"
#include "store/messaging/kafka_config.hpp"
#include "store/messaging/producer.hpp"
#include "store/metrics/metrics.hpp"

namespace store::config {
class Loader;
}

namespace store::notification {

struct ServiceOptions {
  std::filesystem::path templates_dir;
  CatalogOptions catalog;
  SmtpOptions smtp;
  TwilioOptions sms;
  DispatcherOptions dispatcher;
  messaging::KafkaConfig kafka;
  std::string group_id = "notification";
  std::vector<std::string> topics;  // empty: every event type of mappings.json (topic = type)
  std::chrono::milliseconds consumer_retry_max{5000};
  // Consumers of the group in this process, one thread each (partitions are split between
  // them). More than the topics' partitions adds nothing.
  int consumer_instances = 3;
  // Batches: up to batch_max events of one partition (or what arrived within batch_wait) are
  // recorded in the delivery log with ONE MariaDB commit.
  std::size_t batch_max = 200;
  std::chrono::milliseconds batch_wait{20};
  // Declares every key of the service except http.*, db.*, log.level and auth.*.
  static ServiceOptions Declare(config::Loader& cfg);
};

class Service {
 public:
  // Throws std::runtime_error when the templates or mappings are broken or Kafka clients
  // cannot be created (start-up failures).
  Service(ServiceOptions options, db::Database& db, metrics::Registry* registry);
  ~Service();
  // Starts the sender workers, the poller and the consumer thread.
  void Start();
  void Stop();
  const Catalog& catalog() const { return catalog_; }
  Dispatcher& dispatcher() { return *dispatcher_; }
  DeliveryLog& delivery_log() { return log_; }
  // Summed over this process's consumers.
  std::int64_t ConsumerLag() const;
  messaging::ConsumerStats ConsumerStats() const;

 private:
  ServiceOptions options_;
  MariaDbDeliveryLog log_;
  Catalog catalog_;
  std::unique_ptr<messaging::Producer> dlq_producer_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<messaging::ConsumerRunner> consumers_;
};

// Applies the service's migrations and libs/messaging's (outbox, inbox) to db's schema.
core::Status MigrateSchema(db::Database& db);

}  // namespace store::notification
