// The Kafka side of the order.confirmed consumer: decodes order.confirmed.v1 envelopes and takes
// each order's quantities out of the cart it was placed from (Carts::TakeOutOrdered). Which cart:
// the event's `cart_id` when the order service names it (guest orders), else the customer cart of
// `user_id`; an order with neither touches no cart. Exactly once per order: the cart records the
// order id in the same write (its inbox, app/carts.hpp), so a redelivered batch changes nothing.
// The runner (messaging::ConsumerRunner::CreateBatching) is wired in main.cpp.
#pragma once

#include <optional>

#include "app/carts.hpp"
#include "store/messaging/consumer.hpp"

namespace store::cart {

struct OrderConfirmed {
  std::string order_id;
  std::optional<CartKey> cart;  // none: the order names no cart
  std::vector<Line> lines;
};

// invalid_argument (-> the dead-letter topic) for a payload without order_id or lines.
core::Result<OrderConfirmed> DecodeOrderConfirmed(const boost::json::value& data);

// Applies a batch one event after the other; a transient failure fails the batch (redelivered:
// the orders applied before it are found in their carts' inboxes).
messaging::BatchHandler OrderConfirmedHandler(Carts& carts);

}  // namespace store::cart
