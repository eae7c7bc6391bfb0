// The route table of the user service: JSON <-> use cases, one file per resource
// (auth_routes.cpp, account_routes.cpp, admin_routes.cpp; shared JSON shapes in json_io.hpp).
// Every body is parsed strictly into a typed command (unknown fields are refused: no mass
// assignment), every field validated with field errors; ids in paths that are not UUIDs are 404s;
// objects of another account are 404s. Errors become problem+json through libs/http's one map.
#pragma once

#include "app/accounts.hpp"
#include "app/keys.hpp"
#include "app/service_clients.hpp"
#include "app/settings.hpp"
#include "app/social_login.hpp"
#include "store/auth/auth.hpp"
#include "store/http/router.hpp"
#include "store/metrics/metrics.hpp"

namespace store::user {

// What the handlers use. Everything is borrowed and must outlive the router (handlers copy it).
struct RouteDeps {
  const Settings& settings;
  Accounts& accounts;
  SocialLogin& social;
  const ServiceClients& service_clients;
  auth::Authenticator& authenticator;
  const KeyRing& keys;
  const core::Clock& clock;
  metrics::Registry& registry;  // user_auth_outcomes_total{outcome}
};

// Adds every route of the README's table (not the ops routes) to `router`.
void AddRoutes(http::Router& router, const RouteDeps& deps);

// By resource:
// /v1/auth/* (register, verify, login, refresh, logout, reset, OIDC, introspection) and the JWKS.
void AddAuthRoutes(http::Router& router, const RouteDeps& deps);
// /v1/me* (profile, email, password, sessions, addresses).
void AddAccountRoutes(http::Router& router, const RouteDeps& deps);
// /v1/admin/*.
void AddAdminRoutes(http::Router& router, const RouteDeps& deps);
// /v1/oauth/token: the client-credentials grant (service-to-service credentials).
void AddOAuthRoutes(http::Router& router, const RouteDeps& deps);

}  // namespace store::user
