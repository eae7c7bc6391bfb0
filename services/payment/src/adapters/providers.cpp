#include "adapters/providers.hpp"

#include <stdexcept>

#include "adapters/sandbox_provider.hpp"
#include "adapters/stripe_provider.hpp"
#include "settings.hpp"

namespace store::payment {

std::unique_ptr<Provider> MakeProvider(const Settings& settings) {
  if (settings.provider == "sandbox") return std::make_unique<SandboxProvider>(settings.sandbox);
  if (settings.provider == "stripe") return std::make_unique<StripeProvider>(settings.stripe);
  throw std::invalid_argument("unknown payment provider: " + settings.provider);  // the config validator allows none other
}

}  // namespace store::payment
