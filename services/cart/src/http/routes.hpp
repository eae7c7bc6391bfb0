// The cart's HTTP API (contracts/openapi/cart.yaml): the route table. A route finds whose cart
// it is (who.hpp), reads the request into the use case's arguments, awaits the use case and
// answers the cart as JSON (dto.hpp); errors become problem+json through libs/http's one error map.
#pragma once

#include "app/carts.hpp"
#include "http/who.hpp"
#include "store/http/router.hpp"

namespace store::cart {

// What the routes need; owned by the composition root, outlives the router.
struct HttpApi {
  Carts& carts;
  CartOwner& owner;
};

void AddRoutes(http::Router& router, const HttpApi& api);

}  // namespace store::cart
