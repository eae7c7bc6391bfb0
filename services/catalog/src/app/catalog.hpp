// The catalog's use cases on one MariaDB connection, inside the caller's transaction: categories,
// brands, product types, products with specs/variants/images, stock and reservations. Every
// state change writes its events to the outbox in the same transaction and reports which
// products changed (Changes), so the caller can drop their cached pages after the commit.
//
// Synchronous on purpose: the HTTP layer runs these through db::Database::Transaction (off the
// I/O threads), the demo generator and the Kafka consumers call them on plain threads.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/core/clock.hpp"
#include "store/core/money.hpp"
#include "store/core/result.hpp"
#include "store/db/db.hpp"
#include "store/log/trace.hpp"

namespace store::catalog {

using core::Result;
using core::Status;
using db::Connection;

struct Settings {
  std::string currency = "EUR";                        // shop.currency: every price is in it
  std::string media_url = "/media";                    // media.url: public prefix of the media dir
  std::chrono::seconds reservation_ttl{900};           // reservation.ttl
  std::vector<int> renditions{160, 480, 1024};         // image widths/heights (longer side)
};

// Products whose cached pages must be dropped after the transaction commits.
struct Changes {
  std::set<std::string> product_ids;
  std::set<std::string> slugs;  // current and former slugs of those products
  void Merge(const Changes& o) {
    product_ids.insert(o.product_ids.begin(), o.product_ids.end());
    slugs.insert(o.slugs.begin(), o.slugs.end());
  }
};

template <class T>
struct Changed {
  T value;
  Changes changes;
};

struct ReserveLine {
  std::string sku;
  std::int64_t quantity = 0;
};

struct ReserveRequest {
  std::string order_id;
  std::vector<ReserveLine> lines;
  std::optional<std::chrono::seconds> ttl;
};

// Result of a reservation attempt: either reserved (now or before: idempotent) or refused with
// the lines that failed. A refusal changes nothing.
struct ReserveOutcome {
  bool reserved = false;
  bool created = false;                 // false: the order already held this reservation
  std::string failure_reason;           // insufficient_stock | unknown_sku
  boost::json::array failed_lines;      // [{sku, requested, available}]
  boost::json::object reservation;      // GET /v1/reservations/{order_id} body, when reserved
};

class Catalog {
 public:
  Catalog(Settings settings, const core::Clock& clock) : settings_(std::move(settings)), clock_(clock) {}
  const Settings& settings() const { return settings_; }

  // --- reads ----------------------------------------------------------------------------------
  Result<boost::json::array> CategoryTree(Connection& c) const;
  Result<boost::json::object> CategoryBySlug(Connection& c, const std::string& slug) const;
  // sort: price_asc | price_desc | newest | name; page from 1.
  Result<boost::json::object> BrowseCategory(Connection& c, const std::string& slug, const std::string& sort,
                                             std::int64_t page, std::int64_t per_page) const;
  Result<boost::json::array> Brands(Connection& c) const;
  Result<boost::json::array> ProductTypes(Connection& c) const;
  // The product page (any status when include_unpublished, else active only). slug or id.
  Result<boost::json::object> ProductPage(Connection& c, const std::string& slug_or_id, bool include_unpublished) const;
  Result<boost::json::object> Stock(Connection& c, const std::string& sku) const;
  Result<boost::json::object> Reservation(Connection& c, const std::string& order_id) const;

  // --- admin writes (body is the parsed JSON; field errors become 400 problem+json) ----------
  Result<Changed<boost::json::object>> CreateCategory(Connection& c, const boost::json::object& body) const;
  Result<Changed<boost::json::object>> UpdateCategory(Connection& c, std::int64_t id, const boost::json::object& body,
                                                      std::optional<std::int64_t> if_version) const;
  Result<Changes> DeleteCategory(Connection& c, std::int64_t id) const;
  Result<boost::json::object> CreateProductType(Connection& c, const boost::json::object& body) const;

