#include "domain/payment.hpp"

#include <array>
#include <utility>

namespace store::payment {

namespace {

template <class E, std::size_t N>
std::optional<E> Parse(const std::array<std::pair<E, std::string_view>, N>& names, std::string_view text) {
  for (const auto& [value, name] : names)
    if (name == text) return value;
  return std::nullopt;
}

template <class E, std::size_t N>
std::string_view Name(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return "?";
}

constexpr std::array<std::pair<Status, std::string_view>, 9> kStatuses{{
    {Status::requires_payment_method, "requires_payment_method"},
    {Status::requires_action, "requires_action"},
    {Status::processing, "processing"},
    {Status::authorised, "authorised"},
    {Status::captured, "captured"},
    {Status::partially_refunded, "partially_refunded"},
    {Status::refunded, "refunded"},
    {Status::failed, "failed"},
    {Status::cancelled, "cancelled"},
}};
constexpr std::array<std::pair<Method, std::string_view>, 4> kMethods{{
    {Method::card, "card"},
    {Method::online_banking, "online_banking"},
    {Method::wallet, "wallet"},
    {Method::cash_on_delivery, "cash_on_delivery"},
}};
constexpr std::array<std::pair<CaptureMode, std::string_view>, 2> kCaptureModes{{
    {CaptureMode::automatic, "automatic"},
    {CaptureMode::manual, "manual"},
}};
constexpr std::array<std::pair<EntryKind, std::string_view>, 4> kEntryKinds{{
    {EntryKind::authorisation, "authorisation"},
    {EntryKind::capture, "capture"},
    {EntryKind::void_, "void"},
    {EntryKind::refund, "refund"},
}};

Sums Plus(Sums sums, const std::vector<Entry>& entries) {
  for (const auto& e : entries) {
    switch (e.kind) {
      case EntryKind::authorisation: sums.authorised += e.amount; break;
      case EntryKind::capture: sums.captured += e.amount; break;
      case EntryKind::void_: sums.voided += e.amount; break;
      case EntryKind::refund: sums.refunded += e.amount; break;
    }
  }
  return sums;
}

std::string Declined(const ProviderView& view) {
  std::string reason = "declined";
  if (!view.error_code.empty()) reason += " (" + view.error_code + ")";
  if (!view.error_message.empty()) reason += ": " + view.error_message;
  return reason;
}

}  // namespace

std::string_view NameOf(Status s) { return Name(kStatuses, s); }
std::string_view NameOf(Method m) { return Name(kMethods, m); }
std::string_view NameOf(CaptureMode m) { return Name(kCaptureModes, m); }
std::string_view NameOf(EntryKind k) { return Name(kEntryKinds, k); }
std::optional<Status> ParseStatus(std::string_view text) { return Parse(kStatuses, text); }
std::optional<Method> ParseMethod(std::string_view text) { return Parse(kMethods, text); }
std::optional<CaptureMode> ParseCaptureMode(std::string_view text) { return Parse(kCaptureModes, text); }
std::optional<EntryKind> ParseEntryKind(std::string_view text) { return Parse(kEntryKinds, text); }

bool HoldsMoney(Status s) {
  return s == Status::authorised || s == Status::captured || s == Status::partially_refunded || s == Status::refunded;
}

bool IsFinal(Status s) { return s == Status::refunded || s == Status::cancelled; }

Status StatusOfSums(const Sums& sums) {
  if (sums.captured == 0) return Status::authorised;
  if (sums.refunded == 0) return Status::captured;
  return sums.refunded >= sums.captured ? Status::refunded : Status::partially_refunded;
}

Settlement Settle(Status current, const Sums& sums, std::int64_t pending_refunds, const ProviderView& view) {
  using State = ProviderView::State;
  Settlement s;
  Status target = current;
  switch (view.state) {
    case State::requires_payment_method:
      if (view.error_code.empty() && view.error_message.empty()) {
        target = Status::requires_payment_method;
      } else {
        target = Status::failed;
        s.reason = Declined(view);
      }
      break;
    case State::requires_action:
      target = Status::requires_action;
      s.reason = "the provider waits for the shopper (authentication or approval)";
      break;
    case State::processing:
      target = Status::processing;
      s.reason = "the provider is processing the payment";
      break;
    case State::requires_capture:
      if (sums.authorised == 0 && view.amount_capturable > 0)
        s.entries.push_back({EntryKind::authorisation, view.amount_capturable, view.reference});
      target = StatusOfSums(Plus(sums, s.entries));
      s.reason = "the provider authorised the payment";
      break;
    case State::succeeded: {
      if (sums.authorised == 0) s.entries.push_back({EntryKind::authorisation, view.amount, view.reference});
      if (view.amount_received > sums.captured)
        s.entries.push_back({EntryKind::capture, view.amount_received - sums.captured, view.reference});
      auto after = Plus(sums, s.entries);
      if (after.authorised > after.captured + after.voided)  // a partial capture released the rest
        s.entries.push_back({EntryKind::void_, after.authorised - after.captured - after.voided, view.reference});
      if (view.amount_refunded > sums.refunded + pending_refunds)  // refunds made at the provider, not by the shop
        s.entries.push_back({EntryKind::refund, view.amount_refunded - sums.refunded - pending_refunds, view.reference});
      target = StatusOfSums(Plus(sums, s.entries));
      s.reason = "the provider captured the payment";
      break;
    }
    case State::canceled:
      if (sums.authorised > sums.captured + sums.voided)
        s.entries.push_back({EntryKind::void_, sums.authorised - sums.captured - sums.voided, view.reference});
      target = Status::cancelled;
      s.reason = "the provider cancelled the payment";
      break;
  }
  // A view of an earlier moment (webhooks arrive in any order; fetches race) never moves money
  // back: once authorised, only further money states count; cancelled is final (a provider never
  // takes money on a cancelled intent).
  bool target_holds = HoldsMoney(target);
  if (current == Status::cancelled) return {};
  if (HoldsMoney(current) && !target_holds && target != Status::cancelled) return {};
  if (HoldsMoney(current) && target == Status::authorised) target = current;
  if (HoldsMoney(current) && target == Status::cancelled && sums.captured > 0) return {};
  if (target != current) s.status = target;
  if (!s.changed()) s.reason.clear();
  return s;
}

Settlement CashCapture(Status current, const Sums& sums, std::int64_t amount) {
  Settlement s;
  if (current != Status::authorised || sums.captured > 0) return s;
  s.entries.push_back({EntryKind::capture, amount, "cash_on_delivery"});
  s.status = Status::captured;
  s.reason = "cash collected at delivery";
  return s;
}

std::int64_t Refundable(const Sums& sums, std::int64_t pending_refunds) {
  return sums.captured - sums.refunded - pending_refunds;
}

core::Status CheckRefund(Status current, const Sums& sums, std::int64_t pending_refunds, std::int64_t amount) {
  if (current != Status::captured && current != Status::partially_refunded)
    return core::Fail(core::Error::Unprocessable("only a captured payment can be refunded",
                                                 {{"status", std::string(NameOf(current))}}));
  auto left = Refundable(sums, pending_refunds);
  if (amount < 1 || amount > left)
    return core::Fail(core::Error::Unprocessable("the refund is more than what is left to refund",
                                                 {{"amount", "1.." + std::to_string(left) + " minor units can be refunded"}}));
  return {};
}

bool SumsExplain(Status status, const Sums& sums, std::int64_t amount) {
  bool none = sums == Sums{};
  bool balanced = sums.authorised == sums.captured + sums.voided && sums.authorised <= amount;
  switch (status) {
    case Status::requires_payment_method:
    case Status::requires_action:
    case Status::processing:
    case Status::failed: return none;
    case Status::authorised: return sums.authorised > 0 && sums.authorised <= amount && sums.captured == 0 && sums.voided == 0 && sums.refunded == 0;
    case Status::captured: return balanced && sums.captured > 0 && sums.refunded == 0;
    case Status::partially_refunded: return balanced && sums.refunded > 0 && sums.refunded < sums.captured;
    case Status::refunded: return balanced && sums.captured > 0 && sums.refunded == sums.captured;
    case Status::cancelled: return sums.captured == 0 && sums.refunded == 0 && sums.authorised == sums.voided;
  }
  return false;
}

}  // namespace store::payment
