// The inventory rules: stock per SKU and reservations that never oversell. Pure: no I/O, no JSON;
// app/inventory.cpp applies them to the rows its InventoryStore port locked.
//   * available = on_hand - reserved, never negative;
//   * a reservation is all or nothing: every line is checked before any changes;
//   * its lines are merged per SKU and handled in ascending SKU order (the lock order, so two
//     reservations never deadlock);
//   * a reservation is settled once: committed (payment) or released (cancel, expiry); settling
//     it again the same way is a no-op, the other way a conflict;
//   * it expires at created + ttl (the request's, else the shop's), released by the sweep.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/ids.hpp"
#include "store/core/result.hpp"

namespace store::catalog {

inline constexpr std::int64_t kMaxOnHand = 1'000'000'000;
inline constexpr std::size_t kMaxReservationLines = 100;
inline constexpr std::int64_t kMaxLineQuantity = 10'000;
inline constexpr std::chrono::seconds kMaxReservationTtl{86'400};

struct StockLevel {
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available() const { return on_hand - reserved; }
  bool in_stock() const { return available() > 0; }
  bool operator==(const StockLevel&) const = default;
};

// 1..64 of letters, digits, - _ . : (order ids are chosen by the order service).
bool IsValidOrderId(std::string_view id);

struct ReservationLine {
  Sku sku;
  std::int64_t quantity = 0;
};

struct ReservationRequest {
  OrderId order_id;
  std::vector<ReservationLine> lines;
  std::optional<std::chrono::seconds> ttl;  // none: the shop's reservation.ttl
};

// Lines merged per SKU, in ascending SKU order: the order stock rows are locked in.
using MergedLines = std::map<Sku, std::int64_t>;

// The request's shape: order id, 1..100 lines of 1..10000 units, ttl 1..86400 s. Every bad field
// at once (invalid_argument with field errors `order_id`, `lines`, `lines[i].sku`,
// `lines[i].quantity`, `ttl_seconds`).
core::Result<MergedLines> MergeReservationLines(const ReservationRequest& request);

enum class ReservationFailure { insufficient_stock, unknown_sku };
std::string_view NameOf(ReservationFailure failure);

struct Shortfall {
  Sku sku;
  std::int64_t requested = 0;
  std::int64_t available = 0;
  bool operator==(const Shortfall&) const = default;
};

struct AvailabilityCheck {
  std::optional<ReservationFailure> failure;  // none: every line can be reserved
  std::vector<Shortfall> shortfalls;          // the lines that cannot (in SKU order)
  bool ok() const { return !failure; }
};

// All or nothing: `stock` holds the (locked) level of each requested SKU, nullopt for an unknown
// one. An unknown SKU outweighs a short one (the order asked for something that does not exist).
AvailabilityCheck CheckAvailability(const MergedLines& lines, const std::map<Sku, std::optional<StockLevel>>& stock);

enum class ReservationStatus { reserved, committed, released };
std::string_view NameOf(ReservationStatus status);
std::optional<ReservationStatus> ParseReservationStatus(std::string_view text);

enum class Settlement { commit, release };
enum class SettleDecision { apply, already_done, conflict };
// What settling a reservation in `current` status means: commit/release of a reserved one
// applies; the same settlement again is already done (idempotent); the other one conflicts.
SettleDecision DecideSettlement(ReservationStatus current, Settlement settlement);

// A line's effect on its SKU's stock.
StockLevel AfterReserve(StockLevel level, std::int64_t quantity);  // reserved += q
StockLevel AfterCommit(StockLevel level, std::int64_t quantity);   // the units leave on_hand
StockLevel AfterRelease(StockLevel level, std::int64_t quantity);  // available again
// A stock row may hold these values: nothing negative, reserved within on_hand.
bool IsValidLevel(StockLevel level);

// Admin stock: on_hand set absolutely or moved by a delta (exactly one of them). Never below the
// reserved units (conflict, field on_hand/delta), never above kMaxOnHand (invalid_argument).
core::Result<std::int64_t> NewOnHand(StockLevel current, std::optional<std::int64_t> set, std::optional<std::int64_t> delta);

using TimePoint = std::chrono::system_clock::time_point;
TimePoint ReservationExpiry(TimePoint now, std::optional<std::chrono::seconds> ttl, std::chrono::seconds default_ttl);
// Due for release by the sweep.
inline bool IsExpired(TimePoint expires_at, TimePoint now) { return expires_at < now; }

// products.available_skus counts the product's SKUs with available > 0: a change of one SKU
// moves it by -1, 0 or +1; the product's in_stock flips when the count crosses zero.
int AvailableSkusDelta(StockLevel before, StockLevel after);
inline bool InStockFlipped(std::int64_t available_skus_before, std::int64_t available_skus_after) {
  return (available_skus_before > 0) != (available_skus_after > 0);
}

}  // namespace store::catalog
