// The admin check of the admin API: "Authorization: Bearer <access token>" with the admin role,
// verified by libs/auth (store::auth::Authenticator::RequireRole) once it is merged.
#pragma once
#include "http/routes.hpp"
#include "store/config/config.hpp"
#include "store/core/clock.hpp"

namespace store::catalog {

struct AdminAuthOptions {
  static AdminAuthOptions Declare(config::Loader& cfg);
};

class AdminAuth {
 public:
  AdminAuth(AdminAuthOptions options, const core::Clock& clock);
  AdminCheck Check();
};

}  // namespace store::catalog
