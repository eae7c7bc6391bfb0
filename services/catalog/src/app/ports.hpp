// What the catalog's use cases need from the outside world. Adapters implement these
// (adapters/mariadb_*.cpp, adapters/redis_page_cache.cpp, adapters/media_files.cpp,
// adapters/outbox_events.cpp); unit tests use in-memory fakes.
//
// Persistence is one transaction at a time: CatalogStore runs a unit of work on a CatalogTx, whose
// repositories all act on that transaction (so a state change and its events commit together: the
// transactional outbox). A unit of work may run more than once (rerun after a deadlock), so it
// must only touch the CatalogTx and its own locals. Repository failures are core::Error values as
// db::Database reports them (conflict for a duplicate key, unavailable/timeout, internal).
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/events.hpp"
#include "app/model.hpp"
#include "domain/image.hpp"
#include "store/core/result.hpp"
#include "store/log/trace.hpp"

namespace store::catalog {

using core::Result;
using core::Status;
using Trace = std::optional<log::TraceContext>;

enum class Lock { none, for_update };

// --- categories -----------------------------------------------------------------------------------
struct NewCategory {
  std::optional<CategoryId> parent;
  std::string slug, name;
  std::int64_t position = 0, depth = 0;
};

struct CategoryUpdate {
  std::optional<std::string> name, slug;
  std::optional<std::int64_t> position;
  std::optional<CategoryId> parent;  // the parent after the update (none: a root)
};

class CategoryRepository {
 public:
  virtual ~CategoryRepository() = default;
  // Every category, ordered by depth, position, name (parents before children).
  virtual Result<std::vector<CategoryNode>> All() = 0;
  virtual Result<std::optional<CategoryRecord>> BySlug(std::string_view slug) = 0;
  virtual Result<std::optional<CategoryRecord>> ById(CategoryId id, Lock lock) = 0;
  // The categories of `ids`, root first (breadcrumbs of a materialised path).
  virtual Result<std::vector<CategoryRef>> Refs(const std::vector<std::int64_t>& ids) = 0;
  virtual Result<std::vector<CategoryNode>> Children(CategoryId id) = 0;
  // conflict when the slug is taken. The path is set by SetPath (it holds the new id).
  virtual Result<CategoryId> Insert(const NewCategory& category, TimePoint now) = 0;
  virtual Status SetPath(CategoryId id, std::string_view path) = 0;
  // Bumps the version. conflict when the slug is taken.
  virtual Status Update(CategoryId id, const CategoryUpdate& update, TimePoint now) = 0;
  // Rewrites the paths (and depths) of a moved subtree.
  virtual Status MoveSubtree(std::string_view old_path, std::string_view new_path, std::int64_t depth_delta) = 0;
  // Products of the category at `path` and of all its descendants.
  virtual Result<std::vector<ProductId>> ProductsUnder(std::string_view path) = 0;
  virtual Result<bool> HasChildrenOrProducts(CategoryId id) = 0;
  virtual Status Delete(CategoryId id) = 0;
};

// --- products, their types, brands, variants, images --------------------------------------------
struct BrowseResult {
  std::int64_t total = 0;
  std::vector<ProductSummary> items;
};

// The admin's product list: `q` a part of the title or slug, or a whole SKU; `status` and `path` (a
// category and its subtree) narrow it.
struct ProductListQuery {
  std::string q;
  std::optional<ProductStatus> status;
  std::optional<std::string> path;
  std::int64_t limit = 50, offset = 0;
};

struct NewProduct {
  ProductId id;
  std::string slug, title, description_md, description_html, description_text, currency;
  std::optional<std::int64_t> brand_id;
  std::int64_t type_id = 0;
  CategoryId category;
  ProductStatus status = ProductStatus::draft;
  std::optional<std::string> model_line;
};

// Fields left empty keep their value.
struct ProductUpdate {
  std::optional<std::string> title, slug, description_md, description_html, description_text;
  std::optional<std::int64_t> brand_id;
  bool clear_brand = false;
  std::optional<CategoryId> category;
  std::optional<ProductStatus> status;
  std::optional<std::string> model_line;
  bool clear_model_line = false;
};

// A product row locked for an update.
struct ProductRecord {
  ProductId id;
  std::string slug;
  std::int64_t version = 0, type_id = 0;
  ProductStatus status = ProductStatus::draft;
};

struct NewVariant {
  Sku sku;
  VariantOptions options;
  std::int64_t price_minor = 0;
  std::string currency;
};

struct AvailableSkus {
  std::string slug;
  std::int64_t count = 0;  // after the change
};

class ProductRepository {
 public:
  virtual ~ProductRepository() = default;
  virtual Result<std::optional<ProductView>> ById(const ProductId& id) = 0;
  virtual Result<std::optional<ProductView>> BySlug(std::string_view slug) = 0;
  virtual Result<std::optional<ProductRecord>> Lock(const ProductId& id) = 0;  // FOR UPDATE
  virtual Result<std::optional<std::string>> SlugOf(const ProductId& id) = 0;
  // Active products of the category at `path` and its descendants.
  virtual Result<BrowseResult> Browse(std::string_view path, BrowseSort sort, std::int64_t limit, std::int64_t offset) = 0;
  // Every product of any status matching `query`, newest first (the admin's list).
  virtual Result<BrowseResult> List(const ProductListQuery& query) = 0;
  // conflict when the slug is taken.
  virtual Status Insert(const NewProduct& product, TimePoint now) = 0;
  virtual Status Update(const ProductId& id, const ProductUpdate& update) = 0;
  virtual Status WriteSpecs(const ProductId& id, const std::vector<SpecWrite>& writes) = 0;
  // Bumps the version and the updated time and recomputes the price range; false: no product.
  virtual Result<bool> Touch(const ProductId& id, TimePoint now) = 0;
  // Moves products.available_skus by delta (0: reads it); nullopt: no product.
  virtual Result<std::optional<AvailableSkus>> AdjustAvailableSkus(const ProductId& id, std::int64_t delta) = 0;

