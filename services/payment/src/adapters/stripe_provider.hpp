// Provider on Stripe's API (https://docs.stripe.com/api): PaymentIntents created, confirmed with a
// payment-method token (3-D Secure: `next_action.redirect_to_url`, back to our return route),
// retrieved with `expand[]=latest_charge` (card brand / last 4), captured, cancelled; refunds.
// Requests are application/x-www-form-urlencoded with Stripe's bracket notation
// (`metadata[order_id]=…`, `payment_method_types[]=card`), `Authorization: Bearer sk_…`, the pinned
// `Stripe-Version` and our `Idempotency-Key` on every POST. Webhooks: `Stripe-Signature`, the
// scheme of webhook_signature.hpp.
//
// Methods: card → `card` (confirmed by Confirm with a token from Stripe's card fields); online
// banking → iDEAL (`ideal`, EUR; created and confirmed at once with `payment_method_data[type]`,
// the view's redirect is the bank; always captured at once: a bank payment cannot be held);
// wallet → PayPal (`paypal`, created and confirmed at once, the redirect is PayPal's page);
// cash on delivery never reaches a provider (unprocessable).
//
// TRANSPORT: store::http::Client speaks plain HTTP only. stripe-mock (the contract test) serves
// plain HTTP; in production `stripe.url` is an egress proxy on the host or the pod that originates
// TLS to https://api.stripe.com (certificate verified, Host rewritten), never Stripe over plain HTTP.
//
// One instance per io_context (its http::Client's connections belong to one).
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <utility>
#include <vector>

#include "app/ports.hpp"
#include "store/http/client.hpp"

namespace store::payment {

struct StripeOptions {
  // Plain HTTP (see TRANSPORT above): stripe-mock's default address for development; production
  // sets the egress TLS proxy's address.
  std::string url = "http://127.0.0.1:12111";
  std::string secret_key = "sk_test_stripe_mock_dev_only";  // stripe-mock takes any sk_test_ key
  std::string webhook_secret = "whsec_stripe_dev_only";
  // The API version our requests and the mapping are written for: the version of the OpenAPI
  // spec embedded in the pinned stripe-mock (deploy/versions.env STRIPE_MOCK_VERSION).
  std::string api_version = "2026-08-26.dahlia";
  std::chrono::seconds webhook_tolerance{300};
  http::ClientOptions client;
};

class StripeProvider final : public Provider {
 public:
  explicit StripeProvider(StripeOptions options);
  std::string_view name() const override { return "stripe"; }
  awaitable<core::Result<ProviderView>> Create(NewProviderIntent intent, std::string idempotency_key) override;
  awaitable<core::Result<ProviderView>> Confirm(std::string reference, std::string payment_method, std::string return_url,
                                                std::string idempotency_key) override;
  awaitable<core::Result<ProviderView>> Fetch(std::string reference) override;
  awaitable<core::Result<ProviderView>> Capture(std::string reference, std::int64_t amount, std::string idempotency_key) override;
  awaitable<core::Result<ProviderView>> Cancel(std::string reference, std::string idempotency_key) override;
  awaitable<core::Result<ProviderRefund>> Refund(std::string reference, std::int64_t amount, std::string idempotency_key) override;
  core::Result<WebhookNotice> VerifyWebhook(std::string_view signature, std::string_view body, TimePoint now) const override;
  std::string_view signature_header() const override { return "Stripe-Signature"; }

  // Form fields in order: (name with brackets, value).
  using Form = std::vector<std::pair<std::string, std::string>>;
  // application/x-www-form-urlencoded: names and values percent-encoded (RFC 3986 unreserved kept).
  static std::string FormEncode(const Form& form);

 private:
  // A GET (`form` as the query) or a POST (`form` as the body, with `idempotency_key`).
  awaitable<core::Result<boost::json::value>> Call(http::Verb verb, std::string path, Form form, std::string idempotency_key);
  awaitable<core::Result<ProviderView>> IntentCall(http::Verb verb, std::string path, Form form, std::string idempotency_key);

  StripeOptions options_;
  http::Client client_;
};

}  // namespace store::payment
