// OrderStore on MariaDB (schema store_order: orders, order_lines, order_history; the outbox and
// inbox of libs/messaging). Every status change is a row of order_history and, where other
// services act on it, an outbox event in the same transaction.
#pragma once

#include <string>

#include "app/ports.hpp"
#include "app/saga.hpp"
#include "store/db/db.hpp"

namespace store::order {

// What the order's events need besides the order: the topics' prefix, and the key of the guest
// orders' tokens (order.confirmed carries a guest's token for the email's link).
struct EventOptions {
  std::string topic_prefix;
  std::string guest_token_secret;
};

class MariaDbOrders final : public OrderStore {
 public:
  MariaDbOrders(db::Database& db, const core::Clock& clock, EventOptions events) : db_(db), clock_(clock), events_(std::move(events)) {}

  awaitable<core::Status> Place(NewOrder order) override;
  awaitable<core::Result<std::optional<Order>>> Get(std::string id) override;
  awaitable<core::Result<std::optional<Order>>> FindPlaced(std::string placement_key) override;
  awaitable<core::Result<std::optional<Order>>> FindGuest(std::string number, std::string email, std::string token_hash) override;
  awaitable<core::Result<OrderPage>> List(std::string customer_id, std::optional<std::string> cursor, int limit) override;
  awaitable<core::Result<std::vector<Order>>> ClaimDue(TimePoint now, std::chrono::seconds lease, int limit) override;
  awaitable<core::Status> RecordIntent(std::string order_id, IntentView intent, TimePoint now) override;
  awaitable<core::Status> Cancel(std::string order_id, std::string reason, std::string source, TimePoint now) override;
  awaitable<core::Status> Retry(std::string order_id, TimePoint at) override;

  // A saga event, inside the consumer's inbox transaction. Returns true when the saga round has
  // work now (stock reserved: the intent is to be made).
  static core::Result<bool> Apply(db::Connection& c, const SagaUpdate& update, TimePoint now, const EventOptions& events);

 private:
  db::Database& db_;
  const core::Clock& clock_;
  EventOptions events_;
};

}  // namespace store::order
