#include "service.hpp"

#include <boost/algorithm/string.hpp>
#include <curl/curl.h>

#include "adapters/template_files.hpp"
#include "store/config/config.hpp"
#include "store/db/migrations.hpp"
#include "store/log/log.hpp"

namespace store::notification {

ServiceOptions ServiceOptions::Declare(config::Loader& cfg) {
  ServiceOptions o;
  o.templates_dir = cfg.String("templates.dir", STORE_NOTIFICATION_DIR "/templates",
                               "Directory of mappings.json and <locale>/<template>.{subject,txt,html,sms}");
  o.catalog.default_locale = cfg.String("templates.default_locale", "en", "Locale used when an event's locale has no templates");
  o.catalog.shop_name = cfg.String("shop.name", o.catalog.shop_name, "The shop's name, in every message");
  o.catalog.base_url = cfg.String("shop.base_url", o.catalog.base_url,
                                  "Public base URL of the storefront; every link in a message starts with it",
                                  [](const std::string& v) -> std::optional<std::string> {
                                    if (v.starts_with("https://") || v.starts_with("http://")) return std::nullopt;
                                    return "must start with http:// or https://";
                                  });
  o.smtp = SmtpOptions::Declare(cfg);
  o.sms = TwilioOptions::Declare(cfg);
  auto& d = o.dispatcher;
  d.workers = static_cast<int>(cfg.Int("sender.workers", d.workers, "Sender threads (each keeps one SMTP connection)", 1, 64));
  d.send_group = static_cast<int>(cfg.Int("sender.group", d.send_group,
                                          "Deliveries a sender takes at once: one load, sent in turn, one outcome transaction", 1, 256));
  d.queue_limit = static_cast<std::size_t>(cfg.Int("sender.queue_limit", static_cast<std::int64_t>(d.queue_limit),
                                                   "Deliveries queued in memory before the consumer waits", 1, 1000000));
  d.lease = cfg.Duration("sender.lease", d.lease,
                         "An attempt not recorded within this is assumed lost (crash) and made again");
  d.poll_interval = cfg.Duration("retry.poll_interval", d.poll_interval, "How often due retries are looked for");
  d.retry.initial = cfg.Duration("retry.initial", d.retry.initial, "Backoff before the first retry (then doubled, with jitter)");
  d.retry.max = cfg.Duration("retry.max", d.retry.max, "Longest backoff between two attempts");
  d.retry.attempts = static_cast<int>(
      cfg.Int("retry.attempts", d.retry.attempts, "Attempts in total before a transient failure counts as permanent", 1, 1000));
  o.kafka = messaging::KafkaConfig::Load(cfg, "notification");
  o.group_id = cfg.String("consumer.group", o.group_id, "Kafka consumer group");
  d.consumer_group = o.group_id;
  o.consumer_instances = static_cast<int>(cfg.Int("consumer.instances", o.consumer_instances,
                                                  "Consumers (threads) of the group in this process; at most the partitions are useful", 1, 32));
  o.batch_max = static_cast<std::size_t>(cfg.Int("consumer.batch_max", static_cast<std::int64_t>(o.batch_max),
                                                 "Most events of one partition recorded in the delivery log by one transaction", 1, 10000));
  o.batch_wait = cfg.Duration("consumer.batch_wait", o.batch_wait,
                              "How long a batch waits for more events after its first one arrived");
  std::string topics = cfg.String("consumer.topics", "", "Comma-separated topics to consume; empty: every event type of mappings.json");
  if (!topics.empty()) {
    boost::split(o.topics, topics, boost::is_any_of(","));
    for (auto& t : o.topics) boost::trim(t);
  }
  return o;
}

core::Status MigrateSchema(db::Database& db) {
  return db.RunSync([&](db::Connection& c) -> core::Status {
    TRY_STATUS(db::Migrate(c, STORE_NOTIFICATION_DIR "/migrations"));
    TRY_STATUS(db::Migrate(c, STORE_MESSAGING_MIGRATIONS_DIR));
    return {};
  });
}

Service::Service(ServiceOptions options, db::Database& db, metrics::Registry* registry)
    : options_(std::move(options)), log_(db) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  auto catalog = LoadCatalog(options_.templates_dir, options_.catalog);
  if (!catalog) throw std::runtime_error("templates: " + catalog.error().message);
  catalog_ = std::move(*catalog);

  auto producer = messaging::Producer::Create(options_.kafka);
  if (!producer) throw std::runtime_error("kafka producer: " + producer.error().message);
  dlq_producer_ = std::move(*producer);

  EmailSenderFactory email = [smtp = options_.smtp] { return std::make_unique<SmtpSender>(smtp); };
  SmsSenderFactory sms;
  if (options_.sms.enabled) sms = [twilio = options_.sms] { return std::make_unique<TwilioSmsSender>(twilio); };
  dispatcher_ = std::make_unique<Dispatcher>(log_, options_.dispatcher, std::move(email), std::move(sms),
                                             dlq_producer_.get(), registry);
  notifier_ = std::make_unique<Notifier>(
      catalog_, log_, *dispatcher_, options_.sms.enabled, options_.dispatcher.lease,
      registry ? &registry->GetCounter("notification_recorded_total", "Deliveries recorded in the delivery log from events")
               : nullptr);

  messaging::RunnerOptions ro;
  ro.instances = options_.consumer_instances;
  ro.consumer.kafka = options_.kafka;
  ro.consumer.group_id = options_.group_id;
  ro.consumer.topics = options_.topics.empty() ? catalog_.EventTypes() : options_.topics;
  ro.consumer.retry_max = options_.consumer_retry_max;
  ro.consumer.batch_max = options_.batch_max;
  ro.consumer.batch_wait = options_.batch_wait;
  auto consumers = messaging::ConsumerRunner::CreateBatching(
      ro, [this](std::span<const messaging::Message> batch) { return notifier_->HandleBatch(batch); }, registry);
  if (!consumers) throw std::runtime_error("kafka consumer: " + consumers.error().message);
  consumers_ = std::move(*consumers);
}

Service::~Service() { Stop(); }

void Service::Start() {
  dispatcher_->Start();
  consumers_->Start();
}

void Service::Stop() {
  // Consumers first (the workers keep draining the queue, so a consumer waiting in Enqueue gets
  // through), then the workers: queued rows get their leases released for the next start.
  consumers_->Stop();
  dispatcher_->Stop();
}

std::int64_t Service::ConsumerLag() const { return consumers_->Lag(); }

messaging::ConsumerStats Service::ConsumerStats() const { return consumers_->stats(); }

}  // namespace store::notification
