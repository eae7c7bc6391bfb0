// The catalog's HTTP API (contracts/openapi/catalog.yaml): the route table, one file per resource
// (category_routes.cpp, product_routes.cpp, inventory_routes.cpp, snapshot_routes.cpp). A route reads the request into
// a typed command (commands.hpp), awaits the use case, and maps the result to its JSON DTO
// (dto.hpp); errors become problem+json through libs/http's one error map.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>

#include "app/handlers.hpp"
#include "store/auth/authenticator.hpp"
#include "store/http/router.hpp"

namespace store::catalog {

// The admin check of the admin routes: auth::RoleGuard(authenticator, "admin") — 401 without
// valid credentials, 403 without the role, 503 when revocations cannot be read.
using AdminCheck = auth::Guard;
// The check of the service-to-service routes (stock reservations, which the order service calls
// with a token of the user service's client-credentials grant): auth::RoleGuard(authenticator,
// "service"), with the same answers.
using ServiceCheck = auth::Guard;

// What the routes need; owned by the composition root, outlives the router.
struct HttpApi {
  const CatalogHandlers& handlers;
  AdminCheck admin;
  ServiceCheck service;
  const Settings& settings;
  std::int64_t image_max_bytes = 8 * 1024 * 1024;
};

void AddCategoryRoutes(http::Router& router, const HttpApi& api);
void AddProductRoutes(http::Router& router, const HttpApi& api);
void AddInventoryRoutes(http::Router& router, const HttpApi& api);
void AddSnapshotRoutes(http::Router& router, const HttpApi& api);
inline void AddRoutes(http::Router& router, const HttpApi& api) {
  AddCategoryRoutes(router, api);
  AddProductRoutes(router, api);
  AddInventoryRoutes(router, api);
  AddSnapshotRoutes(router, api);
}

}  // namespace store::catalog
