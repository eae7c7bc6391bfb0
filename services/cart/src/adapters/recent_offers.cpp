#include "adapters/recent_offers.hpp"

namespace store::cart {

Task<std::vector<Offer>> RecentOffers::Offers(std::vector<Sku> skus) {
  const TimePoint now = clock_.Now();
  std::vector<Offer> out;
  std::vector<Sku> missing;
  {
    std::lock_guard lock(mu_);
    for (auto& sku : skus) {
      auto it = entries_.find(sku.value());
      if (it != entries_.end() && now - it->second.fetched < ttl_) {
        if (it->second.offer) out.push_back(*it->second.offer);
      } else {
        missing.push_back(std::move(sku));
      }
    }
  }
  if (missing.empty()) co_return out;
  std::vector<Sku> asked = missing;
  CO_TRY(fetched, co_await catalog_.Offers(std::move(asked)));
  std::lock_guard lock(mu_);
  if (entries_.size() + missing.size() > max_entries_) entries_.clear();  // a bound, not an LRU: entries live 1 s
  for (const auto& sku : missing) entries_[sku.value()] = Entry{std::nullopt, now};
  for (auto& offer : fetched) {
    entries_[offer.sku.value()].offer = offer;
    out.push_back(std::move(offer));
  }
  co_return out;
}

}  // namespace store::cart
