// The catalog's `GET /v1/skus?skus=A,B` (contracts/openapi/catalog.yaml) as its callers read it:
// the cart (prices and stock of a change) and the order service (the authoritative prices of a
// checkout). One reading of the wire format; each caller maps a Sku to its own model.
//
//   CO_TRY(found, co_await catalog_client::FetchSkus(client, catalog_url, {"AUR-128", "BOR-1"}));
//   for (const auto& s : found) ... s.price_minor, s.status == "active", s.available ...
//
// FetchSkus asks 100 SKUs per request (the catalog's limit) through libs/http's Client (keep-alive,
// timeouts, retries of GETs on connect errors, timeouts and 502/503/504). No cache: the answer is
// the truth at the time of the call. SKUs the catalog does not know are absent from the answer.
// Errors: no connection, a timeout or a 5xx after the retries -> unavailable; any other unexpected
// answer (a status, a malformed body or item) -> internal, naming what was wrong.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/fwd.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/core/result.hpp"
#include "store/http/client.hpp"

namespace store::catalog_client {

struct Sku {
  std::string sku;
  std::string status;  // active, draft, archived: only an active one is sold
  std::int64_t price_minor = 0;
  std::string currency;    // ISO 4217, as the catalog sent it
  std::int64_t available = 0;  // on hand minus reserved
  std::string product_id = {}, slug = {}, title = {};
  std::optional<std::string> image_url = {};
  std::vector<std::pair<std::string, std::string>> options = {};  // the variant's, e.g. {storage, 128GB}
};

// One answer's body ({"items": [...]}); internal naming the first malformed item.
core::Result<std::vector<Sku>> ParseSkus(const boost::json::value& body);

boost::asio::awaitable<core::Result<std::vector<Sku>>> FetchSkus(http::Client& client, const std::string& base_url,
                                                                 const std::vector<std::string>& skus);

}  // namespace store::catalog_client
