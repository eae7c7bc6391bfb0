// store_payment: payment intents, provider webhooks, refunds, the transaction log and receipts
// (README.md). Wiring only; the start-up (arguments, config, logging, ops routes, server,
// signals, exit codes) is store::service::Run.
//   store_payment [--config FILE] | --help-config
#include <memory>

#include "adapters/mariadb_payments.hpp"
#include "adapters/order_consumer.hpp"
#include "adapters/receipt_documents.hpp"
#include "adapters/providers.hpp"
#include "app/payments.hpp"
#include "http/routes.hpp"
#include "settings.hpp"
#include "store/db/migrations.hpp"
#include "store/idempotency/idempotency.hpp"
#include "store/log/log.hpp"
#include "store/messaging/consumer_runner.hpp"
#include "store/service/periodic.hpp"
#include "store/service/service.hpp"

namespace payment = store::payment;

namespace {

// The reconciliation round (store::service::Periodic, every reconcile.interval), each round on an
// io_context of its own with a provider of its own (MakeProvider: its pooled connections belong to
// one io_context): stuck intents asked of the provider, cancelled orders' payments voided or
// refunded, refunds of unknown outcome asked again, old idempotency keys dropped.
std::unique_ptr<store::service::Periodic> Reconciler(payment::PaymentStore& store, store::idempotency::Store& keys,
                                                     const payment::Settings& s, const store::core::Clock& clock) {
  return std::make_unique<store::service::Periodic>(s.reconcile_interval, [&store, &keys, &clock, s] {
    store::service::RunRound([&]() -> boost::asio::awaitable<void> {
      std::unique_ptr<payment::Provider> provider = payment::MakeProvider(s);
      payment::Payments payments(store, *provider, clock, s.payments);
      auto report = co_await payments.ReconcileOnce();
      if (!report) store::log::Warn("the payment reconciliation round failed", {{"error", report.error().message}});
      else if (report->intents + report->refunds > 0)
        store::log::Info("payments reconciled", {{"intents", report->intents}, {"refunds", report->refunds}});
      auto purged = co_await keys.Purge(clock.Now() - std::chrono::hours(24), 1000);
      if (!purged) store::log::Warn("dropping old idempotency keys failed", {{"error", purged.error().message}});
    });
  });
}

void Migrate(store::db::Database& db) {
  if (auto m = store::db::Migrate(db, STORE_PAYMENT_MIGRATIONS_DIR); !m) throw std::runtime_error("payment migrations: " + m.error().message);
  if (auto m = store::db::Migrate(db, STORE_PAYMENT_MESSAGING_MIGRATIONS_DIR); !m)
    throw std::runtime_error("messaging migrations: " + m.error().message);
  if (auto m = store::db::Migrate(db, STORE_PAYMENT_IDEMPOTENCY_MIGRATIONS_DIR); !m)
    throw std::runtime_error("idempotency migrations: " + m.error().message);
}

// The service's parts; members are destroyed in reverse order after the server stopped.
struct Payment {
  store::db::Database db;
  store::cache::Cache cache;
  store::auth::Authenticator authenticator;
  std::unique_ptr<payment::Provider> provider;  // provider.name's (adapters/providers.hpp)
  payment::MariaDbPayments store;
  store::idempotency::MariaDbStore keys;
  payment::Payments payments;
  store::idempotency::Idempotent idempotent;
  payment::LibharuReceipts receipts;
  payment::HttpApi api;
  std::unique_ptr<store::service::Periodic> reconciler;
  std::unique_ptr<store::messaging::ConsumerRunner> orders;  // order.cancelled; stops first

  Payment(const payment::Settings& s, store::service::Context& ctx)
      : db(s.db),
        cache(s.cache),
        authenticator(s.auth, &cache, ctx.clock()),
        provider(payment::MakeProvider(s)),
        store(db, ctx.clock(), s.topic_prefix),
        keys(db),
        payments(store, *provider, ctx.clock(), s.payments),
        idempotent(keys, ctx.clock()),
        api{.payments = payments, .store = store, .idempotent = idempotent, .authenticator = authenticator,
            .receipts = receipts, .shop_name = s.shop_name, .shop_base_url = s.shop_base_url} {
    Migrate(db);
    payment::AddRoutes(ctx.router(), api);
    reconciler = Reconciler(store, keys, s, ctx.clock());
    if (s.consumer_enabled) {
      store::messaging::RunnerOptions ro;
      ro.consumer.kafka = s.kafka;
      ro.consumer.group_id = s.consumer_group;
      ro.consumer.topics = {s.topic_order_cancelled};
      ro.consumer.batch_max = 100;
      auto runner = store::messaging::ConsumerRunner::CreateBatching(ro, payment::OrderCancelledHandler(db), &ctx.registry());
      if (!runner) throw std::runtime_error("order.cancelled consumer: " + runner.error().message);
      orders = std::move(*runner);
      orders->Start();
    }
    ctx.readiness().Add("db", [this]() { return db.Ping(); });
  }
};

}  // namespace

int main(int argc, char** argv) {
  return store::service::Run<payment::Settings>(
      argc, argv,
      {.spec = {.name = "payment", .env_prefix = "PAYMENT", .defaults_file = STORE_SERVICE_DEFAULTS_FILE,
                .http = {.port = 18140, .threads = 2}},
       .declare = &payment::Settings::Declare,
       .start = [](const payment::Settings& s, store::service::Context& ctx) -> store::service::Running {
         return std::make_shared<Payment>(s, ctx);
       }});
}
