#include "app/payments.hpp"

#include <boost/json/parse.hpp>

#include "store/core/ids.hpp"
#include "store/log/log.hpp"
#include "store/core/clock.hpp"

namespace store::payment {

namespace {

bool Waiting(Status s) { return s == Status::requires_payment_method || s == Status::requires_action || s == Status::failed; }

boost::json::object Money(std::int64_t minor, const std::string& currency) {
  return {{"minor", minor}, {"currency", currency}};
}

// The order's facts the events repeat for the messages (number, contact); absent fields stay absent.
void AddOrderFacts(boost::json::object& data, const std::string& facts) {
  if (facts.empty()) return;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(facts, ec);
  if (ec || !parsed.is_object()) return;
  for (const char* key : {"order_number", "email", "name", "locale"})
    if (const auto* v = parsed.as_object().if_contains(key); v && v->is_string()) data[key] = *v;
}


core::Error Refused(std::string message) { return core::Error{core::Errc::conflict, std::move(message)}; }

}  // namespace

std::vector<OutEvent> EventsOf(const Intent& before, const Settlement& settlement, const std::optional<ProviderView>& view,
                               TimePoint now) {
  std::vector<OutEvent> events;
  auto base = [&](std::int64_t amount) {
    boost::json::object data{{"payment_id", before.id},
                             {"order_id", before.order_id},
                             {"customer_id", before.customer_id},
                             {"amount", Money(amount, before.currency)},
                             {"method", NameOf(before.method)}};
    std::string brand = view && !view->card_brand.empty() ? view->card_brand : before.card_brand;
    std::string last4 = view && !view->card_last4.empty() ? view->card_last4 : before.card_last4;
    if (!brand.empty()) data["card_brand"] = brand;
    if (!last4.empty()) data["card_last4"] = last4;
    AddOrderFacts(data, before.order_facts);
    return data;
  };
  auto add = [&](std::string type, boost::json::object data) {
    events.push_back({std::move(type), before.order_id, std::move(data)});
  };
  if (settlement.status) {
    Status to = *settlement.status;
    if (!HoldsMoney(before.status) && HoldsMoney(to)) add("payment.authorized.v1", base(before.amount));
    if (to == Status::failed) {
      auto data = base(before.amount);
      data["reason"] = settlement.reason;
      add("payment.failed.v1", std::move(data));
    }
    if (to == Status::cancelled) {
      auto data = base(before.amount);
      data["reason"] = settlement.reason;
      add("payment.cancelled.v1", std::move(data));
    }
  }
  for (const auto& e : settlement.entries) {
    if (e.kind == EntryKind::capture) {
      auto data = base(e.amount);
      data["paid_at"] = core::FormatTimestamp(now);
      add("payment.succeeded.v1", std::move(data));
    } else if (e.kind == EntryKind::refund) {
      auto data = base(e.amount);
      data["refund_id"] = e.reference;
      data["refunded_at"] = core::FormatTimestamp(now);
      add("payment.refunded.v1", std::move(data));
    }
  }
  return events;
}

Payments::Payments(PaymentStore& store, Provider& provider, const core::Clock& clock, PaymentOptions options)
    : store_(store), provider_(provider), clock_(clock), options_(std::move(options)) {}

awaitable<core::Result<Intent>> Payments::Get(std::string id) {
  CO_TRY(intent, co_await store_.Get(id));
  if (!intent) co_return core::Fail(core::Error::NotFound("no such payment"));
  co_return *intent;
}

awaitable<core::Result<std::optional<Intent>>> Payments::ByOrder(std::string order_id) {
  co_return co_await store_.ByOrder(order_id);
}

awaitable<core::Result<Intent>> Payments::Create(NewIntent request) {
  // Insert first (one round trip in the common case); the unique live order id says when the order
  // has an intent already.
  for (int attempt = 0; attempt < 3; ++attempt) {
    Intent intent;
    intent.id = core::NewUuid();
    intent.order_id = request.order_id;
    intent.customer_id = request.customer_id;
    intent.amount = request.amount;
    intent.currency = request.currency;
    intent.method = request.method;
    intent.capture = options_.capture;
    intent.return_url = request.return_url;
    intent.order_facts = request.order_facts;
    intent.provider = request.method == Method::cash_on_delivery ? "none" : std::string(provider_.name());
    intent.created_at = intent.updated_at = clock_.Now();
    Change first;
    first.source = "api";
    first.settlement.reason = "created";
    if (request.method == Method::cash_on_delivery) {
      // No provider: the order is confirmed unpaid, the cash is captured when the delivery is recorded.
      first.settlement = {.status = Status::authorised,
                          .reason = "cash on delivery: confirmed unpaid",
                          .entries = {{EntryKind::authorisation, request.amount, "cash_on_delivery"}}};
      first.events = EventsOf(intent, first.settlement, std::nullopt, clock_.Now());
    }
    auto inserted = co_await store_.Insert(intent, first);
    if (inserted) {
      if (request.method == Method::cash_on_delivery) co_return co_await Get(intent.id);
      co_return co_await CreateAtProvider(intent);
    }
    if (inserted.error().code != core::Errc::conflict) co_return std::unexpected(inserted.error());
    // The order has a live intent: the same terms are answered with it (idempotent per order).
    CO_TRY(existing, co_await store_.ByOrder(request.order_id));
    if (!existing || existing->status == Status::cancelled) continue;  // cancelled meanwhile
    bool same = existing->amount == request.amount && existing->currency == request.currency && existing->method == request.method &&
                existing->customer_id == request.customer_id;
    if (same) {
      if (existing->provider != "none" && existing->provider_ref.empty()) co_return co_await CreateAtProvider(*existing);
      co_return *existing;
    }
    if (existing->customer_id != request.customer_id || !Waiting(existing->status)) break;
    // The shopper changed the method (or the order its amount) before paying: the old intent goes.
    CO_TRY_STATUS(co_await Cancel(existing->id, "replaced by a new payment of the order"));
  }
  co_return core::Fail(Refused("the order already has a payment in progress with other terms"));
}

awaitable<core::Result<Intent>> Payments::CreateAtProvider(Intent intent) {
  NewProviderIntent request{.amount = intent.amount,
                      .currency = intent.currency,
                      .method = intent.method,
                      .capture = intent.capture,
                      .return_url = ReturnUrl(intent.id),
                      .payment_id = intent.id,
                      .order_id = intent.order_id};
  CO_TRY(view, co_await provider_.Create(std::move(request), "create-" + intent.id));
  co_return co_await ApplyView(intent.id, view, "api");
}

awaitable<core::Result<Intent>> Payments::ApplyView(const std::string& id, const ProviderView& view, std::string source,
                                                    std::optional<std::string> webhook_event) {
  auto now = clock_.Now();
  Decide decide = [&](const Intent& current) -> core::Result<Change> {
    if (!current.provider_ref.empty() && current.provider_ref != view.reference)
      return core::Fail(core::Error::Internal("the provider's view is of another intent"));
    Change change;
    change.source = source;
    change.view = view;
    change.webhook_event = webhook_event;
    change.settlement = Settle(current.status, current.sums, current.pending_refunds, view);
    change.events = EventsOf(current, change.settlement, view, now);
    return change;
  };
  co_return co_await store_.Update(id, decide);
}

awaitable<core::Result<Intent>> Payments::Confirm(std::string id, std::string payment_method) {
  CO_TRY(intent, co_await Get(id));
  if (intent.method != Method::card) co_return core::Fail(Refused("only a card payment is confirmed with a payment method"));
  if (intent.provider_ref.empty()) co_return core::Fail(core::Error::Unavailable("the payment is not ready at the provider yet"));
  if (!Waiting(intent.status)) co_return core::Fail(Refused(std::string("the payment is ") + std::string(NameOf(intent.status))));
  std::string return_url = ReturnUrl(id);
  CO_TRY(view, co_await provider_.Confirm(intent.provider_ref, payment_method, std::move(return_url), "confirm-" + id + "-" + payment_method));
  co_return co_await ApplyView(id, view, "api");
}

awaitable<core::Result<Intent>> Payments::ShopperReturned(std::string id) {
  Decide decide = [](const Intent& current) -> core::Result<Change> {
    Change change;
    change.source = "return";
    if (current.status == Status::requires_payment_method || current.status == Status::requires_action)
      change.settlement = {.status = Status::processing,
                           .reason = "the shopper came back from the provider's page; waiting for its word",
                           .entries = {}};
    return change;
  };
  co_return co_await store_.Update(id, decide);
}

awaitable<core::Result<bool>> Payments::Webhook(std::string_view signature, std::string body) {
  CO_TRY(notice, provider_.VerifyWebhook(signature, body, clock_.Now()));
  CO_TRY(intent, co_await store_.ByReference(std::string(provider_.name()), notice.intent_reference));
  if (!intent) {
    log::Info("webhook about an intent the shop does not know; ignored", {{"event", notice.event_id}, {"intent", notice.intent_reference}});
    co_return false;
  }
  // The event only says "look": the intent as the provider has it now is the truth (events come
  // late, twice, out of order).
  CO_TRY(view, co_await provider_.Fetch(notice.intent_reference));
  auto applied = co_await ApplyView(intent->id, view, "webhook", notice.event_id);
  if (!applied && applied.error().code == core::Errc::conflict) co_return false;  // seen before
  CO_TRY_STATUS(applied);
  co_return true;
}

awaitable<core::Result<Intent>> Payments::Capture(std::string id, std::optional<std::int64_t> amount) {
  CO_TRY(intent, co_await Get(id));
  if (intent.status == Status::captured || intent.status == Status::partially_refunded || intent.status == Status::refunded)
    co_return intent;  // captured before: the same answer
  if (intent.status != Status::authorised)
    co_return core::Fail(Refused(std::string("only an authorised payment can be captured; it is ") + std::string(NameOf(intent.status))));
  std::int64_t capture = amount.value_or(intent.sums.authorised);
  if (capture < 1 || capture > intent.sums.authorised)
    co_return core::Fail(core::Error::Unprocessable("the capture is more than what is authorised",
                                                    {{"amount", "1.." + std::to_string(intent.sums.authorised)}}));
  if (intent.method == Method::cash_on_delivery) {
    auto now = clock_.Now();
    Decide decide = [&](const Intent& current) -> core::Result<Change> {
      Change change;
      change.source = "api";
      change.settlement = CashCapture(current.status, current.sums, capture);
      change.events = EventsOf(current, change.settlement, std::nullopt, now);
      return change;
    };
    co_return co_await store_.Update(id, decide);
  }
  CO_TRY(view, co_await provider_.Capture(intent.provider_ref, capture, "capture-" + id));
  co_return co_await ApplyView(id, view, "api");
}

awaitable<core::Result<Intent>> Payments::Cancel(std::string id, std::string reason) {
  CO_TRY(intent, co_await Get(id));
  if (intent.status == Status::cancelled) co_return intent;
  if (intent.sums.captured > 0) co_return core::Fail(Refused("the payment is captured: refund it instead"));
  if (intent.status == Status::processing && !intent.provider_ref.empty()) {
    // The provider may be taking the money right now: ask it first.
    CO_TRY(view, co_await provider_.Fetch(intent.provider_ref));
    CO_TRY(now_intent, co_await ApplyView(id, view, "api"));
    if (now_intent.status == Status::processing || now_intent.sums.captured > 0)
      co_return core::Fail(Refused(std::string("the payment cannot be cancelled: it is ") + std::string(NameOf(now_intent.status))));
    intent = now_intent;
  }
  if (intent.provider == "none" || intent.provider_ref.empty()) {
    auto now = clock_.Now();
    Decide decide = [&](const Intent& current) -> core::Result<Change> {
      Change change;
      change.source = "api";
      if (current.status == Status::cancelled) return change;
      if (current.sums.captured > 0) return core::Fail(Refused("the payment is captured: refund it instead"));
      change.settlement.status = Status::cancelled;
      change.settlement.reason = reason;
      if (current.sums.authorised > current.sums.voided)
        change.settlement.entries.push_back({EntryKind::void_, current.sums.authorised - current.sums.voided, "cash_on_delivery"});
      change.events = EventsOf(current, change.settlement, std::nullopt, now);
      return change;
    };
    co_return co_await store_.Update(id, decide);
  }
  auto view = co_await provider_.Cancel(intent.provider_ref, "cancel-" + id);
  if (!view && !core::IsTransient(view.error().code)) {
    // Refused by the provider (it moved on meanwhile): record what it says now, then refuse.
    CO_TRY(truth, co_await provider_.Fetch(intent.provider_ref));
    CO_TRY_STATUS(co_await ApplyView(id, truth, "api"));
    co_return core::Fail(Refused("the provider refused to cancel: " + view.error().message));
  }
  CO_TRY_STATUS(view);
  co_return co_await ApplyView(id, *view, "api");
}

awaitable<core::Result<Refund>> Payments::RefundPayment(RefundRequest request) {
  CO_TRY(intent, co_await Get(request.intent_id));
  if (intent.method == Method::cash_on_delivery)
    co_return core::Fail(core::Error::Unprocessable("cash on delivery is refunded by hand, not through the provider"));
  Refund refund;
  refund.id = core::NewUuid();
  refund.intent_id = intent.id;
  refund.status = "pending";
  refund.reason = request.reason;
  refund.requested_by = request.requested_by;
  refund.created_at = clock_.Now();
  // Reserve the amount under the intent's lock: concurrent refunds can never exceed the capture.
  Decide reserve = [&](const Intent& current) -> core::Result<Change> {
    refund.amount = request.amount.value_or(Refundable(current.sums, current.pending_refunds));
    TRY_STATUS(CheckRefund(current.status, current.sums, current.pending_refunds, refund.amount));
    Change change;
    change.source = "api";
    change.new_refund = refund;
    return change;
  };
  CO_TRY(reserved, co_await store_.Update(intent.id, reserve));
  co_return co_await SendRefund(refund, reserved);
}

awaitable<core::Result<Refund>> Payments::SendRefund(Refund refund, const Intent& intent) {
  auto sent = co_await provider_.Refund(intent.provider_ref, refund.amount, "refund-" + refund.id);
  if (!sent && core::IsTransient(sent.error().code)) {
    // Unknown outcome: the refund stays pending (still counted against the capture); the
    // reconciliation asks again with the same key, so the provider refunds at most once.
    log::Warn("refund outcome unknown; retried by the reconciliation", {{"refund", refund.id}, {"error", sent.error().message}});
    co_return refund;
  }
  auto now = clock_.Now();
  Decide settle = [&](const Intent& current) -> core::Result<Change> {
    Change change;
    change.source = refund.requested_by == "order.cancelled" ? "order" : "api";
    if (!sent) {
      change.refund_status = {refund.id, "failed"};
      return change;
    }
    change.refund_status = {refund.id, "succeeded"};
    change.refund_reference = sent->reference;
    change.settlement.entries.push_back({EntryKind::refund, refund.amount, sent->reference});
    Sums after = current.sums;
    after.refunded += refund.amount;
    if (auto to = StatusOfSums(after); to != current.status) change.settlement.status = to;
    change.settlement.reason = "refunded " + std::to_string(refund.amount) + (refund.reason.empty() ? "" : ": " + refund.reason);
    change.events = EventsOf(current, change.settlement, std::nullopt, now);
    return change;
  };
  CO_TRY_STATUS(co_await store_.Update(intent.id, settle));
  if (!sent) co_return core::Fail(core::Error::Unprocessable("the provider refused the refund: " + sent.error().message));
  refund.status = "succeeded";
  refund.provider_ref = sent->reference;
  co_return refund;
}

awaitable<core::Status> Payments::CarryOutCancellation(const Intent& intent) {
  auto done = [&]() -> awaitable<core::Status> {
    Decide clear = [](const Intent&) -> core::Result<Change> {
      Change change;
      change.source = "order";
      change.cancel_requested = false;
      return change;
    };
    CO_TRY_STATUS(co_await store_.Update(intent.id, clear));
    co_return core::Status{};
  };
  if (intent.status == Status::cancelled || intent.status == Status::refunded) co_return co_await done();
  if (intent.sums.captured > 0) {
    if (Refundable(intent.sums, intent.pending_refunds) > 0) {
      RefundRequest rest{.intent_id = intent.id, .amount = std::nullopt, .reason = "order cancelled", .requested_by = "order.cancelled"};
      CO_TRY_STATUS(co_await RefundPayment(std::move(rest)));
    }
    co_return co_await done();
  }
  auto cancelled = co_await Cancel(intent.id, "order cancelled");
  if (!cancelled) {
    // The provider may have moved on meanwhile (paid at its page, the webhook still on its way):
    // Cancel recorded what it says now. Captured: the money goes back at once.
    CO_TRY(now_intent, co_await Get(intent.id));
    if (now_intent.sums.captured > 0) co_return co_await CarryOutCancellation(now_intent);
    co_return std::unexpected(cancelled.error());  // e.g. still processing: the next round again
  }
  co_return co_await done();
}

awaitable<core::Result<ReconcileReport>> Payments::ReconcileOnce() {
  ReconcileReport report;
  auto now = clock_.Now();
  auto stuck_before = now - options_.stuck_after;
  CO_TRY(ids, co_await store_.ClaimStuck(now, stuck_before, options_.reconcile_lease, options_.reconcile_batch));
  for (const auto& id : ids) {
    auto intent = co_await Get(id);
    if (!intent) continue;
    core::Status outcome;
    if (intent->cancel_requested) {
      outcome = co_await CarryOutCancellation(*intent);
    } else if (!intent->provider_ref.empty()) {
      auto view = co_await provider_.Fetch(intent->provider_ref);
      if (view) {
        auto applied = co_await ApplyView(id, *view, "reconciliation");
        if (!applied) outcome = std::unexpected(applied.error());
      } else {
        outcome = std::unexpected(view.error());
      }
    }
    if (!outcome) log::Warn("reconciliation of a payment failed; tried again later", {{"payment", id}, {"error", outcome.error().message}});
    else ++report.intents;
  }
  CO_TRY(refunds, co_await store_.ClaimPendingRefunds(now, now - options_.reconcile_lease, options_.reconcile_lease,
                                                      options_.reconcile_batch));
  for (const auto& refund : refunds) {
    auto intent = co_await Get(refund.intent_id);
    if (!intent) continue;
    auto sent = co_await SendRefund(refund, *intent);
    if (sent && sent->status != "pending") ++report.refunds;
  }
  co_return report;
}

}  // namespace store::payment
