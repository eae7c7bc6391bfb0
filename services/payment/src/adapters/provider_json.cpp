#include "adapters/provider_json.hpp"

#include <boost/json/parse.hpp>

namespace store::payment {

namespace provider_json {

std::string Str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t Int(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

const boost::json::object* Obj(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

}  // namespace provider_json

using namespace provider_json;

core::Result<ProviderView> ViewOfIntent(const boost::json::value& value) {
  if (!value.is_object()) return core::Fail(core::Error::Unavailable("the provider answered something that is not an intent"));
  const auto& o = value.as_object();
  ProviderView v;
  v.reference = Str(o, "id");
  auto status = Str(o, "status");
  using State = ProviderView::State;
  if (status == "requires_payment_method" || status == "requires_confirmation") v.state = State::requires_payment_method;
  else if (status == "requires_action") v.state = State::requires_action;
  else if (status == "processing") v.state = State::processing;
  else if (status == "requires_capture") v.state = State::requires_capture;
  else if (status == "succeeded") v.state = State::succeeded;
  else if (status == "canceled") v.state = State::canceled;
  else return core::Fail(core::Error::Unavailable("the provider answered an unknown intent status: " + status));
  if (v.reference.empty()) return core::Fail(core::Error::Unavailable("the provider's intent has no id"));
  const auto* charge = Obj(o, "latest_charge");  // Stripe, expanded; a plain id otherwise
  v.amount = Int(o, "amount");
  v.amount_capturable = Int(o, "amount_capturable");
  v.amount_received = Int(o, "amount_received");
  v.amount_refunded = o.contains("amount_refunded") || !charge ? Int(o, "amount_refunded") : Int(*charge, "amount_refunded");
  v.redirect_url = Str(o, "hosted_url");
  if (const auto* next = Obj(o, "next_action"))
    if (const auto* redirect = Obj(*next, "redirect_to_url")) v.redirect_url = Str(*redirect, "url");
  if (const auto* error = Obj(o, "last_payment_error")) {
    v.error_code = Str(*error, "decline_code");
    if (v.error_code.empty()) v.error_code = Str(*error, "code");
    v.error_message = Str(*error, "message");
  }
  const auto* details = charge ? Obj(*charge, "payment_method_details") : nullptr;
  if (!details) details = Obj(o, "payment_method_details");
  if (details) {
    if (const auto* card = Obj(*details, "card")) {
      v.card_brand = Str(*card, "brand");
      v.card_last4 = Str(*card, "last4");
    }
    if (const auto* bank = Obj(*details, "online_banking")) v.method_detail = Str(*bank, "bank");
    if (const auto* ideal = Obj(*details, "ideal")) v.method_detail = Str(*ideal, "bank");
    if (Obj(*details, "wallet")) v.method_detail = "wallet";
    if (Obj(*details, "paypal")) v.method_detail = "paypal";
  }
  return v;
}

core::Result<boost::json::value> ValueOfAnswer(int status, std::string_view body) {
  boost::system::error_code ec;
  auto json = boost::json::parse(body, ec);
  const auto* error = !ec && json.is_object() ? Obj(json.as_object(), "error") : nullptr;
  std::string message = error ? Str(*error, "message") : std::string();
  if (status >= 500 || status == 401 || status == 409 || status == 429) {
    std::string what = "the provider answered " + std::to_string(status);
    if (!message.empty()) what.append(": ").append(message);  // appends: g++ 12's -Wrestrict false positive at -O3
    return core::Fail(core::Error::Unavailable(std::move(what)));
  }
  if (ec || !json.is_object()) return core::Fail(core::Error::Unavailable("the provider answered no JSON"));
  if (status == 200) return json;
  if (status == 402 && error && error->contains("payment_intent")) return error->at("payment_intent");  // a decline
  if (message.empty()) message = "refused";
  if (status == 404) return core::Fail(core::Error::NotFound("the provider does not know it: " + message));
  return core::Fail(core::Error::Unprocessable("the provider refused: " + message));
}

core::Result<WebhookNotice> NoticeOfEvent(std::string_view body) {
  boost::system::error_code ec;
  auto json = boost::json::parse(body, ec);
  if (ec || !json.is_object()) return core::Fail(core::Error::Invalid("the webhook's body is not a JSON object"));
  const auto& o = json.as_object();
  WebhookNotice notice{.event_id = Str(o, "id"), .type = Str(o, "type")};
  const auto* data = Obj(o, "data");
  const auto* object = data ? Obj(*data, "object") : nullptr;
  if (notice.event_id.empty() || !object) return core::Fail(core::Error::Invalid("the webhook names no event or object"));
  notice.intent_reference = Str(*object, "object") == "payment_intent" ? Str(*object, "id") : Str(*object, "payment_intent");
  if (notice.intent_reference.empty()) return core::Fail(core::Error::Invalid("the webhook is not about a payment intent"));
  return notice;
}

}  // namespace store::payment
