// The events the catalog publishes (contracts/events/<topic>.schema.json), as typed values: the
// use cases say WHAT happened, adapters/outbox_events.cpp writes the JSON into the outbox in the
// same transaction.
#pragma once
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "app/model.hpp"

namespace store::catalog {

struct ReservedLine {
  Sku sku;
  ProductId product;
  std::int64_t quantity = 0;
};

// product.upserted.v1 (key product_id): the full denormalised product.
struct ProductUpserted {
  ProductView product;
};
// product.archived.v1 (key product_id).
struct ProductArchived {
  ProductId product;
  std::string slug;
  std::int64_t version = 0;
  TimePoint archived_at;
};
// stock.changed.v1 (key product_id): one SKU's stock after a change.
struct StockChanged {
  Sku sku;
  ProductId product;
  StockLevel level;
  bool product_in_stock = false;
  std::string reason;  // admin | reserved | released | expired | committed
  std::optional<OrderId> order_id;
};
// stock.reserved.v1 (key order_id).
struct StockReserved {
  OrderId order_id;
  std::vector<ReservedLine> lines;
  TimePoint expires_at;
};
// stock.released.v1 / stock.committed.v1 (key order_id).
struct StockReleased {
  OrderId order_id;
  std::vector<ReservedLine> lines;
  std::string reason;  // released | cancelled | expired
};
struct StockCommitted {
  OrderId order_id;
  std::vector<ReservedLine> lines;
};
// stock.reservation_failed.v1 (key order_id): an order.placed that could not be reserved.
struct StockReservationFailed {
  OrderId order_id;
  std::string reason;  // insufficient_stock | unknown_sku | invalid
  std::vector<Shortfall> lines;
};

using CatalogEvent = std::variant<ProductUpserted, ProductArchived, StockChanged, StockReserved, StockReleased, StockCommitted,
                                  StockReservationFailed>;

}  // namespace store::catalog
