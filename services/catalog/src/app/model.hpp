// What the catalog's use cases read and return: typed views of categories, products, stock and
// reservations (http/ maps them to the JSON DTOs of contracts/openapi/catalog.yaml, adapters/ to
// the events of contracts/events/), the shop's settings, and the set of product pages a write
// made stale (Changes). Plain values.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "domain/ids.hpp"
#include "domain/inventory.hpp"
#include "domain/product.hpp"

namespace store::catalog {

struct Settings {
  std::string currency = "EUR";                 // shop.currency: every price is in it
  std::string media_url = "/media";             // media.url: public prefix of the media dir
  std::chrono::seconds reservation_ttl{900};    // reservation.ttl
  std::vector<int> renditions{160, 480, 1024};  // image widths/heights (longer side)
  std::string topic_prefix;                     // events.topic_prefix: put before every event's topic
  std::int64_t low_stock = 5;                   // stock.low_threshold: the admin's low-stock list
};

// Products whose cached pages must be dropped after the transaction commits: by id and by every
// slug they were read under (current and former).
struct Changes {
  std::set<ProductId> products;
  std::set<std::string> slugs;
  void Merge(const Changes& o) {
    products.insert(o.products.begin(), o.products.end());
    slugs.insert(o.slugs.begin(), o.slugs.end());
  }
  bool empty() const { return products.empty() && slugs.empty(); }
};

// A use case's value plus the pages it made stale.
template <class T>
struct Changed {
  T value;
  Changes changes;
};

// --- categories ---------------------------------------------------------------------------------
struct CategoryRef {
  CategoryId id;
  std::string slug, name;
};

struct CategoryNode {
  CategoryId id;
  std::optional<CategoryId> parent;
  std::string slug, name;
  std::int64_t position = 0;
  std::vector<CategoryNode> children;  // filled for the tree
};

// One category row as stored.
struct CategoryRecord {
  CategoryId id;
  std::optional<CategoryId> parent;
  std::string slug, name, path;
  std::int64_t position = 0, depth = 0, version = 0;
};

struct CategoryDetail {
  CategoryRecord category;
  std::vector<CategoryRef> breadcrumbs;  // root first, the category last
  std::vector<CategoryNode> children;
};

enum class BrowseSort { newest, price_asc, price_desc, name };
std::string_view NameOf(BrowseSort sort);
std::optional<BrowseSort> ParseBrowseSort(std::string_view text);

struct ProductSummary {
  ProductId id;
  std::string slug, title, currency, created_at;
  std::optional<std::string> brand, image_path;
  std::optional<std::int64_t> price_min, price_max;
  bool in_stock = false;
  ProductStatus status = ProductStatus::active;
};

// The admin's list of products (any status), newest first.
struct ProductList {
  std::vector<ProductSummary> items;
  std::int64_t page = 1, per_page = 50, total = 0;
};

struct BrowsePage {
  CategoryDetail category;
  std::vector<ProductSummary> items;
  std::int64_t page = 1, per_page = 24, total = 0;
  BrowseSort sort = BrowseSort::newest;
};

struct Brand {
  std::int64_t id = 0;
  std::string slug, name;
};

struct SpecDefinition {
  std::string key, name;
  SpecKind kind = SpecKind::text;
  std::optional<std::string> unit;
  bool required = false;
};

struct ProductType {
  std::int64_t id = 0;
  std::string code, name;
  std::vector<SpecDefinition> specs;
  std::int64_t version = 1;
};

// --- products -----------------------------------------------------------------------------------
using SpecValue = std::variant<std::monostate, double, std::string, bool>;
using VariantOptions = std::vector<std::pair<std::string, std::string>>;  // in the order given

// Everything a product page and a product.upserted event show.
struct ProductView {
  struct Spec {
    std::string key, name;
    SpecKind kind = SpecKind::text;
    std::optional<std::string> unit;
    SpecValue value;
  };
  struct Variant {
    Sku sku;
    VariantOptions options;
    std::int64_t price_minor = 0;
    std::string currency;
    StockLevel stock;
  };
  struct Image {
    ImageId id;
    std::string path, alt;
    int width = 0, height = 0;
  };
  ProductId id;
  std::string slug, title, description_md, description_html, description_text, currency, created_at, updated_at;
  ProductStatus status = ProductStatus::draft;
  std::optional<Brand> brand;
  std::optional<std::string> model_line;  // shared by the products of one model (colourways, configurations)
  std::int64_t type_id = 0;
  std::string type_code, type_name;
  CategoryRef category;
  std::int64_t version = 0, available_skus = 0;
  std::optional<std::int64_t> price_min, price_max;
  std::vector<CategoryRef> breadcrumbs;
  std::vector<Spec> specs;
  std::vector<Variant> variants;
  std::vector<Image> images;
  bool in_stock() const { return available_skus > 0; }
};

struct ImageRecord {
  ImageId id;
  std::string path, alt;
  int width = 0, height = 0;
  std::int64_t position = 0;
};

// --- inventory ----------------------------------------------------------------------------------
struct StockRecord {
  Sku sku;
  ProductId product;
  StockLevel level;
  std::int64_t version = 0;
};

// A staff member's change of a SKU's units on hand, with its reason (stock_adjustments).
struct StockAdjustment {
  Sku sku;
  std::int64_t delta = 0, on_hand_after = 0;
  std::string reason, note, actor;
  std::string created_at;  // RFC 3339 (when read)
};

// A SKU of an active product with few units available (the admin's low-stock list).
struct LowStockItem {
  StockRecord stock;
  std::string title, slug;
  VariantOptions options;
};
struct LowStockPage {
  std::vector<LowStockItem> items;
  std::int64_t total = 0;
};

struct ReservationView {
  struct Line {
    Sku sku;
    ProductId product;
    std::int64_t quantity = 0;
  };
  OrderId order_id;
  ReservationStatus status = ReservationStatus::reserved;
  std::optional<std::string> reason;
  std::string expires_at, created_at, updated_at;  // RFC 3339
  std::vector<Line> lines;                         // in SKU order
};

// What a cart or an order needs to know about one SKU now: its product, options, price, state
// and the stock available (on hand minus reserved).
struct SkuOffer {
  Sku sku;
  ProductId product;
  std::string slug, title, currency;
  VariantOptions options;
  std::int64_t price_minor = 0;
  ProductStatus status = ProductStatus::draft;
  std::int64_t available = 0;
  std::optional<std::string> image_path;  // the product's first image
};

}  // namespace store::catalog
