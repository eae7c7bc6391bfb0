// What every catalog use case handler holds: the unit of work, the one page invalidation, the
// shop's settings and the clock. Owned by the composition root (wiring.cpp); handlers keep a
// reference. A write handler runs its Apply() in one transaction, then drops the pages it made
// stale (RunWrite); Apply() itself works inside any caller's transaction (the Kafka consumer's
// inbox transaction, the demo generator's).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>

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

// An admin write's optimistic concurrency against the row's `current` version: the If-Match
// header's (412) or the body's `version` (409). `what` names the row: "the product", ...
inline Status CheckVersion(std::optional<std::int64_t> if_match, std::optional<std::int64_t> body_version, std::int64_t current,
                           std::string_view what) {
  if (if_match && *if_match != current) return core::Fail(core::Errc::precondition_failed, std::string(what) + " changed since it was read (If-Match)");
  if (body_version && *body_version != current) return core::Fail(core::Errc::conflict, std::string(what) + " changed since it was read (version)");
  return {};
}

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
