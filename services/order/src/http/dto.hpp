// JSON <-> the checkout's commands and the order's views (contracts/openapi/order.yaml).
#pragma once

#include <boost/json/object.hpp>

#include "app/checkout.hpp"
#include "store/http/message.hpp"

namespace store::order {

// POST /v1/orders's body: every field checked (400 with field errors), nothing else accepted.
core::Result<PlaceCommand> ParsePlace(const http::Request& req);

// `guest_token`: only in the answer that placed a guest's order.
boost::json::object OrderJson(const Order& o, const std::string& guest_token = "");
boost::json::object OrderSummaryJson(const Order& o);
boost::json::object OptionsJson(const CheckoutOptions& options, const CheckoutSettings& settings);

}  // namespace store::order
