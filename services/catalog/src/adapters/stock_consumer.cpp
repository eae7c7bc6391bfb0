#include "adapters/stock_consumer.hpp"

#include <boost/json.hpp>
#include <span>

#include "adapters/mariadb_catalog.hpp"
#include "store/messaging/inbox.hpp"

namespace store::catalog {

using core::Errc;

core::Result<StockEvent> DecodeStockEvent(const StockTopics& topics, const std::string& topic, const boost::json::value& value) {
  if (!value.is_object()) return core::Fail(Errc::invalid_argument, "data is not an object");
  const auto& data = value.as_object();
  auto* order = data.if_contains("order_id");
  if (!order || !order->is_string()) return core::Fail(Errc::invalid_argument, "order_id missing");
  OrderId order_id{std::string(order->as_string())};
  if (topic == topics.order_placed) {
    OrderPlaced placed{order_id, {}, std::nullopt};
    if (auto* t = data.if_contains("reservation_ttl_seconds"); t && t->is_int64()) placed.ttl = std::chrono::seconds(t->as_int64());
    // A malformed line stays in as an empty one: the reservation refuses it as invalid and says so
    // in stock.reservation_failed.v1.
    if (auto* lines = data.if_contains("lines"); lines && lines->is_array())
      for (const auto& l : lines->as_array()) {
        ReservationLine line;
        if (l.is_object()) {
          if (auto* s = l.as_object().if_contains("sku"); s && s->is_string()) line.sku = Sku(std::string(s->as_string()));
          if (auto* q = l.as_object().if_contains("quantity"); q && q->is_int64()) line.quantity = q->as_int64();
        }
        placed.lines.push_back(std::move(line));
      }
    return placed;
  }
  if (topic == topics.order_cancelled) return OrderCancelled{order_id};
  if (topic == topics.order_confirmed) return OrderConfirmed{order_id};
  return core::Fail(Errc::invalid_argument, "unexpected topic " + topic);
}

messaging::BatchHandler StockConsumerHandler(db::Database& db, const Settings& settings, const core::Clock& clock,
                                             const StockEventHandler& handler, StockTopics topics) {
  return [&db, &settings, &clock, &handler, topics = std::move(topics)](std::span<const messaging::Message> batch) -> core::Status {
    // The pages the batch's transaction made stale. A transaction retried after a deadlock adds
    // the same pages again; a rolled-back attempt's extra ones only cost a page rebuild.
    Changes changes;
    auto effect = [&](db::Connection& c, const messaging::Message& msg, const messaging::Event& ev) -> core::Status {
      TRY(event, DecodeStockEvent(topics, msg.topic, ev.data));
      MariaDbCatalogTx tx(c, settings, clock);
      TRY(applied, handler.Apply(tx, event, msg.Trace()));
      changes.Merge(applied);
      return {};
    };
    auto status = messaging::InboxBatchHandler(db, "catalog.stock", effect)(batch);
    if (status) handler.AfterCommit(changes);
    return status;
  };
}

}  // namespace store::catalog
