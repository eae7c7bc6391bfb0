#include "domain/inventory.hpp"

#include <fmt/format.h>

#include <cctype>

namespace store::catalog {

using core::Errc;
using core::Error;
using core::FieldError;

bool IsValidOrderId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char ch : id)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.' || ch == ':')) return false;
  return true;
}

core::Result<MergedLines> MergeReservationLines(const ReservationRequest& req) {
  std::vector<FieldError> errors;
  if (!IsValidOrderId(req.order_id.value())) errors.push_back({"order_id", "must be 1..64 of letters, digits, - _ . :"});
  if (req.lines.empty() || req.lines.size() > kMaxReservationLines) errors.push_back({"lines", "must hold 1..100 lines"});
  MergedLines lines;
  for (std::size_t i = 0; i < req.lines.size(); ++i) {
    const auto& l = req.lines[i];
    if (l.sku.value().empty() || l.sku.value().size() > 64) errors.push_back({fmt::format("lines[{}].sku", i), "must be 1..64 characters"});
    if (l.quantity < 1 || l.quantity > kMaxLineQuantity)
      errors.push_back({fmt::format("lines[{}].quantity", i), "must be within 1..10000"});
    else lines[l.sku] += l.quantity;
  }
  if (req.ttl && (req.ttl->count() < 1 || *req.ttl > kMaxReservationTtl)) errors.push_back({"ttl_seconds", "must be within 1..86400"});
  if (!errors.empty()) return std::unexpected(Error::Invalid("invalid reservation", std::move(errors)));
  return lines;
}

std::string_view NameOf(ReservationFailure failure) {
  return failure == ReservationFailure::unknown_sku ? "unknown_sku" : "insufficient_stock";
}

AvailabilityCheck CheckAvailability(const MergedLines& lines, const std::map<Sku, std::optional<StockLevel>>& stock) {
  AvailabilityCheck out;
  for (const auto& [sku, quantity] : lines) {
    auto it = stock.find(sku);
    if (it == stock.end() || !it->second) {
      out.failure = ReservationFailure::unknown_sku;
      out.shortfalls.push_back({sku, quantity, 0});
      continue;
    }
    std::int64_t available = it->second->available();
    if (available < quantity) {
      if (!out.failure) out.failure = ReservationFailure::insufficient_stock;
      out.shortfalls.push_back({sku, quantity, available});
    }
  }
  return out;
}

std::string_view NameOf(ReservationStatus status) {
  switch (status) {
    case ReservationStatus::reserved: return "reserved";
    case ReservationStatus::committed: return "committed";
    case ReservationStatus::released: return "released";
  }
  return "reserved";
}

std::optional<ReservationStatus> ParseReservationStatus(std::string_view text) {
  if (text == "reserved") return ReservationStatus::reserved;
  if (text == "committed") return ReservationStatus::committed;
  if (text == "released") return ReservationStatus::released;
  return std::nullopt;
}

SettleDecision DecideSettlement(ReservationStatus current, Settlement settlement) {
  auto target = settlement == Settlement::commit ? ReservationStatus::committed : ReservationStatus::released;
  if (current == target) return SettleDecision::already_done;
  if (current != ReservationStatus::reserved) return SettleDecision::conflict;
  return SettleDecision::apply;
}

StockLevel AfterReserve(StockLevel level, std::int64_t quantity) { return {level.on_hand, level.reserved + quantity}; }
StockLevel AfterCommit(StockLevel level, std::int64_t quantity) { return {level.on_hand - quantity, level.reserved - quantity}; }
StockLevel AfterRelease(StockLevel level, std::int64_t quantity) { return {level.on_hand, level.reserved - quantity}; }

bool IsValidLevel(StockLevel level) {
  return level.reserved >= 0 && level.on_hand >= level.reserved && level.on_hand <= kMaxOnHand;
}

core::Result<std::int64_t> NewOnHand(StockLevel current, std::optional<std::int64_t> set, std::optional<std::int64_t> delta) {
  if (set.has_value() == delta.has_value())
    return std::unexpected(Error::Invalid("the request has invalid fields", {{"on_hand", "give exactly one of on_hand or delta"}}));
  std::int64_t after = set ? *set : current.on_hand + *delta;
  if (after < current.reserved)
    return std::unexpected(Error{Errc::conflict, "on_hand cannot go below the reserved units",
                                 {{set ? "on_hand" : "delta", fmt::format("{} units are reserved", current.reserved)}}});
  if (after > kMaxOnHand) return std::unexpected(Error::Invalid("too much stock", {{"delta", "on_hand would exceed 1000000000"}}));
  return after;
}

TimePoint ReservationExpiry(TimePoint now, std::optional<std::chrono::seconds> ttl, std::chrono::seconds default_ttl) {
  return now + ttl.value_or(default_ttl);
}

int AvailableSkusDelta(StockLevel before, StockLevel after) {
  return static_cast<int>(after.in_stock()) - static_cast<int>(before.in_stock());
}

}  // namespace store::catalog