  virtual Result<std::vector<Brand>> Brands() = 0;
  // The brand of that slug, created with `name` when missing.
  virtual Result<Brand> EnsureBrand(std::string_view slug, std::string_view name) = 0;

  virtual Result<std::vector<ProductType>> Types() = 0;
  virtual Result<std::optional<ProductType>> TypeByCode(std::string_view code) = 0;
  virtual Result<std::vector<SpecDef>> SpecDefs(std::int64_t type_id) = 0;
  // conflict when the code (or a spec key within the type) is taken.
  virtual Result<std::int64_t> InsertType(std::string_view code, std::string_view name) = 0;
  virtual Status InsertSpecDef(std::int64_t type_id, const SpecDefinition& def, std::int64_t position) = 0;
  // Renames the type and adds one to its version, if it still has `version`; false: it has not.
  virtual Result<bool> UpdateType(std::int64_t type_id, std::string_view name, std::int64_t version) = 0;
  virtual Status DeleteSpecDefs(std::int64_t type_id) = 0;
  virtual Result<TypeUsage> UsageOfType(std::int64_t type_id) = 0;
  virtual Result<std::vector<ProductId>> ProductsOfType(std::int64_t type_id) = 0;

  // conflict when the SKU is taken. Appended after the product's other variants.
  virtual Status InsertVariant(const ProductId& product, const NewVariant& variant, TimePoint now) = 0;
  virtual Result<std::optional<ProductId>> ProductOfSku(const Sku& sku) = 0;
  // The offers of the SKUs that exist, in SKU order (unknown ones are absent).
  virtual Result<std::vector<SkuOffer>> Offers(const std::vector<Sku>& skus) = 0;
  virtual Status UpdateVariant(const Sku& sku, const std::optional<VariantOptions>& options,
                               std::optional<std::int64_t> price_minor) = 0;

