// The catalog's views -> the JSON bodies of contracts/openapi/catalog.yaml.
#pragma once
#include <boost/json.hpp>
#include <string>
#include <vector>

#include "app/handlers.hpp"

namespace store::catalog {

boost::json::array CategoryTreeJson(const std::vector<CategoryNode>& roots);
boost::json::object CategoryJson(const CategoryDetail& category);
boost::json::object BrowseJson(const BrowsePage& page, const Settings& settings);
// The admin's product list: each product's summary with its status; page, per_page, total, pages.
boost::json::object ProductListJson(const ProductList& list, const Settings& settings);
boost::json::object BrandJson(const Brand& brand);
boost::json::object ProductTypeJson(const ProductType& type);
// GET /v1/products/{key}/page and the admin product reads.
boost::json::object ProductPageJson(const ProductView& product, const Settings& settings);
// The admin's view of a product: the page plus what only staff see (the description's Markdown
// source, each variant's on_hand and reserved units).
boost::json::object AdminProductJson(const ProductView& product, const Settings& settings);
boost::json::object OffersJson(const std::vector<SkuOffer>& offers, const Settings& settings);
boost::json::object ImageJson(const ImageRecord& image, const Settings& settings);
boost::json::object StockJson(const StockRecord& stock);
boost::json::object AdjustmentJson(const StockAdjustment& adjustment);
boost::json::object LowStockJson(const LowStockPage& page, std::int64_t threshold, std::int64_t page_no, std::int64_t per_page);
boost::json::object ReservationJson(const ReservationView& reservation);

}  // namespace store::catalog
