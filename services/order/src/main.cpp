// store_order: checkout and orders, the order's side of the saga (README.md). Wiring only; the
// start-up (arguments, config, logging, ops routes, server, signals, exit codes) is
// store::service::Run.
//   store_order [--config FILE] | --help-config
#include <memory>

#include "adapters/mariadb_orders.hpp"
#include "adapters/saga_consumer.hpp"
#include "adapters/service_clients.hpp"
#include "app/checkout.hpp"
#include "app/saga.hpp"
#include "http/routes.hpp"
#include "settings.hpp"
#include "store/db/migrations.hpp"
#include "store/idempotency/idempotency.hpp"
#include "store/log/log.hpp"
#include "store/messaging/consumer_runner.hpp"
#include "store/service/periodic.hpp"
#include "store/service/service.hpp"

namespace order = store::order;

namespace {

void Migrate(store::db::Database& db) {
  for (const char* dir : {STORE_ORDER_MIGRATIONS_DIR, STORE_ORDER_MESSAGING_MIGRATIONS_DIR, STORE_ORDER_IDEMPOTENCY_MIGRATIONS_DIR})
    if (auto m = store::db::Migrate(db, dir); !m) throw std::runtime_error(std::string("migrations of ") + dir + ": " + m.error().message);
}

// The saga round (every saga.interval, and at once when the consumer made work due): on an
// io_context of its own, with a payment client of its own (its pooled connections belong to it).
std::unique_ptr<store::service::Periodic> SagaRound(order::OrderStore& store, store::auth::ServiceTokenSource& tokens,
                                                    store::idempotency::Store& keys, const order::Settings& s,
                                                    const store::core::Clock& clock) {
  return std::make_unique<store::service::Periodic>(s.saga_interval, [&store, &tokens, &keys, &clock, &s] {
    store::service::RunRound([&]() -> boost::asio::awaitable<void> {
      store::http::Client client(s.client);
      order::HttpPayments payments(client, s.payment_url, [&tokens]() { return tokens.Token(); });
      order::Saga saga(store, payments, clock, s.saga);
      for (;;) {  // until a round leaves nothing due (a burst of reserved orders is done at once)
        auto report = co_await saga.RunOnce();
        if (!report) {
          store::log::Warn("the order saga round failed", {{"error", report.error().message}});
          break;
        }
        if (report->intents + report->confirmed + report->cancelled + report->retried == 0) break;
        if (report->intents + report->confirmed + report->cancelled < s.saga.batch) break;
      }
      auto purged = co_await keys.Purge(clock.Now() - std::chrono::hours(24), 1000);
      if (!purged) store::log::Warn("dropping old idempotency keys failed", {{"error", purged.error().message}});
    });
  });
}

// The service's parts; members are destroyed in reverse order after the server stopped.
struct Order {
  const order::Settings& s;
  store::db::Database db;
  store::cache::Cache cache;
  store::auth::Authenticator authenticator;
  store::auth::ServiceTokenSource tokens;
  store::http::Client client;  // the server's io_context: cart, catalog and user calls of requests
  order::HttpCarts carts;
  order::HttpCatalog catalog;
  order::HttpAccounts accounts;
  order::MariaDbOrders store;
  order::Checkout checkout;
  store::idempotency::MariaDbStore keys;
  store::idempotency::Idempotent idempotent;
  order::HttpApi api;
  std::unique_ptr<store::service::Periodic> saga;
  std::unique_ptr<store::messaging::ConsumerRunner> consumer;  // stops first

  Order(const order::Settings& settings, store::service::Context& ctx)
      : s(settings),
        db(s.db),
        cache(s.cache),
        authenticator(s.auth, &cache, ctx.clock()),
        tokens(s.service_client, ctx.clock()),
        client(s.client),
        carts(client, s.cart_url),
        catalog(client, s.catalog_url),
        accounts(client, s.user_url),
        store(db, ctx.clock(), {.topic_prefix = s.topic_prefix, .guest_token_secret = s.checkout.guest_token_secret}),
        checkout(carts, catalog, accounts, store, ctx.clock(), s.checkout),
        keys(db),
        idempotent(keys, ctx.clock()),
        api{.checkout = checkout, .store = store, .idempotent = idempotent, .authenticator = authenticator, .cart_cookie = s.cart_cookie} {
    Migrate(db);
    order::AddRoutes(ctx.router(), api);
    saga = SagaRound(store, tokens, keys, s, ctx.clock());
    if (s.consumer_enabled) {
      store::messaging::RunnerOptions ro;
      ro.consumer.kafka = s.kafka;
      ro.consumer.group_id = s.consumer_group;
      ro.consumer.topics = {s.topic_stock_reserved, s.topic_stock_failed, s.topic_payment_succeeded, s.topic_payment_failed};
      ro.consumer.batch_max = 100;
      order::SagaTopics topics{s.topic_stock_reserved, s.topic_stock_failed, s.topic_payment_succeeded, s.topic_payment_failed};
      auto runner = store::messaging::ConsumerRunner::CreateBatching(
          ro, order::SagaConsumerHandler(db, ctx.clock(), topics, {.topic_prefix = s.topic_prefix, .guest_token_secret = s.checkout.guest_token_secret},
                                     [this] { saga->Wake(); }), &ctx.registry());
      if (!runner) throw std::runtime_error("saga consumer: " + runner.error().message);
      consumer = std::move(*runner);
      consumer->Start();
    }
    ctx.readiness().Add("db", [this]() { return db.Ping(); });
  }
};

}  // namespace

int main(int argc, char** argv) {
  return store::service::Run<order::Settings>(
      argc, argv,
      {.spec = {.name = "order", .env_prefix = "ORDER", .defaults_file = STORE_SERVICE_DEFAULTS_FILE,
                .http = {.port = 18150, .threads = 2}},
       .declare = &order::Settings::Declare,
       .start = [](const order::Settings& s, store::service::Context& ctx) -> store::service::Running {
         return std::make_shared<Order>(s, ctx);
       }});
}
