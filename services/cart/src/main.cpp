// store_cart: guest and customer carts (README.md). Wiring only; the start-up (arguments, config,
// logging, ops routes, server, signals, exit codes) is store::service::Run.
//   store_cart [--config FILE] | --help-config
#include <atomic>
#include <thread>

#include "adapters/catalog_offers.hpp"
#include "adapters/kafka_events.hpp"
#include "adapters/mongo_cart_store.hpp"
#include "adapters/order_consumer.hpp"
#include "adapters/recent_offers.hpp"
#include "adapters/redis_cart_cache.hpp"
#include "app/carts.hpp"
#include "app/relay.hpp"
#include "http/routes.hpp"
#include "settings.hpp"
#include "store/log/log.hpp"
#include "store/messaging/consumer_runner.hpp"
#include "store/service/periodic.hpp"
#include "store/service/service.hpp"

namespace cart = store::cart;
using boost::asio::awaitable;

namespace {

// The store's indexes (made at start; a store away then: by the sweep's next round). Not on
// FerretDB 1.x: it looks nothing up by an index but _id's, so there they would only cost every write.
// Sets `done` once nothing is left to do, so later rounds ask the store nothing.
awaitable<void> EnsureIndexes(store::docstore::DocStore& docs, cart::MongoCartStore& store, std::atomic<bool>& done) {
  if (done) co_return;
  auto ferret = co_await docs.IsFerretDb();
  store::core::Status made = ferret ? store::core::Status{} : store::core::Status(std::unexpected(ferret.error()));
  if (made && !*ferret) made = co_await store.EnsureIndexes();
  if (made) done = true;
  else store::log::Warn("the cart store's indexes could not be made (retried by the next sweep)", {{"error", made.error().message}});
}

// Deletes expired guest carts every sweep_interval (FerretDB has no TTL indexes); safe with
// several instances (each delete names the version it found).
std::unique_ptr<store::service::Periodic> GuestSweep(cart::Carts& carts, store::docstore::DocStore& docs, cart::MongoCartStore& store,
                                                     std::atomic<bool>& indexed, const store::core::Clock& clock, const cart::Settings& s) {
  return std::make_unique<store::service::Periodic>(s.sweep_interval, [&carts, &docs, &store, &indexed, &clock, batch = s.sweep_batch] {
    store::service::RunRound([&]() -> awaitable<void> {
      co_await EnsureIndexes(docs, store, indexed);
      auto deleted = co_await carts.DeleteExpiredGuests(clock.Now(), batch);
      if (!deleted) store::log::Warn("the guest cart sweep failed", {{"error", deleted.error().message}});
      else if (*deleted > 0) store::log::Info("expired guest carts deleted", {{"count", static_cast<std::int64_t>(*deleted)}});
    });
  });
}

// Runs the outbox relay on its own thread until destroyed (then it stops the relay, cancels the
// sends a broker outage holds up, and joins).
class RelayThread {
 public:
  RelayThread(cart::OutboxRelay& relay, cart::KafkaEvents& events)
      : relay_(relay), events_(events), thread_([this] { relay_.Run(); }) {}
  ~RelayThread() {
    relay_.Stop();
    events_.Cancel();
    thread_.join();
  }

 private:
  cart::OutboxRelay& relay_;
  cart::KafkaEvents& events_;
  std::thread thread_;
};

// The service's parts; members are destroyed in reverse order after the server stopped.
struct Cart {
  store::docstore::DocStore docs;
  store::cache::Cache cache;
  store::auth::Authenticator authenticator;
  store::http::Client catalog_client;
  cart::MongoCartStore store;
  cart::RedisCartCache cached;  // read through Redis; writes go through it to the store
  cart::CatalogOffers offers;
  cart::RecentOffers review_offers;  // reviews: offers up to catalog.review_offer_ttl old
  cart::Carts carts;
  cart::CartOwner owner;
  cart::HttpApi api;
  cart::KafkaEvents events;
  cart::OutboxRelay relay;
  RelayThread relay_thread;
  std::atomic<bool> indexed{false};  // the store's indexes are made (or not wanted)
  std::unique_ptr<store::service::Periodic> sweep;
  std::unique_ptr<store::messaging::ConsumerRunner> orders;  // order.confirmed; stops first

  Cart(const cart::Settings& s, store::service::Context& ctx)
      : docs(s.docstore),
        cache(s.cache),
        authenticator(s.auth, &cache, ctx.clock()),
        catalog_client(s.catalog_client),
        store(docs, s.guest_ttl, s.topic_prefix),
        cached(store, cache, s.cache_prefix, s.cache_ttl),
        offers(catalog_client, s.catalog_url),
        review_offers(offers, ctx.clock(), s.review_offer_ttl),
        carts(cached, offers, ctx.clock(), s.limits, 5, s.review_offer_ttl.count() > 0 ? &review_offers : nullptr),
        owner(authenticator, s.cookie),
        api{carts, owner},
        events(s.kafka),
        relay(cached, events, carts.locks(), carts.published(), ctx.clock(), s.relay_drop_delay, s.relay_scan_interval),
        relay_thread(relay, events),
        sweep(GuestSweep(carts, docs, store, indexed, ctx.clock(), s)) {
    store::service::RunRound([this]() -> awaitable<void> { co_await EnsureIndexes(docs, store, indexed); });
    carts.OnEvents([this](const cart::CartKey& key) { relay.Wake(key); });
    cart::AddRoutes(ctx.router(), api);
    ctx.registry().SetGauge("cart_events_published_total", "Cart events acknowledged by Kafka and dropped from their outbox",
                            {}, [this] { return double(relay.stats().published); });
    ctx.registry().SetGauge("cart_carts_awaiting_drop", "Carts whose published events are still in their documents (dropped by their next change or after relay.drop_delay)",
                            {}, [this] { return double(carts.published().carts()); });
    // Ready when the store answers; Redis and the catalog are not needed to serve (without Redis
    // the carts come from the store alone; a customer's token cannot be checked against the
    // revocation list: 503 for those).
    if (s.consumer_enabled) {
      store::messaging::RunnerOptions ro;
      ro.consumer.kafka = s.kafka;
      ro.consumer.group_id = s.consumer_group;
      ro.consumer.topics = {s.topic_order_confirmed};
      ro.consumer.batch_max = 100;
      auto runner = store::messaging::ConsumerRunner::CreateBatching(ro, cart::OrderConfirmedHandler(carts), &ctx.registry());
      if (!runner) throw std::runtime_error("order.confirmed consumer: " + runner.error().message);
      orders = std::move(*runner);
      orders->Start();
    }
    ctx.readiness().Add("docstore", [this]() -> awaitable<store::core::Status> { co_return co_await docs.Ping(); });
  }
};

}  // namespace

int main(int argc, char** argv) {
  return store::service::Run<cart::Settings>(
      argc, argv,
      {.spec = {.name = "cart", .env_prefix = "CART", .defaults_file = STORE_SERVICE_DEFAULTS_FILE,
                .http = {.port = 18130, .threads = 2}},
       .declare = &cart::Settings::Declare,
       .start = [](const cart::Settings& s, store::service::Context& ctx) -> store::service::Running {
         return std::make_shared<Cart>(s, ctx);
       }});
}
