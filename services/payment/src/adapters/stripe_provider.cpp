#include "adapters/stripe_provider.hpp"

#include <cctype>

#include "adapters/provider_json.hpp"
#include "adapters/webhook_signature.hpp"
#include "store/core/text.hpp"

namespace store::payment {

namespace {

using namespace provider_json;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// /v1/payment_intents/<reference><suffix>, the reference encoded as one path segment.
std::string IntentPath(std::string_view reference, std::string_view suffix = "") {
  std::string path = "/v1/payment_intents/";
  path += core::PercentEncode(reference);
  path += suffix;
  return path;
}

// Every intent answer carries the latest charge in full: the card's brand and last 4, the bank,
// the refunded amount are there (Stripe's PaymentIntent has none of them itself).
void ExpandLatestCharge(StripeProvider::Form& form) { form.emplace_back("expand[]", "latest_charge"); }

}  // namespace

std::string StripeProvider::FormEncode(const Form& form) {
  std::string out;
  for (const auto& [name, value] : form) {
    if (!out.empty()) out += '&';
    out += core::PercentEncode(name);
    out += '=';
    out += core::PercentEncode(value);
  }
  return out;
}

StripeProvider::StripeProvider(StripeOptions options) : options_(std::move(options)), client_(options_.client) {}

awaitable<core::Result<boost::json::value>> StripeProvider::Call(http::Verb verb, std::string path, Form form, std::string idempotency_key) {
  http::ClientRequest request;
  request.method = verb;
  request.url = options_.url + path;
  if (verb == http::Verb::post) {
    request.body = FormEncode(form);
    request.content_type = "application/x-www-form-urlencoded";  // Stripe wants it even on an empty body
    if (!idempotency_key.empty()) request.headers.emplace_back("Idempotency-Key", idempotency_key);
  } else if (!form.empty()) {
    request.url += '?';
    request.url += FormEncode(form);
  }
  request.headers.emplace_back("Authorization", "Bearer " + options_.secret_key);
  request.headers.emplace_back("Stripe-Version", options_.api_version);
  CO_TRY(response, co_await client_.Send(std::move(request)));
  co_return ValueOfAnswer(response.status, response.body);
}

awaitable<core::Result<ProviderView>> StripeProvider::IntentCall(http::Verb verb, std::string path, Form form, std::string idempotency_key) {
  ExpandLatestCharge(form);
  CO_TRY(json, co_await Call(verb, std::move(path), std::move(form), std::move(idempotency_key)));
  co_return ViewOfIntent(json);
}

awaitable<core::Result<ProviderView>> StripeProvider::Create(NewProviderIntent intent, std::string idempotency_key) {
  Form form{{"amount", std::to_string(intent.amount)}, {"currency", Lower(intent.currency)}};
  bool manual = intent.capture == CaptureMode::manual;
  switch (intent.method) {
    case Method::card:
      // Confirmed later (Confirm) with the token of Stripe's card fields, with the return URL.
      form.emplace_back("payment_method_types[]", "card");
      break;
    case Method::online_banking:
      // iDEAL: the shopper picks the bank on the bank's side; captured at once (it cannot be held).
      manual = false;
      form.emplace_back("payment_method_types[]", "ideal");
      form.emplace_back("payment_method_data[type]", "ideal");
      form.emplace_back("confirm", "true");
      form.emplace_back("return_url", intent.return_url);
      break;
    case Method::wallet:
      form.emplace_back("payment_method_types[]", "paypal");
      form.emplace_back("payment_method_data[type]", "paypal");
      form.emplace_back("confirm", "true");
      form.emplace_back("return_url", intent.return_url);
      break;
    case Method::cash_on_delivery:
      co_return core::Fail(core::Error::Unprocessable("cash on delivery has no payment provider"));
  }
  form.emplace_back("capture_method", manual ? "manual" : "automatic");
  form.emplace_back("metadata[payment_id]", intent.payment_id);
  form.emplace_back("metadata[order_id]", intent.order_id);
  co_return co_await IntentCall(http::Verb::post, "/v1/payment_intents", std::move(form), std::move(idempotency_key));
}

awaitable<core::Result<ProviderView>> StripeProvider::Confirm(std::string reference, std::string payment_method, std::string return_url,
                                                              std::string idempotency_key) {
  Form form{{"payment_method", std::move(payment_method)}, {"return_url", std::move(return_url)}};
  std::string path = IntentPath(reference, "/confirm");
  co_return co_await IntentCall(http::Verb::post, std::move(path), std::move(form), std::move(idempotency_key));
}

awaitable<core::Result<ProviderView>> StripeProvider::Fetch(std::string reference) {
  Form none;
  std::string path = IntentPath(reference);
  co_return co_await IntentCall(http::Verb::get, std::move(path), std::move(none), "");
}

awaitable<core::Result<ProviderView>> StripeProvider::Capture(std::string reference, std::int64_t amount, std::string idempotency_key) {
  Form form{{"amount_to_capture", std::to_string(amount)}};
  std::string path = IntentPath(reference, "/capture");
  co_return co_await IntentCall(http::Verb::post, std::move(path), std::move(form), std::move(idempotency_key));
}

awaitable<core::Result<ProviderView>> StripeProvider::Cancel(std::string reference, std::string idempotency_key) {
  Form none;
  std::string path = IntentPath(reference, "/cancel");
  co_return co_await IntentCall(http::Verb::post, std::move(path), std::move(none), std::move(idempotency_key));
}

awaitable<core::Result<ProviderRefund>> StripeProvider::Refund(std::string reference, std::int64_t amount, std::string idempotency_key) {
  Form form{{"payment_intent", std::move(reference)}, {"amount", std::to_string(amount)}};
  CO_TRY(json, co_await Call(http::Verb::post, "/v1/refunds", std::move(form), std::move(idempotency_key)));
  if (!json.is_object()) co_return core::Fail(core::Error::Unavailable("the provider's refund is not an object"));
  const auto& o = json.as_object();
  if (Str(o, "id").empty()) co_return core::Fail(core::Error::Unavailable("the provider's refund has no id"));
  // pending / requires_action / succeeded: accepted (a later failure comes as a refund.failed
  // webhook); failed / canceled: refused.
  auto status = Str(o, "status");
  if (status == "failed" || status == "canceled") {
    std::string what = "the provider's refund ";
    what.append(status);
    if (auto reason = Str(o, "failure_reason"); !reason.empty()) what.append(": ").append(reason);
    co_return core::Fail(core::Error::Unprocessable(std::move(what)));
  }
  co_return ProviderRefund{.reference = Str(o, "id"), .amount = Int(o, "amount")};
}

core::Result<WebhookNotice> StripeProvider::VerifyWebhook(std::string_view signature, std::string_view body, TimePoint now) const {
  TRY_STATUS(VerifySignature(signature, body, options_.webhook_secret, now, options_.webhook_tolerance));
  return NoticeOfEvent(body);
}

}  // namespace store::payment
