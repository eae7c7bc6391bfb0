// The saga's consumer: stock.reserved / stock.reservation_failed (the catalog) and
// payment.succeeded / payment.failed (the payment service), decoded into SagaUpdates and applied
// through libs/messaging's inbox (each event exactly once, a batch in one transaction). When an
// order's stock was reserved, `wake` starts the saga round at once (its intent is due).
#pragma once

#include <functional>
#include <string>

#include "app/saga.hpp"
#include "store/core/clock.hpp"
#include "store/db/db.hpp"
#include "store/messaging/consumer.hpp"

namespace store::order {

struct SagaTopics {
  std::string stock_reserved = "stock.reserved.v1";
  std::string stock_failed = "stock.reservation_failed.v1";
  std::string payment_succeeded = "payment.succeeded.v1";
  std::string payment_failed = "payment.failed.v1";
};

// invalid_argument (-> the DLQ) for an unexpected topic or a payload without an order_id.
core::Result<SagaUpdate> DecodeSagaEvent(const SagaTopics& topics, const std::string& topic, const boost::json::value& data);

struct EventOptions;
messaging::BatchHandler SagaConsumerHandler(db::Database& db, const core::Clock& clock, SagaTopics topics, const EventOptions& events,
                                            std::function<void()> wake);

}  // namespace store::order
