// Inventory: stock per SKU and reservations. The no-oversell rule lives here:
//   * every stock row a transaction changes is locked in ascending SKU order (no deadlocks
//     between reservations), then changed by a conditional UPDATE that cannot make available
//     negative (and the CHECK constraint of `stock` refuses it anyway);
//   * a reservation checks every line before it changes any (all or nothing);
//   * the order id is the idempotency key (a repeated reserve answers the first result).
#include <fmt/format.h>

#include <algorithm>

#include "app/catalog.hpp"
#include "app/util.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/outbox.hpp"

namespace store::catalog {

namespace json = boost::json;
using core::Errc;
using core::Error;
using core::Fail;
using util::Fields;

namespace {

json::object StockJson(const db::Row& r) {
  std::int64_t on_hand = r.Int("on_hand"), reserved = r.Int("reserved");
  return {{"sku", r.Text("sku")},         {"product_id", r.Text("product_id")}, {"on_hand", on_hand},
          {"reserved", reserved},         {"available", on_hand - reserved},    {"version", r.Int("version")}};
}

bool ValidOrderId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char ch : id)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.' || ch == ':')) return false;
  return true;
}

}  // namespace

Result<json::object> Catalog::Stock(Connection& c, const std::string& sku) const {
  TRY(row, c.QueryOne("SELECT sku, product_id, on_hand, reserved, version FROM stock WHERE sku = ?", sku));
  if (!row) return Fail(Errc::not_found, "no such SKU");
  return StockJson(*row);
}

Result<Changes> Catalog::EmitStockChanges(Connection& c, const std::vector<StockChange>& changes,
                                          const std::optional<log::TraceContext>& trace) const {
  std::map<std::string, std::int64_t> deltas;  // product -> change of available_skus (sorted: lock order)
  for (const auto& s : changes) {
    bool before = s.on_hand_before - s.reserved_before > 0, after = s.on_hand - s.reserved > 0;
    deltas[s.product_id] += static_cast<std::int64_t>(after) - static_cast<std::int64_t>(before);
  }
  Changes out;
  std::map<std::string, bool> in_stock;
  for (const auto& [product_id, delta] : deltas) {
    if (delta != 0)
      TRY_STATUS(c.Execute("UPDATE products SET available_skus = available_skus + ? WHERE id = ?", delta, product_id));
    TRY(row, c.QueryOne("SELECT slug, available_skus FROM products WHERE id = ?", product_id));
    if (!row) return Fail(Errc::internal, "stock of a missing product");
    std::int64_t now = row->Int("available_skus"), was = now - delta;
    in_stock[product_id] = now > 0;
    out.product_ids.insert(product_id);
    out.slugs.insert(row->Text("slug"));
    if ((now > 0) != (was > 0)) {
      TRY(ch, Touch(c, product_id, trace));  // in_stock flipped: search must know
      out.Merge(ch);
    }
  }
  for (const auto& s : changes) {
    json::object data{{"sku", s.sku},
                      {"product_id", s.product_id},
                      {"on_hand", s.on_hand},
                      {"reserved", s.reserved},
                      {"available", s.on_hand - s.reserved},
                      {"in_stock_product", in_stock[s.product_id]},
                      {"reason", s.reason}};
    data["order_id"] = s.order_id ? json::value(json::string(*s.order_id)) : json::value(nullptr);
    auto ev = messaging::NewEvent("stock.changed.v1", std::move(data), clock_.Now());
    TRY_STATUS(messaging::Outbox::Add(c, "stock.changed.v1", s.product_id, ev, trace));
  }
  return out;
}

