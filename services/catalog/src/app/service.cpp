#include "app/service.hpp"

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>

#include "store/db/migrations.hpp"
#include "store/http/ops.hpp"
#include "store/log/log.hpp"
#include "store/messaging/inbox.hpp"
#include "store/messaging/outbox.hpp"

namespace store::catalog {

namespace json = boost::json;
using core::Errc;

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
  o.image_max_bytes = cfg.Bytes("media.max_bytes", 8 * 1024 * 1024, "Largest accepted image upload");
  o.settings.reservation_ttl = std::chrono::duration_cast<std::chrono::seconds>(
      cfg.Duration("reservation.ttl", std::chrono::minutes(15), "How long reserved stock waits for payment"));
  o.sweep_interval = cfg.Duration("reservation.sweep_interval", std::chrono::seconds(1), "How often expired reservations are released");
  o.cache_prefix = cfg.String("cache.prefix", "catalog:", "Prefix of the catalog's Redis keys");
  o.page_ttl = cfg.Duration("cache.page_ttl", std::chrono::minutes(10), "Lifetime of a cached product page");
  o.consumer_enabled = cfg.Bool("consumer.enabled", true, "Consume order/payment events (reservations)");
  o.consumer_group = cfg.String("consumer.group", "catalog-stock", "Kafka consumer group of the stock consumer");
  o.topic_order_placed = cfg.String("consumer.topic_order_placed", "order.placed.v1", "Topic of order.placed events");
  o.topic_order_cancelled = cfg.String("consumer.topic_order_cancelled", "order.cancelled.v1", "Topic of order.cancelled events");
  o.topic_payment_succeeded = cfg.String("consumer.topic_payment_succeeded", "payment.succeeded.v1", "Topic of payment.succeeded events");
  return o;
}

CatalogService::CatalogService(ServiceOptions options, const core::Clock& clock, AdminCheck admin)
    : options_(std::move(options)),
      clock_(clock),
      db_(options_.db),
      cache_(options_.cache),
      catalog_(options_.settings, clock),
      deps_{db_, cache_, catalog_, cpu_, std::move(admin), options_.media_dir, options_.image_max_bytes,
            options_.cache_prefix, options_.page_ttl} {}

CatalogService::~CatalogService() { Stop(); }

void CatalogService::Migrate() {
  if (auto m = db::Migrate(db_, STORE_CATALOG_MIGRATIONS_DIR); !m)
    throw std::runtime_error("catalog migrations: " + m.error().message);
  if (auto m = db::Migrate(db_, STORE_CATALOG_MESSAGING_MIGRATIONS_DIR); !m)
    throw std::runtime_error("messaging migrations: " + m.error().message);
  std::error_code ec;
  std::filesystem::create_directories(options_.media_dir, ec);
  if (ec) throw std::runtime_error("media.dir " + options_.media_dir + ": " + ec.message());
}

http::Router CatalogService::BuildRouter(metrics::Registry& registry, metrics::Readiness& readiness) {
  http::Router router;
  AddRoutes(router, deps_);
  readiness.Add("db", [this]() { return db_.Ping(); });
  readiness.Add("cache", [this]() { return cache_.Ping(); });
  if (consumer_)
    registry.SetGauge("kafka_consumer_lag", "Records waiting in the assigned partitions", {{"group", options_.consumer_group}},
                      [this] { return consumer_ ? static_cast<double>(consumer_->Lag()) : 0.0; });
  http::AddOpsRoutes(router, registry, readiness);
  return router;
}

void CatalogService::InvalidateSync(const Changes& changes) {
  if (changes.product_ids.empty() && changes.slugs.empty()) return;
  std::vector<cache::Command> dels;
  for (const auto& id : changes.product_ids) dels.push_back({"DEL", PageKey(deps_, id)});
  for (const auto& s : changes.slugs) dels.push_back({"DEL", PageKey(deps_, s)});
  if (auto r = cache_.PipelineSync(dels); !r) log::Warn("page cache invalidation failed", {{"error", r.error().message}});
}

core::Result<int> CatalogService::SweepOnce() {
  int total = 0;
  for (;;) {
    auto fn = [&](db::Connection& c) { return catalog_.ReleaseExpired(c, 100); };
    auto r = db_.TransactionSync(fn);
    if (!r) return std::unexpected(r.error());
    InvalidateSync(r->changes);
    total += r->value;
    if (r->value < 100) return total;
  }
}

void CatalogService::SweepLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    auto n = SweepOnce();
    if (!n) log::Warn("releasing expired reservations failed", {{"error", n.error().message}});
    else if (*n > 0) log::Info("expired reservations released", {{"count", *n}});
    lock.lock();
    cv_.wait_for(lock, options_.sweep_interval, [this] { return stopping_; });
  }
}

