// Checkout: what a cart can be checked out with (addresses, shipping methods with their prices,
// payment methods, the totals with tax per rate), and placing the order: the cart's versioned
// snapshot, the catalog's authoritative prices (never the browser's), the order written `placed`
// with order.placed in one transaction. The saga (app/saga.hpp) takes it from there.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "app/ports.hpp"

namespace store::order {

struct CheckoutSettings {
  std::string currency = "EUR";
  TaxConfig tax;
  ShippingConfig shipping;
  std::vector<std::string> payment_methods{"card", "online_banking", "wallet", "cash_on_delivery"};
  std::chrono::seconds payment_window{std::chrono::minutes(30)};  // unpaid longer: cancelled
  std::string return_path = "/checkout/complete";                 // the storefront's page after paying
  std::string guest_token_secret;                                  // keys the guest orders' tokens
};

// A guest order's token: HMAC-SHA256 of the order id under the shop's secret (hex). Nothing to
// store: the confirmation email can carry it again, and only the shop can make one.
std::string GuestToken(std::string_view secret, std::string_view order_id);

// The shipping address: one of the account's (address_id) or a new one.
struct PlaceCommand {
  std::string placement_key;  // who asked and their Idempotency-Key, hashed: one order per key
  std::int64_t cart_version = 0;
  std::optional<std::int64_t> expected_total;  // what the shopper was shown; another total is a 409
  std::optional<std::string> email;            // guests (customers: the account's)
  std::optional<std::string> address_id;
  std::optional<Address> address;
  std::string shipping_method;
  std::string payment_method;
  std::string locale = "en";
};

struct Placed {
  Order order;
  std::string guest_token = {};  // guests: shown once, needed with number + email to see the order
};

struct ShippingQuote {
  const ShippingMethod* method = nullptr;
  std::int64_t price = 0;
};

struct CheckoutOptions {
  CartSnapshot cart;
  std::vector<OrderLine> lines;  // priced by the catalog now
  std::string country;           // the destination the quote is for
  std::vector<std::pair<std::string, Address>> addresses;
  std::vector<ShippingQuote> shipping;
  std::optional<std::string> shipping_method;  // the one `totals` counts
  Totals totals;
};

class Checkout {
 public:
  Checkout(Carts& carts, Catalog& catalog, Accounts& accounts, OrderStore& store, const core::Clock& clock, CheckoutSettings settings)
      : carts_(carts), catalog_(catalog), accounts_(accounts), store_(store), clock_(clock), s_(std::move(settings)) {}

  const CheckoutSettings& settings() const { return s_; }
  // `country` empty: the account's default address's, else the first the shop ships to.
  awaitable<core::Result<CheckoutOptions>> Options(Shopper shopper, std::string country, std::string shipping_method);
  awaitable<core::Result<Placed>> Place(Shopper shopper, PlaceCommand cmd);

 private:
  struct Priced {
    std::vector<OrderLine> lines;
    std::vector<PricedLine> priced;
  };
  awaitable<core::Result<Priced>> Price(const CartSnapshot& cart);

  Carts& carts_;
  Catalog& catalog_;
  Accounts& accounts_;
  OrderStore& store_;
  const core::Clock& clock_;
  CheckoutSettings s_;
};

// Field errors of an address (name, line1, city, postal_code, country: ISO 3166-1, shipped to,
// the postcode's format); the postcode normalised on the way.
std::vector<core::FieldError> CheckAddress(Address& address, const ShippingConfig& shipping, const std::string& prefix);

}  // namespace store::order
