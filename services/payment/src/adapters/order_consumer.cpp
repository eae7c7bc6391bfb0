#include "adapters/order_consumer.hpp"

#include "adapters/mariadb_payments.hpp"
#include "store/messaging/inbox.hpp"

namespace store::payment {

messaging::BatchHandler OrderCancelledHandler(db::Database& db) {
  return messaging::InboxBatchHandler(db, "payment.order_cancelled",
                                      [](db::Connection& c, const messaging::Message&, const messaging::Event& e) -> core::Status {
                                        const auto* order_id = e.data.is_object() ? e.data.as_object().if_contains("order_id") : nullptr;
                                        if (!order_id || !order_id->is_string() || order_id->as_string().empty())
                                          return core::Fail(core::Error::Invalid("order.cancelled without an order_id"));
                                        return MariaDbPayments::MarkOrderCancelled(c, std::string(order_id->as_string()));
                                      });
}

}  // namespace store::payment
