// Inventory use cases: stock per SKU and reservations (domain/inventory.hpp has the rules).
//   * a reservation locks its SKUs' stock rows in ascending SKU order, checks every line, and
//     changes nothing unless all can be reserved;
//   * the order id is the idempotency key: reserving the same lines again answers the first
//     result, other lines for that order are a conflict;
//   * commit (payment) and release (cancel, API, expiry) are idempotent; the other one is a 409.
// Every change writes its events (stock.*, product.upserted on an in_stock flip) in the same
// transaction and drops the stale product pages after the commit.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/context.hpp"

namespace store::catalog {

using boost::asio::awaitable;

// --- queries ---------------------------------------------------------------------------------------
struct GetStock {
  Sku sku;
};
struct GetStockHandler {
  const AppContext& ctx;
  awaitable<Result<StockRecord>> operator()(const GetStock& query) const;
};

struct GetReservation {
  OrderId order_id;
};
struct GetReservationHandler {
  const AppContext& ctx;
  awaitable<Result<ReservationView>> operator()(const GetReservation& query) const;
};

// Admin: a SKU's adjustments, newest first.
struct GetAdjustments {
  Sku sku;
  std::int64_t limit = 50;
};
struct GetAdjustmentsHandler {
  const AppContext& ctx;
  awaitable<Result<std::vector<StockAdjustment>>> operator()(const GetAdjustments& query) const;
};

// Admin: SKUs of active products with at most `threshold` units available, fewest first.
struct GetLowStock {
  std::int64_t threshold = 5;
  std::int64_t page = 1, per_page = 50;
};
struct GetLowStockHandler {
  const AppContext& ctx;
  awaitable<Result<LowStockPage>> operator()(const GetLowStock& query) const;
};

// --- commands --------------------------------------------------------------------------------------
// The reasons staff give for changing the units on hand.
inline constexpr std::string_view kAdjustmentReasons[] = {"received", "count", "damaged", "lost", "returned", "correction"};

// Admin: on_hand set absolutely or moved by a delta (exactly one), with its reason, recorded as
// an adjustment (who, why, by how much) in the same transaction.
struct SetStock {
  Sku sku;
  std::optional<std::int64_t> on_hand = {}, delta = {};
  std::string reason = "count";  // one of kAdjustmentReasons
  std::string note = {};
  std::string actor = {};                         // the staff member's user id
  std::optional<std::int64_t> if_match = {};      // If-Match: stale -> 412
  std::optional<std::int64_t> body_version = {};  // "version" in the body: stale -> 409
  Trace trace = {};
};
struct SetStockHandler {
  const AppContext& ctx;
  Result<Changed<StockRecord>> Apply(CatalogTx& tx, const SetStock& cmd) const;
  awaitable<Result<StockRecord>> operator()(const SetStock& cmd) const;
};

struct ReserveStock {
  ReservationRequest request;
  Trace trace;
};
// Reserved (now or before), or refused with the lines that are short (nothing changed).
struct ReserveOutcome {
  bool reserved = false;
  bool created = false;                       // false: the order already held this reservation
  bool released_before = false;               // the order's reservation was released: not again
  std::optional<ReservationFailure> failure;  // refused
  std::vector<Shortfall> shortfalls;
  std::optional<ReservationView> reservation;  // when reserved
};
struct ReserveStockHandler {
  const AppContext& ctx;
  Result<Changed<ReserveOutcome>> Apply(CatalogTx& tx, const ReserveStock& cmd) const;
  awaitable<Result<ReserveOutcome>> operator()(const ReserveStock& cmd) const;
};

// Commit (payment: the units leave on_hand) or release (available again).
struct SettleReservation {
  OrderId order_id;
  Settlement settlement = Settlement::release;
  std::string reason = "released";  // release: released | cancelled | expired
  Trace trace;
};
struct SettleReservationHandler {
  const AppContext& ctx;
  Result<Changed<ReservationView>> Apply(CatalogTx& tx, const SettleReservation& cmd) const;
  awaitable<Result<ReservationView>> operator()(const SettleReservation& cmd) const;
};

// The expiry sweep: releases due reservations (reason expired) in batches of `batch`, each in its
// own transaction. Blocking: runs on the sweep's plain thread. Returns how many were released.
struct ReleaseExpiredHandler {
  const AppContext& ctx;
  int batch = 100;
  Result<Changed<int>> Apply(CatalogTx& tx) const;
  Result<int> RunOnce() const;
};

// --- events consumed ------------------------------------------------------------------------------
struct OrderPlaced {
  OrderId order_id;
  std::vector<ReservationLine> lines;
  std::optional<std::chrono::seconds> ttl;  // reservation_ttl_seconds
};
struct OrderCancelled {
  OrderId order_id;
};
struct OrderConfirmed {
  OrderId order_id;
};
using StockEvent = std::variant<OrderPlaced, OrderCancelled, OrderConfirmed>;

// order.placed -> reserve (refused: stock.reservation_failed.v1); order.cancelled -> release
// (nothing held: a no-op); order.confirmed -> commit (no reservation of that order: a no-op;
// released: an error, for the DLQ and a human). The order service alone decides an order's fate
// (paid in time: confirmed; a payment after the cancellation is refunded), and its two events of
// one order come in order on one partition, so stock follows the order and never a payment that
// raced its cancellation. Apply runs inside the consumer's inbox transaction; AfterCommit drops
// the stale pages.
struct StockEventHandler {
  const AppContext& ctx;
  Result<Changes> Apply(CatalogTx& tx, const StockEvent& event, const Trace& trace) const;
  void AfterCommit(const Changes& changes) const;
};

}  // namespace store::catalog
