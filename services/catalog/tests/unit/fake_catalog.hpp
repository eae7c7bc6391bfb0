// In-memory fakes of the catalog's ports, for unit tests of the use cases without engines. The
// store keeps a copy of its state per unit of work and restores it when the work fails (the
// rollback a real transaction gives), so "nothing changed" is observable. Only what the inventory
// use cases touch is implemented; anything else fails loudly.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "app/ports.hpp"

namespace store::catalog::testing {

struct FakeProduct {
  std::string slug;
  std::int64_t available_skus = 0;
  std::int64_t version = 0;
};

struct FakeReservation {
  ReservationRecord record;
  TimePoint expires_at;
  std::string reason;
};

struct FakeState {
  std::map<ProductId, FakeProduct> products;
  std::map<Sku, StockRecord> stock;
  std::map<OrderId, FakeReservation> reservations;
  std::vector<CatalogEvent> events;
  std::vector<StockAdjustment> adjustments;  // oldest first

  // A product with SKUs and their on_hand (available_skus counted as the service keeps it).
  void AddProduct(const std::string& id, const std::string& slug, const std::vector<std::pair<std::string, std::int64_t>>& skus) {
    FakeProduct p{slug, 0, 1};
    for (const auto& [sku, on_hand] : skus) {
      stock[Sku(sku)] = StockRecord{Sku(sku), ProductId(id), StockLevel{on_hand, 0}, 0};
      if (on_hand > 0) ++p.available_skus;
    }
    products[ProductId(id)] = p;
  }
  StockLevel Level(const std::string& sku) const { return stock.at(Sku(sku)).level; }
  template <class E>
  int Count() const {
    int n = 0;
    for (const auto& e : events) n += std::holds_alternative<E>(e) ? 1 : 0;
    return n;
  }
};

inline core::Error NotInFake() { return core::Error::Internal("not implemented by the fake"); }

class FakeInventory final : public InventoryStore {
 public:
  explicit FakeInventory(FakeState& s) : s_(s) {}
  Result<std::optional<StockRecord>> Stock(const Sku& sku, Lock) override {
    auto it = s_.stock.find(sku);
    if (it == s_.stock.end()) return std::optional<StockRecord>{};
    return std::optional<StockRecord>(it->second);
  }
  Status InsertStock(const Sku& sku, const ProductId& product, std::int64_t on_hand, TimePoint) override {
    s_.stock[sku] = StockRecord{sku, product, StockLevel{on_hand, 0}, 0};
    return {};
  }
  Status ApplyStock(const Sku& sku, StockLevel before, StockLevel after, TimePoint) override {
    auto& row = s_.stock.at(sku);
    if (!(row.level == before) || !IsValidLevel(after)) return std::unexpected(core::Error::Internal("stock row changed under its lock"));
    row.level = after;
    ++row.version;
    return {};
  }
  Status RecordAdjustment(const StockAdjustment& a, TimePoint) override {
    s_.adjustments.push_back(a);
    return {};
  }
  Result<std::vector<StockAdjustment>> Adjustments(const Sku& sku, std::int64_t limit) override {
    std::vector<StockAdjustment> out;
    for (auto it = s_.adjustments.rbegin(); it != s_.adjustments.rend() && static_cast<std::int64_t>(out.size()) < limit; ++it)
      if (it->sku == sku) out.push_back(*it);
    return out;
  }
  Result<LowStockPage> LowStock(std::int64_t, std::int64_t, std::int64_t) override { return std::unexpected(NotInFake()); }
  Result<std::optional<ReservationRecord>> Reservation(const OrderId& order, Lock) override {
    auto it = s_.reservations.find(order);
    if (it == s_.reservations.end()) return std::optional<ReservationRecord>{};
    return std::optional<ReservationRecord>(it->second.record);
  }
  Result<std::optional<ReservationView>> ReservationDetail(const OrderId& order) override {
    auto it = s_.reservations.find(order);
    if (it == s_.reservations.end()) return std::optional<ReservationView>{};
    ReservationView v;
    v.order_id = order;
    v.status = it->second.record.status;
    if (!it->second.reason.empty()) v.reason = it->second.reason;
    for (const auto& [sku, q] : it->second.record.lines) v.lines.push_back({sku, s_.stock.at(sku).product, q});
    return std::optional<ReservationView>(std::move(v));
  }
  Status InsertReservation(const OrderId& order, const MergedLines& lines, TimePoint expires_at, TimePoint) override {
    if (s_.reservations.count(order)) return std::unexpected(core::Error::Conflict("duplicate"));
    s_.reservations[order] = FakeReservation{ReservationRecord{order, ReservationStatus::reserved, lines}, expires_at, ""};
    return {};
  }
  Status SetReservationStatus(const OrderId& order, ReservationStatus status, std::string_view reason, TimePoint) override {
    auto& r = s_.reservations.at(order);
    r.record.status = status;
    r.reason = std::string(reason);
    return {};
  }
  Result<std::vector<OrderId>> LockExpired(TimePoint now, int limit) override {
    std::vector<OrderId> due;
    for (const auto& [order, r] : s_.reservations)
      if (r.record.status == ReservationStatus::reserved && IsExpired(r.expires_at, now) && static_cast<int>(due.size()) < limit)
        due.push_back(order);
    return due;
  }

