// OfferSource for reviews: the catalog's offers as they were at most `ttl` ago, kept in this
// process per SKU. A review (GET /v1/cart) then costs a Redis read and the JSON, not a catalog
// call; a price or stock change shows on reviews within `ttl` (catalog.review_offer_ttl, 1 s).
// Changes never use it: adds and quantity changes ask the catalog for the current stock
// (CatalogOffers). SKUs the catalog does not know are remembered as unknown for `ttl` too.
// Thread-safe (one mutex; entries are small and copied out).
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "app/ports.hpp"
#include "store/core/clock.hpp"

namespace store::cart {

class RecentOffers final : public OfferSource {
 public:
  RecentOffers(OfferSource& catalog, const core::Clock& clock, std::chrono::milliseconds ttl, std::size_t max_entries = 100'000)
      : catalog_(catalog), clock_(clock), ttl_(ttl), max_entries_(max_entries) {}

  Task<std::vector<Offer>> Offers(std::vector<Sku> skus) override;

 private:
  struct Entry {
    std::optional<Offer> offer;  // none: the catalog does not know the SKU
    TimePoint fetched;
  };
  OfferSource& catalog_;
  const core::Clock& clock_;
  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace store::cart
