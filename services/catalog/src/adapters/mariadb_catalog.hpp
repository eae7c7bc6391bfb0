// The catalog's persistence on MariaDB (migrations/V001__catalog.sql, libs/messaging's outbox):
// CatalogStore runs units of work through db::Database (pooled connections on its blocking pool,
// transactions rerun on deadlock); MariaDbCatalogTx gives the repositories of one connection.
// The SQL lives here and only here: categories in mariadb_categories.cpp, products, types, brands,
// variants and images in mariadb_products.cpp, stock and reservations in mariadb_inventory.cpp,
// the outbox events in outbox_events.cpp.
#pragma once
#include <memory>

#include "app/ports.hpp"
#include "store/core/clock.hpp"
#include "store/db/db.hpp"

namespace store::catalog {

class MariaDbCategories final : public CategoryRepository {
 public:
  explicit MariaDbCategories(db::Connection& c) : c_(c) {}
  Result<std::vector<CategoryNode>> All() override;
  Result<std::optional<CategoryRecord>> BySlug(std::string_view slug) override;
  Result<std::optional<CategoryRecord>> ById(CategoryId id, Lock lock) override;
  Result<std::vector<CategoryRef>> Refs(const std::vector<std::int64_t>& ids) override;
  Result<std::vector<CategoryNode>> Children(CategoryId id) override;
  Result<CategoryId> Insert(const NewCategory& category, TimePoint now) override;
  Status SetPath(CategoryId id, std::string_view path) override;
  Status Update(CategoryId id, const CategoryUpdate& update, TimePoint now) override;
  Status MoveSubtree(std::string_view old_path, std::string_view new_path, std::int64_t depth_delta) override;
  Result<std::vector<ProductId>> ProductsUnder(std::string_view path) override;
  Result<bool> HasChildrenOrProducts(CategoryId id) override;
  Status Delete(CategoryId id) override;

 private:
  db::Connection& c_;
};

class MariaDbProducts final : public ProductRepository {
 public:
  explicit MariaDbProducts(db::Connection& c) : c_(c) {}
  Result<std::optional<ProductView>> ById(const ProductId& id) override;
  Result<std::optional<ProductView>> BySlug(std::string_view slug) override;
  Result<std::optional<ProductRecord>> Lock(const ProductId& id) override;
  Result<std::optional<std::string>> SlugOf(const ProductId& id) override;
  Result<BrowseResult> Browse(std::string_view path, BrowseSort sort, std::int64_t limit, std::int64_t offset) override;
  Result<BrowseResult> List(const ProductListQuery& query) override;
  Status Insert(const NewProduct& product, TimePoint now) override;
  Status Update(const ProductId& id, const ProductUpdate& update) override;
  Status WriteSpecs(const ProductId& id, const std::vector<SpecWrite>& writes) override;
  Result<bool> Touch(const ProductId& id, TimePoint now) override;
  Result<std::optional<AvailableSkus>> AdjustAvailableSkus(const ProductId& id, std::int64_t delta) override;
  Result<std::vector<Brand>> Brands() override;
  Result<Brand> EnsureBrand(std::string_view slug, std::string_view name) override;
  Result<std::vector<ProductType>> Types() override;
  Result<std::optional<ProductType>> TypeByCode(std::string_view code) override;
  Result<std::vector<SpecDef>> SpecDefs(std::int64_t type_id) override;
  Result<std::int64_t> InsertType(std::string_view code, std::string_view name) override;
  Status InsertSpecDef(std::int64_t type_id, const SpecDefinition& def, std::int64_t position) override;
  Result<bool> UpdateType(std::int64_t type_id, std::string_view name, std::int64_t version) override;
  Status DeleteSpecDefs(std::int64_t type_id) override;
  Result<TypeUsage> UsageOfType(std::int64_t type_id) override;
  Result<std::vector<ProductId>> ProductsOfType(std::int64_t type_id) override;
  Status InsertVariant(const ProductId& product, const NewVariant& variant, TimePoint now) override;
  Result<std::optional<ProductId>> ProductOfSku(const Sku& sku) override;
  Result<std::vector<SkuOffer>> Offers(const std::vector<Sku>& skus) override;
  Status UpdateVariant(const Sku& sku, const std::optional<VariantOptions>& options, std::optional<std::int64_t> price_minor) override;
  Result<ImageRecord> InsertImage(const ProductId& product, std::string_view path, std::string_view alt, int width, int height,
                                  TimePoint now) override;
  Result<std::optional<std::string>> ImagePath(const ProductId& product, ImageId image) override;
  Status DeleteImage(ImageId image) override;

