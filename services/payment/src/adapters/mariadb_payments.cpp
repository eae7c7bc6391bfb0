#include "adapters/mariadb_payments.hpp"

#include <ctime>

#include "store/messaging/outbox.hpp"

namespace store::payment {

namespace {

constexpr const char* kIntentColumns =
    "id, order_id, customer_id, amount_minor, currency, method, capture_mode, status, status_reason, provider, provider_ref, "
    "redirect_url, return_url, card_brand, card_last4, method_detail, authorised_minor, captured_minor, voided_minor, "
    "refunded_minor, pending_refunds_minor, order_facts, cancel_requested, paid_at, version, created_at, updated_at";

Intent FromRow(const db::Row& r) {
  Intent i;
  i.id = r.Text("id");
  i.order_id = r.Text("order_id");
  i.customer_id = r.Text("customer_id");
  i.amount = r.Int("amount_minor");
  i.currency = r.Text("currency");
  i.method = ParseMethod(r.Text("method")).value_or(Method::card);
  i.capture = ParseCaptureMode(r.Text("capture_mode")).value_or(CaptureMode::automatic);
  i.status = ParseStatus(r.Text("status")).value_or(Status::failed);
  i.status_reason = r.Text("status_reason");
  i.provider = r.Text("provider");
  i.provider_ref = r.OptText("provider_ref").value_or("");
  i.redirect_url = r.Text("redirect_url");
  i.return_url = r.Text("return_url");
  i.card_brand = r.Text("card_brand");
  i.card_last4 = r.Text("card_last4");
  i.method_detail = r.Text("method_detail");
  i.sums = {.authorised = r.Int("authorised_minor"), .captured = r.Int("captured_minor"), .voided = r.Int("voided_minor"),
            .refunded = r.Int("refunded_minor")};
  i.pending_refunds = r.Int("pending_refunds_minor");
  i.order_facts = r.Text("order_facts");
  i.cancel_requested = r.Int("cancel_requested") != 0;
  if (auto paid = r.OptText("paid_at")) i.paid_at = db::FromDbTime(*paid);
  i.version = r.Int("version");
  i.created_at = db::FromDbTime(r.Text("created_at"));
  i.updated_at = db::FromDbTime(r.Text("updated_at"));
  return i;
}

Refund RefundFromRow(const db::Row& r) {
  return {.id = r.Text("id"),
          .intent_id = r.Text("intent_id"),
          .amount = r.Int("amount_minor"),
          .status = r.Text("status"),
          .reason = r.Text("reason"),
          .requested_by = r.Text("requested_by"),
          .provider_ref = r.Text("provider_ref"),
          .created_at = db::FromDbTime(r.Text("created_at"))};
}

core::Result<std::optional<Intent>> One(db::Connection& c, const std::string& where, const std::string& a,
                                        const std::optional<std::string>& b = std::nullopt, bool lock = false) {
  std::string sql = std::string("SELECT ") + kIntentColumns + " FROM payment_intents WHERE " + where;
  if (lock) sql += " FOR UPDATE";
  auto row = b ? c.QueryOne(sql, a, *b) : c.QueryOne(sql, a);
  TRY(found, std::move(row));
  if (!found) return std::optional<Intent>{};
  return std::optional<Intent>(FromRow(*found));
}

}  // namespace

core::Result<Intent> MariaDbPayments::Write(db::Connection& c, const Intent& before, const Change& change, TimePoint now) {
  auto at = db::ToDbTime(now);
  if (change.webhook_event)
    TRY_STATUS(c.Execute("INSERT INTO webhook_events (provider, event_id, received_at) VALUES (?, ?, ?)", before.provider,
                         *change.webhook_event, at));
  Intent after = before;
  const auto& s = change.settlement;
  if (s.status) {
    after.status = *s.status;
    after.status_reason = s.reason.substr(0, 512);
  }
  bool captured = false;
  for (const auto& e : s.entries) {
    switch (e.kind) {
      case EntryKind::authorisation: after.sums.authorised += e.amount; break;
      case EntryKind::capture: after.sums.captured += e.amount; captured = true; break;
      case EntryKind::void_: after.sums.voided += e.amount; break;
      case EntryKind::refund: after.sums.refunded += e.amount; break;
    }
    TRY_STATUS(c.Execute("INSERT INTO payment_ledger (intent_id, kind, amount_minor, currency, provider_ref, at) VALUES (?, ?, ?, ?, ?, ?)",
                         before.id, NameOf(e.kind), e.amount, before.currency, e.reference.substr(0, 64), at));
  }
  if (change.view) {
    const auto& v = *change.view;
    if (after.provider_ref.empty()) after.provider_ref = v.reference;
    if (!v.redirect_url.empty()) after.redirect_url = v.redirect_url;
    if (!v.card_brand.empty()) after.card_brand = v.card_brand;
    if (!v.card_last4.empty()) after.card_last4 = v.card_last4;
    if (!v.method_detail.empty()) after.method_detail = v.method_detail;
  }
  if (change.new_refund) {
    const auto& r = *change.new_refund;
    TRY_STATUS(c.Execute("INSERT INTO payment_refunds (id, intent_id, amount_minor, status, reason, requested_by, created_at, updated_at) "
                         "VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)",
                         r.id, before.id, r.amount, r.reason.substr(0, 512), r.requested_by, at, at));
    after.pending_refunds += r.amount;
  }
  if (change.refund_status) {
    TRY(row, c.QueryOne("SELECT amount_minor, status FROM payment_refunds WHERE id = ? AND intent_id = ?", change.refund_status->first,
                        before.id));
    if (!row) return core::Fail(core::Error::NotFound("no such refund"));
    if (row->Text("status") != "pending") return core::Fail(core::Error::Conflict("the refund was settled before"));
    TRY_STATUS(c.Execute("UPDATE payment_refunds SET status = ?, provider_ref = ?, updated_at = ? WHERE id = ?", change.refund_status->second,
                         change.refund_reference.value_or(""), at, change.refund_status->first));
    after.pending_refunds -= row->Int("amount_minor");
  }
  if (change.cancel_requested) after.cancel_requested = *change.cancel_requested;
  after.redirect_url = after.redirect_url.substr(0, 1024);  // the columns' sizes
  after.card_brand = after.card_brand.substr(0, 16);
  after.card_last4 = after.card_last4.substr(0, 4);
  after.method_detail = after.method_detail.substr(0, 64);
  std::optional<std::string> paid_at = before.paid_at ? std::optional(db::ToDbTime(*before.paid_at)) : std::nullopt;
  if (captured && !paid_at) paid_at = at;
  TRY_STATUS(c.Execute(
      "UPDATE payment_intents SET status = ?, status_reason = ?, provider_ref = ?, redirect_url = ?, card_brand = ?, card_last4 = ?, "
      "method_detail = ?, authorised_minor = ?, captured_minor = ?, voided_minor = ?, refunded_minor = ?, pending_refunds_minor = ?, "
      "cancel_requested = ?, paid_at = ?, version = version + 1, updated_at = ? WHERE id = ?",
      NameOf(after.status), after.status_reason, after.provider_ref.empty() ? std::optional<std::string>() : std::optional(after.provider_ref),
      after.redirect_url, after.card_brand, after.card_last4, after.method_detail,
      after.sums.authorised, after.sums.captured, after.sums.voided, after.sums.refunded, after.pending_refunds,
      after.cancel_requested ? 1 : 0, paid_at, at, before.id));
  if (s.status)
    TRY_STATUS(c.Execute("INSERT INTO payment_transitions (intent_id, from_status, to_status, reason, source, at) VALUES (?, ?, ?, ?, ?, ?)",
                         before.id, NameOf(before.status), NameOf(*s.status), s.reason.substr(0, 512), change.source, at));
  for (const auto& e : change.events) {
    auto event = messaging::NewEvent(e.type, e.data, now);
    TRY_STATUS(messaging::Outbox::Add(c, topic_prefix_ + e.type, e.key, event));
  }
  // The row as written (no read back): what the caller answers.
  after.version = before.version + 1;
  after.updated_at = std::chrono::time_point_cast<std::chrono::milliseconds>(now);
  if (paid_at) after.paid_at = db::FromDbTime(*paid_at);
  return after;
}

awaitable<core::Status> MariaDbPayments::Insert(const Intent& intent, Change first) {
  auto now = clock_.Now();
  auto fn = [&](db::Connection& c) -> core::Status {
    auto at = db::ToDbTime(now);
    TRY_STATUS(c.Execute(
        "INSERT INTO payment_intents (id, order_id, customer_id, amount_minor, currency, method, capture_mode, status, status_reason, "
        "provider, return_url, order_facts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'created', ?, ?, ?, ?, ?)",
        intent.id, intent.order_id, intent.customer_id, intent.amount, intent.currency, NameOf(intent.method), NameOf(intent.capture),
        NameOf(intent.status), intent.provider, intent.return_url, intent.order_facts, at, at));
    TRY_STATUS(c.Execute("INSERT INTO payment_transitions (intent_id, from_status, to_status, reason, source, at) VALUES (?, '', ?, 'created', ?, ?)",
                         intent.id, NameOf(intent.status), first.source, at));
    if (first.empty() || (!first.settlement.changed() && first.events.empty())) return {};
    TRY_STATUS(Write(c, intent, first, now));
    return {};
  };
  co_return co_await db_.Transaction(fn);
}

awaitable<core::Result<std::optional<Intent>>> MariaDbPayments::Get(std::string id) {
  auto fn = [&](db::Connection& c) { return One(c, "id = ?", id); };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::optional<Intent>>> MariaDbPayments::ByOrder(std::string order_id) {
  auto fn = [&](db::Connection& c) { return One(c, "order_id = ? ORDER BY created_at DESC, id LIMIT 1", order_id); };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::optional<Intent>>> MariaDbPayments::ByReference(std::string provider, std::string reference) {
  auto fn = [&](db::Connection& c) { return One(c, "provider = ? AND provider_ref = ?", provider, reference); };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<Intent>> MariaDbPayments::Update(std::string id, Decide decide) {
  auto fn = [&](db::Connection& c) -> core::Result<Intent> {
    TRY(current, One(c, "id = ?", id, std::nullopt, true));
    if (!current) return core::Fail(core::Error::NotFound("no such payment"));
    TRY(change, decide(*current));
    if (change.empty()) return *current;
    return Write(c, *current, change, clock_.Now());
  };
  co_return co_await db_.Transaction(fn);
}

awaitable<core::Result<std::vector<LedgerEntry>>> MariaDbPayments::Ledger(std::string id) {
  auto fn = [&](db::Connection& c) -> core::Result<std::vector<LedgerEntry>> {
    TRY(rows, c.Query("SELECT id, kind, amount_minor, provider_ref, at FROM payment_ledger WHERE intent_id = ? ORDER BY id", id));
    std::vector<LedgerEntry> out;
    for (const auto& r : rows)
      out.push_back({.id = r.Int("id"),
                     .kind = ParseEntryKind(r.Text("kind")).value_or(EntryKind::authorisation),
                     .amount = r.Int("amount_minor"),
                     .reference = r.Text("provider_ref"),
                     .at = db::FromDbTime(r.Text("at"))});
    return out;
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::vector<Transition>>> MariaDbPayments::Transitions(std::string id) {
  auto fn = [&](db::Connection& c) -> core::Result<std::vector<Transition>> {
    TRY(rows, c.Query("SELECT from_status, to_status, reason, source, at FROM payment_transitions WHERE intent_id = ? ORDER BY id", id));
    std::vector<Transition> out;
    for (const auto& r : rows)
      out.push_back({.from = r.Text("from_status"), .to = r.Text("to_status"), .reason = r.Text("reason"), .source = r.Text("source"),
                     .at = db::FromDbTime(r.Text("at"))});
    return out;
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::vector<Refund>>> MariaDbPayments::Refunds(std::string id) {
  auto fn = [&](db::Connection& c) -> core::Result<std::vector<Refund>> {
    TRY(rows, c.Query("SELECT * FROM payment_refunds WHERE intent_id = ? ORDER BY created_at, id", id));
    std::vector<Refund> out;
    for (const auto& r : rows) out.push_back(RefundFromRow(r));
    return out;
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::vector<std::string>>> MariaDbPayments::ClaimStuck(TimePoint now, TimePoint stuck_before,
                                                                               std::chrono::milliseconds lease, int limit) {
  auto fn = [&](db::Connection& c) -> core::Result<std::vector<std::string>> {
    auto at = db::ToDbTime(now);
    TRY(rows, c.Query("SELECT id FROM payment_intents WHERE ((status IN ('processing', 'requires_action') AND updated_at < ?) "
                      "OR cancel_requested = 1) AND (next_check_at IS NULL OR next_check_at <= ?) ORDER BY updated_at LIMIT ?",
                      db::ToDbTime(stuck_before), at, static_cast<std::int64_t>(limit)));
    std::vector<std::string> claimed;
    for (const auto& r : rows) {
      // The claim: another instance that read the same row finds next_check_at moved and skips it.
      TRY(done, c.Execute("UPDATE payment_intents SET next_check_at = ? WHERE id = ? AND (next_check_at IS NULL OR next_check_at <= ?)",
                          db::ToDbTime(now + lease), r.Text("id"), at));
      if (done.affected_rows == 1) claimed.push_back(r.Text("id"));
    }
    return claimed;
  };
  co_return co_await db_.Run(fn);
}

awaitable<core::Result<std::vector<Refund>>> MariaDbPayments::ClaimPendingRefunds(TimePoint now, TimePoint stuck_before,
                                                                                  std::chrono::milliseconds lease, int limit) {
  auto fn = [&](db::Connection& c) -> core::Result<std::vector<Refund>> {
    auto at = db::ToDbTime(now);
    TRY(rows, c.Query("SELECT * FROM payment_refunds WHERE status = 'pending' AND updated_at < ? "
                      "AND (next_check_at IS NULL OR next_check_at <= ?) ORDER BY updated_at LIMIT ?",
                      db::ToDbTime(stuck_before), at, static_cast<std::int64_t>(limit)));
    std::vector<Refund> claimed;
    for (const auto& r : rows) {
      TRY(done, c.Execute("UPDATE payment_refunds SET next_check_at = ? WHERE id = ? AND status = 'pending' "
                          "AND (next_check_at IS NULL OR next_check_at <= ?)",
                          db::ToDbTime(now + lease), r.Text("id"), at));
      if (done.affected_rows == 1) claimed.push_back(RefundFromRow(r));
    }
    return claimed;
  };
  co_return co_await db_.Run(fn);
}

core::Status MariaDbPayments::MarkOrderCancelled(db::Connection& c, std::string_view order_id) {
  TRY_STATUS(c.Execute("UPDATE payment_intents SET cancel_requested = 1, next_check_at = NULL "
                       "WHERE order_id = ? AND status NOT IN ('cancelled', 'refunded')",
                       std::string(order_id)));
  return {};
}

}  // namespace store::payment
