// The admin check of the admin API: "Authorization: Bearer <access token>" of a user with the
// admin role, verified by libs/auth (signature against the user service's JWKS, issuer,
// audience, expiry, session revocation in Redis). 401 without valid credentials, 403 without
// the role, 503 when the revocation list cannot be read.
#pragma once
#include "http/routes.hpp"
#include "store/auth/authenticator.hpp"

namespace store::catalog {

AdminCheck RequireAdmin(auth::Authenticator& authenticator);

}  // namespace store::catalog
