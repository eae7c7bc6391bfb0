#include "adapters/catalog_offers.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "store/core/text.hpp"

namespace store::cart {
namespace json = boost::json;
using core::Errc;

namespace {

constexpr std::size_t kPerRequest = 100;  // the catalog's limit

core::Result<Offer> OfferFrom(const json::value& item) {
  auto bad = [](std::string_view what) {
    return core::Fail(Errc::internal, fmt::format("catalog offer: {}", what));
  };
  const json::object* o = item.if_object();
  if (!o) return bad("not an object");
  auto text = [&](std::string_view key) -> std::optional<std::string> {
    const json::value* v = o->if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
  };
  auto sku = text("sku");
  auto status = text("status");
  const json::object* price = o->if_contains("price") ? o->at("price").if_object() : nullptr;
  const json::value* minor = price ? price->if_contains("minor") : nullptr;
  const json::value* currency = price ? price->if_contains("currency") : nullptr;
  const json::value* available = o->if_contains("available");
  if (!sku || !status || !minor || !minor->is_int64() || !currency || !currency->is_string() || !available ||
      !available->is_int64())
    return bad("a required field is missing or of the wrong type");
  auto code = core::Currency::Parse(currency->get_string());
  if (!code) return bad("bad currency");
  Offer offer{Sku(*sku), Sellable::unknown, core::Money(minor->get_int64(), *code), available->get_int64()};
  if (*status == "active") offer.state = Sellable::yes;
  else if (*status == "draft") offer.state = Sellable::draft;
  else if (*status == "archived") offer.state = Sellable::archived;
  offer.display.product_id = text("product_id").value_or("");
  offer.display.slug = text("slug").value_or("");
  offer.display.title = text("title").value_or("");
  offer.display.image_url = text("image_url");
  if (const json::value* opts = o->if_contains("options"); opts && opts->is_object())
    for (const auto& [name, value] : opts->get_object())
      if (value.is_string()) offer.display.options.emplace_back(std::string(name), std::string(value.get_string()));
  return offer;
}

}  // namespace

Task<std::vector<Offer>> CatalogOffers::Offers(std::vector<Sku> asked) {
  std::vector<Sku> skus;
  for (auto& s : asked)
    if (IsSku(s)) skus.push_back(std::move(s));
  std::vector<Offer> out;
  for (std::size_t at = 0; at < skus.size(); at += kPerRequest) {
    std::string list;
    for (std::size_t i = at; i < std::min(skus.size(), at + kPerRequest); ++i) (list += i > at ? "," : "") += skus[i].value();
    std::string url = fmt::format("{}/v1/skus?skus={}", base_url_, list);
    CO_TRY(res, co_await client_.Get(std::move(url)));
    if (res.status >= 500)
      co_return core::Fail(Errc::unavailable, fmt::format("the catalog answered {}", res.status));
    if (res.status != 200)
      co_return core::Fail(Errc::internal,
                           fmt::format("the catalog answered {}: {}", res.status, core::TruncateUtf8(res.body, 200)));
    CO_TRY(body, res.Json());
    const json::value* items = body.is_object() ? body.get_object().if_contains("items") : nullptr;
    if (!items || !items->is_array()) co_return core::Fail(Errc::internal, "catalog offers: no 'items' list");
    for (const auto& item : items->get_array()) {
      CO_TRY(offer, OfferFrom(item));
      out.push_back(std::move(offer));
    }
  }
  co_return out;
}

}  // namespace store::cart
