#include "app/saga.hpp"

#include "store/log/log.hpp"

namespace store::order {

awaitable<core::Result<SagaReport>> Saga::RunOnce() {
  SagaReport report;
  const TimePoint now = clock_.Now();
  CO_TRY(due, co_await store_.ClaimDue(now, s_.lease, s_.batch));
  for (const Order& o : due) {
    if (IsFinal(o.status)) continue;
    if (now >= o.expires_at) {
      // Unpaid too long: cancelled; order.cancelled releases the stock and voids the intent.
      CO_TRY_STATUS(co_await store_.Cancel(o.id, "payment not received in time", "expiry", now));
      ++report.cancelled;
      continue;
    }
    if (o.status != Status::reserved) {
      CO_TRY_STATUS(co_await store_.Retry(o.id, o.expires_at));  // nothing to do before the expiry
      continue;
    }
    auto intent = co_await payments_.CreateIntent(o);
    if (intent) {
      CO_TRY_STATUS(co_await store_.RecordIntent(o.id, *intent, now));
      ++(o.payment_method == "cash_on_delivery" ? report.confirmed : report.intents);
    } else if (core::IsTransient(intent.error().code)) {
      log::Warn("the order's payment intent could not be made yet", {{"order_id", o.id}, {"error", intent.error().message}});
      CO_TRY_STATUS(co_await store_.Retry(o.id, now + s_.retry_after));
      ++report.retried;
    } else {
      log::Warn("the payment service refused the order's intent", {{"order_id", o.id}, {"error", intent.error().message}});
      CO_TRY_STATUS(co_await store_.Cancel(o.id, "the payment could not be set up: " + intent.error().message, "saga", now));
      ++report.cancelled;
    }
  }
  co_return report;
}

}  // namespace store::order
