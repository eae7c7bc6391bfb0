// Every use case of the catalog, one handler each (the composition root builds them; http/
// routes to them). Handlers are cheap views on the shared AppContext.
#pragma once
#include "app/categories.hpp"
#include "app/inventory.hpp"
#include "app/products.hpp"

namespace store::catalog {

struct CatalogHandlers {
  // categories, brands, product types
  GetCategoryTreeHandler category_tree;
  GetCategoryHandler category;
  BrowseCategoryHandler browse;
  ListBrandsHandler brands;
  ListProductTypesHandler product_types;
  CreateCategoryHandler create_category;
  UpdateCategoryHandler update_category;
  DeleteCategoryHandler delete_category;
  CreateProductTypeHandler create_product_type;
  UpdateProductTypeHandler update_product_type;
  // products
  GetProductPageHandler product_page;
  GetProductHandler product;
  ListProductsHandler products;
  GetOffersHandler offers;
  CreateProductHandler create_product;
  UpdateProductHandler update_product;
  AddVariantHandler add_variant;
  UpdateVariantHandler update_variant;
  AddImageHandler add_image;
  RemoveImageHandler remove_image;
  // inventory
  GetStockHandler stock;
  GetReservationHandler reservation;
  SetStockHandler set_stock;
  GetAdjustmentsHandler adjustments;
  GetLowStockHandler low_stock;
  ReserveStockHandler reserve;
  SettleReservationHandler settle;
  ReleaseExpiredHandler release_expired;
  StockEventHandler stock_events;
};

}  // namespace store::catalog
