// The payment use cases. The provider is the truth: the shopper coming back from its page never
// marks anything paid (it moves a waiting intent to `processing`); only a verified webhook (then
// a fetch of the intent from the provider: webhooks arrive late, twice and out of order) or a
// server-side answer of the provider does. Every change of an intent happens with its row
// locked, with its transition, its ledger entries and its events in the same transaction.
#pragma once

#include <chrono>
#include <string>

#include "app/ports.hpp"

namespace store::payment {

struct PaymentOptions {
  CaptureMode capture = CaptureMode::automatic;  // card, banking, wallet; cash is captured at delivery
  std::string return_base_url = "http://127.0.0.1:18080/api/payment";  // our return route as browsers reach it
  std::chrono::milliseconds stuck_after{std::chrono::minutes(5)};      // reconciliation asks the provider then
  std::chrono::milliseconds reconcile_lease{std::chrono::minutes(1)};
  int reconcile_batch = 50;
  std::int64_t max_amount = 99'999'999;
};

struct NewIntent {
  std::string order_id;
  std::string customer_id;
  std::int64_t amount = 0;
  std::string currency;
  Method method = Method::card;
  std::string return_url;   // the shop page after the provider's (a path, or an allowed origin)
  std::string order_facts;  // JSON text for the receipt
};

struct RefundRequest {
  std::string intent_id;
  std::optional<std::int64_t> amount;  // default: all that is left
  std::string reason;
  std::string requested_by;
};

struct ReconcileReport {
  int intents = 0;
  int refunds = 0;
};

class Payments {
 public:
  Payments(PaymentStore& store, Provider& provider, const core::Clock& clock, PaymentOptions options);

  // A new intent for an order (the order service gives the amount). Idempotent per order: an
  // intent of the order that is neither failed nor cancelled is answered again (another amount
  // or method: 409). Card, banking and wallet intents are created at the provider at once; the
  // answer's redirect_url is the provider's hosted page.
  awaitable<core::Result<Intent>> Create(NewIntent request);
  awaitable<core::Result<Intent>> Get(std::string id);
  awaitable<core::Result<std::optional<Intent>>> ByOrder(std::string order_id);
  // Server-side confirmation with a payment-method token of the provider's card fields.
  awaitable<core::Result<Intent>> Confirm(std::string id, std::string payment_method);
  // The shopper's browser came back from the provider's page: a waiting intent is `processing`
  // until the provider says what happened. Answers the intent (its return_url is where to go).
  awaitable<core::Result<Intent>> ShopperReturned(std::string id);
  // A webhook: verified, de-duplicated by event id, then the intent as the provider has it now.
  // Returns false for an event seen before (answered 200 all the same).
  awaitable<core::Result<bool>> Webhook(std::string_view signature, std::string body);
  awaitable<core::Result<Intent>> Capture(std::string id, std::optional<std::int64_t> amount);
  awaitable<core::Result<Intent>> Cancel(std::string id, std::string reason);
  awaitable<core::Result<Refund>> RefundPayment(RefundRequest request);
  // order.cancelled: what the order's intent holds is voided or refunded by the next
  // reconciliation round (the provider cannot be called inside the consumer's transaction).
  // One reconciliation round: stuck intents asked of the provider, cancellations carried out,
  // refunds of unknown outcome asked again (with their idempotency key).
  awaitable<core::Result<ReconcileReport>> ReconcileOnce();

  const PaymentOptions& options() const { return options_; }
  Provider& provider() { return provider_; }

 private:
  // Our return route for intent `id`, where the provider sends the shopper back.
  std::string ReturnUrl(const std::string& id) const { return options_.return_base_url + "/v1/payments/intents/" + id + "/return"; }
  awaitable<core::Result<Intent>> CreateAtProvider(Intent intent);
  awaitable<core::Result<Intent>> ApplyView(const std::string& id, const ProviderView& view, std::string source,
                                            std::optional<std::string> webhook_event = std::nullopt);
  awaitable<core::Result<Refund>> SendRefund(Refund refund, const Intent& intent);
  awaitable<core::Status> CarryOutCancellation(const Intent& intent);

  PaymentStore& store_;
  Provider& provider_;
  const core::Clock& clock_;
  PaymentOptions options_;
};

// The events of a change (payment.authorized/succeeded/failed/cancelled/refunded .v1).
std::vector<OutEvent> EventsOf(const Intent& before, const Settlement& settlement, const std::optional<ProviderView>& view,
                               TimePoint now);

}  // namespace store::payment