 private:
  FakeState& s_;
};

class FakeProducts final : public ProductRepository {
 public:
  explicit FakeProducts(FakeState& s) : s_(s) {}
  Result<std::optional<ProductView>> ById(const ProductId& id) override {
    auto it = s_.products.find(id);
    if (it == s_.products.end()) return std::optional<ProductView>{};
    ProductView v;
    v.id = id;
    v.slug = it->second.slug;
    v.version = it->second.version;
    v.available_skus = it->second.available_skus;
    return std::optional<ProductView>(std::move(v));
  }
  Result<std::optional<ProductView>> BySlug(std::string_view) override { return std::unexpected(NotInFake()); }
  Result<std::optional<ProductRecord>> Lock(const ProductId&) override { return std::unexpected(NotInFake()); }
  Result<std::optional<std::string>> SlugOf(const ProductId& id) override {
    auto it = s_.products.find(id);
    if (it == s_.products.end()) return std::optional<std::string>{};
    return std::optional<std::string>(it->second.slug);
  }
  Result<BrowseResult> Browse(std::string_view, BrowseSort, std::int64_t, std::int64_t) override { return std::unexpected(NotInFake()); }
  Result<BrowseResult> List(const ProductListQuery&) override { return std::unexpected(NotInFake()); }
  Status Insert(const NewProduct&, TimePoint) override { return std::unexpected(NotInFake()); }
  Status Update(const ProductId&, const ProductUpdate&) override { return std::unexpected(NotInFake()); }
  Status WriteSpecs(const ProductId&, const std::vector<SpecWrite>&) override { return std::unexpected(NotInFake()); }
  Result<bool> Touch(const ProductId& id, TimePoint) override {
    auto it = s_.products.find(id);
    if (it == s_.products.end()) return false;
    ++it->second.version;
    return true;
  }
  Result<std::optional<AvailableSkus>> AdjustAvailableSkus(const ProductId& id, std::int64_t delta) override {
    auto it = s_.products.find(id);
    if (it == s_.products.end()) return std::optional<AvailableSkus>{};
    it->second.available_skus += delta;
    return std::optional<AvailableSkus>(AvailableSkus{it->second.slug, it->second.available_skus});
  }
  Result<std::vector<Brand>> Brands() override { return std::unexpected(NotInFake()); }
  Result<Brand> EnsureBrand(std::string_view, std::string_view) override { return std::unexpected(NotInFake()); }
  Result<std::vector<ProductType>> Types() override { return std::unexpected(NotInFake()); }
  Result<std::optional<ProductType>> TypeByCode(std::string_view) override { return std::unexpected(NotInFake()); }
  Result<std::vector<SpecDef>> SpecDefs(std::int64_t) override { return std::unexpected(NotInFake()); }
  Result<std::int64_t> InsertType(std::string_view, std::string_view) override { return std::unexpected(NotInFake()); }
  Status InsertSpecDef(std::int64_t, const SpecDefinition&, std::int64_t) override { return std::unexpected(NotInFake()); }
  Result<bool> UpdateType(std::int64_t, std::string_view, std::int64_t) override { return std::unexpected(NotInFake()); }
  Status DeleteSpecDefs(std::int64_t) override { return std::unexpected(NotInFake()); }
  Result<TypeUsage> UsageOfType(std::int64_t) override { return std::unexpected(NotInFake()); }
  Result<std::vector<ProductId>> ProductsOfType(std::int64_t) override { return std::unexpected(NotInFake()); }
  Status InsertVariant(const ProductId&, const NewVariant&, TimePoint) override { return std::unexpected(NotInFake()); }
  Result<std::optional<ProductId>> ProductOfSku(const Sku&) override { return std::unexpected(NotInFake()); }
  Result<std::vector<SkuOffer>> Offers(const std::vector<Sku>&) override { return std::unexpected(NotInFake()); }
  Status UpdateVariant(const Sku&, const std::optional<VariantOptions>&, std::optional<std::int64_t>) override {
    return std::unexpected(NotInFake());
  }
  Result<ImageRecord> InsertImage(const ProductId&, std::string_view, std::string_view, int, int, TimePoint) override {
    return std::unexpected(NotInFake());
  }
  Result<std::optional<std::string>> ImagePath(const ProductId&, ImageId) override { return std::unexpected(NotInFake()); }
  Status DeleteImage(ImageId) override { return std::unexpected(NotInFake()); }

