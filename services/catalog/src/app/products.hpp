// Product use cases: the (cached) product page, admin reads and writes of products with their
// typed specs, variants and images. Every write bumps the product's version (optimistic
// concurrency: If-Match stale -> 412, a stale "version" in the body -> 409), republishes
// product.upserted.v1 in the same transaction, and drops the product's pages after the commit.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/context.hpp"

namespace store::catalog {

using boost::asio::awaitable;

// A product by id (a UUID) or by slug.
Result<std::optional<ProductView>> FindProduct(CatalogTx& tx, const std::string& id_or_slug);

// --- queries ---------------------------------------------------------------------------------------
// The public page of an active product, from the page cache when there (hit), else loaded,
// rendered by `render` (http/: the JSON DTO) and cached. A cache outage only costs the cache.
struct GetProductPage {
  std::string id_or_slug;
};
struct CachedPage {
  std::string body;
  bool hit = false;
};
using PageRenderer = std::function<std::string(const ProductView&)>;
struct GetProductPageHandler {
  const AppContext& ctx;
  PageCache& cache;
  PageRenderer render;
  awaitable<Result<CachedPage>> operator()(const GetProductPage& query) const;
};

// Carts and orders: the current offer of each SKU (product, options, price, state, available
// stock). Unknown SKUs are absent from the answer; at most kMaxSkus SKUs, distinct.
struct GetOffers {
  std::vector<Sku> skus;
  static constexpr std::size_t kMaxSkus = 100;
};
struct GetOffersHandler {
  const AppContext& ctx;
  awaitable<Result<std::vector<SkuOffer>>> operator()(const GetOffers& query) const;
};

// Admin: any status.
struct GetProduct {
  std::string id_or_slug;
};
struct GetProductHandler {
  const AppContext& ctx;
  awaitable<Result<ProductView>> operator()(const GetProduct& query) const;
};

// Every product, any status (the admin's list): `q` a part of the title or slug, or a whole SKU;
// `status` draft|active|archived; `category` a slug (its subtree too); pages of `per_page`.
struct ListProducts {
  std::string q;
  std::string status;
  std::string category;
  std::int64_t page = 1, per_page = 50;
};
struct ListProductsHandler {
  const AppContext& ctx;
  awaitable<Result<ProductList>> operator()(const ListProducts& query) const;
};

// --- commands --------------------------------------------------------------------------------------
using SpecInputs = std::vector<std::pair<std::string, SpecInput>>;

struct VariantInput {
  Sku sku;
  VariantOptions options;
  std::optional<std::int64_t> price_minor;  // in the shop's currency (http/ checked it)
  std::int64_t on_hand = 0;
};

struct CreateProduct {
  std::string title;
  std::optional<std::string> slug;  // default: from the title
  std::string description;          // Markdown
  std::optional<std::string> brand;
  std::optional<std::string> model_line;  // the products of one model share it (http/ checked its form)
  std::string product_type;
  CategoryId category;
  ProductStatus status = ProductStatus::draft;
  SpecInputs specs;
  std::vector<VariantInput> variants;
  Trace trace;
};
struct CreateProductHandler {
  const AppContext& ctx;
  Result<Changed<ProductView>> Apply(CatalogTx& tx, const CreateProduct& cmd) const;
  awaitable<Result<ProductView>> operator()(const CreateProduct& cmd) const;
};

struct UpdateProduct {
  ProductId id;
  std::optional<std::string> title, slug, description, brand, model_line;
  bool clear_brand = false;       // "brand": null
  bool clear_model_line = false;  // "model_line": null
  std::optional<CategoryId> category;
  std::optional<ProductStatus> status;
  std::optional<SpecInputs> specs;
  std::optional<std::int64_t> if_match, body_version;
  Trace trace;
};
struct UpdateProductHandler {
  const AppContext& ctx;
  Result<Changed<ProductView>> Apply(CatalogTx& tx, const UpdateProduct& cmd) const;
  awaitable<Result<ProductView>> operator()(const UpdateProduct& cmd) const;
};

struct AddVariant {
  ProductId product;
  VariantInput variant;
  std::optional<std::int64_t> if_match;
  Trace trace;
};
struct AddVariantHandler {
  const AppContext& ctx;
  Result<Changed<ProductView>> Apply(CatalogTx& tx, const AddVariant& cmd) const;
  awaitable<Result<ProductView>> operator()(const AddVariant& cmd) const;
};

struct UpdateVariant {
  Sku sku;
  std::optional<VariantOptions> options;
  std::optional<std::int64_t> price_minor;
  std::optional<std::int64_t> if_match;
  Trace trace;
};
struct UpdateVariantHandler {
  const AppContext& ctx;
  Result<Changed<ProductView>> Apply(CatalogTx& tx, const UpdateVariant& cmd) const;
  awaitable<Result<ProductView>> operator()(const UpdateVariant& cmd) const;
};

// The image's renditions are stored first (MediaStore), then recorded; a failed record removes
// the files again.
struct AddImage {
  ProductId product;
  std::string bytes;
  std::string alt;
  Trace trace;
};
struct AddImageHandler {
  const AppContext& ctx;
  MediaStore& media;
  awaitable<Result<ImageRecord>> operator()(const AddImage& cmd) const;
};

struct RemoveImage {
  ProductId product;
  ImageId image;
  Trace trace;
};
struct RemoveImageHandler {
  const AppContext& ctx;
  MediaStore& media;
  awaitable<Status> operator()(const RemoveImage& cmd) const;
};

}  // namespace store::catalog
