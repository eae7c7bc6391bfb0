// The Kafka side of the stock consumer: decodes order.placed / order.cancelled / order.confirmed
// envelopes into typed StockEvents and applies a batch of them (records of one
// partition) through libs/messaging's inbox: every event's effect exactly once, the whole batch
// in ONE transaction with its inbox rows; once it committed, the product pages the batch made
// stale are dropped (merged: a page is dropped once per batch). The use case is app/inventory.hpp's
// StockEventHandler; the runner (messaging::ConsumerRunner::CreateBatching) is wired in wiring.cpp.
#pragma once
#include <string>

#include "app/inventory.hpp"
#include "store/db/db.hpp"
#include "store/messaging/consumer.hpp"

namespace store::catalog {

struct StockTopics {
  std::string order_placed = "order.placed.v1";
  std::string order_cancelled = "order.cancelled.v1";
  std::string order_confirmed = "order.confirmed.v1";
};

// invalid_argument (-> the DLQ) for an unexpected topic or a payload without an order_id.
core::Result<StockEvent> DecodeStockEvent(const StockTopics& topics, const std::string& topic, const boost::json::value& data);

// Safe to share between consumer threads: each call keeps its batch's page changes to itself.
messaging::BatchHandler StockConsumerHandler(db::Database& db, const Settings& settings, const core::Clock& clock,
                                             const StockEventHandler& handler, StockTopics topics);

}  // namespace store::catalog
