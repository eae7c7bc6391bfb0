// Provider on the payment sandbox's API (deploy/psp-sandbox: Stripe's shapes, JSON bodies):
// intents, confirm with a payment-method token, capture, cancel, refunds, each POST with our
// Idempotency-Key; answers read by provider_json.hpp (shared with stripe_provider); webhooks
// signed with `Psp-Signature` (Stripe's scheme, webhook_signature.hpp).
// One instance per io_context (its http::Client's connections belong to one).
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "app/ports.hpp"
#include "store/http/client.hpp"

namespace store::payment {

struct SandboxOptions {
  std::string url = "http://127.0.0.1:18190";
  std::string secret_key = "sk_test_sandbox_dev_only";
  std::string webhook_secret = "whsec_sandbox_dev_only";
  std::chrono::seconds webhook_tolerance{300};
  http::ClientOptions client;
};

class SandboxProvider final : public Provider {
 public:
  explicit SandboxProvider(SandboxOptions options);
  std::string_view name() const override { return "sandbox"; }
  awaitable<core::Result<ProviderView>> Create(NewProviderIntent intent, std::string idempotency_key) override;
  awaitable<core::Result<ProviderView>> Confirm(std::string reference, std::string payment_method, std::string return_url,
                                                std::string idempotency_key) override;
  awaitable<core::Result<ProviderView>> Fetch(std::string reference) override;
  awaitable<core::Result<ProviderView>> Capture(std::string reference, std::int64_t amount, std::string idempotency_key) override;
  awaitable<core::Result<ProviderView>> Cancel(std::string reference, std::string idempotency_key) override;
  awaitable<core::Result<ProviderRefund>> Refund(std::string reference, std::int64_t amount, std::string idempotency_key) override;
  core::Result<WebhookNotice> VerifyWebhook(std::string_view signature, std::string_view body, TimePoint now) const override;
  std::string_view signature_header() const override { return "Psp-Signature"; }

 private:
  awaitable<core::Result<boost::json::value>> Call(http::Verb verb, std::string path, std::string body, std::string idempotency_key);
  awaitable<core::Result<ProviderView>> IntentCall(http::Verb verb, std::string path, boost::json::object body, std::string key);

  SandboxOptions options_;
  http::Client client_;
};

}  // namespace store::payment
