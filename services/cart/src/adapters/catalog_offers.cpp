#include "adapters/catalog_offers.hpp"

#include <fmt/format.h>


#include "store/catalog_client/skus.hpp"

namespace store::cart {
using core::Errc;

namespace {

core::Result<Offer> OfferFrom(const catalog_client::Sku& s) {
  auto code = core::Currency::Parse(s.currency);
  if (!code) return core::Fail(Errc::internal, fmt::format("catalog offer {}: bad currency", s.sku));
  Offer offer{Sku(s.sku), Sellable::unknown, core::Money(s.price_minor, *code), s.available};
  if (s.status == "active") offer.state = Sellable::yes;
  else if (s.status == "draft") offer.state = Sellable::draft;
  else if (s.status == "archived") offer.state = Sellable::archived;
  offer.display.product_id = s.product_id;
  offer.display.slug = s.slug;
  offer.display.title = s.title;
  offer.display.image_url = s.image_url;
  offer.display.options = s.options;
  return offer;
}

}  // namespace

Task<std::vector<Offer>> CatalogOffers::Offers(std::vector<Sku> asked) {
  std::vector<std::string> skus;
  for (const auto& s : asked)
    if (IsSku(s)) skus.push_back(s.value());
  CO_TRY(found, co_await catalog_client::FetchSkus(client_, base_url_, skus));
  std::vector<Offer> out;
  out.reserve(found.size());
  for (const auto& s : found) {
    CO_TRY(offer, OfferFrom(s));
    out.push_back(std::move(offer));
  }
  co_return out;
}

}  // namespace store::cart