 private:
  FakeState& s_;
};

class FakeCategories final : public CategoryRepository {
 public:
  Result<std::vector<CategoryNode>> All() override { return std::unexpected(NotInFake()); }
  Result<std::optional<CategoryRecord>> BySlug(std::string_view) override { return std::unexpected(NotInFake()); }
  Result<std::optional<CategoryRecord>> ById(CategoryId, Lock) override { return std::unexpected(NotInFake()); }
  Result<std::vector<CategoryRef>> Refs(const std::vector<std::int64_t>&) override { return std::unexpected(NotInFake()); }
  Result<std::vector<CategoryNode>> Children(CategoryId) override { return std::unexpected(NotInFake()); }
  Result<CategoryId> Insert(const NewCategory&, TimePoint) override { return std::unexpected(NotInFake()); }
  Status SetPath(CategoryId, std::string_view) override { return std::unexpected(NotInFake()); }
  Status Update(CategoryId, const CategoryUpdate&, TimePoint) override { return std::unexpected(NotInFake()); }
  Status MoveSubtree(std::string_view, std::string_view, std::int64_t) override { return std::unexpected(NotInFake()); }
  Result<std::vector<ProductId>> ProductsUnder(std::string_view) override { return std::unexpected(NotInFake()); }
  Result<bool> HasChildrenOrProducts(CategoryId) override { return std::unexpected(NotInFake()); }
  Status Delete(CategoryId) override { return std::unexpected(NotInFake()); }
};

class FakeOutbox final : public EventOutbox {
 public:
  explicit FakeOutbox(FakeState& s) : s_(s) {}
  Status Publish(const CatalogEvent& event, const Trace&) override {
    s_.events.push_back(event);
    return {};
  }

 private:
  FakeState& s_;
};

class FakeTx final : public CatalogTx {
 public:
  explicit FakeTx(FakeState& s) : inventory_(s), products_(s), outbox_(s) {}
  CategoryRepository& categories() override { return categories_; }
  ProductRepository& products() override { return products_; }
  InventoryStore& inventory() override { return inventory_; }
  EventOutbox& outbox() override { return outbox_; }

 private:
  FakeInventory inventory_;
  FakeProducts products_;
  FakeCategories categories_;
  FakeOutbox outbox_;
};

// Runs units of work on `state`, restoring it when one fails (rollback).
class FakeStore final : public CatalogStore {
 public:
  FakeState state;
  boost::asio::awaitable<Status> Transaction(const TxWork& work) override { co_return TransactionSync(work); }
  boost::asio::awaitable<Status> Read(const TxWork& work) override { co_return TransactionSync(work); }
  Status TransactionSync(const TxWork& work) override {
    FakeState before = state;
    FakeTx tx(state);
    auto s = work(tx);
    if (!s) state = std::move(before);
    return s;
  }
  // One unit of work's Apply, rolled back on failure (what a transaction around it gives).
  template <class F>
  auto Run(F&& apply) {
    FakeState before = state;
    FakeTx tx(state);
    auto r = apply(tx);
    if (!r) state = std::move(before);
    return r;
  }
};

// Records what was dropped, now and later.
class FakePageCache final : public PageCache {
 public:
  std::vector<std::vector<std::string>> dropped;
  std::vector<std::pair<std::vector<std::string>, std::chrono::milliseconds>> dropped_later;
  boost::asio::awaitable<Result<std::optional<std::string>>> Get(const std::string&) override { co_return std::optional<std::string>{}; }
  boost::asio::awaitable<Status> Put(const std::string&, const std::string&) override { co_return Status{}; }
  Status Drop(const std::vector<std::string>& keys) override {
    dropped.push_back(keys);
    return {};
  }
  void DropAfter(std::vector<std::string> keys, std::chrono::milliseconds delay) override { dropped_later.emplace_back(std::move(keys), delay); }
};

}  // namespace store::catalog::testing
