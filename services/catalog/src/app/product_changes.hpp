// Two steps shared by the product and inventory use cases, inside the caller's transaction.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app/ports.hpp"

namespace store::catalog {

// Bumps the product's version and republishes product.upserted.v1 (every product write, and an
// in_stock flip: search must know). The changes are the product's pages. not_found: no product.
Result<Changes> RepublishProduct(CatalogTx& tx, const ProductId& product, TimePoint now, const Trace& trace);

// One SKU's stock moved from `before` to `after` (the row is written already).
struct StockMove {
  Sku sku;
  ProductId product;
  StockLevel before, after;
  std::string reason;  // admin | reserved | released | expired | committed
  std::optional<OrderId> order_id;
};

// Keeps products.available_skus (republishing a product whose in_stock flips) and publishes one
// stock.changed.v1 per move. Returns every product involved.
Result<Changes> RecordStockMoves(CatalogTx& tx, const std::vector<StockMove>& moves, TimePoint now, const Trace& trace);

}  // namespace store::catalog
