#include "store/catalog_client/skus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "store/core/text.hpp"

namespace store::catalog_client {
namespace json = boost::json;
using core::Errc;

namespace {

constexpr std::size_t kPerRequest = 100;  // the catalog's limit

core::Result<Sku> SkuFrom(const json::value& item) {
  auto bad = [](std::string_view what) { return core::Fail(Errc::internal, fmt::format("catalog sku: {}", what)); };
  const json::object* o = item.if_object();
  if (!o) return bad("not an object");
  auto text = [&](std::string_view key) -> std::optional<std::string> {
    const json::value* v = o->if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
  };
  const json::object* price = o->if_contains("price") ? o->at("price").if_object() : nullptr;
  const json::value* minor = price ? price->if_contains("minor") : nullptr;
  const json::value* currency = price ? price->if_contains("currency") : nullptr;
  const json::value* available = o->if_contains("available");
  auto sku = text("sku");
  auto status = text("status");
  if (!sku || !status || !minor || !minor->is_int64() || !currency || !currency->is_string() || !available || !available->is_int64())
    return bad("a required field (sku, status, price.minor, price.currency, available) is missing or of the wrong type");
  Sku s{.sku = *sku,
        .status = *status,
        .price_minor = minor->get_int64(),
        .currency = std::string(currency->get_string()),
        .available = available->get_int64(),
        .product_id = text("product_id").value_or(""),
        .slug = text("slug").value_or(""),
        .title = text("title").value_or(""),
        .image_url = text("image_url")};
  if (const json::value* opts = o->if_contains("options"); opts && opts->is_object())
    for (const auto& [name, value] : opts->get_object())
      if (value.is_string()) s.options.emplace_back(std::string(name), std::string(value.get_string()));
  return s;
}

}  // namespace

core::Result<std::vector<Sku>> ParseSkus(const json::value& body) {
  const json::value* items = body.is_object() ? body.get_object().if_contains("items") : nullptr;
  if (!items || !items->is_array()) return core::Fail(Errc::internal, "catalog skus: no 'items' list");
  std::vector<Sku> out;
  out.reserve(items->get_array().size());
  for (const auto& item : items->get_array()) {
    TRY(s, SkuFrom(item));
    out.push_back(std::move(s));
  }
  return out;
}

boost::asio::awaitable<core::Result<std::vector<Sku>>> FetchSkus(http::Client& client, const std::string& base_url,
                                                                 const std::vector<std::string>& skus) {
  std::vector<Sku> out;
  for (std::size_t at = 0; at < skus.size(); at += kPerRequest) {
    std::string list;
    for (std::size_t i = at; i < std::min(skus.size(), at + kPerRequest); ++i) (list += i > at ? "," : "") += core::PercentEncode(skus[i]);
    CO_TRY(res, co_await client.Get(fmt::format("{}/v1/skus?skus={}", base_url, list)));
    if (res.status >= 500) co_return core::Fail(Errc::unavailable, fmt::format("the catalog answered {}", res.status));
    if (res.status != 200)
      co_return core::Fail(Errc::internal, fmt::format("the catalog answered {}: {}", res.status, core::TruncateUtf8(res.body, 200)));
    CO_TRY(body, res.Json());
    CO_TRY(found, ParseSkus(body));
    std::move(found.begin(), found.end(), std::back_inserter(out));
  }
  co_return out;
}

}  // namespace store::catalog_client
