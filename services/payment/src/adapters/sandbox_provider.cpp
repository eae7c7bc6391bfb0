#include "adapters/sandbox_provider.hpp"

#include <boost/json/serialize.hpp>

#include "adapters/provider_json.hpp"
#include "adapters/webhook_signature.hpp"

namespace store::payment {

namespace {

using namespace provider_json;

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string MethodName(Method m) { return std::string(NameOf(m)); }

}  // namespace

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
  co_return ValueOfAnswer(response.status, response.body);
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

// The sandbox knows the return URL from the intent's creation.
awaitable<core::Result<ProviderView>> SandboxProvider::Confirm(std::string reference, std::string payment_method,
                                                               std::string /*return_url*/, std::string idempotency_key) {
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
  return NoticeOfEvent(body);
}

}  // namespace store::payment
