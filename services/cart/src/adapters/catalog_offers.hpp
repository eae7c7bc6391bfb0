// OfferSource over HTTP: the catalog's `GET /v1/skus?skus=A,B` through libs/catalog_client
// (100 SKUs per request, keep-alive, timeouts, retries of GETs). The catalog's answer is the truth
// at the time of a change: no cache here (a price or stock seen seconds ago is not good enough to
// accept an add).
//
// SKUs outside the catalog's alphabet (letters, digits, - _ .; 1..64) are not asked for: they
// cannot exist there, so they are simply absent from the answer.
// Errors: no connection, a timeout or a 5xx after the retries -> unavailable (the use cases
// answer 503 for changes, a stale review for views); any other unexpected answer -> internal.
#pragma once

#include <string>

#include "app/ports.hpp"
#include "store/http/client.hpp"

namespace store::cart {

class CatalogOffers final : public OfferSource {
 public:
  // base_url: the catalog's, e.g. "http://127.0.0.1:18110" (no trailing slash).
  CatalogOffers(http::Client& client, std::string base_url) : client_(client), base_url_(std::move(base_url)) {}

  Task<std::vector<Offer>> Offers(std::vector<Sku> skus) override;

 private:
  http::Client& client_;
  std::string base_url_;
};

}  // namespace store::cart
