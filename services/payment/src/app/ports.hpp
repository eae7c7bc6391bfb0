// The ports of the payment use cases: the payment provider (adapters/sandbox_provider,
// adapters/stripe_provider; adapters/providers picks one), the store of intents, ledger and refunds
// (adapters/mariadb_payments) and the receipt documents
// (adapters/receipt_documents). The API's Idempotency-Key records are libs/idempotency's.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/payment.hpp"
#include "domain/receipt.hpp"
#include "store/core/clock.hpp"
#include "store/core/result.hpp"

namespace store::payment {

using boost::asio::awaitable;
using TimePoint = core::Clock::time_point;

// ---- the provider ---------------------------------------------------------------------------

struct NewProviderIntent {
  std::int64_t amount = 0;
  std::string currency;  // ISO 4217, upper case
  Method method = Method::card;
  CaptureMode capture = CaptureMode::automatic;
  std::string return_url;  // where the provider sends the shopper back (our return route)
  std::string payment_id;  // ours, kept in the provider's metadata
  std::string order_id;
};

struct ProviderRefund {
  std::string reference;
  std::int64_t amount = 0;
};

// A verified webhook: which event (for de-duplication) about which intent.
struct WebhookNotice {
  std::string event_id;
  std::string type;
  std::string intent_reference = {};
};

// A payment service provider. Every call that changes something carries the caller's idempotency
// key, so a retry after a timeout never charges twice. Errors: the provider refused the call
// (unprocessable / conflict / invalid_argument, with its message), or the outcome is unknown
// (unavailable / timeout: retry with the same key). A declined card is not an error: the view
// says requires_payment_method with the decline.
class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string_view name() const = 0;
  virtual awaitable<core::Result<ProviderView>> Create(NewProviderIntent intent, std::string idempotency_key) = 0;
  // Confirms with a payment-method token made by the provider's hosted card fields; `return_url`
  // (our return route) is where a 3-D Secure challenge sends the shopper back (Stripe takes it only
  // with the confirmation; the sandbox has it from the creation).
  virtual awaitable<core::Result<ProviderView>> Confirm(std::string reference, std::string payment_method, std::string return_url,
                                                        std::string idempotency_key) = 0;
  virtual awaitable<core::Result<ProviderView>> Fetch(std::string reference) = 0;
  virtual awaitable<core::Result<ProviderView>> Capture(std::string reference, std::int64_t amount, std::string idempotency_key) = 0;
  virtual awaitable<core::Result<ProviderView>> Cancel(std::string reference, std::string idempotency_key) = 0;
  virtual awaitable<core::Result<ProviderRefund>> Refund(std::string reference, std::int64_t amount,
                                                         std::string idempotency_key) = 0;
  // Checks a webhook's signature header (HMAC over "t.body", t within `tolerance` of now) and
  // reads which intent it is about. 400 on anything wrong.
  virtual core::Result<WebhookNotice> VerifyWebhook(std::string_view signature, std::string_view body, TimePoint now) const = 0;
  // The request header that carries the signature ("Psp-Signature", "Stripe-Signature").
  virtual std::string_view signature_header() const = 0;
};

// ---- the store -------------------------------------------------------------------------------

struct Intent {
  std::string id;
  std::string order_id;
  std::string customer_id;
  std::int64_t amount = 0;
  std::string currency;
  Method method = Method::card;
  CaptureMode capture = CaptureMode::automatic;
  Status status = Status::requires_payment_method;
  std::string status_reason;
  std::string provider;  // "sandbox", "stripe"; "none" for cash on delivery
  std::string provider_ref;
  std::string redirect_url;
  std::string return_url;  // the shop's page the shopper lands on afterwards
  std::string card_brand;
  std::string card_last4;
  std::string method_detail;
  Sums sums;
  std::int64_t pending_refunds = 0;  // refunds asked of the provider whose outcome is not known yet
  std::string order_facts;  // JSON text the order gave for the receipt (number, lines, taxes, ...)
  bool cancel_requested = false;
  std::int64_t version = 0;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> paid_at;
};