void CatalogService::StartBackground() {
  sweep_thread_ = std::thread([this] { SweepLoop(); });
  if (!options_.consumer_enabled) return;
  // One consumer for the three topics; the inbox makes each event's effect happen once.
  auto changes = std::make_shared<Changes>();
  auto effect = [this, changes](db::Connection& c, const messaging::Message& msg, const messaging::Event& ev) -> core::Status {
    auto trace = msg.Trace();
    if (!ev.data.is_object()) return core::Fail(Errc::invalid_argument, "data is not an object");
    const auto& data = ev.data.as_object();
    auto* order = data.if_contains("order_id");
    if (!order || !order->is_string()) return core::Fail(Errc::invalid_argument, "order_id missing");
    std::string order_id(order->as_string());
    if (msg.topic == options_.topic_order_placed) {
      ReserveRequest req{order_id, {}, std::nullopt};
      if (auto* t = data.if_contains("reservation_ttl_seconds"); t && t->is_int64()) req.ttl = std::chrono::seconds(t->as_int64());
      if (auto* lines = data.if_contains("lines"); lines && lines->is_array())
        for (const auto& l : lines->as_array()) {
          ReserveLine line;
          if (l.is_object()) {
            if (auto* s = l.as_object().if_contains("sku"); s && s->is_string()) line.sku = std::string(s->as_string());
            if (auto* q = l.as_object().if_contains("quantity"); q && q->is_int64()) line.quantity = q->as_int64();
          }
          req.lines.push_back(std::move(line));
        }
      auto out = catalog_.Reserve(c, req, trace);
      std::string reason;
      json::array failed;
      if (!out && out.error().code == Errc::invalid_argument) {
        reason = "invalid";
        for (const auto& l : req.lines) failed.push_back(json::object{{"sku", l.sku}, {"requested", l.quantity}, {"available", 0}});
      } else if (!out) {
        return std::unexpected(out.error());
      } else if (!out->value.reserved) {
        if (out->value.failure_reason == "released") return {};  // an old order id again: nothing to say
        reason = out->value.failure_reason;
        failed = out->value.failed_lines;
      } else {
        changes->Merge(out->changes);
        return {};
      }
      auto fail = messaging::NewEvent("stock.reservation_failed.v1",
                                      json::object{{"order_id", order_id}, {"reason", reason}, {"lines", failed}}, clock_.Now());
      return messaging::Outbox::Add(c, "stock.reservation_failed.v1", order_id, fail, trace);
    }
    if (msg.topic == options_.topic_order_cancelled) {
      auto out = catalog_.ReleaseReservation(c, order_id, "cancelled", trace);
      if (!out && (out.error().code == Errc::not_found || out.error().code == Errc::conflict)) {
        log::Info("order cancelled: no reservation to release", {{"order_id", order_id}, {"why", out.error().message}});
        return {};
      }
      if (!out) return std::unexpected(out.error());
      changes->Merge(out->changes);
      return {};
    }
    if (msg.topic == options_.topic_payment_succeeded) {
      auto out = catalog_.CommitReservation(c, order_id, trace);
      if (!out) return std::unexpected(out.error());  // paid without held stock: to the DLQ, for a human
      changes->Merge(out->changes);
      return {};
    }
    return core::Fail(Errc::invalid_argument, "unexpected topic " + msg.topic);
  };
  auto inbox = messaging::InboxHandler(db_, "catalog.stock", effect);
  messaging::Handler handler = [this, inbox, changes](const messaging::Message& m) -> core::Status {
    *changes = {};
    auto s = inbox(m);
    if (s) InvalidateSync(*changes);
    return s;
  };
  messaging::ConsumerOptions co;
  co.kafka = options_.kafka;
  co.group_id = options_.consumer_group;
  co.topics = {options_.topic_order_placed, options_.topic_order_cancelled, options_.topic_payment_succeeded};
  auto consumer = messaging::Consumer::Create(co, handler);
  if (!consumer) throw std::runtime_error("kafka consumer: " + consumer.error().message);
  consumer_ = std::move(*consumer);
  consumer_thread_ = std::thread([this] {
    if (auto s = consumer_->Run(); !s) log::Error("stock consumer stopped", {{"error", s.error().message}});
  });
}

void CatalogService::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (consumer_) consumer_->Stop();
  if (consumer_thread_.joinable()) consumer_thread_.join();
  if (sweep_thread_.joinable()) sweep_thread_.join();
}

}  // namespace store::catalog
