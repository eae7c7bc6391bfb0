// The ports of the order use cases: the shopper's cart (adapters/cart_client), the catalog's
// offers (adapters/catalog_client), the account and its address book (adapters/user_client), the
// payment service (adapters/payment_client), and the store of orders with its outbox
// (adapters/mariadb_orders). Every call to another service carries a service credential.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/order.hpp"
#include "store/core/clock.hpp"
#include "store/core/result.hpp"

namespace store::order {

using boost::asio::awaitable;
using TimePoint = core::Clock::time_point;

// Whose checkout: the shopper's own credential, passed on to the cart (and the user service) so
// they decide whose cart and account it is, exactly as for the shopper's own calls.
struct Shopper {
  std::optional<std::string> customer_id = {};  // the verified token's subject; nullopt for a guest
  std::string authorization = {};             // "Bearer ..." (customers)
  std::string cart_token = {};                  // the guest's cart_token cookie
  std::string cart_id = {};                     // customer:<id> or guest:<SHA-256 of the cart token>
};

// ---- other services ------------------------------------------------------------------------

struct CartLine {
  std::string sku = {};
  std::int64_t quantity = 0;
};
struct CartSnapshot {
  std::int64_t version = 0;
  std::vector<CartLine> lines = {};
};
class Carts {
 public:
  virtual ~Carts() = default;
  virtual awaitable<core::Result<CartSnapshot>> Read(const Shopper& shopper) = 0;
};

struct Offer {
  std::string sku = {};
  std::string product_id = {};
  std::string title = {};
  std::vector<std::pair<std::string, std::string>> options = {};
  std::int64_t price = 0;
  std::string currency = {};
  bool sellable = false;   // active
  std::int64_t available = 0;
};
class Catalog {
 public:
  virtual ~Catalog() = default;
  // The current offers of the SKUs (unknown ones are left out).
  virtual awaitable<core::Result<std::vector<Offer>>> Offers(std::vector<std::string> skus) = 0;
};

struct Address {
  std::string name = {}, line1 = {}, line2 = {}, city = {}, region = {}, postal_code = {}, country = {}, phone = {};
};
struct Account {
  std::string id = {}, email = {}, name = {}, locale = {};
  std::vector<std::pair<std::string, Address>> addresses = {};  // id -> address
};
class Accounts {
 public:
  virtual ~Accounts() = default;
  // The signed-in shopper's profile and address book (their own token).
  virtual awaitable<core::Result<Account>> Me(const Shopper& shopper) = 0;
};

struct Order;

struct IntentView {
  std::string id = {}, status = {}, next_action_url = {}, card_brand = {}, card_last4 = {};
};
class Payments {
 public:
  virtual ~Payments() = default;
  // The order's payment intent (amount, method, the receipt's facts from the order; the shopper
  // comes back to `return_url`). Idempotent per order at the payment service: the same order, the
  // same intent. unprocessable: the payment service refused it (a method it does not offer, ...).
  virtual awaitable<core::Result<IntentView>> CreateIntent(const Order& order) = 0;
};

// ---- the orders ----------------------------------------------------------------------------

struct OrderLine {
  std::string sku = {}, product_id = {}, title = {};
  std::vector<std::pair<std::string, std::string>> options = {};
  std::int64_t quantity = 0, unit_price = 0, line_total = 0, tax = 0;
  std::int32_t tax_rate_bp = 0;
};
struct HistoryEntry {
  std::string status = {}, reason = {}, source = {};
  TimePoint at{};
};
struct Order {
  std::string id = {}, number = {};
  std::optional<std::string> customer_id = {};
  std::string email = {}, name = {}, locale = {}, cart_id = {};
  std::int64_t cart_version = 0;
  Status status = Status::placed;
  std::string status_reason = {};
  std::string currency = {};
  bool prices_include_tax = true;
  Totals totals = {};
  std::string shipping_method = {}, shipping_name = {};
  Address address = {};
  std::string payment_method = {};
  std::string payment_id = {}, payment_url = {}, card_brand = {}, card_last4 = {};
  std::string failed_lines = {};  // JSON array text, when the reservation failed
  std::string return_url = {};
  std::vector<OrderLine> lines = {};
  std::vector<HistoryEntry> history = {};
  std::int64_t version = 0;
  TimePoint created_at{}, updated_at{}, expires_at{};
};

struct NewOrder {
  Order order;                     // id, number, everything as priced
  std::string placement_key;       // the request that placed it (one order per key, also after a crash)
  std::string guest_token_hash = {};    // guests
  std::int64_t reservation_ttl_s = 0;
};

struct OrderPage {
  std::vector<Order> orders = {};
  std::optional<std::string> next;  // cursor for the next (older) page
};

class OrderStore {
 public:
  virtual ~OrderStore() = default;
  // Writes the order (placed), its lines, its first history entry and order.placed (outbox) in
  // one transaction. conflict when the number is taken (the caller draws another).
  virtual awaitable<core::Status> Place(NewOrder order) = 0;
  virtual awaitable<core::Result<std::optional<Order>>> Get(std::string id) = 0;
  // The order a placement key placed, if any.
  virtual awaitable<core::Result<std::optional<Order>>> FindPlaced(std::string placement_key) = 0;
  virtual awaitable<core::Result<std::optional<Order>>> FindGuest(std::string number, std::string email, std::string token_hash) = 0;
  virtual awaitable<core::Result<OrderPage>> List(std::string customer_id, std::optional<std::string> cursor, int limit) = 0;

  // The saga round: orders with work due (an intent to create, an expiry), each leased for
  // `lease` so that several instances never take the same one.
  virtual awaitable<core::Result<std::vector<Order>>> ClaimDue(TimePoint now, std::chrono::seconds lease, int limit) = 0;
  // The intent exists: awaiting_payment (or confirmed for cash on delivery, with order.confirmed).
  virtual awaitable<core::Status> RecordIntent(std::string order_id, IntentView intent, TimePoint now) = 0;
  // The intent could not be made (refused): cancelled with the reason, order.cancelled.
  virtual awaitable<core::Status> Cancel(std::string order_id, std::string reason, std::string source, TimePoint now) = 0;
  // A transient failure: try again at `at`.
  virtual awaitable<core::Status> Retry(std::string order_id, TimePoint at) = 0;
};

}  // namespace store::order
