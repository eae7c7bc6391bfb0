// The provider `provider.name` names: `sandbox` (deploy/psp-sandbox, SandboxProvider) or `stripe`
// (Stripe's API, StripeProvider). Each instance belongs to one io_context (its HTTP client's
// connections): make one per io_context and destroy it before that io_context.
#pragma once

#include <memory>

#include "app/ports.hpp"

namespace store::payment {

struct Settings;

std::unique_ptr<Provider> MakeProvider(const Settings& settings);

}  // namespace store::payment
