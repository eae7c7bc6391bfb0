#include "adapters/mariadb_orders.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "adapters/event_json.hpp"
#include "app/checkout.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/outbox.hpp"

namespace store::order {
namespace json = boost::json;
using core::Error;

namespace {

constexpr std::string_view kColumns =
    "id, number, customer_id, email, name, locale, cart_id, cart_version, status, status_reason, currency, prices_include_tax, "
    "subtotal, shipping, tax, total, taxes, shipping_method, shipping_name, shipping_address, payment_method, payment_id, "
    "payment_url, card_brand, card_last4, failed_lines, return_url, expires_at, version, created_at, updated_at";

json::value ParseOr(const std::optional<std::string>& text) {
  if (!text || text->empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  return ec ? json::value(nullptr) : v;
}

Order FromRow(const db::Row& r) {
  Order o;
  o.id = r.Text("id");
  o.number = r.Text("number");
  o.customer_id = r.OptText("customer_id");
  o.email = r.Text("email");
  o.name = r.Text("name");
  o.locale = r.Text("locale");
  o.cart_id = r.Text("cart_id");
  o.cart_version = r.Int("cart_version");
  o.status = ParseStatus(r.Text("status")).value_or(Status::placed);
  o.status_reason = r.Text("status_reason");
  o.currency = r.Text("currency");
  o.prices_include_tax = r.Bool("prices_include_tax");
  o.totals.subtotal = r.Int("subtotal");
  o.totals.shipping = r.Int("shipping");
  o.totals.tax = r.Int("tax");
  o.totals.total = r.Int("total");
  o.totals.taxes = TaxesFrom(ParseOr(r.OptText("taxes")));
  o.shipping_method = r.Text("shipping_method");
  o.shipping_name = r.Text("shipping_name");
  o.address = AddressFrom(ParseOr(r.OptText("shipping_address")));
  o.payment_method = r.Text("payment_method");
  o.payment_id = r.OptText("payment_id").value_or("");
  o.payment_url = r.OptText("payment_url").value_or("");
  o.card_brand = r.OptText("card_brand").value_or("");
  o.card_last4 = r.OptText("card_last4").value_or("");
  o.failed_lines = r.OptText("failed_lines").value_or("");
  o.return_url = r.Text("return_url");
  o.expires_at = db::FromDbTime(r.Text("expires_at"));
  o.version = r.Int("version");
  o.created_at = db::FromDbTime(r.Text("created_at"));
  o.updated_at = db::FromDbTime(r.Text("updated_at"));
  return o;
}

// The order's lines as bought.
core::Status LoadLines(db::Connection& c, Order& o) {
  TRY(lines, c.Query("SELECT * FROM order_lines WHERE order_id = ? ORDER BY position", o.id));
  for (const auto& l : lines)
    o.lines.push_back({.sku = l.Text("sku"), .product_id = l.Text("product_id"), .title = l.Text("title"),
                       .options = OptionsFrom(ParseOr(l.OptText("options"))), .quantity = l.Int("quantity"),
                       .unit_price = l.Int("unit_price"), .line_total = l.Int("line_total"), .tax = l.Int("tax"),
                       .tax_rate_bp = static_cast<std::int32_t>(l.Int("tax_rate_bp"))});
  return {};
}

// The order with its lines and history; `lock`: FOR UPDATE (inside a transaction).
core::Result<std::optional<Order>> Load(db::Connection& c, std::string_view where, const std::string& arg, bool lock, bool details) {
  TRY(row, c.QueryOne(fmt::format("SELECT {} FROM orders WHERE {}{}", kColumns, where, lock ? " FOR UPDATE" : ""), arg));
  if (!row) return std::optional<Order>{};
  Order o = FromRow(*row);
  if (details) {
    TRY_STATUS(LoadLines(c, o));
    TRY(history, c.Query("SELECT status, reason, source, at FROM order_history WHERE order_id = ? ORDER BY id", o.id));
    for (const auto& h : history)
      o.history.push_back({h.Text("status"), h.Text("reason"), h.Text("source"), db::FromDbTime(h.Text("at"))});
  }
  return std::optional<Order>(std::move(o));
}

core::Status Emit(db::Connection& c, const std::string& prefix, std::string type, const std::string& key, json::object data, TimePoint now) {
  auto event = messaging::NewEvent(type, std::move(data), now);
  return messaging::Outbox::Add(c, prefix + type, key, event);
}

core::Status History(db::Connection& c, const std::string& order_id, std::string_view status, std::string_view reason,
                     std::string_view source, TimePoint now) {
  TRY_STATUS(c.Execute("INSERT INTO order_history (order_id, status, reason, source, at) VALUES (?, ?, ?, ?, ?)", order_id, status,
                       reason, source, db::ToDbTime(now)));
  return {};
}

// Moves a locked order to `to` (history, version) and emits what other services act on.
core::Status Move(db::Connection& c, const Order& o, Status to, const std::string& reason, std::string_view source,
                  std::optional<TimePoint> next_step, TimePoint now, const EventOptions& events) {
  const std::string& prefix = events.topic_prefix;
  std::optional<std::string> next = next_step ? std::optional(db::ToDbTime(*next_step)) : std::nullopt;
  TRY_STATUS(c.Execute("UPDATE orders SET status = ?, status_reason = ?, next_step_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
                       StatusName(to), reason, next, db::ToDbTime(now), o.id));
  TRY_STATUS(History(c, o.id, StatusName(to), reason, source, now));
  if (to == Status::confirmed) {
    Order confirmed = o;
    confirmed.status = to;
    json::object data = OrderConfirmedJson(confirmed);
    if (!o.customer_id) data["guest_token"] = GuestToken(events.guest_token_secret, o.id);
    TRY_STATUS(Emit(c, prefix, "order.confirmed.v1", o.id, std::move(data), now));
  } else if (to == Status::cancelled) {
    TRY_STATUS(Emit(c, prefix, "order.cancelled.v1", o.id, OrderCancelledJson(o, reason), now));
  }
  return {};
}

}  // namespace

awaitable<core::Status> MariaDbOrders::Place(NewOrder n) {
  const Order& o = n.order;
  auto fn = [&](db::Connection& c) -> core::Status {
    auto at = db::ToDbTime(o.created_at);
    std::string taxes = json::serialize(TaxesJson(o.totals.taxes, o.currency));
    std::string address = json::serialize(AddressJson(o.address));
    std::optional<std::string> guest = n.guest_token_hash.empty() ? std::nullopt : std::optional(n.guest_token_hash);
    TRY_STATUS(c.Execute(
        "INSERT INTO orders (id, number, placement_key, customer_id, guest_token_hash, email, name, locale, cart_id, cart_version, status, currency, "
        "prices_include_tax, subtotal, shipping, tax, total, taxes, shipping_method, shipping_name, shipping_address, payment_method, "
        "return_url, expires_at, next_step_at, version, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'placed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
        o.id, o.number, n.placement_key, o.customer_id, guest, o.email, o.name, o.locale, o.cart_id, o.cart_version, o.currency, o.prices_include_tax,
        o.totals.subtotal, o.totals.shipping, o.totals.tax, o.totals.total, taxes, o.shipping_method, o.shipping_name, address,
        o.payment_method, o.return_url, db::ToDbTime(o.expires_at), db::ToDbTime(o.expires_at), at, at));
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
      const auto& l = o.lines[i];
      std::string options = json::serialize(OptionsJson(l.options));
      TRY_STATUS(c.Execute("INSERT INTO order_lines (order_id, position, sku, product_id, title, options, quantity, unit_price, line_total, "
                           "tax, tax_rate_bp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           o.id, static_cast<std::int64_t>(i), l.sku, l.product_id, l.title, options, l.quantity, l.unit_price,
                           l.line_total, l.tax, l.tax_rate_bp));
    }
    TRY_STATUS(History(c, o.id, "placed", "", "api", o.created_at));
    TRY_STATUS(Emit(c, events_.topic_prefix, "order.placed.v1", o.id, OrderPlacedJson(o, n.reservation_ttl_s), o.created_at));
    return {};
  };
  co_return co_await db_.Transaction(fn);
}

awaitable<core::Result<std::optional<Order>>> MariaDbOrders::Get(std::string id) {
  auto fn = [&](db::Connection& c) { return Load(c, "id = ?", id, false, true); };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::optional<Order>>> MariaDbOrders::FindPlaced(std::string placement_key) {
  auto fn = [&](db::Connection& c) { return Load(c, "placement_key = ?", placement_key, false, true); };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::optional<Order>>> MariaDbOrders::FindGuest(std::string number, std::string email, std::string token_hash) {
  auto fn = [&](db::Connection& c) -> core::Result<std::optional<Order>> {
    TRY(row, c.QueryOne("SELECT id, email, guest_token_hash FROM orders WHERE number = ?", number));
    if (!row || row->IsNull("guest_token_hash") || row->Text("guest_token_hash") != token_hash) return std::optional<Order>{};
    std::string stored = row->Text("email"), given = email;
    auto lower = [](std::string s) {
      for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return s;
    };
    if (lower(stored) != lower(given)) return std::optional<Order>{};
    return Load(c, "id = ?", row->Text("id"), false, true);
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<OrderPage>> MariaDbOrders::List(std::string customer_id, std::optional<std::string> cursor, int limit) {
  auto fn = [&](db::Connection& c) -> core::Result<OrderPage> {
    // The cursor is the last order of the previous page: "<created_at as DB time>|<id>".
    std::string sql = fmt::format("SELECT {} FROM orders WHERE customer_id = ?", kColumns);
    std::string before_at, before_id;
    if (cursor) {
      auto bar = cursor->find('|');
      if (bar == std::string::npos) return core::Fail(Error::Invalid("bad cursor", {{"cursor", "as the previous page gave it"}}));
      before_at = cursor->substr(0, bar);
      before_id = cursor->substr(bar + 1);
      sql += " AND (created_at < ? OR (created_at = ? AND id < ?))";
    }
    sql += " ORDER BY created_at DESC, id DESC LIMIT ?";
    core::Result<db::Rows> rows = cursor ? c.Query(sql, customer_id, before_at, before_at, before_id, static_cast<std::int64_t>(limit + 1))
                                         : c.Query(sql, customer_id, static_cast<std::int64_t>(limit + 1));
    if (!rows) return std::unexpected(rows.error());
    OrderPage page;
    for (const auto& r : *rows) {
      if (static_cast<int>(page.orders.size()) == limit) {
        const Order& last = page.orders.back();
        page.next = db::ToDbTime(last.created_at) + "|" + last.id;
        break;
      }
      page.orders.push_back(FromRow(r));
    }
    for (auto& o : page.orders) {
      TRY(lines, c.Query("SELECT sku, title, quantity FROM order_lines WHERE order_id = ? ORDER BY position", o.id));
      for (const auto& l : lines) o.lines.push_back({.sku = l.Text("sku"), .title = l.Text("title"), .quantity = l.Int("quantity")});
    }
    return page;
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::vector<Order>>> MariaDbOrders::ClaimDue(TimePoint now, std::chrono::seconds lease, int limit) {
  auto fn = [&](db::Connection& c) -> core::Result<std::vector<Order>> {
    TRY(rows, c.Query(fmt::format("SELECT {} FROM orders WHERE next_step_at <= ? ORDER BY next_step_at LIMIT ? FOR UPDATE SKIP LOCKED", kColumns),
                      db::ToDbTime(now), static_cast<std::int64_t>(limit)));
    std::vector<Order> out;
    for (const auto& r : rows) {
      out.push_back(FromRow(r));
      TRY_STATUS(c.Execute("UPDATE orders SET next_step_at = ? WHERE id = ?", db::ToDbTime(now + lease), out.back().id));
    }
    for (auto& o : out) TRY_STATUS(LoadLines(c, o));
    return out;
  };
  co_return co_await db_.Transaction(fn);
}

awaitable<core::Status> MariaDbOrders::RecordIntent(std::string order_id, IntentView intent, TimePoint now) {
  auto fn = [&](db::Connection& c) -> core::Status {
    TRY(loaded, Load(c, "id = ?", order_id, true, true));
    if (!loaded) return core::Fail(Error::NotFound("no such order"));
    Order& o = *loaded;
    TRY_STATUS(c.Execute("UPDATE orders SET payment_id = ?, payment_url = ?, card_brand = COALESCE(card_brand, ?), "
                         "card_last4 = COALESCE(card_last4, ?) WHERE id = ?",
                         intent.id, intent.next_action_url, intent.card_brand.empty() ? std::nullopt : std::optional(intent.card_brand),
                         intent.card_last4.empty() ? std::nullopt : std::optional(intent.card_last4), o.id));
    o.payment_id = intent.id;
    o.payment_url = intent.next_action_url;
    const bool cod = o.payment_method == "cash_on_delivery";
    Decision d = Decide(o.status, SagaEvent::intent_created, cod);
    if (d.effect != Effect::move) {
      // Already moved on (paid before we wrote the intent down, or cancelled): only the lease ends.
      TRY_STATUS(c.Execute("UPDATE orders SET next_step_at = NULL WHERE id = ? AND status IN ('confirmed', 'cancelled')", o.id));
      return {};
    }
    std::optional<TimePoint> next = d.to == Status::awaiting_payment ? std::optional(o.expires_at) : std::nullopt;
    return Move(c, o, d.to, cod ? "cash on delivery: paid when delivered" : "", "saga", next, now, events_);
  };
  co_return co_await db_.Transaction(fn);
}

awaitable<core::Status> MariaDbOrders::Cancel(std::string order_id, std::string reason, std::string source, TimePoint now) {
  auto fn = [&](db::Connection& c) -> core::Status {
    TRY(loaded, Load(c, "id = ?", order_id, true, false));
    if (!loaded) return core::Fail(Error::NotFound("no such order"));
    if (!CanMove(loaded->status, Status::cancelled)) {
      TRY_STATUS(c.Execute("UPDATE orders SET next_step_at = NULL WHERE id = ?", order_id));
      return {};
    }
    return Move(c, *loaded, Status::cancelled, reason, source, std::nullopt, now, events_);
  };
  co_return co_await db_.Transaction(fn);
}

awaitable<core::Status> MariaDbOrders::Retry(std::string order_id, TimePoint at) {
  auto fn = [&](db::Connection& c) -> core::Status {
    TRY_STATUS(c.Execute("UPDATE orders SET next_step_at = ? WHERE id = ? AND status NOT IN ('confirmed', 'cancelled')", db::ToDbTime(at), order_id));
    return {};
  };
  co_return co_await db_.Run(fn);
}

core::Result<bool> MariaDbOrders::Apply(db::Connection& c, const SagaUpdate& u, TimePoint now, const EventOptions& events) {
  TRY(loaded, Load(c, "id = ?", u.order_id, true, u.event == SagaEvent::payment_succeeded));
  if (!loaded) return false;  // not one of ours (another shop's test order, a manual reservation): nothing to do
  Order& o = *loaded;
  if (!u.card_brand.empty() || !u.payment_id.empty())
    TRY_STATUS(c.Execute("UPDATE orders SET payment_id = COALESCE(payment_id, ?), card_brand = COALESCE(?, card_brand), "
                         "card_last4 = COALESCE(?, card_last4) WHERE id = ?",
                         u.payment_id.empty() ? std::nullopt : std::optional(u.payment_id),
                         u.card_brand.empty() ? std::nullopt : std::optional(u.card_brand),
                         u.card_last4.empty() ? std::nullopt : std::optional(u.card_last4), o.id));
  if (!u.card_brand.empty()) o.card_brand = u.card_brand;
  if (!u.card_last4.empty()) o.card_last4 = u.card_last4;
  Decision d = Decide(o.status, u.event, o.payment_method == "cash_on_delivery");
  switch (u.event) {
    case SagaEvent::payment_failed:
      // The shopper may try again on the same intent; the timeline says what happened.
      TRY_STATUS(History(c, o.id, "payment_failed", u.reason, "payment", now));
      return false;
    case SagaEvent::payment_succeeded:
      if (d.effect == Effect::refund) {
        // Paid after the order was cancelled (a late webhook): the payment service refunds what an
        // order.cancelled left captured (its reconciliation); the timeline tells the shopper.
        TRY_STATUS(History(c, o.id, "refund_pending", "paid after the order was cancelled: the payment is refunded", "payment", now));
        return false;
      }
      if (d.effect == Effect::move) TRY_STATUS(History(c, o.id, "paid", "", "payment", now));
      break;
    default: break;
  }
  if (d.effect != Effect::move) return false;
  if (u.event == SagaEvent::stock_failed && !u.failed_lines.empty())
    TRY_STATUS(c.Execute("UPDATE orders SET failed_lines = ? WHERE id = ?", u.failed_lines, o.id));
  std::string reason = u.event == SagaEvent::stock_failed ? "out of stock: " + u.reason : u.reason;
  std::optional<TimePoint> next;
  if (d.to == Status::reserved) next = now;  // the intent is to be made now
  const char* source = u.event == SagaEvent::stock_reserved || u.event == SagaEvent::stock_failed ? "catalog" : "payment";
  TRY_STATUS(Move(c, o, d.to, reason, source, next, now, events));
  return d.to == Status::reserved;
}

}  // namespace store::order