  Result<Changed<boost::json::object>> CreateProduct(Connection& c, const boost::json::object& body,
                                                     const std::optional<log::TraceContext>& trace) const;
  Result<Changed<boost::json::object>> UpdateProduct(Connection& c, const std::string& id, const boost::json::object& body,
                                                     std::optional<std::int64_t> if_version,
                                                     const std::optional<log::TraceContext>& trace) const;
  Result<Changed<boost::json::object>> ArchiveProduct(Connection& c, const std::string& id,
                                                      std::optional<std::int64_t> if_version,
                                                      const std::optional<log::TraceContext>& trace) const;
  Result<Changed<boost::json::object>> AddVariant(Connection& c, const std::string& product_id,
                                                  const boost::json::object& body, std::optional<std::int64_t> if_version,
                                                  const std::optional<log::TraceContext>& trace) const;
  Result<Changed<boost::json::object>> UpdateVariant(Connection& c, const std::string& sku, const boost::json::object& body,
                                                     std::optional<std::int64_t> if_version,
                                                     const std::optional<log::TraceContext>& trace) const;
  // Records an image whose renditions are already stored under `path` (relative to media.dir).
  Result<Changed<boost::json::object>> AddImage(Connection& c, const std::string& product_id, const std::string& path,
                                                int width, int height, const std::string& alt,
                                                const std::optional<log::TraceContext>& trace) const;
  // The path of the removed image (its files are deleted by the caller after the commit).
  Result<Changed<std::string>> RemoveImage(Connection& c, const std::string& product_id, std::int64_t image_id,
                                           const std::optional<log::TraceContext>& trace) const;
  // on_hand set absolutely (never below reserved: 409) or by delta.
  Result<Changed<boost::json::object>> SetStock(Connection& c, const std::string& sku, const boost::json::object& body,
                                                std::optional<std::int64_t> if_version,
                                                const std::optional<log::TraceContext>& trace) const;

  // --- reservations ------------------------------------------------------------------------------
  Result<Changed<ReserveOutcome>> Reserve(Connection& c, const ReserveRequest& req,
                                          const std::optional<log::TraceContext>& trace) const;
  // Commit (payment) / release (cancel, API, expiry). Idempotent: a second commit/release of the
  // same order answers the same; committing a released reservation (or the reverse) is a 409.
  Result<Changed<boost::json::object>> CommitReservation(Connection& c, const std::string& order_id,
                                                         const std::optional<log::TraceContext>& trace) const;
  Result<Changed<boost::json::object>> ReleaseReservation(Connection& c, const std::string& order_id,
                                                          const std::string& reason,
                                                          const std::optional<log::TraceContext>& trace) const;
  // Releases up to `limit` expired reservations (FOR UPDATE SKIP LOCKED: safe with several
  // instances); returns how many.
  Result<Changed<int>> ReleaseExpired(Connection& c, int limit) const;

  // Republishes product.upserted for a product (bumping its version) and returns its changes:
  // used by every product write and by the demo generator.
  Result<Changes> Touch(Connection& c, const std::string& product_id,
                        const std::optional<log::TraceContext>& trace) const;

  // The product.upserted.v1 data of a product (as published).
  Result<boost::json::object> ProductEvent(Connection& c, const std::string& product_id) const;

 private:
  struct Loaded;
  Result<std::optional<Loaded>> Load(Connection& c, const std::string& slug_or_id) const;
  boost::json::object PageOf(const Loaded& p) const;
  boost::json::object EventOf(const Loaded& p) const;
  Result<std::pair<std::int64_t, std::string>> EnsureBrand(Connection& c, const std::string& name) const;
  Status ValidateAndWriteSpecs(Connection& c, const std::string& product_id, std::int64_t type_id,
                               const boost::json::object& specs, bool creating, std::vector<core::FieldError>& errors) const;
  struct StockChange {
    std::string sku, product_id;
    std::int64_t on_hand_before = 0, reserved_before = 0, on_hand = 0, reserved = 0;
    std::string reason;
    std::optional<std::string> order_id;
  };
  // Keeps products.available_skus (republishing product.upserted when in_stock flips) and writes
  // one stock.changed.v1 per SKU. Returns every product involved.
  Result<Changes> EmitStockChanges(Connection& c, const std::vector<StockChange>& changes,
                                   const std::optional<log::TraceContext>& trace) const;
  Result<Changes> ProductChanges(Connection& c, const std::string& product_id) const;
  Result<Changed<boost::json::object>> FinishReservation(Connection& c, const std::string& order_id, bool commit,
                                                         const std::string& reason,
                                                         const std::optional<log::TraceContext>& trace) const;
  std::string Now() const;

  Settings settings_;
  const core::Clock& clock_;
};

// "2024-05-01 12:00:00.123" (MariaDB DATETIME(3), UTC) -> "2024-05-01T12:00:00.123Z".
std::string DbTimeToRfc3339(const std::string& db_time);
std::string ToDbTime(std::chrono::system_clock::time_point t);

}  // namespace store::catalog
