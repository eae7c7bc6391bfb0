// The order service's HTTP API (contracts/openapi/order.yaml): the route table.
//   GET  /v1/checkout/options   the cart's checkout: addresses, shipping methods and prices, payment methods, totals
//   POST /v1/orders             place the order (Idempotency-Key required)
//   GET  /v1/orders             the customer's orders, newest first (cursor pagination)
//   GET  /v1/orders/{id}        one order: its owner, staff, or a guest with the order's token (Order-Token header)
//   POST /v1/order-lookup      a guest's order by number + email + token
// Who: a bearer token (customers; verified by libs/auth) or, for a guest, the cart service's
// cart_token cookie (which names the guest's cart). Another customer's order is a 404.
#pragma once

#include "app/checkout.hpp"
#include "store/auth/authenticator.hpp"
#include "store/http/router.hpp"
#include "store/idempotency/idempotency.hpp"

namespace store::order {

struct HttpApi {
  Checkout& checkout;
  OrderStore& store;
  idempotency::Idempotent& idempotent;
  auth::Authenticator& authenticator;
  std::string cart_cookie = "cart_token";
};

void AddRoutes(http::Router& router, const HttpApi& api);

}  // namespace store::order
