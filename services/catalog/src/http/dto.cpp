#include "http/dto.hpp"

#include <fmt/format.h>

#include "json_values.hpp"

namespace store::catalog {

namespace json = boost::json;

namespace {

json::object Renditions(const std::string& path, const Settings& settings) {
  json::object renditions;
  for (int size : settings.renditions) renditions[std::to_string(size)] = fmt::format("{}/{}-{}.jpg", settings.media_url, path, size);
  return renditions;
}

json::value OptionalMoney(const std::optional<std::int64_t>& minor, const std::string& currency) {
  return minor ? json::value(MoneyJson(*minor, currency)) : json::value(nullptr);
}

json::object NodeJson(const CategoryNode& n) {
  json::array kids;
  for (const auto& k : n.children) kids.push_back(NodeJson(k));
  return json::object{{"id", n.id.value()}, {"slug", n.slug}, {"name", n.name}, {"position", n.position}, {"children", std::move(kids)}};
}

}  // namespace

json::array CategoryTreeJson(const std::vector<CategoryNode>& roots) {
  json::array tree;
  for (const auto& r : roots) tree.push_back(NodeJson(r));
  return tree;
}

json::object CategoryJson(const CategoryDetail& d) {
  const auto& c = d.category;
  json::array children;
  for (const auto& k : d.children)
    children.push_back(json::object{{"id", k.id.value()}, {"slug", k.slug}, {"name", k.name}, {"position", k.position}});
  json::object out{{"id", c.id.value()},   {"slug", c.slug},          {"name", c.name},
                   {"position", c.position}, {"version", c.version}, {"breadcrumbs", CrumbsJson(d.breadcrumbs)},
                   {"children", std::move(children)}};
  out["parent_id"] = c.parent ? json::value(c.parent->value()) : json::value(nullptr);
  return out;
}

namespace {
json::object SummaryJson(const ProductSummary& p, const Settings& settings) {
  json::object o{{"id", p.id.value()}, {"slug", p.slug}, {"title", p.title}, {"in_stock", p.in_stock}, {"created_at", p.created_at}};
  o["brand"] = p.brand ? json::value(json::string(*p.brand)) : json::value(nullptr);
  o["price_min"] = OptionalMoney(p.price_min, p.currency);
  o["price_max"] = OptionalMoney(p.price_max, p.currency);
  o["image_url"] = p.image_path ? json::value(json::string(fmt::format("{}/{}-480.jpg", settings.media_url, *p.image_path)))
                                : json::value(nullptr);
  return o;
}
}  // namespace

json::object ProductListJson(const ProductList& list, const Settings& settings) {
  json::array items;
  for (const auto& p : list.items) {
    json::object o = SummaryJson(p, settings);
    o["status"] = NameOf(p.status);
    items.push_back(std::move(o));
  }
  return json::object{{"items", std::move(items)},
                      {"page", list.page},
                      {"per_page", list.per_page},
                      {"total", list.total},
                      {"pages", (list.total + list.per_page - 1) / list.per_page}};
}

json::object BrowseJson(const BrowsePage& page, const Settings& settings) {
  json::array items;
  for (const auto& p : page.items) items.push_back(SummaryJson(p, settings));
  return json::object{{"category", CategoryJson(page.category)},
                      {"items", std::move(items)},
                      {"page", page.page},
                      {"per_page", page.per_page},
                      {"total", page.total},
                      {"pages", (page.total + page.per_page - 1) / page.per_page},
                      {"sort", NameOf(page.sort)}};
}

json::object OffersJson(const std::vector<SkuOffer>& offers, const Settings& settings) {
  json::array items;
  for (const auto& o : offers)
    items.push_back(json::object{
        {"sku", o.sku.value()},
        {"product_id", o.product.value()},
        {"slug", o.slug},
        {"title", o.title},
        {"options", OptionsJson(o.options)},
        {"price", MoneyJson(o.price_minor, o.currency)},
        {"status", NameOf(o.status)},
        {"available", o.available},
        {"image_url", o.image_path ? json::value(json::string(fmt::format("{}/{}-480.jpg", settings.media_url, *o.image_path)))
                                   : json::value(nullptr)}});
  return json::object{{"items", std::move(items)}};
}

json::object BrandJson(const Brand& b) { return {{"id", b.id}, {"slug", b.slug}, {"name", b.name}}; }

json::object ProductTypeJson(const ProductType& t) {
  json::array specs;
  for (const auto& d : t.specs) {
    json::object s{{"key", d.key}, {"name", d.name}, {"kind", NameOf(d.kind)}, {"required", d.required}};
    if (d.unit) s["unit"] = *d.unit;
    specs.push_back(std::move(s));
  }
  return {{"code", t.code}, {"name", t.name}, {"specs", std::move(specs)}, {"version", t.version}};
}

json::object ProductPageJson(const ProductView& p, const Settings& settings) {
  json::object product{{"id", p.id.value()},
                       {"slug", p.slug},
                       {"title", p.title},
                       {"description_html", p.description_html},
                       {"status", NameOf(p.status)},
                       {"product_type", json::object{{"code", p.type_code}, {"name", p.type_name}}},
                       {"in_stock", p.in_stock()},
                       {"version", p.version},
                       {"created_at", p.created_at},
                       {"updated_at", p.updated_at}};
  product["brand"] = OptionalBrandJson(p.brand);
  product["model_line"] = p.model_line ? json::value(json::string(*p.model_line)) : json::value(nullptr);
  product["price_min"] = OptionalMoney(p.price_min, p.currency);
  product["price_max"] = OptionalMoney(p.price_max, p.currency);
  json::array specs;
  for (const auto& s : p.specs) {
    json::object o{{"key", s.key}, {"name", s.name}, {"kind", NameOf(s.kind)}, {"value", SpecValueJson(s.value)}};
    if (s.unit) o["unit"] = *s.unit;
    specs.push_back(std::move(o));
  }
  json::array variants;
  for (const auto& v : p.variants)
    variants.push_back(json::object{{"sku", v.sku.value()},
                                    {"options", OptionsJson(v.options)},
                                    {"price", MoneyJson(v.price_minor, v.currency)},
                                    {"available", v.stock.available()},
                                    {"in_stock", v.stock.in_stock()}});
  json::array images;
  for (const auto& im : p.images)
    images.push_back(json::object{{"id", im.id.value()},
                                  {"alt", im.alt},
                                  {"width", im.width},
                                  {"height", im.height},
                                  {"renditions", Renditions(im.path, settings)}});
  return json::object{{"product", std::move(product)},
                      {"category", json::object{{"id", p.category.id.value()}, {"slug", p.category.slug}, {"name", p.category.name}}},
                      {"breadcrumbs", CrumbsJson(p.breadcrumbs)},
                      {"specs", std::move(specs)},
                      {"variants", std::move(variants)},
                      {"images", std::move(images)}};
}

json::object AdminProductJson(const ProductView& p, const Settings& settings) {
  json::object page = ProductPageJson(p, settings);
  page["product"].as_object()["description_md"] = p.description_md;
  auto& variants = page["variants"].as_array();
  for (std::size_t i = 0; i < p.variants.size() && i < variants.size(); ++i) {
    variants[i].as_object()["on_hand"] = p.variants[i].stock.on_hand;
    variants[i].as_object()["reserved"] = p.variants[i].stock.reserved;
  }
  return page;
}

json::object ImageJson(const ImageRecord& im, const Settings& settings) {
  return {{"id", im.id.value()}, {"alt", im.alt},           {"width", im.width},
          {"height", im.height}, {"position", im.position}, {"renditions", Renditions(im.path, settings)}};
}

json::object StockJson(const StockRecord& s) {
  return {{"sku", s.sku.value()},          {"product_id", s.product.value()}, {"on_hand", s.level.on_hand},
          {"reserved", s.level.reserved},  {"available", s.level.available()}, {"version", s.version}};
}

json::object AdjustmentJson(const StockAdjustment& a) {
  return {{"sku", a.sku.value()}, {"delta", a.delta}, {"on_hand_after", a.on_hand_after}, {"reason", a.reason},
          {"note", a.note},       {"actor", a.actor}, {"at", a.created_at}};
}

json::object LowStockJson(const LowStockPage& page, std::int64_t threshold, std::int64_t page_no, std::int64_t per_page) {
  json::array items;
  for (const auto& i : page.items) {
    json::object o = StockJson(i.stock);
    o["title"] = i.title;
    o["slug"] = i.slug;
    o["options"] = OptionsJson(i.options);
    items.push_back(std::move(o));
  }
  return {{"items", std::move(items)}, {"total", page.total}, {"threshold", threshold},
          {"page", page_no},           {"per_page", per_page}, {"pages", (page.total + per_page - 1) / per_page}};
}

json::object ReservationJson(const ReservationView& r) {
  json::array lines;
  for (const auto& l : r.lines)
    lines.push_back(json::object{{"sku", l.sku.value()}, {"product_id", l.product.value()}, {"quantity", l.quantity}});
  json::object out{{"order_id", r.order_id.value()}, {"status", NameOf(r.status)}, {"expires_at", r.expires_at},
                   {"created_at", r.created_at},     {"updated_at", r.updated_at},  {"lines", std::move(lines)}};
  out["reason"] = r.reason ? json::value(json::string(*r.reason)) : json::value(nullptr);
  return out;
}

}  // namespace store::catalog