  // Appended after the product's other images.
  virtual Result<ImageRecord> InsertImage(const ProductId& product, std::string_view path, std::string_view alt, int width,
                                          int height, TimePoint now) = 0;
  virtual Result<std::optional<std::string>> ImagePath(const ProductId& product, ImageId image) = 0;
  virtual Status DeleteImage(ImageId image) = 0;
};

// --- stock and reservations ---------------------------------------------------------------------
struct ReservationRecord {
  OrderId order_id;
  ReservationStatus status = ReservationStatus::reserved;
  MergedLines lines;
};

class InventoryStore {
 public:
  virtual ~InventoryStore() = default;
  virtual Result<std::optional<StockRecord>> Stock(const Sku& sku, Lock lock) = 0;
  virtual Status InsertStock(const Sku& sku, const ProductId& product, std::int64_t on_hand, TimePoint now) = 0;
  // Compare-and-set of a locked row: internal error when it no longer holds `before` (a bug: the
  // caller holds the row lock). Bumps the stock version.
  virtual Status ApplyStock(const Sku& sku, StockLevel before, StockLevel after, TimePoint now) = 0;
  virtual Status RecordAdjustment(const StockAdjustment& adjustment, TimePoint now) = 0;
  // The SKU's adjustments, newest first.
  virtual Result<std::vector<StockAdjustment>> Adjustments(const Sku& sku, std::int64_t limit) = 0;
  // SKUs of active products with available <= threshold, fewest available first.
  virtual Result<LowStockPage> LowStock(std::int64_t threshold, std::int64_t limit, std::int64_t offset) = 0;

  virtual Result<std::optional<ReservationRecord>> Reservation(const OrderId& order, Lock lock) = 0;
  virtual Result<std::optional<ReservationView>> ReservationDetail(const OrderId& order) = 0;
  // conflict when the order already holds one (a concurrent request won).
  virtual Status InsertReservation(const OrderId& order, const MergedLines& lines, TimePoint expires_at, TimePoint now) = 0;
  virtual Status SetReservationStatus(const OrderId& order, ReservationStatus status, std::string_view reason, TimePoint now) = 0;
  // Up to `limit` reserved reservations with expires_at before now, locked, skipping those
  // another transaction holds (several instances share the sweep, none twice).
  virtual Result<std::vector<OrderId>> LockExpired(TimePoint now, int limit) = 0;
};

// --- events -------------------------------------------------------------------------------------
class EventOutbox {
 public:
  virtual ~EventOutbox() = default;
  // Written in the transaction; the relay publishes it after the commit.
  virtual Status Publish(const CatalogEvent& event, const Trace& trace) = 0;
};

// --- the unit of work -----------------------------------------------------------------------------
class CatalogTx {
 public:
  virtual ~CatalogTx() = default;
  virtual CategoryRepository& categories() = 0;
  virtual ProductRepository& products() = 0;
  virtual InventoryStore& inventory() = 0;
  virtual EventOutbox& outbox() = 0;
};

using TxWork = std::function<Status(CatalogTx&)>;

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;
  // `work` in one transaction, off the I/O threads: committed when it returns a value, rolled back
  // otherwise; rerun on a deadlock. Pass a named TxWork (see core::CoAwaitSafeCallable).
  virtual boost::asio::awaitable<Status> Transaction(const TxWork& work) = 0;
  // The same without a transaction (reads).
  virtual boost::asio::awaitable<Status> Read(const TxWork& work) = 0;
  // Blocking twin for plain threads (the expiry sweep, tools).
  virtual Status TransactionSync(const TxWork& work) = 0;
};

// --- the product page cache ---------------------------------------------------------------------
// Pages are cached under the key the client used (product id or slug).
class PageCache {
 public:
  virtual ~PageCache() = default;
  // nullopt: not cached. unavailable when the cache is down (pages are then served uncached).
  virtual boost::asio::awaitable<Result<std::optional<std::string>>> Get(const std::string& id_or_slug) = 0;
  virtual boost::asio::awaitable<Status> Put(const std::string& id_or_slug, const std::string& page) = 0;
  // Blocking (plain threads or a blocking pool).
  virtual Status Drop(const std::vector<std::string>& ids_or_slugs) = 0;
  // Drops them again after `delay`, on the adapter's own timer; returns at once.
  virtual void DropAfter(std::vector<std::string> ids_or_slugs, std::chrono::milliseconds delay) = 0;
};

// --- product images -------------------------------------------------------------------------------
struct StoredImage {
  std::string path;  // where the renditions are, without "-<size>.jpg"
  int width = 0, height = 0;
};

class MediaStore {
 public:
  virtual ~MediaStore() = default;
  // Decodes (type sniffed), resizes to every rendition and stores them, off the I/O threads. Bad
  // images are 4xx errors (415, 400), write failures internal.
  virtual boost::asio::awaitable<Result<StoredImage>> Store(const ProductId& product, const std::string& bytes) = 0;
  virtual void Remove(const std::string& path) = 0;
};

}  // namespace store::catalog