 private:
  Result<std::optional<ProductView>> Load(std::string_view where, std::string_view key);
  db::Connection& c_;
};

class MariaDbInventory final : public InventoryStore {
 public:
  explicit MariaDbInventory(db::Connection& c) : c_(c) {}
  Result<std::optional<StockRecord>> Stock(const Sku& sku, Lock lock) override;
  Status InsertStock(const Sku& sku, const ProductId& product, std::int64_t on_hand, TimePoint now) override;
  Status ApplyStock(const Sku& sku, StockLevel before, StockLevel after, TimePoint now) override;
  Status RecordAdjustment(const StockAdjustment& adjustment, TimePoint now) override;
  Result<std::vector<StockAdjustment>> Adjustments(const Sku& sku, std::int64_t limit) override;
  Result<LowStockPage> LowStock(std::int64_t threshold, std::int64_t limit, std::int64_t offset) override;
  Result<std::optional<ReservationRecord>> Reservation(const OrderId& order, Lock lock) override;
  Result<std::optional<ReservationView>> ReservationDetail(const OrderId& order) override;
  Status InsertReservation(const OrderId& order, const MergedLines& lines, TimePoint expires_at, TimePoint now) override;
  Status SetReservationStatus(const OrderId& order, ReservationStatus status, std::string_view reason, TimePoint now) override;
  Result<std::vector<OrderId>> LockExpired(TimePoint now, int limit) override;

 private:
  db::Connection& c_;
};

// Writes the catalog's events into libs/messaging's outbox table (outbox_events.cpp).
class OutboxEvents final : public EventOutbox {
 public:
  OutboxEvents(db::Connection& c, const Settings& settings, const core::Clock& clock) : c_(c), settings_(settings), clock_(clock) {}
  Status Publish(const CatalogEvent& event, const Trace& trace) override;

 private:
  db::Connection& c_;
  const Settings& settings_;
  const core::Clock& clock_;
};

// The repositories of one connection (inside the caller's transaction, if any).
class MariaDbCatalogTx final : public CatalogTx {
 public:
  MariaDbCatalogTx(db::Connection& c, const Settings& settings, const core::Clock& clock)
      : categories_(c), products_(c), inventory_(c), outbox_(c, settings, clock) {}
  CategoryRepository& categories() override { return categories_; }
  ProductRepository& products() override { return products_; }
  InventoryStore& inventory() override { return inventory_; }
  EventOutbox& outbox() override { return outbox_; }

 private:
  MariaDbCategories categories_;
  MariaDbProducts products_;
  MariaDbInventory inventory_;
  OutboxEvents outbox_;
};

class MariaDbCatalogStore final : public CatalogStore {
 public:
  MariaDbCatalogStore(db::Database& db, const Settings& settings, const core::Clock& clock)
      : db_(db), settings_(settings), clock_(clock) {}
  boost::asio::awaitable<Status> Transaction(const TxWork& work) override;
  boost::asio::awaitable<Status> Read(const TxWork& work) override;
  Status TransactionSync(const TxWork& work) override;

 private:
  db::Database& db_;
  const Settings& settings_;
  const core::Clock& clock_;
};

}  // namespace store::catalog
