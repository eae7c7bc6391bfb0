// The Kafka side of the stock consumer: decodes order.placed / order.cancelled /
// payment.succeeded envelopes into typed StockEvents and applies each through libs/messaging's
// inbox (its effect exactly once, in ONE transaction with the inbox row), then drops the stale
// product pages. The use case is app/inventory.hpp's StockEventHandler; moving onto the batching
// consumer runner of libs/messaging only changes this file and the wiring.
#pragma once
#include <string>

#include "app/inventory.hpp"
#include "store/db/db.hpp"
#include "store/messaging/consumer.hpp"

namespace store::catalog {

struct StockTopics {
  std::string order_placed = "order.placed.v1";
  std::string order_cancelled = "order.cancelled.v1";
  std::string payment_succeeded = "payment.succeeded.v1";
};

// invalid_argument (-> the DLQ) for an unexpected topic or a payload without an order_id.
core::Result<StockEvent> DecodeStockEvent(const StockTopics& topics, const std::string& topic, const boost::json::value& data);

messaging::Handler StockConsumerHandler(db::Database& db, const Settings& settings, const core::Clock& clock,
                                        const StockEventHandler& handler, StockTopics topics);

}  // namespace store::catalog
