// JSON request bodies -> the typed commands of app/. Shape errors (types, lengths, formats such as
// slugs and SKUs, a price in another currency than the shop's) are all reported at once as a 400
// with field errors; rules that need the catalog's data (a product type exists, specs match it)
// are the use cases'.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>

#include "app/handlers.hpp"

namespace store::catalog {

core::Result<CreateCategory> ParseCreateCategory(const boost::json::object& body);
core::Result<UpdateCategory> ParseUpdateCategory(CategoryId id, const boost::json::object& body);
core::Result<CreateProductType> ParseCreateProductType(const boost::json::object& body);
// PUT /v1/admin/product-types/{code}: name, the whole specs list (in order), optional version.
core::Result<UpdateProductType> ParseUpdateProductType(std::string code, const boost::json::object& body);
// GET /v1/skus?skus=A,B,C: 1..GetOffers::kMaxSkus valid SKUs, duplicates dropped.
core::Result<GetOffers> ParseGetOffers(const std::optional<std::string>& skus);
core::Result<CreateProduct> ParseCreateProduct(const boost::json::object& body, std::string_view currency);
core::Result<UpdateProduct> ParseUpdateProduct(ProductId id, const boost::json::object& body);
core::Result<VariantInput> ParseNewVariant(const boost::json::object& body, std::string_view currency);
core::Result<UpdateVariant> ParseUpdateVariant(Sku sku, const boost::json::object& body, std::string_view currency);
core::Result<SetStock> ParseSetStock(Sku sku, const boost::json::object& body);
core::Result<ReservationRequest> ParseReservation(const boost::json::object& body);

}  // namespace store::catalog
