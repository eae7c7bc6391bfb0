// The payment intent and its rules: the status machine, what the provider's view of an intent
// means for ours (Settle), the ledger entries that explain every amount, and the refund limit.
// Pure: no I/O, no JSON.
//
//   requires_payment_method -> requires_action -> processing -> authorised -> captured
//        |  ^        \______________\______________/     |            |  -> partially_refunded -> refunded
//        v  |  (a declined try; the shopper may try again) |            |
//       failed                                    cancelled (void)   (refunds)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/core/result.hpp"

namespace store::payment {

enum class Status { requires_payment_method, requires_action, processing, authorised, captured, partially_refunded, refunded, failed, cancelled };
enum class Method { card, online_banking, wallet, cash_on_delivery };
enum class CaptureMode { automatic, manual };
enum class EntryKind { authorisation, capture, void_, refund };

std::string_view NameOf(Status s);
std::string_view NameOf(Method m);
std::string_view NameOf(CaptureMode m);
std::string_view NameOf(EntryKind k);
std::optional<Status> ParseStatus(std::string_view text);
std::optional<Method> ParseMethod(std::string_view text);
std::optional<CaptureMode> ParseCaptureMode(std::string_view text);
std::optional<EntryKind> ParseEntryKind(std::string_view text);

// True once money was authorised: a provider's view of an earlier moment cannot move the intent
// back to a state before it.
bool HoldsMoney(Status s);
// True when nothing more can happen to the intent (but refunds of what is captured).
bool IsFinal(Status s);

// The sums of an intent's ledger (minor units of its currency).
struct Sums {
  std::int64_t authorised = 0;
  std::int64_t captured = 0;
  std::int64_t voided = 0;
  std::int64_t refunded = 0;
  bool operator==(const Sums&) const = default;
};

// What the provider says about an intent now (its API's answer or a webhook's trigger + fetch),
// in provider-neutral words.
struct ProviderView {
  enum class State { requires_payment_method, requires_action, processing, requires_capture, succeeded, canceled };
  std::string reference;  // the provider's id of the intent
  State state = State::requires_payment_method;
  std::int64_t amount = 0;
  std::int64_t amount_capturable = 0;
  std::int64_t amount_received = 0;
  std::int64_t amount_refunded = 0;
  std::string redirect_url;  // where the shopper goes next (next action, else the hosted page)
  std::string error_code;     // the last try's failure (a decline), empty if none
  std::string error_message;
  std::string card_brand;     // "visa"; empty for other methods
  std::string card_last4;
  std::string method_detail;  // e.g. the bank chosen for online banking
};

struct Entry {
  EntryKind kind;
  std::int64_t amount;
  std::string reference;  // the provider's reference of the movement
};

// The effect of a provider view on an intent: the status it moves to (or none), why, and the
// ledger entries that make the sums match the provider's amounts.
struct Settlement {
  std::optional<Status> status;  // nullopt: the status stays
  std::string reason;
  std::vector<Entry> entries;
  bool changed() const { return status.has_value() || !entries.empty(); }
};

// The status the sums of a ledger mean for an intent that holds money (captured, partially
// refunded or refunded), or `authorised` while nothing is captured.
Status StatusOfSums(const Sums& sums);

// What a provider view means for an intent in `current` with ledger `sums`:
// - a view of an earlier moment (a late webhook, a slow fetch) never moves money states back;
// - amounts the provider reports beyond the ledger become entries (authorisation, capture,
//   the released rest of a partial capture as a void, refunds made at the provider: beyond the
//   ledger's and the `pending_refunds` the shop asked for and waits on);
// - a cancelled intent stays cancelled (final).
Settlement Settle(Status current, const Sums& sums, std::int64_t pending_refunds, const ProviderView& view);

// Cash on delivery: authorised at once (no provider), captured when the delivery is recorded.
Settlement CashCapture(Status current, const Sums& sums, std::int64_t amount);

// How much can still be refunded: captured - refunded - refunds in flight.
std::int64_t Refundable(const Sums& sums, std::int64_t pending_refunds);
// Refusal (422) when `amount` is not in 1..Refundable, or the intent does not hold captured money.
core::Status CheckRefund(Status current, const Sums& sums, std::int64_t pending_refunds, std::int64_t amount);

// The ledger is the truth of the amounts: true when the status is what the sums say (tested
// after every scenario).
bool SumsExplain(Status status, const Sums& sums, std::int64_t amount);

}  // namespace store::payment
