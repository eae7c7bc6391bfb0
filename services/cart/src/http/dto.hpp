// The cart's JSON answers (contracts/openapi/cart.yaml): money as {"minor", "currency"}.
#pragma once

#include <boost/json/object.hpp>

#include "app/carts.hpp"

namespace store::cart {

boost::json::object CartJson(const CartView& view, const Limits& limits);
boost::json::object MergeJson(const MergeResult& result, const Limits& limits);

}  // namespace store::cart
