#include "http/routes.hpp"

namespace store::user {

void AddRoutes(http::Router& router, const RouteDeps& deps) {
  AddAuthRoutes(router, deps);
  AddAccountRoutes(router, deps);
  AddAdminRoutes(router, deps);
  AddOAuthRoutes(router, deps);
}

}  // namespace store::user