Result<Changed<json::object>> Catalog::SetStock(Connection& c, const std::string& sku, const json::object& body,
                                                std::optional<std::int64_t> if_version,
                                                const std::optional<log::TraceContext>& trace) const {
  Fields f(body);
  auto on_hand = f.Int("on_hand", false, 0, 1'000'000'000);
  auto delta = f.Int("delta", false, -1'000'000'000, 1'000'000'000);
  auto body_version = f.Int("version", false, 0, INT64_MAX);
  if (on_hand.has_value() == delta.has_value() && f.ok()) f.Add("on_hand", "give exactly one of on_hand or delta");
  TRY_STATUS(f.Check());
  TRY(row, c.QueryOne("SELECT sku, product_id, on_hand, reserved, version FROM stock WHERE sku = ? FOR UPDATE", sku));
  if (!row) return Fail(Errc::not_found, "no such SKU");
  if (if_version && *if_version != row->Int("version"))
    return Fail(Errc::precondition_failed, "the stock changed since it was read (If-Match)");
  if (body_version && *body_version != row->Int("version"))
    return Fail(Errc::conflict, "the stock changed since it was read (version)");
  std::int64_t before = row->Int("on_hand"), reserved = row->Int("reserved");
  std::int64_t after = on_hand ? *on_hand : before + *delta;
  if (after < reserved)
    return std::unexpected(Error{Errc::conflict, "on_hand cannot go below the reserved units",
                                 {{on_hand ? "on_hand" : "delta", fmt::format("{} units are reserved", reserved)}}});
  if (after > 1'000'000'000) return std::unexpected(Error::Invalid("too much stock", {{"delta", "on_hand would exceed 1000000000"}}));
  TRY(upd, c.Execute("UPDATE stock SET on_hand = ?, version = version + 1, updated_at = ? WHERE sku = ? AND reserved <= ?",
                     after, Now(), sku, after));
  if (upd.affected_rows != 1) return Fail(Errc::internal, "stock row changed under its lock");
  std::vector<StockChange> sc{{sku, row->Text("product_id"), before, reserved, after, reserved, "admin", std::nullopt}};
  TRY(changes, EmitStockChanges(c, sc, trace));
  TRY(out, Stock(c, sku));
  return Changed<json::object>{std::move(out), std::move(changes)};
}

Result<json::object> Catalog::Reservation(Connection& c, const std::string& order_id) const {
  TRY(row, c.QueryOne("SELECT order_id, status, reason, expires_at, created_at, updated_at FROM reservations WHERE order_id = ?", order_id));
  if (!row) return Fail(Errc::not_found, "no such reservation");
  TRY(lines, c.Query("SELECT l.sku, l.quantity, s.product_id FROM reservation_lines l JOIN stock s ON s.sku = l.sku "
                     "WHERE l.order_id = ? ORDER BY l.sku",
                     order_id));
  json::array ls;
  for (auto& l : lines) ls.push_back(json::object{{"sku", l.Text("sku")}, {"product_id", l.Text("product_id")}, {"quantity", l.Int("quantity")}});
  json::object out{{"order_id", row->Text("order_id")},
                   {"status", row->Text("status")},
                   {"expires_at", DbTimeToRfc3339(row->Text("expires_at"))},
                   {"created_at", DbTimeToRfc3339(row->Text("created_at"))},
                   {"updated_at", DbTimeToRfc3339(row->Text("updated_at"))},
                   {"lines", std::move(ls)}};
  out["reason"] = row->OptText("reason") ? json::value(json::string(row->Text("reason"))) : json::value(nullptr);
  return out;
}

Result<Changed<ReserveOutcome>> Catalog::Reserve(Connection& c, const ReserveRequest& req,
                                                 const std::optional<log::TraceContext>& trace) const {
  std::vector<core::FieldError> errors;
  if (!ValidOrderId(req.order_id)) errors.push_back({"order_id", "must be 1..64 of letters, digits, - _ . :"});
  if (req.lines.empty() || req.lines.size() > 100) errors.push_back({"lines", "must hold 1..100 lines"});
  std::map<std::string, std::int64_t> lines;  // sorted by SKU: the lock order
  for (std::size_t i = 0; i < req.lines.size(); ++i) {
    const auto& l = req.lines[i];
    if (l.sku.empty() || l.sku.size() > 64) errors.push_back({fmt::format("lines[{}].sku", i), "must be 1..64 characters"});
    if (l.quantity < 1 || l.quantity > 10000) errors.push_back({fmt::format("lines[{}].quantity", i), "must be within 1..10000"});
    else lines[l.sku] += l.quantity;
  }
  if (req.ttl && (req.ttl->count() < 1 || req.ttl->count() > 86400)) errors.push_back({"ttl_seconds", "must be within 1..86400"});
  if (!errors.empty()) return std::unexpected(Error::Invalid("invalid reservation", errors));

  ReserveOutcome outcome;
  // Idempotency: the order already holds a reservation (any status) -> answer it.
  auto existing = [&]() -> Result<bool> {
    TRY(held, c.Query("SELECT sku, quantity FROM reservation_lines WHERE order_id = ? ORDER BY sku", req.order_id));
    if (held.empty()) {
      TRY(r, c.QueryOne("SELECT order_id FROM reservations WHERE order_id = ?", req.order_id));
      if (!r) return false;
    }
    std::map<std::string, std::int64_t> had;
    for (auto& h : held) had[h.Text("sku")] = h.Int("quantity");
    if (had != lines) return Fail(Errc::conflict, "the order already holds a different reservation");
    TRY(body, Reservation(c, req.order_id));
    outcome.reserved = body.at("status") != "released";
    if (!outcome.reserved) outcome.failure_reason = "released";
    outcome.reservation = std::move(body);
    return true;
  };
  TRY(seen, existing());
  if (seen) return Changed<ReserveOutcome>{std::move(outcome), {}};

  struct Locked {
    std::string sku, product_id;
    std::int64_t on_hand, reserved, quantity;
  };
  std::vector<Locked> locked;
  for (const auto& [sku, qty] : lines) {
    TRY(row, c.QueryOne("SELECT product_id, on_hand, reserved FROM stock WHERE sku = ? FOR UPDATE", sku));
    if (!row) {
      outcome.failure_reason = "unknown_sku";
      outcome.failed_lines.push_back(json::object{{"sku", sku}, {"requested", qty}, {"available", 0}});
      continue;
    }
    std::int64_t available = row->Int("on_hand") - row->Int("reserved");
    if (available < qty) {
      if (outcome.failure_reason.empty()) outcome.failure_reason = "insufficient_stock";
      outcome.failed_lines.push_back(json::object{{"sku", sku}, {"requested", qty}, {"available", available}});
      continue;
    }
    locked.push_back({sku, row->Text("product_id"), row->Int("on_hand"), row->Int("reserved"), qty});
  }
  if (!outcome.failed_lines.empty()) return Changed<ReserveOutcome>{std::move(outcome), {}};

  std::string now = Now();
  std::vector<StockChange> sc;
  for (const auto& l : locked) {
    TRY(upd, c.Execute("UPDATE stock SET reserved = reserved + ?, version = version + 1, updated_at = ? "
                       "WHERE sku = ? AND on_hand - reserved >= ?",
                       l.quantity, now, l.sku, l.quantity));
    if (upd.affected_rows != 1) return Fail(Errc::internal, "stock row changed under its lock");
    sc.push_back({l.sku, l.product_id, l.on_hand, l.reserved, l.on_hand, l.reserved + l.quantity, "reserved", req.order_id});
  }
  auto expires = clock_.Now() + req.ttl.value_or(settings_.reservation_ttl);
  TRY_STATUS(c.Execute("INSERT INTO reservations (order_id, status, expires_at, created_at, updated_at) VALUES (?, 'reserved', ?, ?, ?)",
                       req.order_id, ToDbTime(expires), now, now));
  json::array event_lines;
  for (const auto& l : locked) {
    TRY_STATUS(c.Execute("INSERT INTO reservation_lines (order_id, sku, quantity) VALUES (?, ?, ?)", req.order_id, l.sku, l.quantity));
    event_lines.push_back(json::object{{"sku", l.sku}, {"product_id", l.product_id}, {"quantity", l.quantity}});
  }
  auto ev = messaging::NewEvent("stock.reserved.v1",
                                json::object{{"order_id", req.order_id}, {"lines", std::move(event_lines)},
                                             {"expires_at", core::FormatTimestamp(expires)}},
                                clock_.Now());
  TRY_STATUS(messaging::Outbox::Add(c, "stock.reserved.v1", req.order_id, ev, trace));
  TRY(changes, EmitStockChanges(c, sc, trace));
  TRY(body, Reservation(c, req.order_id));
  outcome.reserved = true;
  outcome.created = true;
  outcome.reservation = std::move(body);
  return Changed<ReserveOutcome>{std::move(outcome), std::move(changes)};
}

Result<Changed<json::object>> Catalog::FinishReservation(Connection& c, const std::string& order_id, bool commit,
                                                         const std::string& reason,
                                                         const std::optional<log::TraceContext>& trace) const {
  TRY(row, c.QueryOne("SELECT status FROM reservations WHERE order_id = ? FOR UPDATE", order_id));
  if (!row) return Fail(Errc::not_found, "no such reservation");
  std::string status = row->Text("status");
  std::string target = commit ? "committed" : "released";
  if (status == target) {
    TRY(body, Reservation(c, order_id));
    return Changed<json::object>{std::move(body), {}};
  }
  if (status != "reserved") return Fail(Errc::conflict, "the reservation is already " + status);
  TRY(lines, c.Query("SELECT sku, quantity FROM reservation_lines WHERE order_id = ? ORDER BY sku", order_id));
  std::string now = Now();
  std::vector<StockChange> sc;
  json::array event_lines;
  for (auto& l : lines) {
    std::string sku = l.Text("sku");
    std::int64_t q = l.Int("quantity");
    TRY(s, c.QueryOne("SELECT product_id, on_hand, reserved FROM stock WHERE sku = ? FOR UPDATE", sku));
    if (!s || s->Int("reserved") < q) return Fail(Errc::internal, "reserved units missing for " + sku);
    std::int64_t on_hand = s->Int("on_hand"), reserved = s->Int("reserved");
    if (commit) {
      TRY_STATUS(c.Execute("UPDATE stock SET on_hand = on_hand - ?, reserved = reserved - ?, version = version + 1, updated_at = ? "
                           "WHERE sku = ? AND reserved >= ?",
                           q, q, now, sku, q));
      sc.push_back({sku, s->Text("product_id"), on_hand, reserved, on_hand - q, reserved - q, "committed", order_id});
    } else {
      TRY_STATUS(c.Execute("UPDATE stock SET reserved = reserved - ?, version = version + 1, updated_at = ? WHERE sku = ? AND reserved >= ?",
                           q, now, sku, q));
      sc.push_back({sku, s->Text("product_id"), on_hand, reserved, on_hand, reserved - q, reason == "expired" ? "expired" : "released", order_id});
    }
    event_lines.push_back(json::object{{"sku", sku}, {"product_id", s->Text("product_id")}, {"quantity", q}});
  }
  TRY_STATUS(c.Execute("UPDATE reservations SET status = ?, reason = ?, updated_at = ? WHERE order_id = ?", target, reason, now, order_id));
  std::string topic = commit ? "stock.committed.v1" : "stock.released.v1";
  json::object data{{"order_id", order_id}, {"lines", std::move(event_lines)}};
  if (!commit) data["reason"] = reason;
  auto ev = messaging::NewEvent(topic, std::move(data), clock_.Now());
  TRY_STATUS(messaging::Outbox::Add(c, topic, order_id, ev, trace));
  TRY(changes, EmitStockChanges(c, sc, trace));
  TRY(body, Reservation(c, order_id));
  return Changed<json::object>{std::move(body), std::move(changes)};
}

Result<Changed<json::object>> Catalog::CommitReservation(Connection& c, const std::string& order_id,
                                                         const std::optional<log::TraceContext>& trace) const {
  return FinishReservation(c, order_id, true, "committed", trace);
}

Result<Changed<json::object>> Catalog::ReleaseReservation(Connection& c, const std::string& order_id, const std::string& reason,
                                                          const std::optional<log::TraceContext>& trace) const {
  return FinishReservation(c, order_id, false, reason, trace);
}

Result<Changed<int>> Catalog::ReleaseExpired(Connection& c, int limit) const {
  TRY(rows, c.Query("SELECT order_id FROM reservations WHERE status = 'reserved' AND expires_at < ? "
                    "ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED",
                    Now(), limit));
  Changes changes;
  for (auto& r : rows) {
    TRY(done, FinishReservation(c, r.Text("order_id"), false, "expired", std::nullopt));
    changes.Merge(done.changes);
  }
  return Changed<int>{static_cast<int>(rows.size()), std::move(changes)};
}

}  // namespace store::catalog
