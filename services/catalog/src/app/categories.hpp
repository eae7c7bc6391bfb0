// Category, brand and product-type use cases. The tree is a materialised path per category
// ("/1/4/17/"): browsing a category covers its descendants with one prefix scan, and moving a
// category moves its subtree (never under itself: 422). Renaming or moving republishes every
// product below (their breadcrumbs and events show the path).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/context.hpp"

namespace store::catalog {

using boost::asio::awaitable;

// --- queries ---------------------------------------------------------------------------------------
struct GetCategoryTreeHandler {
  const AppContext& ctx;
  awaitable<Result<std::vector<CategoryNode>>> operator()() const;  // roots, nested
};

struct GetCategory {
  std::string slug;
};
struct GetCategoryHandler {
  const AppContext& ctx;
  Result<CategoryDetail> Apply(CatalogTx& tx, const GetCategory& query) const;
  awaitable<Result<CategoryDetail>> operator()(const GetCategory& query) const;
};

// Active products of the category and all its descendants. sort: newest | price_asc |
// price_desc | name; page 1..10000; per_page 1..100 (invalid_argument naming the parameter).
struct BrowseCategory {
  std::string slug;
  std::string sort = "newest";
  std::int64_t page = 1, per_page = 24;
};
struct BrowseCategoryHandler {
  const AppContext& ctx;
  awaitable<Result<BrowsePage>> operator()(const BrowseCategory& query) const;
};

struct ListBrandsHandler {
  const AppContext& ctx;
  awaitable<Result<std::vector<Brand>>> operator()() const;
};

struct ListProductTypesHandler {
  const AppContext& ctx;
  awaitable<Result<std::vector<ProductType>>> operator()() const;
};

// --- commands --------------------------------------------------------------------------------------
struct CreateCategory {
  std::string name;
  std::optional<std::string> slug;  // default: from the name
  std::optional<CategoryId> parent;
  std::int64_t position = 0;
};
struct CreateCategoryHandler {
  const AppContext& ctx;
  Result<Changed<CategoryDetail>> Apply(CatalogTx& tx, const CreateCategory& cmd) const;
  awaitable<Result<CategoryDetail>> operator()(const CreateCategory& cmd) const;
};

struct UpdateCategory {
  CategoryId id;
  std::optional<std::string> name, slug;
  std::optional<std::int64_t> position;
  bool move = false;                 // parent_id was given (null: to the root)
  std::optional<CategoryId> parent;  // when moving
  std::optional<std::int64_t> if_match, body_version;
};
struct UpdateCategoryHandler {
  const AppContext& ctx;
  Result<Changed<CategoryDetail>> Apply(CatalogTx& tx, const UpdateCategory& cmd) const;
  awaitable<Result<CategoryDetail>> operator()(const UpdateCategory& cmd) const;
};

// Only an empty category (no subcategories, no products; else 409).
struct DeleteCategory {
  CategoryId id;
};
struct DeleteCategoryHandler {
  const AppContext& ctx;
  awaitable<Status> operator()(const DeleteCategory& cmd) const;
};

struct CreateProductType {
  std::string code, name;
  std::vector<SpecDefinition> specs;
};
struct CreateProductTypeHandler {
  const AppContext& ctx;
  Result<ProductType> Apply(CatalogTx& tx, const CreateProductType& cmd) const;
  awaitable<Result<ProductType>> operator()(const CreateProductType& cmd) const;
};

// Renames a type and replaces its specification list (CheckTypeChange: what its products hold
// limits it; 422 naming the field). A name or unit its products show changes their events: they
// are republished (search shows the new labels). Version: If-Match (412) or the body's (409).
struct UpdateProductType {
  std::string code, name;
  std::vector<SpecDefinition> specs;
  std::optional<std::int64_t> if_match, body_version;
};
struct UpdateProductTypeHandler {
  const AppContext& ctx;
  Result<Changed<ProductType>> Apply(CatalogTx& tx, const UpdateProductType& cmd) const;
  awaitable<Result<ProductType>> operator()(const UpdateProductType& cmd) const;
};

}  // namespace store::catalog
