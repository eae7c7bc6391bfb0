// The other services over HTTP (libs/http's Client: keep-alive, timeouts, GETs retried):
//   HttpCarts     the cart service's GET /v1/cart, as the shopper (their bearer token or their
//                 cart_token cookie passed on: the cart decides whose cart it is, as for their own calls);
//   HttpCatalog   the catalog's GET /v1/skus?skus=… (the authoritative prices) through libs/catalog_client;
//   HttpAccounts  the user service's GET /v1/me and /v1/me/addresses, as the shopper;
//   HttpPayments  the payment service's POST /v1/payments/intents with the order service's own
//                 credential (a client-credentials token with the `service` role) and an
//                 Idempotency-Key derived from the order (`order-<id>`).
// Errors: no connection, a timeout or a 5xx -> unavailable (the caller retries or answers 503);
// a 4xx the callee explains -> its code and message; anything else -> internal.
#pragma once

#include <functional>
#include <string>

#include "app/ports.hpp"
#include "store/http/client.hpp"

namespace store::order {

// The bearer token the order service presents to other services ("" when none is configured).
using ServiceToken = std::function<awaitable<core::Result<std::string>>()>;

class HttpCarts final : public Carts {
 public:
  HttpCarts(http::Client& client, std::string base_url) : client_(client), base_url_(std::move(base_url)) {}
  awaitable<core::Result<CartSnapshot>> Read(const Shopper& shopper) override;

 private:
  http::Client& client_;
  std::string base_url_;
};

class HttpCatalog final : public Catalog {
 public:
  HttpCatalog(http::Client& client, std::string base_url) : client_(client), base_url_(std::move(base_url)) {}
  awaitable<core::Result<std::vector<Offer>>> Offers(std::vector<std::string> skus) override;

 private:
  http::Client& client_;
  std::string base_url_;
};

class HttpAccounts final : public Accounts {
 public:
  HttpAccounts(http::Client& client, std::string base_url) : client_(client), base_url_(std::move(base_url)) {}
  awaitable<core::Result<Account>> Me(const Shopper& shopper) override;

 private:
  http::Client& client_;
  std::string base_url_;
};

class HttpPayments final : public Payments {
 public:
  HttpPayments(http::Client& client, std::string base_url, ServiceToken token)
      : client_(client), base_url_(std::move(base_url)), token_(std::move(token)) {}
  awaitable<core::Result<IntentView>> CreateIntent(const Order& order) override;

 private:
  http::Client& client_;
  std::string base_url_;
  ServiceToken token_;
};

}  // namespace store::order
