// The order's side of the saga (choreography through Kafka; README.md has the diagram):
//   order.placed (outbox) -> the catalog reserves -> stock.reserved / stock.reservation_failed
//   -> (this round) the payment intent is made -> the shopper pays -> payment.succeeded -> confirmed
// The consumer (adapters/saga_consumer) applies the catalog's and the payment service's events to
// the order inside the inbox's transaction (exactly once); the calls to other services cannot run
// inside a transaction, so they are this round's: every order with work due (`next_step_at`) is
// leased, its step run, its result written. A crash anywhere leaves the work due: the next round
// (of any instance) does it again, and every step is idempotent (the payment service makes one
// intent per order).
#pragma once

#include <chrono>

#include "app/ports.hpp"

namespace store::order {

struct SagaSettings {
  std::chrono::seconds lease{30};        // an order's step is another instance's after this
  std::chrono::seconds retry_after{2};   // after a transient failure (a service down)
  int batch = 50;
};

struct SagaReport {
  int intents = 0, confirmed = 0, cancelled = 0, retried = 0;
};

class Saga {
 public:
  Saga(OrderStore& store, Payments& payments, const core::Clock& clock, SagaSettings settings)
      : store_(store), payments_(payments), clock_(clock), s_(settings) {}
  // Leases the orders with work due (at most batch) and runs their steps at once.
  awaitable<core::Result<SagaReport>> RunOnce();

 private:
  enum class Outcome { nothing, intent, confirmed, cancelled, retried };
  awaitable<core::Result<Outcome>> Step(const Order& o, TimePoint now);

  OrderStore& store_;
  Payments& payments_;
  const core::Clock& clock_;
  SagaSettings s_;
};

}  // namespace store::order

namespace store::order {

// A saga event from another service, as the consumer decoded it.
struct SagaUpdate {
  std::string order_id;
  SagaEvent event = SagaEvent::stock_reserved;
  std::string reason;        // stock.reservation_failed's, payment.failed's
  std::string failed_lines;  // JSON array text: the lines the catalog could not reserve
  std::string payment_id, card_brand, card_last4;
};

}  // namespace store::order
