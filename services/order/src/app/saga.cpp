#include "app/saga.hpp"

#include "store/core/when_all.hpp"
#include "store/log/log.hpp"

namespace store::order {

awaitable<core::Result<SagaReport>> Saga::RunOnce() {
  const TimePoint now = clock_.Now();
  CO_TRY(due, co_await store_.ClaimDue(now, s_.lease, s_.batch));
  // The leased orders' steps run at once: each waits on the payment service and its provider.
  std::vector<awaitable<core::Result<Outcome>>> steps;
  steps.reserve(due.size());
  for (const Order& o : due) steps.push_back(Step(o, now));
  SagaReport report;
  core::Status failed;
  for (auto& outcome : co_await core::WhenAll(std::move(steps))) {
    if (!outcome) {
      if (failed) failed = std::unexpected(outcome.error());  // the first; the others' leases lapse
      continue;
    }
    switch (*outcome) {
      case Outcome::nothing: break;
      case Outcome::intent: ++report.intents; break;
      case Outcome::confirmed: ++report.confirmed; break;
      case Outcome::cancelled: ++report.cancelled; break;
      case Outcome::retried: ++report.retried; break;
    }
  }
  if (!failed) co_return std::unexpected(failed.error());
  co_return report;
}

awaitable<core::Result<Saga::Outcome>> Saga::Step(const Order& o, TimePoint now) {
  if (IsFinal(o.status)) co_return Outcome::nothing;
  if (now >= o.expires_at) {
    // Unpaid too long: cancelled; order.cancelled releases the stock and voids the intent.
    CO_TRY_STATUS(co_await store_.Cancel(o.id, "payment not received in time", "expiry", now));
    co_return Outcome::cancelled;
  }
  if (o.status != Status::reserved) {
    CO_TRY_STATUS(co_await store_.Retry(o.id, o.expires_at));  // nothing to do before the expiry
    co_return Outcome::nothing;
  }
  auto intent = co_await payments_.CreateIntent(o);
  if (intent) {
    CO_TRY_STATUS(co_await store_.RecordIntent(o.id, *intent, now));
    co_return o.payment_method == "cash_on_delivery" ? Outcome::confirmed : Outcome::intent;
  }
  if (core::IsTransient(intent.error().code)) {
    log::Warn("the order's payment intent could not be made yet", {{"order_id", o.id}, {"error", intent.error().message}});
    CO_TRY_STATUS(co_await store_.Retry(o.id, now + s_.retry_after));
    co_return Outcome::retried;
  }
  log::Warn("the payment service refused the order's intent", {{"order_id", o.id}, {"error", intent.error().message}});
  CO_TRY_STATUS(co_await store_.Cancel(o.id, "the payment could not be set up: " + intent.error().message, "saga", now));
  co_return Outcome::cancelled;
}

}  // namespace store::order
