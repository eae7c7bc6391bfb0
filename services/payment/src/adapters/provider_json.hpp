// The JSON shapes that Stripe and the payment sandbox (which copies Stripe's) share, read once for
// both adapters (sandbox_provider, stripe_provider): a PaymentIntent object as a ProviderView, an
// API answer as the object or the error it means, a webhook event as the notice of its intent.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/ports.hpp"
#include "store/core/result.hpp"

namespace store::payment {

namespace provider_json {
// A member of `o`, or "" / 0 / nullptr when it is absent or of another type.
std::string Str(const boost::json::object& o, std::string_view key);
std::int64_t Int(const boost::json::object& o, std::string_view key);
const boost::json::object* Obj(const boost::json::object& o, std::string_view key);
}  // namespace provider_json

// A PaymentIntent object in the provider-neutral words of the domain:
// - status: requires_payment_method / requires_confirmation → requires_payment_method, the others
//   as they are named; an unknown status or a missing id is `unavailable` (a provider we do not
//   understand is not a refusal);
// - where the shopper goes: `next_action.redirect_to_url.url` (a 3-D Secure page, a bank, a
//   wallet), else the sandbox's `hosted_url`; Stripe's `next_action.use_stripe_sdk` has no URL;
// - the last try's failure: `last_payment_error.decline_code`, else `.code`, and `.message`;
// - card brand / last 4 and the method detail from `latest_charge.payment_method_details` when
//   `latest_charge` is an object (Stripe, with expand[]=latest_charge), else from the intent's own
//   `payment_method_details` (the sandbox); online banking: the sandbox's `online_banking.bank` or
//   Stripe iDEAL's `ideal.bank`; wallet: "wallet" (sandbox) or "paypal" (Stripe PayPal);
// - amount_refunded: the intent's own (sandbox), else the expanded latest charge's (Stripe's
//   PaymentIntent has none).
core::Result<ProviderView> ViewOfIntent(const boost::json::value& intent);

// An answer of a Stripe-shaped API: the JSON object of a 200; the `error.payment_intent` of a 402
// (a declined card: a view, not an error); 404 → not_found; any other 4xx → unprocessable with the
// provider's message; 5xx, 401 (our key is refused: nothing happened, fix and retry), 409 (our
// idempotency key is in flight there), 429 (rate limited) and an answer that is no JSON object →
// unavailable (unknown outcome: retry with the same key).
core::Result<boost::json::value> ValueOfAnswer(int status, std::string_view body);

// A webhook event whose signature was verified: `{id, type, data.object}`; the intent it is about
// is `data.object.id` for a payment_intent, else `data.object.payment_intent` (a charge, a refund).
// invalid_argument when it names no event, no object or no intent.
core::Result<WebhookNotice> NoticeOfEvent(std::string_view body);

}  // namespace store::payment
