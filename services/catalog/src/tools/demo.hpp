// The demo catalog: a believable shop generated from a seed (deterministic: the same seed and
// count give the same categories, products, SKUs, prices, stock and ids). Vocabulary (brands,
// models, colours, categories) in demo.cpp and in the README.
#pragma once
#include <cstdint>
#include <string>

#include "app/handlers.hpp"
#include "store/core/clock.hpp"
#include "store/db/db.hpp"

namespace store::catalog {

struct DemoOptions {
  std::uint64_t seed = 42;
  int products = 10000;
  std::string media_dir;  // empty: no images
  int threads = 2;        // image rendering and event building
  int batch = 250;        // products per transaction
};

struct DemoStats {
  int combinations = 0;  // every (type, line, attribute, colour) the vocabulary allows
  int categories = 0, brands = 0, product_types = 0, products = 0, variants = 0, images = 0;
  std::int64_t units = 0;
};

// True when the catalog has no product yet.
core::Result<bool> CatalogIsEmpty(db::Database& db);

// Writes the demo catalog (categories, types, brands, products with specs, variants, stock,
// images) and one product.upserted.v1 per product into the outbox. Refuses a non-empty catalog.
// Categories and product types go through the use cases' Apply (their rules), the products through
// batched inserts (250 per transaction) for speed.
core::Result<DemoStats> GenerateDemo(db::Database& db, const CatalogHandlers& handlers, const Settings& settings, const core::Clock& clock,
                                     const DemoOptions& options);

}  // namespace store::catalog
