#include "adapters/sandbox_provider.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/webhook_signature.hpp"

namespace store::payment {

namespace {

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

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string MethodName(Method m) { return std::string(NameOf(m)); }

}  // namespace

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
  v.amount = Int(o, "amount");
  v.amount_capturable = Int(o, "amount_capturable");
  v.amount_received = Int(o, "amount_received");
  v.amount_refunded = Int(o, "amount_refunded");
  v.redirect_url = Str(o, "hosted_url");
  if (const auto* next = Obj(o, "next_action"))
    if (const auto* redirect = Obj(*next, "redirect_to_url")) v.redirect_url = Str(*redirect, "url");
  if (const auto* error = Obj(o, "last_payment_error")) {
    v.error_code = Str(*error, "decline_code");
    if (v.error_code.empty()) v.error_code = Str(*error, "code");
    v.error_message = Str(*error, "message");
  }
  if (const auto* details = Obj(o, "payment_method_details")) {
    if (const auto* card = Obj(*details, "card")) {
      v.card_brand = Str(*card, "brand");
      v.card_last4 = Str(*card, "last4");
    }
    if (const auto* bank = Obj(*details, "online_banking")) v.method_detail = Str(*bank, "bank");
    if (Obj(*details, "wallet")) v.method_detail = "wallet";
  }
  return v;
}

SandboxProvider::SandboxProvider(SandboxOptions options) : options_(std::move(options)), client_(options_.client) {}

awaitable<core::Result<boost::json::value>> SandboxProvider::Call(http::Verb verb, std::string path, std::string body,
                                                                   std::string idempotency_key) {
  http::ClientRequest request;
  request.method = verb;
  request.url = options_.url + path;
  request.body = std::move(body);
  if (verb == http::Verb::post) request.content_type = "application/json";
  request.headers.emplace_back("Authorization", "Bearer " + options_.secret_key);
  if (!idempotency_key.empty()) request.headers.emplace_back("Idempotency-Key", idempotency_key);
  CO_TRY(response, co_await client_.Send(std::move(request)));
  boost::system::error_code ec;
  auto json = boost::json::parse(response.body, ec);
  if (response.status >= 500 || response.status == 401 || response.status == 409)  // 409: our key is in flight there
    co_return core::Fail(core::Error::Unavailable("the provider answered " + std::to_string(response.status)));
  if (ec || !json.is_object()) co_return core::Fail(core::Error::Unavailable("the provider answered no JSON"));
  if (response.status == 200) co_return json;
  const auto* error = Obj(json.as_object(), "error");
  if (response.status == 402 && error && error->contains("payment_intent")) co_return error->at("payment_intent");  // a decline
  std::string message = error ? Str(*error, "message") : "refused";
  if (response.status == 404) co_return core::Fail(core::Error::NotFound("the provider does not know it: " + message));
  co_return core::Fail(core::Error::Unprocessable("the provider refused: " + message));
}

awaitable<core::Result<ProviderView>> SandboxProvider::IntentCall(http::Verb verb, std::string path, boost::json::object body,
                                                                   std::string key) {
  std::string text = verb == http::Verb::post ? boost::json::serialize(body) : std::string();
  CO_TRY(json, co_await Call(verb, std::move(path), std::move(text), std::move(key)));
  co_return ViewOfIntent(json);
}

awaitable<core::Result<ProviderView>> SandboxProvider::Create(NewProviderIntent intent, std::string idempotency_key) {
  boost::json::object body{{"amount", intent.amount},
                           {"currency", Lower(intent.currency)},
                           {"method", MethodName(intent.method)},
                           {"capture_method", intent.capture == CaptureMode::manual ? "manual" : "automatic"},
                           {"return_url", intent.return_url},
                           {"metadata", boost::json::object{{"payment_id", intent.payment_id}, {"order_id", intent.order_id}}}};
  co_return co_await IntentCall(http::Verb::post, "/v1/payment_intents", std::move(body), std::move(idempotency_key));
}

awaitable<core::Result<ProviderView>> SandboxProvider::Confirm(std::string reference, std::string payment_method,
                                                               std::string idempotency_key) {
  boost::json::object body;
  body["payment_method"] = payment_method;
  co_return co_await IntentCall(http::Verb::post, "/v1/payment_intents/" + reference + "/confirm", std::move(body),
                                std::move(idempotency_key));
}

awaitable<core::Result<ProviderView>> SandboxProvider::Fetch(std::string reference) {
  boost::json::object none;
  co_return co_await IntentCall(http::Verb::get, "/v1/payment_intents/" + reference, std::move(none), "");
}

awaitable<core::Result<ProviderView>> SandboxProvider::Capture(std::string reference, std::int64_t amount, std::string idempotency_key) {
  boost::json::object body;
  body["amount_to_capture"] = amount;
  co_return co_await IntentCall(http::Verb::post, "/v1/payment_intents/" + reference + "/capture", std::move(body),
                                std::move(idempotency_key));
}

awaitable<core::Result<ProviderView>> SandboxProvider::Cancel(std::string reference, std::string idempotency_key) {
  boost::json::object body;
  co_return co_await IntentCall(http::Verb::post, "/v1/payment_intents/" + reference + "/cancel", std::move(body),
                                std::move(idempotency_key));
}

awaitable<core::Result<ProviderRefund>> SandboxProvider::Refund(std::string reference, std::int64_t amount, std::string idempotency_key) {
  boost::json::object body;
  body["payment_intent"] = reference;
  body["amount"] = amount;
  std::string text = boost::json::serialize(body);
  CO_TRY(json, co_await Call(http::Verb::post, "/v1/refunds", std::move(text), std::move(idempotency_key)));
  const auto& o = json.as_object();
  if (Str(o, "id").empty()) co_return core::Fail(core::Error::Unavailable("the provider's refund has no id"));
  if (Str(o, "status") == "failed") co_return core::Fail(core::Error::Unprocessable("the provider's refund failed"));
  co_return ProviderRefund{.reference = Str(o, "id"), .amount = Int(o, "amount")};
}

core::Result<WebhookNotice> SandboxProvider::VerifyWebhook(std::string_view signature, std::string_view body, TimePoint now) const {
  TRY_STATUS(VerifySignature(signature, body, options_.webhook_secret, now, options_.webhook_tolerance));
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
