#include "app/inventory.hpp"

#include <map>

#include "app/product_changes.hpp"
#include "store/log/log.hpp"

namespace store::catalog {

using core::Errc;
using core::Error;
using core::Fail;

awaitable<Result<StockRecord>> GetStockHandler::operator()(const GetStock& q) const {
  auto query = [&](CatalogTx& tx) -> Result<StockRecord> {
    TRY(row, tx.inventory().Stock(q.sku, Lock::none));
    if (!row) return Fail(Errc::not_found, "no such SKU");
    return std::move(*row);
  };
  co_return co_await RunRead<StockRecord>(ctx, query);
}

awaitable<Result<ReservationView>> GetReservationHandler::operator()(const GetReservation& q) const {
  auto query = [&](CatalogTx& tx) -> Result<ReservationView> {
    TRY(view, tx.inventory().ReservationDetail(q.order_id));
    if (!view) return Fail(Errc::not_found, "no such reservation");
    return std::move(*view);
  };
  co_return co_await RunRead<ReservationView>(ctx, query);
}

awaitable<Result<std::vector<StockAdjustment>>> GetAdjustmentsHandler::operator()(const GetAdjustments& q) const {
  auto query = [&](CatalogTx& tx) -> Result<std::vector<StockAdjustment>> {
    TRY(row, tx.inventory().Stock(q.sku, Lock::none));
    if (!row) return Fail(Errc::not_found, "no such SKU");
    return tx.inventory().Adjustments(q.sku, q.limit);
  };
  co_return co_await RunRead<std::vector<StockAdjustment>>(ctx, query);
}

awaitable<Result<LowStockPage>> GetLowStockHandler::operator()(const GetLowStock& q) const {
  std::vector<core::FieldError> bad;
  if (q.threshold < 0 || q.threshold > 1'000'000) bad.push_back({"threshold", "must be 0..1000000"});
  if (q.page < 1) bad.push_back({"page", "must be 1 or more"});
  if (q.per_page < 1 || q.per_page > 200) bad.push_back({"per_page", "must be 1..200"});
  if (!bad.empty()) co_return std::unexpected(Error::Invalid("invalid query", std::move(bad)));
  auto query = [&](CatalogTx& tx) { return tx.inventory().LowStock(q.threshold, q.per_page, (q.page - 1) * q.per_page); };
  co_return co_await RunRead<LowStockPage>(ctx, query);
}

Result<Changed<StockRecord>> SetStockHandler::Apply(CatalogTx& tx, const SetStock& cmd) const {
  if (cmd.on_hand.has_value() == cmd.delta.has_value())
    return std::unexpected(Error::Invalid("the request has invalid fields", {{"on_hand", "give exactly one of on_hand or delta"}}));
  auto& inv = tx.inventory();
  TRY(row, inv.Stock(cmd.sku, Lock::for_update));
  if (!row) return Fail(Errc::not_found, "no such SKU");
  TRY_STATUS(CheckVersion(cmd.if_match, cmd.body_version, row->version, "the stock"));
  TRY(on_hand, NewOnHand(row->level, cmd.on_hand, cmd.delta));
  StockLevel after{on_hand, row->level.reserved};
  auto now = ctx.clock.Now();
  TRY_STATUS(inv.ApplyStock(cmd.sku, row->level, after, now));
  TRY_STATUS(inv.RecordAdjustment({cmd.sku, on_hand - row->level.on_hand, on_hand, cmd.reason, cmd.note, cmd.actor, ""}, now));
  TRY(changes, RecordStockMoves(tx, {{cmd.sku, row->product, row->level, after, "admin", std::nullopt}}, now, cmd.trace));
  TRY(out, inv.Stock(cmd.sku, Lock::none));
  return Changed<StockRecord>{std::move(*out), std::move(changes)};
}

awaitable<Result<StockRecord>> SetStockHandler::operator()(const SetStock& cmd) const {
  auto apply = [&](CatalogTx& tx) { return Apply(tx, cmd); };
  co_return co_await RunWrite<StockRecord>(ctx, apply);
}

Result<Changed<ReserveOutcome>> ReserveStockHandler::Apply(CatalogTx& tx, const ReserveStock& cmd) const {
  const auto& req = cmd.request;
  TRY(lines, MergeReservationLines(req));
  auto& inv = tx.inventory();
  ReserveOutcome outcome;

  // Idempotency: the order already holds a reservation (any status) -> answer it.
  TRY(existing, inv.Reservation(req.order_id, Lock::none));
  if (existing) {
    if (existing->lines != lines) return Fail(Errc::conflict, "the order already holds a different reservation");
    TRY(view, inv.ReservationDetail(req.order_id));
    if (!view) return Fail(Errc::internal, "reservation vanished");
    outcome.reserved = view->status != ReservationStatus::released;
    outcome.released_before = !outcome.reserved;
    outcome.reservation = std::move(*view);
    return Changed<ReserveOutcome>{std::move(outcome), {}};
  }

  // Lock every line's stock row in SKU order, then decide for all of them at once.
  std::map<Sku, std::optional<StockLevel>> levels;
  std::map<Sku, StockRecord> rows;
  for (const auto& [sku, quantity] : lines) {
    TRY(row, inv.Stock(sku, Lock::for_update));
    levels[sku] = row ? std::optional(row->level) : std::nullopt;
    if (row) rows.emplace(sku, std::move(*row));
  }
  auto check = CheckAvailability(lines, levels);
  if (!check.ok()) {
    outcome.failure = check.failure;
    outcome.shortfalls = std::move(check.shortfalls);
    return Changed<ReserveOutcome>{std::move(outcome), {}};
  }

  auto now = ctx.clock.Now();
  std::vector<StockMove> moves;
  std::vector<ReservedLine> event_lines;
  for (const auto& [sku, quantity] : lines) {
    const auto& row = rows.at(sku);
    auto after = AfterReserve(row.level, quantity);
    TRY_STATUS(inv.ApplyStock(sku, row.level, after, now));
    moves.push_back({sku, row.product, row.level, after, "reserved", req.order_id});
    event_lines.push_back({sku, row.product, quantity});
  }
  auto expires = ReservationExpiry(now, req.ttl, ctx.settings.reservation_ttl);
  TRY_STATUS(inv.InsertReservation(req.order_id, lines, expires, now));
  TRY_STATUS(tx.outbox().Publish(StockReserved{req.order_id, std::move(event_lines), expires}, cmd.trace));
  TRY(changes, RecordStockMoves(tx, moves, now, cmd.trace));
  TRY(view, inv.ReservationDetail(req.order_id));
  if (!view) return Fail(Errc::internal, "reservation vanished");
  outcome.reserved = true;
  outcome.created = true;
  outcome.reservation = std::move(*view);
  return Changed<ReserveOutcome>{std::move(outcome), std::move(changes)};
}

awaitable<Result<ReserveOutcome>> ReserveStockHandler::operator()(const ReserveStock& cmd) const {
  auto apply = [&](CatalogTx& tx) { return Apply(tx, cmd); };
  auto done = co_await RunWrite<ReserveOutcome>(ctx, apply);
  // A concurrent request for the same order won the insert: answer what it reserved.
  if (!done && done.error().code == Errc::conflict) done = co_await RunWrite<ReserveOutcome>(ctx, apply);
  co_return done;
}

Result<Changed<ReservationView>> SettleReservationHandler::Apply(CatalogTx& tx, const SettleReservation& cmd) const {
  auto& inv = tx.inventory();
  TRY(rec, inv.Reservation(cmd.order_id, Lock::for_update));
  if (!rec) return Fail(Errc::not_found, "no such reservation");
  bool commit = cmd.settlement == Settlement::commit;
  switch (DecideSettlement(rec->status, cmd.settlement)) {
    case SettleDecision::already_done: {
      TRY(view, inv.ReservationDetail(cmd.order_id));
      if (!view) return Fail(Errc::internal, "reservation vanished");
      return Changed<ReservationView>{std::move(*view), {}};
    }
    case SettleDecision::conflict:
      return Fail(Errc::conflict, "the reservation is already " + std::string(NameOf(rec->status)));
    case SettleDecision::apply:
      break;
  }
  auto now = ctx.clock.Now();
  std::vector<StockMove> moves;
  std::vector<ReservedLine> event_lines;
  std::string move_reason = commit ? "committed" : (cmd.reason == "expired" ? "expired" : "released");
  for (const auto& [sku, quantity] : rec->lines) {
    TRY(row, inv.Stock(sku, Lock::for_update));
    if (!row || row->level.reserved < quantity) return Fail(Errc::internal, "reserved units missing for " + sku.value());
    auto after = commit ? AfterCommit(row->level, quantity) : AfterRelease(row->level, quantity);
    TRY_STATUS(inv.ApplyStock(sku, row->level, after, now));
    moves.push_back({sku, row->product, row->level, after, move_reason, cmd.order_id});
    event_lines.push_back({sku, row->product, quantity});
  }
  auto target = commit ? ReservationStatus::committed : ReservationStatus::released;
  TRY_STATUS(inv.SetReservationStatus(cmd.order_id, target, commit ? "committed" : cmd.reason, now));
  if (commit) TRY_STATUS(tx.outbox().Publish(StockCommitted{cmd.order_id, std::move(event_lines)}, cmd.trace));
  else TRY_STATUS(tx.outbox().Publish(StockReleased{cmd.order_id, std::move(event_lines), cmd.reason}, cmd.trace));
  TRY(changes, RecordStockMoves(tx, moves, now, cmd.trace));
  TRY(view, inv.ReservationDetail(cmd.order_id));
  if (!view) return Fail(Errc::internal, "reservation vanished");
  return Changed<ReservationView>{std::move(*view), std::move(changes)};
}

awaitable<Result<ReservationView>> SettleReservationHandler::operator()(const SettleReservation& cmd) const {
  auto apply = [&](CatalogTx& tx) { return Apply(tx, cmd); };
  co_return co_await RunWrite<ReservationView>(ctx, apply);
}

Result<Changed<int>> ReleaseExpiredHandler::Apply(CatalogTx& tx) const {
  TRY(due, tx.inventory().LockExpired(ctx.clock.Now(), batch));
  Changes changes;
  SettleReservationHandler settle{ctx};
  for (const auto& order : due) {
    TRY(done, settle.Apply(tx, {order, Settlement::release, "expired", std::nullopt}));
    changes.Merge(done.changes);
  }
  return Changed<int>{static_cast<int>(due.size()), std::move(changes)};
}

Result<int> ReleaseExpiredHandler::RunOnce() const {
  int total = 0;
  for (;;) {
    std::optional<Changed<int>> round;
    TxWork work = [&](CatalogTx& tx) -> Status {
      TRY(r, Apply(tx));
      round = std::move(r);
      return {};
    };
    TRY_STATUS(ctx.store.TransactionSync(work));
    ctx.invalidation.Invalidate(round->changes);
    total += round->value;
    if (round->value < batch) return total;
  }
}

namespace {

// order.placed: reserve; a refusal is published (nothing reserved).
Result<Changes> OnOrderPlaced(const AppContext& ctx, CatalogTx& tx, const OrderPlaced& ev, const Trace& trace) {
  ReserveStock cmd{{ev.order_id, ev.lines, ev.ttl}, trace};
  auto out = ReserveStockHandler{ctx}.Apply(tx, cmd);
  std::string reason;
  std::vector<Shortfall> failed;
  if (!out && out.error().code == Errc::invalid_argument) {
    reason = "invalid";
    for (const auto& l : ev.lines) failed.push_back({l.sku, l.quantity, 0});
  } else if (!out) {
    return std::unexpected(out.error());
  } else if (!out->value.reserved) {
    if (out->value.released_before) return Changes{};  // an old order id again: nothing to say
    reason = std::string(NameOf(*out->value.failure));
    failed = std::move(out->value.shortfalls);
  } else {
    return std::move(out->changes);
  }
  TRY_STATUS(tx.outbox().Publish(StockReservationFailed{ev.order_id, reason, std::move(failed)}, trace));
  return Changes{};
}

}  // namespace

Result<Changes> StockEventHandler::Apply(CatalogTx& tx, const StockEvent& event, const Trace& trace) const {
  if (auto* placed = std::get_if<OrderPlaced>(&event)) return OnOrderPlaced(ctx, tx, *placed, trace);
  SettleReservationHandler settle{ctx};
  if (auto* cancelled = std::get_if<OrderCancelled>(&event)) {
    auto out = settle.Apply(tx, {cancelled->order_id, Settlement::release, "cancelled", trace});
    if (!out && (out.error().code == Errc::not_found || out.error().code == Errc::conflict)) {
      log::Info("order cancelled: no reservation to release", {{"order_id", cancelled->order_id.value()}, {"why", out.error().message}});
      return Changes{};
    }
    if (!out) return std::unexpected(out.error());
    return std::move(out->changes);
  }
  const auto& confirmed = std::get<OrderConfirmed>(event);
  auto out = settle.Apply(tx, {confirmed.order_id, Settlement::commit, "committed", trace});
  if (!out && out.error().code == Errc::not_found) return Changes{};  // an order that reserved nothing here
  if (!out) return std::unexpected(out.error());  // confirmed while released: for the DLQ and a human
  return std::move(out->changes);
}

void StockEventHandler::AfterCommit(const Changes& changes) const { ctx.invalidation.Invalidate(changes); }

}  // namespace store::catalog
