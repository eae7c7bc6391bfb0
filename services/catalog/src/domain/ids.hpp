// The catalog's strong ids (core::Id): a Sku cannot be passed where an OrderId is expected.
// Products are UUIDs, SKUs and order ids client-chosen text, categories and images numbers.
#pragma once
#include <cstdint>
#include <string>

#include "store/core/ids.hpp"

namespace store::catalog {

struct ProductTag {};
struct SkuTag {};
struct OrderTag {};
struct CategoryTag {};
struct ImageTag {};

using ProductId = core::Id<ProductTag>;
using Sku = core::Id<SkuTag>;
using OrderId = core::Id<OrderTag>;
using CategoryId = core::Id<CategoryTag, std::int64_t>;
using ImageId = core::Id<ImageTag, std::int64_t>;

}  // namespace store::catalog
