#include "adapters/saga_consumer.hpp"

#include <boost/json.hpp>

#include "adapters/mariadb_orders.hpp"
#include "store/messaging/inbox.hpp"

namespace store::order {
namespace json = boost::json;
using core::Errc;

core::Result<SagaUpdate> DecodeSagaEvent(const SagaTopics& topics, const std::string& topic, const json::value& value) {
  if (!value.is_object()) return core::Fail(Errc::invalid_argument, "data is not an object");
  const auto& data = value.get_object();
  auto text = [&](std::string_view key) {
    const json::value* v = data.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  SagaUpdate u;
  u.order_id = text("order_id");
  if (u.order_id.empty()) return core::Fail(Errc::invalid_argument, "order_id missing");
  if (topic == topics.stock_reserved) {
    u.event = SagaEvent::stock_reserved;
  } else if (topic == topics.stock_failed) {
    u.event = SagaEvent::stock_failed;
    u.reason = text("reason");
    if (const json::value* lines = data.if_contains("lines"); lines && lines->is_array()) u.failed_lines = json::serialize(*lines);
  } else if (topic == topics.payment_succeeded || topic == topics.payment_failed) {
    u.event = topic == topics.payment_succeeded ? SagaEvent::payment_succeeded : SagaEvent::payment_failed;
    u.payment_id = text("payment_id");
    u.card_brand = text("card_brand");
    u.card_last4 = text("card_last4");
    u.reason = text("reason");
  } else {
    return core::Fail(Errc::invalid_argument, "unexpected topic " + topic);
  }
  return u;
}

messaging::BatchHandler SagaConsumerHandler(db::Database& db, const core::Clock& clock, SagaTopics topics, const EventOptions& events,
                                            std::function<void()> wake) {
  auto inner = messaging::InboxBatchHandler(
      db, "order.saga",
      [&clock, topics = std::move(topics), events](db::Connection& c, const messaging::Message& m,
                                                   const messaging::Event& e) -> core::Status {
        TRY(update, DecodeSagaEvent(topics, m.topic, e.data));
        TRY(due, MariaDbOrders::Apply(c, update, clock.Now(), events));
        (void)due;
        return {};
      });
  // The round is woken after the batch committed (a wake before the commit would find nothing due).
  return [inner = std::move(inner), wake = std::move(wake)](std::span<const messaging::Message> batch) -> core::Status {
    TRY_STATUS(inner(batch));
    if (wake) wake();
    return {};
  };
}

}  // namespace store::order
