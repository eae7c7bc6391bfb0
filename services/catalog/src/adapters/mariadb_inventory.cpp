#include "adapters/mariadb_catalog.hpp"
#include "adapters/sql.hpp"

namespace store::catalog {

using core::Errc;
using core::Fail;

Result<std::optional<StockRecord>> MariaDbInventory::Stock(const Sku& sku, Lock lock) {
  TRY(row, c_.QueryOne(std::string("SELECT sku, product_id, on_hand, reserved, version FROM stock WHERE sku = ?") +
                           (lock == Lock::for_update ? " FOR UPDATE" : ""),
                       sku.value()));
  if (!row) return std::optional<StockRecord>{};
  return StockRecord{sku, ProductId(row->Text("product_id")), StockLevel{row->Int("on_hand"), row->Int("reserved")}, row->Int("version")};
}

Status MariaDbInventory::InsertStock(const Sku& sku, const ProductId& product, std::int64_t on_hand, TimePoint now) {
  TRY_STATUS(c_.Execute("INSERT INTO stock (sku, product_id, on_hand, reserved, updated_at) VALUES (?, ?, ?, 0, ?)", sku.value(),
                        product.value(), on_hand, db::ToDbTime(now)));
  return {};
}

Status MariaDbInventory::ApplyStock(const Sku& sku, StockLevel before, StockLevel after, TimePoint now) {
  if (!IsValidLevel(after)) return Fail(Errc::internal, "stock of " + sku.value() + " would become invalid");
  // Compare-and-set under the caller's row lock; the table's CHECK (reserved <= on_hand) holds too.
  TRY(upd, c_.Execute("UPDATE stock SET on_hand = ?, reserved = ?, version = version + 1, updated_at = ? "
                      "WHERE sku = ? AND on_hand = ? AND reserved = ?",
                      after.on_hand, after.reserved, db::ToDbTime(now), sku.value(), before.on_hand, before.reserved));
  if (upd.affected_rows != 1) return Fail(Errc::internal, "stock row changed under its lock");
  return {};
}

Status MariaDbInventory::RecordAdjustment(const StockAdjustment& a, TimePoint now) {
  TRY_STATUS(c_.Execute("INSERT INTO stock_adjustments (sku, delta, on_hand_after, reason, note, actor, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        a.sku.value(), a.delta, a.on_hand_after, a.reason, a.note, a.actor, db::ToDbTime(now)));
  return {};
}

Result<std::vector<StockAdjustment>> MariaDbInventory::Adjustments(const Sku& sku, std::int64_t limit) {
  TRY(rows, c_.Query("SELECT delta, on_hand_after, reason, note, actor, created_at FROM stock_adjustments "
                     "WHERE sku = ? ORDER BY id DESC LIMIT ?",
                     sku.value(), limit));
  std::vector<StockAdjustment> out;
  for (const auto& r : rows)
    out.push_back(StockAdjustment{sku, r.Int("delta"), r.Int("on_hand_after"), r.Text("reason"), r.Text("note"), r.Text("actor"),
                                  db::DbTimeToRfc3339(r.Text("created_at"))});
  return out;
}

Result<LowStockPage> MariaDbInventory::LowStock(std::int64_t threshold, std::int64_t limit, std::int64_t offset) {
  constexpr const char* kLow = " FROM stock s JOIN variants v ON v.sku = s.sku JOIN products p ON p.id = s.product_id "
                               "WHERE p.status = 'active' AND s.on_hand - s.reserved <= ?";
  TRY(count, c_.QueryOne(std::string("SELECT COUNT(*) AS n") + kLow, threshold));
  TRY(rows, c_.Query(std::string("SELECT s.sku, s.product_id, s.on_hand, s.reserved, s.version, p.title, p.slug, v.options") + kLow +
                         " ORDER BY s.on_hand - s.reserved, s.sku LIMIT ? OFFSET ?",
                     threshold, limit, offset));
  LowStockPage page;
  page.total = count ? count->Int("n") : 0;
  for (const auto& r : rows) {
    page.items.push_back(LowStockItem{
        StockRecord{Sku(r.Text("sku")), ProductId(r.Text("product_id")), StockLevel{r.Int("on_hand"), r.Int("reserved")}, r.Int("version")},
        r.Text("title"), r.Text("slug"), sql::VariantOptionsOf(r.Text("options"))});
  }
  return page;
}

Result<std::optional<ReservationRecord>> MariaDbInventory::Reservation(const OrderId& order, Lock lock) {
  TRY(row, c_.QueryOne(std::string("SELECT status FROM reservations WHERE order_id = ?") + (lock == Lock::for_update ? " FOR UPDATE" : ""),
                       order.value()));
  if (!row) return std::optional<ReservationRecord>{};
  ReservationRecord rec{order, ParseReservationStatus(row->Text("status")).value_or(ReservationStatus::reserved), {}};
  TRY(lines, c_.Query("SELECT sku, quantity FROM reservation_lines WHERE order_id = ? ORDER BY sku", order.value()));
  for (const auto& l : lines) rec.lines[Sku(l.Text("sku"))] = l.Int("quantity");
  return std::optional<ReservationRecord>(std::move(rec));
}

Result<std::optional<ReservationView>> MariaDbInventory::ReservationDetail(const OrderId& order) {
  TRY(row, c_.QueryOne("SELECT order_id, status, reason, expires_at, created_at, updated_at FROM reservations WHERE order_id = ?",
                       order.value()));
  if (!row) return std::optional<ReservationView>{};
  ReservationView v;
  v.order_id = OrderId(row->Text("order_id"));
  v.status = ParseReservationStatus(row->Text("status")).value_or(ReservationStatus::reserved);
  v.reason = row->OptText("reason");
  v.expires_at = db::DbTimeToRfc3339(row->Text("expires_at"));
  v.created_at = db::DbTimeToRfc3339(row->Text("created_at"));
  v.updated_at = db::DbTimeToRfc3339(row->Text("updated_at"));
  TRY(lines, c_.Query("SELECT l.sku, l.quantity, s.product_id FROM reservation_lines l JOIN stock s ON s.sku = l.sku "
                      "WHERE l.order_id = ? ORDER BY l.sku",
                      order.value()));
  for (const auto& l : lines) v.lines.push_back({Sku(l.Text("sku")), ProductId(l.Text("product_id")), l.Int("quantity")});
  return std::optional<ReservationView>(std::move(v));
}

Status MariaDbInventory::InsertReservation(const OrderId& order, const MergedLines& lines, TimePoint expires_at, TimePoint now) {
  std::string at = db::ToDbTime(now);
  TRY_STATUS(c_.Execute("INSERT INTO reservations (order_id, status, expires_at, created_at, updated_at) VALUES (?, 'reserved', ?, ?, ?)",
                        order.value(), db::ToDbTime(expires_at), at, at));
  for (const auto& [sku, quantity] : lines)
    TRY_STATUS(c_.Execute("INSERT INTO reservation_lines (order_id, sku, quantity) VALUES (?, ?, ?)", order.value(), sku.value(), quantity));
  return {};
}

Status MariaDbInventory::SetReservationStatus(const OrderId& order, ReservationStatus status, std::string_view reason, TimePoint now) {
  TRY_STATUS(c_.Execute("UPDATE reservations SET status = ?, reason = ?, updated_at = ? WHERE order_id = ?", NameOf(status), reason,
                        db::ToDbTime(now), order.value()));
  return {};
}

Result<std::vector<OrderId>> MariaDbInventory::LockExpired(TimePoint now, int limit) {
  TRY(rows, c_.Query("SELECT order_id FROM reservations WHERE status = 'reserved' AND expires_at < ? "
                     "ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED",
                     db::ToDbTime(now), limit));
  std::vector<OrderId> out;
  for (const auto& r : rows) out.emplace_back(r.Text("order_id"));
  return out;
}

}  // namespace store::catalog
