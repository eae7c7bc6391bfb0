// The catalog's HTTP API (contracts/openapi/catalog.yaml): JSON <-> the use cases of
// app/catalog.hpp, the Redis-cached product page and its invalidation, image uploads.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "app/catalog.hpp"
#include "store/cache/cache.hpp"
#include "store/core/blocking_pool.hpp"
#include "store/db/db.hpp"
#include "store/http/router.hpp"

namespace store::catalog {

// The admin check: 401 without valid credentials, 403 without the admin role. One function, so
// the wiring to libs/auth is in main.cpp only.
using AdminCheck = std::function<boost::asio::awaitable<core::Status>(http::Request&)>;

struct HttpDeps {
  db::Database& db;
  cache::Cache& cache;
  const Catalog& catalog;
  core::BlockingPool& cpu;          // image decoding/resizing
  AdminCheck admin;
  std::string media_dir;
  std::int64_t image_max_bytes = 8 * 1024 * 1024;
  std::string cache_prefix = "catalog:";
  std::chrono::milliseconds page_ttl{std::chrono::minutes(10)};
};

// Cache keys of a product page: by id and by slug ("<prefix>page:<id-or-slug>").
std::string PageKey(const HttpDeps& deps, std::string_view id_or_slug);

// Drops the cached pages of the changed products (after the commit), and once more a moment
// later, so a page read from the database just before the commit and stored just after it does
// not outlive the change.
boost::asio::awaitable<void> InvalidatePages(HttpDeps& deps, const Changes& changes);

void AddRoutes(http::Router& router, HttpDeps& deps);

}  // namespace store::catalog
