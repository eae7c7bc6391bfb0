// What every catalog use case handler holds: the unit of work, the one page invalidation, the
// shop's settings and the clock. Owned by the composition root (wiring.cpp); handlers keep a
// reference. A write handler runs its Apply() in one transaction, then drops the pages it made
// stale (RunWrite); Apply() itself works inside any caller's transaction (the Kafka consumer's
// inbox transaction, the demo generator's).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>

#include "app/page_invalidation.hpp"
#include "app/ports.hpp"
#include "store/core/clock.hpp"

namespace store::catalog {

struct AppContext {
  CatalogStore& store;
  PageInvalidation& invalidation;
  const Settings& settings;
  const core::Clock& clock;
};

// apply: Result<Changed<T>>(CatalogTx&), a named callable. Commits, then invalidates.
template <class T, class F>
boost::asio::awaitable<Result<T>> RunWrite(const AppContext& ctx, F& apply) {
  std::optional<Changed<T>> out;
  TxWork work = [&](CatalogTx& tx) -> Status {
    auto r = apply(tx);
    if (!r) return std::unexpected(std::move(r.error()));
    out = std::move(*r);
    return {};
  };
  CO_TRY_STATUS(co_await ctx.store.Transaction(work));
  co_await ctx.invalidation.InvalidateAsync(out->changes);
  co_return std::move(out->value);
}

// query: Result<T>(CatalogTx&), a named callable. No transaction.
template <class T, class F>
boost::asio::awaitable<Result<T>> RunRead(const AppContext& ctx, F& query) {
  std::optional<T> out;
  TxWork work = [&](CatalogTx& tx) -> Status {
    auto r = query(tx);
    if (!r) return std::unexpected(std::move(r.error()));
    out = std::move(*r);
    return {};
  };
  CO_TRY_STATUS(co_await ctx.store.Read(work));
  co_return std::move(*out);
}

}  // namespace store::catalog
