// The route table of the user service: JSON <-> use cases. Every body is parsed strictly (unknown
// fields are refused: no mass assignment), every field validated with field errors; ids in paths
// that are not UUIDs are 404s; objects of another account are 404s.
#pragma once

#include "app/accounts.hpp"
#include "app/keys.hpp"
#include "app/settings.hpp"
#include "app/social_login.hpp"
#include "store/auth/auth.hpp"
#include "store/http/router.hpp"
#include "store/metrics/metrics.hpp"

namespace store::user {

struct RouteDeps {
  const Settings& settings;
  Accounts& accounts;
  SocialLogin& social;
  auth::Authenticator& authenticator;
  const KeyRing& keys;
  const core::Clock& clock;
  metrics::Registry& registry;  // user_auth_outcomes_total{outcome}
};

// Adds every route of the README's table (not the ops routes) to `router`.
void AddRoutes(http::Router& router, RouteDeps deps);

}  // namespace store::user
