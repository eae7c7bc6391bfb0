// The payment service's HTTP API (contracts/openapi/payment.yaml): the route table. Who may do
// what: the order service (role `service`) and admins create, capture, cancel and refund; the
// paying customer (the intent's customer_id = the token's sub) reads, confirms and fetches the
// receipt; admins read everything and the transaction log. Another customer's intent is a 404.
// Webhooks carry no token: their signature is the authentication. The return route is the
// shopper's browser coming back from the provider's page: it changes nothing but a waiting
// status to `processing`.
#pragma once

#include <string>

#include "app/payments.hpp"
#include "store/auth/authenticator.hpp"
#include "store/http/router.hpp"
#include "store/idempotency/idempotency.hpp"

namespace store::payment {

struct HttpApi {
  Payments& payments;
  PaymentStore& store;
  idempotency::Idempotent& idempotent;
  auth::Authenticator& authenticator;
  const ReceiptDocuments& receipts;
  std::string shop_name = "StoreMicroservices";
  std::string shop_base_url = "http://127.0.0.1:18080";  // where return paths lead
};

void AddRoutes(http::Router& router, const HttpApi& api);

}  // namespace store::payment