struct LedgerEntry {
  std::int64_t id = 0;
  EntryKind kind = EntryKind::authorisation;
  std::int64_t amount = 0;
  std::string reference;
  TimePoint at{};
};

struct Transition {
  std::string from;
  std::string to;
  std::string reason;
  std::string source;
  TimePoint at{};
};

struct Refund {
  std::string id;
  std::string intent_id;
  std::int64_t amount = 0;
  std::string status;  // pending | succeeded | failed
  std::string reason;
  std::string requested_by;
  std::string provider_ref;
  TimePoint created_at{};
};

// An event for the outbox (the use cases build them, the store writes them with the change).
struct OutEvent {
  std::string type;  // = topic, e.g. payment.succeeded.v1
  std::string key;   // the order id
  boost::json::object data;
};

// What one change of an intent writes, all in one transaction with the intent's row locked.
struct Change {
  Settlement settlement;
  std::string source;                      // api | webhook | reconciliation | return | order
  std::optional<ProviderView> view;        // copies reference, redirect, card brand/last 4, detail
  std::vector<OutEvent> events;
  std::optional<std::string> webhook_event;  // recorded as seen; seen before -> Errc::conflict, nothing written
  std::optional<Refund> new_refund;          // inserted (pending)
  std::optional<std::pair<std::string, std::string>> refund_status;  // (refund id, succeeded|failed)
  std::optional<std::string> refund_reference;                        // the provider's id of that refund
  std::optional<bool> cancel_requested;
  bool empty() const {
    return !settlement.changed() && !view && events.empty() && !webhook_event && !new_refund && !refund_status && !cancel_requested;
  }
};

// Decides the change from the intent as it is under the lock; an error rolls back (nothing written).
using Decide = std::function<core::Result<Change>(const Intent&)>;

class PaymentStore {
 public:
  virtual ~PaymentStore() = default;
  // Inserts a new intent with its first transition (and, for cash on delivery, its ledger entry and
  // events). An intent of the same order that is neither failed nor cancelled -> Errc::conflict.
  virtual awaitable<core::Status> Insert(const Intent& intent, Change first) = 0;
  virtual awaitable<core::Result<std::optional<Intent>>> Get(std::string id) = 0;
  // The order's newest intent.
  virtual awaitable<core::Result<std::optional<Intent>>> ByOrder(std::string order_id) = 0;
  virtual awaitable<core::Result<std::optional<Intent>>> ByReference(std::string provider, std::string reference) = 0;
  // Locks the intent, asks `decide`, writes its change; returns the intent after it.
  virtual awaitable<core::Result<Intent>> Update(std::string id, Decide decide) = 0;
  virtual awaitable<core::Result<std::vector<LedgerEntry>>> Ledger(std::string id) = 0;
  virtual awaitable<core::Result<std::vector<Transition>>> Transitions(std::string id) = 0;
  virtual awaitable<core::Result<std::vector<Refund>>> Refunds(std::string id) = 0;
  // Work for the reconciliation round, each claimed for `lease` (several instances never take the
  // same one): intents waiting on the provider since before `stuck_before`, intents whose order was
  // cancelled, refunds whose outcome is unknown since before `stuck_before`.
  virtual awaitable<core::Result<std::vector<std::string>>> ClaimStuck(TimePoint now, TimePoint stuck_before,
                                                                       std::chrono::milliseconds lease, int limit) = 0;
  virtual awaitable<core::Result<std::vector<Refund>>> ClaimPendingRefunds(TimePoint now, TimePoint stuck_before,
                                                                           std::chrono::milliseconds lease, int limit) = 0;
};

// ---- receipts as documents ------------------------------------------------------------------

class ReceiptDocuments {
 public:
  virtual ~ReceiptDocuments() = default;
  virtual std::string Html(const Receipt& receipt) const = 0;
  virtual core::Result<std::string> Pdf(const Receipt& receipt) const = 0;
};

}  // namespace store::payment
