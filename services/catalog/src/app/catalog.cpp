#include "app/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>

#include "app/util.hpp"
#include "domain/text.hpp"
#include "store/core/ids.hpp"
#include "store/messaging/envelope.hpp"
#include "store/messaging/outbox.hpp"

namespace store::catalog {

namespace json = boost::json;
using core::Errc;
using core::Error;
using core::Fail;
using db::Param;
using util::Fields;

std::string DbTimeToRfc3339(const std::string& t) {
  // "YYYY-MM-DD HH:MM:SS[.fff]" -> "YYYY-MM-DDTHH:MM:SS.fffZ"
  if (t.size() < 19) return t;
  std::string out = t.substr(0, 10) + "T" + t.substr(11, 8);
  std::string frac = t.size() > 20 ? t.substr(20) : "";
  frac.resize(3, '0');
  return out + "." + frac + "Z";
}

std::string ToDbTime(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

std::string Catalog::Now() const { return ToDbTime(clock_.Now()); }

// ---------------------------------------------------------------------------------------------
// Loading one product with everything its page and its event show.

struct Catalog::Loaded {
  struct Crumb {
    std::int64_t id;
    std::string slug, name;
  };
  struct Spec {
    std::string key, name, kind;
    std::optional<std::string> unit;
    json::value value;
  };
  struct Variant {
    std::string sku, currency;
    json::object options;
    std::int64_t price_minor = 0, on_hand = 0, reserved = 0;
  };
  struct Image {
    std::int64_t id;
    std::string path, alt;
    int width, height;
  };
  std::string id, slug, title, description_html, description_text, status, currency, created_at, updated_at;
  std::optional<std::int64_t> brand_id;
  std::string brand_name, brand_slug;
  std::string type_code, type_name;
  std::int64_t type_id = 0, category_id = 0, version = 0, available_skus = 0;
  std::string category_slug, category_name;
  std::optional<std::int64_t> price_min, price_max;
  std::vector<Crumb> breadcrumbs;
  std::vector<Spec> specs;
  std::vector<Variant> variants;
  std::vector<Image> images;
};

Result<std::optional<Catalog::Loaded>> Catalog::Load(Connection& c, const std::string& key) const {
  static constexpr std::string_view kSelect =
      "SELECT p.id, p.slug, p.title, p.description_html, p.description_text, p.status, p.currency, p.created_at, "
      "p.updated_at, p.brand_id, b.name AS brand_name, b.slug AS brand_slug, t.id AS type_id, t.code AS type_code, "
      "t.name AS type_name, p.category_id, c.slug AS category_slug, c.name AS category_name, c.path AS category_path, "
      "p.version, p.available_skus, p.price_min_minor, p.price_max_minor "
      "FROM products p JOIN product_types t ON t.id = p.product_type_id JOIN categories c ON c.id = p.category_id "
      "LEFT JOIN brands b ON b.id = p.brand_id ";
  std::optional<db::Row> row;
  if (LooksLikeUuid(key)) {
    TRY(r, c.QueryOne(std::string(kSelect) + "WHERE p.id = ?", key));
    row = std::move(r);
  }
  if (!row) {
    TRY(r, c.QueryOne(std::string(kSelect) + "WHERE p.slug = ?", key));
    row = std::move(r);
  }
  if (!row) return std::optional<Loaded>{};
  Loaded p;
  p.id = row->Text("id");
  p.slug = row->Text("slug");
  p.title = row->Text("title");
  p.description_html = row->Text("description_html");
  p.description_text = row->Text("description_text");
  p.status = row->Text("status");
  p.currency = row->Text("currency");
  p.created_at = DbTimeToRfc3339(row->Text("created_at"));
  p.updated_at = DbTimeToRfc3339(row->Text("updated_at"));
  p.brand_id = row->OptInt("brand_id");
  if (p.brand_id) {
    p.brand_name = row->Text("brand_name");
    p.brand_slug = row->Text("brand_slug");
  }
  p.type_id = row->Int("type_id");
  p.type_code = row->Text("type_code");
  p.type_name = row->Text("type_name");
  p.category_id = row->Int("category_id");
  p.category_slug = row->Text("category_slug");
  p.category_name = row->Text("category_name");
  p.version = row->Int("version");
  p.available_skus = row->Int("available_skus");
  p.price_min = row->OptInt("price_min_minor");
  p.price_max = row->OptInt("price_max_minor");

  auto ids = util::PathIds(row->Text("category_path"));
  std::vector<Param> params(ids.begin(), ids.end());
  TRY(crumbs, c.QueryParams("SELECT id, slug, name, depth FROM categories WHERE id IN (" +
                                util::Placeholders(ids.size()) + ") ORDER BY depth",
                            params));
  for (auto& r : crumbs) p.breadcrumbs.push_back({r.Int("id"), r.Text("slug"), r.Text("name")});

  TRY(specs, c.Query("SELECT d.spec_key, d.name, d.kind, d.unit, s.value_num, s.value_text, s.value_bool "
                     "FROM product_specs s JOIN spec_defs d ON d.product_type_id = ? AND d.spec_key = s.spec_key "
                     "WHERE s.product_id = ? ORDER BY d.position, d.spec_key",
                     p.type_id, p.id));
  for (auto& r : specs) {
    Loaded::Spec s{r.Text("spec_key"), r.Text("name"), r.Text("kind"), r.OptText("unit"), nullptr};
    if (s.kind == "number" && r.OptText("value_num")) s.value = util::DecimalJson(r.Text("value_num"));
    else if (s.kind == "bool" && r.OptText("value_bool")) s.value = r.Bool("value_bool");
    else if (r.OptText("value_text")) s.value = json::string(r.Text("value_text"));
    p.specs.push_back(std::move(s));
  }

  TRY(variants, c.Query("SELECT v.sku, v.options, v.price_minor, v.currency, COALESCE(st.on_hand, 0) AS on_hand, "
                        "COALESCE(st.reserved, 0) AS reserved FROM variants v LEFT JOIN stock st ON st.sku = v.sku "
                        "WHERE v.product_id = ? ORDER BY v.position, v.sku",
                        p.id));
  for (auto& r : variants) {
    Loaded::Variant v;
    v.sku = r.Text("sku");
    boost::system::error_code ec;
    auto opts = json::parse(r.Text("options"), ec);
    if (!ec && opts.is_object()) v.options = opts.as_object();
    v.price_minor = r.Int("price_minor");
    v.currency = r.Text("currency");
    v.on_hand = r.Int("on_hand");
    v.reserved = r.Int("reserved");
    p.variants.push_back(std::move(v));
  }

  TRY(images, c.Query("SELECT id, path, alt, width, height FROM images WHERE product_id = ? ORDER BY position, id", p.id));
  for (auto& r : images)
    p.images.push_back({r.Int("id"), r.Text("path"), r.Text("alt"), static_cast<int>(r.Int("width")),
                        static_cast<int>(r.Int("height"))});
  return std::optional<Loaded>(std::move(p));
}

namespace {
json::array CrumbsJson(const auto& crumbs) {
  json::array a;
  for (const auto& c : crumbs) a.push_back(json::object{{"id", c.id}, {"slug", c.slug}, {"name", c.name}});
  return a;
}
}  // namespace

json::object Catalog::PageOf(const Loaded& p) const {
  json::object product{{"id", p.id},
                       {"slug", p.slug},
                       {"title", p.title},
                       {"description_html", p.description_html},
                       {"status", p.status},
                       {"product_type", json::object{{"code", p.type_code}, {"name", p.type_name}}},
                       {"in_stock", p.available_skus > 0},
                       {"version", p.version},
                       {"created_at", p.created_at},
                       {"updated_at", p.updated_at}};
  product["brand"] = p.brand_id ? json::value(json::object{{"id", *p.brand_id}, {"name", p.brand_name}, {"slug", p.brand_slug}})
                                : json::value(nullptr);
  product["price_min"] = p.price_min ? json::value(util::MoneyJson(*p.price_min, p.currency)) : json::value(nullptr);
  product["price_max"] = p.price_max ? json::value(util::MoneyJson(*p.price_max, p.currency)) : json::value(nullptr);
  json::array specs;
  for (const auto& s : p.specs) {
    json::object o{{"key", s.key}, {"name", s.name}, {"kind", s.kind}, {"value", s.value}};
    if (s.unit) o["unit"] = *s.unit;
    specs.push_back(std::move(o));
  }
  json::array variants;
  for (const auto& v : p.variants) {
    std::int64_t available = v.on_hand - v.reserved;
    variants.push_back(json::object{{"sku", v.sku},
                                    {"options", v.options},
                                    {"price", util::MoneyJson(v.price_minor, v.currency)},
                                    {"available", available},
                                    {"in_stock", available > 0}});
  }
  json::array images;
  for (const auto& im : p.images) {
    json::object renditions;
    for (int size : settings_.renditions)
      renditions[std::to_string(size)] = fmt::format("{}/{}-{}.jpg", settings_.media_url, im.path, size);
    images.push_back(json::object{{"id", im.id}, {"alt", im.alt}, {"width", im.width}, {"height", im.height},
                                  {"renditions", std::move(renditions)}});
  }
  return json::object{{"product", std::move(product)},
                      {"category", json::object{{"id", p.category_id}, {"slug", p.category_slug}, {"name", p.category_name}}},
                      {"breadcrumbs", CrumbsJson(p.breadcrumbs)},
                      {"specs", std::move(specs)},
                      {"variants", std::move(variants)},
                      {"images", std::move(images)}};
}

json::object Catalog::EventOf(const Loaded& p) const {
  json::array specs;
  for (const auto& s : p.specs) {
    if (s.value.is_null()) continue;
    json::object o{{"key", s.key}, {"name", s.name}, {"value", s.value}};
    if (s.unit) o["unit"] = *s.unit;
    specs.push_back(std::move(o));
  }
  json::array variants;
  for (const auto& v : p.variants)
    variants.push_back(json::object{{"sku", v.sku},
                                    {"options", v.options},
                                    {"price", util::MoneyJson(v.price_minor, v.currency)},
                                    {"available", std::max<std::int64_t>(0, v.on_hand - v.reserved)}});
  json::array category_ids;
  for (const auto& c : p.breadcrumbs) category_ids.push_back(c.id);
  json::object e{{"product_id", p.id},
                 {"slug", p.slug},
                 {"title", p.title},
                 {"description", p.description_text},
                 {"product_type", p.type_code},
                 {"category", json::object{{"id", p.category_id},
                                           {"name", p.category_name},
                                           {"slug", p.category_slug},
                                           {"path", CrumbsJson(p.breadcrumbs)}}},
                 {"category_ids", std::move(category_ids)},
                 {"specs", std::move(specs)},
                 {"variants", std::move(variants)},
                 {"in_stock", p.available_skus > 0},
                 {"status", p.status},
                 {"created_at", p.created_at},
                 {"updated_at", p.updated_at},
                 {"version", p.version}};
  e["brand"] = p.brand_id ? json::value(json::object{{"id", *p.brand_id}, {"name", p.brand_name}, {"slug", p.brand_slug}})
                          : json::value(nullptr);
  if (p.price_min) e["price_min"] = util::MoneyJson(*p.price_min, p.currency);
  if (p.price_max) e["price_max"] = util::MoneyJson(*p.price_max, p.currency);
  e["image_url"] = p.images.empty() ? json::value(nullptr)
                                    : json::value(fmt::format("{}/{}-480.jpg", settings_.media_url, p.images.front().path));
  return e;
}

Result<json::object> Catalog::ProductPage(Connection& c, const std::string& key, bool include_unpublished) const {
  TRY(p, Load(c, key));
  if (!p || (!include_unpublished && p->status != "active")) return Fail(Errc::not_found, "no such product");
  return PageOf(*p);
}

Result<json::object> Catalog::ProductEvent(Connection& c, const std::string& id) const {
  TRY(p, Load(c, id));
  if (!p) return Fail(Errc::not_found, "no such product");
  return EventOf(*p);
}

Result<Changes> Catalog::ProductChanges(Connection& c, const std::string& id) const {
  TRY(row, c.QueryOne("SELECT slug FROM products WHERE id = ?", id));
  Changes ch;
  ch.product_ids.insert(id);
  if (row) ch.slugs.insert(row->Text("slug"));
  return ch;
}

Result<Changes> Catalog::Touch(Connection& c, const std::string& id, const std::optional<log::TraceContext>& trace) const {
  TRY(upd, c.Execute("UPDATE products SET version = version + 1, updated_at = ?, "
                     "price_min_minor = (SELECT MIN(price_minor) FROM variants WHERE product_id = ?), "
                     "price_max_minor = (SELECT MAX(price_minor) FROM variants WHERE product_id = ?) WHERE id = ?",
                     Now(), id, id, id));
  if (upd.affected_rows == 0) return Fail(Errc::not_found, "no such product");
  TRY(event, ProductEvent(c, id));
  auto ev = messaging::NewEvent("product.upserted.v1", event, clock_.Now());
  TRY_STATUS(messaging::Outbox::Add(c, "product.upserted.v1", id, ev, trace));
  Changes ch;
  ch.product_ids.insert(id);
  ch.slugs.insert(std::string(event.at("slug").as_string()));
  return ch;
}

// ---------------------------------------------------------------------------------------------
// Categories, brands, product types.

Result<json::array> Catalog::CategoryTree(Connection& c) const {
  TRY(rows, c.Query("SELECT id, parent_id, slug, name, position, depth FROM categories ORDER BY depth, position, name"));
  // Children lists by parent, then build nested objects from the leaves up.
  std::map<std::int64_t, std::vector<const db::Row*>> children;
  std::vector<const db::Row*> roots;
  for (const auto& r : rows) {
    if (auto parent = r.OptInt("parent_id")) children[*parent].push_back(&r);
    else roots.push_back(&r);
  }
  std::function<json::object(const db::Row&)> build = [&](const db::Row& r) {
    json::array kids;
    for (const auto* k : children[r.Int("id")]) kids.push_back(build(*k));
    return json::object{{"id", r.Int("id")}, {"slug", r.Text("slug")}, {"name", r.Text("name")},
                        {"position", r.Int("position")}, {"children", std::move(kids)}};
  };
  json::array tree;
  for (const auto* r : roots) tree.push_back(build(*r));
  return tree;
}

Result<json::object> Catalog::CategoryBySlug(Connection& c, const std::string& slug) const {
  TRY(row, c.QueryOne("SELECT id, parent_id, slug, name, position, path, version FROM categories WHERE slug = ?", slug));
  if (!row) return Fail(Errc::not_found, "no such category");
  auto ids = util::PathIds(row->Text("path"));
  std::vector<Param> params(ids.begin(), ids.end());
  TRY(crumbs, c.QueryParams("SELECT id, slug, name FROM categories WHERE id IN (" + util::Placeholders(ids.size()) +
                                ") ORDER BY depth",
                            params));
  json::array bc;
  for (auto& r : crumbs) bc.push_back(json::object{{"id", r.Int("id")}, {"slug", r.Text("slug")}, {"name", r.Text("name")}});
  TRY(kids, c.Query("SELECT id, slug, name, position FROM categories WHERE parent_id = ? ORDER BY position, name", row->Int("id")));
  json::array children;
  for (auto& r : kids)
    children.push_back(json::object{{"id", r.Int("id")}, {"slug", r.Text("slug")}, {"name", r.Text("name")}, {"position", r.Int("position")}});
  json::object out{{"id", row->Int("id")},       {"slug", row->Text("slug")},   {"name", row->Text("name")},
                   {"position", row->Int("position")}, {"version", row->Int("version")}, {"breadcrumbs", std::move(bc)},
                   {"children", std::move(children)}};
  out["parent_id"] = row->OptInt("parent_id") ? json::value(*row->OptInt("parent_id")) : json::value(nullptr);
  return out;
}

Result<json::object> Catalog::BrowseCategory(Connection& c, const std::string& slug, const std::string& sort,
                                             std::int64_t page, std::int64_t per_page) const {
  static const std::map<std::string, std::string> kSorts = {
      {"price_asc", "p.price_min_minor ASC, p.id"},
      {"price_desc", "p.price_min_minor DESC, p.id"},
      {"newest", "p.created_at DESC, p.id"},
      {"name", "p.title ASC, p.id"},
  };
  auto order = kSorts.find(sort);
  std::vector<core::FieldError> errors;
  if (order == kSorts.end()) errors.push_back({"sort", "must be one of price_asc, price_desc, newest, name"});
  if (page < 1 || page > 10000) errors.push_back({"page", "must be within 1..10000"});
  if (per_page < 1 || per_page > 100) errors.push_back({"per_page", "must be within 1..100"});
  if (!errors.empty()) return std::unexpected(Error::Invalid("invalid listing parameters", errors));
  TRY(category, CategoryBySlug(c, slug));
  TRY(path, c.QueryOne("SELECT path FROM categories WHERE id = ?", category.at("id").as_int64()));
  std::string prefix = path->Text("path") + "%";
  TRY(count, c.QueryOne("SELECT COUNT(*) AS n FROM products p JOIN categories c ON c.id = p.category_id "
                        "WHERE c.path LIKE ? AND p.status = 'active'",
                        prefix));
  TRY(rows, c.Query("SELECT p.id, p.slug, p.title, p.price_min_minor, p.price_max_minor, p.currency, p.available_skus, "
                    "p.created_at, b.name AS brand, "
                    "(SELECT i.path FROM images i WHERE i.product_id = p.id ORDER BY i.position, i.id LIMIT 1) AS image "
                    "FROM products p JOIN categories c ON c.id = p.category_id LEFT JOIN brands b ON b.id = p.brand_id "
                    "WHERE c.path LIKE ? AND p.status = 'active' ORDER BY " +
                        order->second + " LIMIT ? OFFSET ?",
                    prefix, per_page, (page - 1) * per_page));
  json::array items;
  for (auto& r : rows) {
    json::object o{{"id", r.Text("id")},
                   {"slug", r.Text("slug")},
                   {"title", r.Text("title")},
                   {"in_stock", r.Int("available_skus") > 0},
                   {"created_at", DbTimeToRfc3339(r.Text("created_at"))}};
    o["brand"] = r.OptText("brand") ? json::value(json::string(*r.OptText("brand"))) : json::value(nullptr);
    o["price_min"] = r.OptInt("price_min_minor") ? json::value(util::MoneyJson(r.Int("price_min_minor"), r.Text("currency"))) : json::value(nullptr);
    o["price_max"] = r.OptInt("price_max_minor") ? json::value(util::MoneyJson(r.Int("price_max_minor"), r.Text("currency"))) : json::value(nullptr);
    o["image_url"] = r.OptText("image") ? json::value(json::string(fmt::format("{}/{}-480.jpg", settings_.media_url, r.Text("image"))))
                                        : json::value(nullptr);
    items.push_back(std::move(o));
  }
  std::int64_t total = count->Int("n");
  return json::object{{"category", std::move(category)},
                      {"items", std::move(items)},
                      {"page", page},
                      {"per_page", per_page},
                      {"total", total},
                      {"pages", (total + per_page - 1) / per_page},
                      {"sort", sort}};
}

Result<json::array> Catalog::Brands(Connection& c) const {
  TRY(rows, c.Query("SELECT id, slug, name FROM brands ORDER BY name"));
  json::array a;
  for (auto& r : rows) a.push_back(json::object{{"id", r.Int("id")}, {"slug", r.Text("slug")}, {"name", r.Text("name")}});
  return a;
}

Result<json::array> Catalog::ProductTypes(Connection& c) const {
  TRY(types, c.Query("SELECT id, code, name FROM product_types ORDER BY code"));
  TRY(defs, c.Query("SELECT product_type_id, spec_key, name, kind, unit, required FROM spec_defs ORDER BY position, spec_key"));
  json::array a;
  for (auto& t : types) {
    json::array specs;
    for (auto& d : defs) {
      if (d.Int("product_type_id") != t.Int("id")) continue;
      json::object s{{"key", d.Text("spec_key")}, {"name", d.Text("name")}, {"kind", d.Text("kind")}, {"required", d.Bool("required")}};
      if (d.OptText("unit")) s["unit"] = d.Text("unit");
      specs.push_back(std::move(s));
    }
    a.push_back(json::object{{"code", t.Text("code")}, {"name", t.Text("name")}, {"specs", std::move(specs)}});
  }
  return a;
}

Result<Changed<json::object>> Catalog::CreateCategory(Connection& c, const json::object& body) const {
  Fields f(body);
  auto name = f.String("name", true, 1, 200);
  auto slug = f.String("slug", false, 1, 120);
  auto parent = f.Int("parent_id", false, 1, INT64_MAX);
  auto position = f.Int("position", false, -1'000'000, 1'000'000);
  if (slug && !IsValidSlug(*slug)) f.Add("slug", "must be lowercase letters, digits and single dashes");
  TRY_STATUS(f.Check());
  std::string s = slug ? *slug : Slugify(*name);
  if (s.empty()) return std::unexpected(Error::Invalid("invalid category", {{"slug", "cannot be derived from the name"}}));
  std::string parent_path = "/";
  std::int64_t depth = 0;
  if (parent) {
    TRY(prow, c.QueryOne("SELECT path, depth FROM categories WHERE id = ?", *parent));
    if (!prow) return std::unexpected(Error::Invalid("invalid category", {{"parent_id", "no such category"}}));
    parent_path = prow->Text("path");
    depth = prow->Int("depth") + 1;
  }
  auto ins = c.Execute("INSERT INTO categories (parent_id, slug, name, position, depth, path, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, '', ?, ?)",
                       parent, s, *name, position.value_or(0), depth, Now(), Now());
  if (!ins && ins.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a category with this slug exists", {{"slug", "is taken"}}});
  if (!ins) return std::unexpected(ins.error());
  auto id = static_cast<std::int64_t>(ins->last_insert_id);
  TRY_STATUS(c.Execute("UPDATE categories SET path = ? WHERE id = ?", parent_path + std::to_string(id) + "/", id));
  TRY(out, CategoryBySlug(c, s));
  return Changed<json::object>{std::move(out), {}};
}

Result<Changed<json::object>> Catalog::UpdateCategory(Connection& c, std::int64_t id, const json::object& body,
                                                      std::optional<std::int64_t> if_version) const {
  TRY(row, c.QueryOne("SELECT id, parent_id, slug, name, path, depth, version FROM categories WHERE id = ? FOR UPDATE", id));
  if (!row) return Fail(Errc::not_found, "no such category");
  Fields f(body);
  auto name = f.String("name", false, 1, 200);
  auto slug = f.String("slug", false, 1, 120);
  auto position = f.Int("position", false, -1'000'000, 1'000'000);
  auto body_version = f.Int("version", false, 0, INT64_MAX);
  bool move = f.Has("parent_id");
  auto parent = f.Int("parent_id", false, 1, INT64_MAX);
  if (slug && !IsValidSlug(*slug)) f.Add("slug", "must be lowercase letters, digits and single dashes");
  TRY_STATUS(f.Check());
  if (if_version && *if_version != row->Int("version"))
    return Fail(Errc::precondition_failed, "the category changed since it was read (If-Match)");
  if (body_version && *body_version != row->Int("version"))
    return Fail(Errc::conflict, "the category changed since it was read (version)");
  std::string old_path = row->Text("path");
  std::string new_path = old_path;
  std::int64_t new_depth = row->Int("depth");
  if (move && parent != row->OptInt("parent_id")) {
    std::string parent_path = "/";
    new_depth = 0;
    if (parent) {
      TRY(prow, c.QueryOne("SELECT path, depth FROM categories WHERE id = ?", *parent));
      if (!prow) return std::unexpected(Error::Invalid("invalid category", {{"parent_id", "no such category"}}));
      if (prow->Text("path").starts_with(old_path))
        return std::unexpected(Error{Errc::unprocessable, "a category cannot move under itself", {{"parent_id", "is this category or a descendant"}}});
      parent_path = prow->Text("path");
      new_depth = prow->Int("depth") + 1;
    }
    new_path = parent_path + std::to_string(id) + "/";
  }
  auto upd = c.Execute("UPDATE categories SET name = COALESCE(?, name), slug = COALESCE(?, slug), "
                       "position = COALESCE(?, position), parent_id = ?, version = version + 1, updated_at = ? WHERE id = ?",
                       name, slug, position, move ? parent : row->OptInt("parent_id"), Now(), id);
  if (!upd && upd.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a category with this slug exists", {{"slug", "is taken"}}});
  if (!upd) return std::unexpected(upd.error());
  if (new_path != old_path) {
    TRY_STATUS(c.Execute("UPDATE categories SET path = CONCAT(?, SUBSTRING(path, ?)), depth = depth + ? WHERE path LIKE ?",
                         new_path, static_cast<std::int64_t>(old_path.size() + 1), new_depth - row->Int("depth"),
                         old_path + "%"));
  }
  Changes changes;
  bool visible = (name && *name != row->Text("name")) || (slug && *slug != row->Text("slug")) || new_path != old_path;
  if (visible) {
    // Every product below shows this category in its breadcrumbs and its event.
    TRY(products, c.Query("SELECT p.id FROM products p JOIN categories c ON c.id = p.category_id WHERE c.path LIKE ?",
                          new_path + "%"));
    for (auto& p : products) {
      TRY(ch, Touch(c, p.Text("id"), std::nullopt));
      changes.Merge(ch);
    }
  }
  TRY(slug_row, c.QueryOne("SELECT slug FROM categories WHERE id = ?", id));
  TRY(out, CategoryBySlug(c, slug_row->Text("slug")));
  return Changed<json::object>{std::move(out), std::move(changes)};
}

Result<Changes> Catalog::DeleteCategory(Connection& c, std::int64_t id) const {
  TRY(row, c.QueryOne("SELECT id FROM categories WHERE id = ? FOR UPDATE", id));
  if (!row) return Fail(Errc::not_found, "no such category");
  TRY(kids, c.QueryOne("SELECT COUNT(*) AS n FROM categories WHERE parent_id = ?", id));
  TRY(products, c.QueryOne("SELECT COUNT(*) AS n FROM products WHERE category_id = ?", id));
  if (kids->Int("n") > 0 || products->Int("n") > 0)
    return Fail(Errc::conflict, "the category still has subcategories or products");
  TRY_STATUS(c.Execute("DELETE FROM categories WHERE id = ?", id));
  return Changes{};
}

Result<json::object> Catalog::CreateProductType(Connection& c, const json::object& body) const {
  Fields f(body);
  auto code = f.String("code", true, 1, 64);
  auto name = f.String("name", true, 1, 200);
  if (code && !IsValidSlug(*code) && code->find('_') == std::string::npos) f.Add("code", "must be lowercase letters, digits, - or _");
  const json::array* specs = nullptr;
  if (auto* v = body.if_contains("specs")) {
    if (!v->is_array()) f.Add("specs", "must be an array");
    else specs = &v->as_array();
  }
  std::vector<std::tuple<std::string, std::string, std::string, std::optional<std::string>, bool>> defs;
  if (specs) {
    for (std::size_t i = 0; i < specs->size(); ++i) {
      std::string at = "specs[" + std::to_string(i) + "]";
      if (!(*specs)[i].is_object()) {
        f.Add(at, "must be an object");
        continue;
      }
      Fields sf((*specs)[i].as_object());
      auto key = sf.String("key", true, 1, 64);
      auto sname = sf.String("name", true, 1, 200);
      auto kind = sf.String("kind", true, 1, 10);
      auto unit = sf.String("unit", false, 1, 16);
      bool required = false;
      if (auto* r = (*specs)[i].as_object().if_contains("required"); r && r->is_bool()) required = r->as_bool();
      if (kind && *kind != "number" && *kind != "text" && *kind != "bool") sf.Add("kind", "must be number, text or bool");
      for (auto& e : sf.errors()) f.Add(at + "." + e.field, e.message);
      if (sf.ok()) defs.emplace_back(*key, *sname, *kind, unit, required);
    }
  }
  TRY_STATUS(f.Check());
  auto ins = c.Execute("INSERT INTO product_types (code, name) VALUES (?, ?)", *code, *name);
  if (!ins && ins.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a product type with this code exists", {{"code", "is taken"}}});
  if (!ins) return std::unexpected(ins.error());
  int pos = 0;
  for (auto& [key, sname, kind, unit, required] : defs) {
    auto r = c.Execute("INSERT INTO spec_defs (product_type_id, spec_key, name, kind, unit, required, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       ins->last_insert_id, key, sname, kind, unit, required, pos++);
    if (!r && r.error().code == Errc::conflict)
      return std::unexpected(Error::Invalid("duplicate spec key", {{"specs", "key " + key + " appears twice"}}));
    if (!r) return std::unexpected(r.error());
  }
  TRY(all, ProductTypes(c));
  for (auto& t : all)
    if (t.as_object().at("code").as_string() == *code) return t.as_object();
  return Fail(Errc::internal, "created product type not found");
}

Result<std::pair<std::int64_t, std::string>> Catalog::EnsureBrand(Connection& c, const std::string& name) const {
  std::string slug = Slugify(name);
  if (slug.empty()) return std::unexpected(Error::Invalid("invalid brand", {{"brand", "must contain letters or digits"}}));
  TRY(row, c.QueryOne("SELECT id, name FROM brands WHERE slug = ?", slug));
  if (row) return std::pair{row->Int("id"), row->Text("name")};
  TRY_STATUS(c.Execute("INSERT IGNORE INTO brands (slug, name) VALUES (?, ?)", slug, name));
  TRY(again, c.QueryOne("SELECT id, name FROM brands WHERE slug = ?", slug));
  return std::pair{again->Int("id"), again->Text("name")};
}

// ---------------------------------------------------------------------------------------------
// Products.

Status Catalog::ValidateAndWriteSpecs(Connection& c, const std::string& product_id, std::int64_t type_id,
                                      const json::object& specs, bool creating, std::vector<core::FieldError>& errors) const {
  TRY(defs, c.Query("SELECT spec_key, kind, required FROM spec_defs WHERE product_type_id = ?", type_id));
  std::map<std::string, std::pair<std::string, bool>> by_key;
  for (auto& d : defs) by_key[d.Text("spec_key")] = {d.Text("kind"), d.Bool("required")};
  struct Write {
    std::string key;
    std::optional<double> num;
    std::optional<std::string> text;
    std::optional<bool> flag;
    bool remove = false;
  };
  std::vector<Write> writes;
  for (const auto& [k, v] : specs) {
    std::string key(k);
    std::string field = "specs." + key;
    auto def = by_key.find(key);
    if (def == by_key.end()) {
      errors.push_back({field, "is not a specification of this product type"});
      continue;
    }
    const auto& [kind, required] = def->second;
    if (v.is_null()) {
      if (required) errors.push_back({field, "is required"});
      else writes.push_back({key, {}, {}, {}, true});
      continue;
    }
    if (kind == "number") {
      if (!v.is_number()) errors.push_back({field, "must be a number"});
      else {
        double d = v.to_number<double>();
        if (!std::isfinite(d) || std::fabs(d) >= 1e14) errors.push_back({field, "is out of range"});
        else writes.push_back({key, d, {}, {}});
      }
    } else if (kind == "bool") {
      if (!v.is_bool()) errors.push_back({field, "must be true or false"});
      else writes.push_back({key, {}, {}, v.as_bool()});
    } else {
      if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 500) errors.push_back({field, "must be a string of 1..500 characters"});
      else writes.push_back({key, {}, std::string(v.as_string()), {}});
    }
  }
  if (creating)
    for (const auto& [key, d] : by_key)
      if (d.second && !specs.contains(key)) errors.push_back({"specs." + key, "is required"});
  if (!errors.empty()) return {};
  for (const auto& w : writes) {
    if (w.remove) {
      TRY_STATUS(c.Execute("DELETE FROM product_specs WHERE product_id = ? AND spec_key = ?", product_id, w.key));
    } else {
      std::optional<std::string> num;
      if (w.num) num = fmt::format("{:.6f}", *w.num);
      TRY_STATUS(c.Execute("REPLACE INTO product_specs (product_id, spec_key, value_num, value_text, value_bool) VALUES (?, ?, ?, ?, ?)",
                           product_id, w.key, num, w.text, w.flag));
    }
  }
  return {};
}

namespace {

bool ValidSku(std::string_view sku) {
  if (sku.empty() || sku.size() > 64) return false;
  for (char ch : sku)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.')) return false;
  return true;
}

struct VariantInput {
  std::string sku;
  std::string options;  // JSON text
  std::int64_t price_minor = 0;
  std::int64_t on_hand = 0;
};

// Validates one variant object; errors carry `at` as their prefix.
std::optional<VariantInput> ParseVariant(const json::value& v, const std::string& at, const std::string& currency,
                                         bool require_all, std::vector<core::FieldError>& errors) {
  if (!v.is_object()) {
    errors.push_back({at, "must be an object"});
    return std::nullopt;
  }
  const auto& o = v.as_object();
  Fields f(o);
  VariantInput in;
  if (require_all) {
    auto sku = f.String("sku", true, 1, 64);
    if (sku && !ValidSku(*sku)) f.Add("sku", "must be 1..64 of letters, digits, - _ .");
    if (sku) in.sku = *sku;
  }
  json::object options;
  if (auto* ov = o.if_contains("options")) {
    if (!ov->is_object()) f.Add("options", "must be an object of name: value strings");
    else
      for (const auto& [k, val] : ov->as_object()) {
        if (!val.is_string() || val.as_string().empty() || val.as_string().size() > 100 || k.empty() || k.size() > 50)
          f.Add("options." + std::string(k), "must be a string of 1..100 characters");
        else options[k] = val;
      }
  }
  in.options = json::serialize(options);
  if (auto* pv = o.if_contains("price"); pv || require_all) {
    if (!pv || !pv->is_object()) f.Add("price", "must be {minor, currency}");
    else {
      Fields pf(pv->as_object());
      auto minor = pf.Int("minor", true, 0, 1'000'000'000'00);
      auto cur = pf.String("currency", true, 3, 3);
      if (cur && *cur != currency) pf.Add("currency", "must be " + currency + " (the catalog's currency)");
      for (auto& e : pf.errors()) f.Add("price." + e.field, e.message);
      if (minor) in.price_minor = *minor;
    }
  } else {
    in.price_minor = -1;  // unchanged
  }
  auto on_hand = f.Int("on_hand", false, 0, 1'000'000'000);
  in.on_hand = on_hand.value_or(0);
  for (auto& e : f.errors()) errors.push_back({at + "." + e.field, e.message});
  return f.ok() ? std::optional(in) : std::nullopt;
}

std::optional<std::int64_t> BodyVersion(const json::object& body) {
  if (auto* v = body.if_contains("version"); v && v->is_int64()) return v->as_int64();
  return std::nullopt;
}

}  // namespace

Result<Changed<json::object>> Catalog::CreateProduct(Connection& c, const json::object& body,
                                                     const std::optional<log::TraceContext>& trace) const {
  Fields f(body);
  auto title = f.String("title", true, 1, 300);
  auto slug = f.String("slug", false, 1, 120);
  auto description = f.String("description", false, 0, 20000);
  auto brand = f.String("brand", false, 1, 200);
  auto type = f.String("product_type", true, 1, 64);
  auto category_id = f.Int("category_id", true, 1, INT64_MAX);
  auto status = f.String("status", false, 1, 10);
  if (status && *status != "draft" && *status != "active") f.Add("status", "must be draft or active");
  if (slug && !IsValidSlug(*slug)) f.Add("slug", "must be lowercase letters, digits and single dashes");
  std::optional<std::int64_t> type_id;
  if (type) {
    TRY(trow, c.QueryOne("SELECT id FROM product_types WHERE code = ?", *type));
    if (!trow) f.Add("product_type", "no such product type");
    else type_id = trow->Int("id");
  }
  if (category_id) {
    TRY(crow, c.QueryOne("SELECT id FROM categories WHERE id = ?", *category_id));
    if (!crow) f.Add("category_id", "no such category");
  }
  const json::object* specs = nullptr;
  static const json::object kEmpty;
  if (auto* sv = body.if_contains("specs")) {
    if (!sv->is_object()) f.Add("specs", "must be an object of key: value");
    else specs = &sv->as_object();
  }
  std::vector<VariantInput> variants;
  if (auto* vv = body.if_contains("variants")) {
    if (!vv->is_array() || vv->as_array().size() > 200) f.Add("variants", "must be an array of at most 200 variants");
    else
      for (std::size_t i = 0; i < vv->as_array().size(); ++i)
        if (auto in = ParseVariant(vv->as_array()[i], "variants[" + std::to_string(i) + "]", settings_.currency, true, f.errors()))
          variants.push_back(std::move(*in));
  }
  std::string s = slug ? *slug : (title ? Slugify(*title) : "");
  if (title && s.empty()) f.Add("slug", "cannot be derived from the title");
  if (!f.ok()) return std::unexpected(Error::Invalid("the product has invalid fields", f.errors()));

  std::string id = core::NewUuid();
  auto md = RenderMarkdown(description.value_or(""));
  std::optional<std::int64_t> brand_id;
  if (brand) {
    TRY(b, EnsureBrand(c, *brand));
    brand_id = b.first;
  }
  std::string now = Now();
  auto ins = c.Execute("INSERT INTO products (id, slug, title, description_md, description_html, description_text, brand_id, "
                       "product_type_id, category_id, status, currency, version, created_at, updated_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                       id, s, *title, description.value_or(""), md.html, md.text, brand_id, *type_id, *category_id,
                       status.value_or("draft"), settings_.currency, now, now);
  if (!ins && ins.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a product with this slug exists", {{"slug", "is taken"}}});
  if (!ins) return std::unexpected(ins.error());
  TRY_STATUS(ValidateAndWriteSpecs(c, id, *type_id, specs ? *specs : kEmpty, true, f.errors()));
  if (!f.ok()) return std::unexpected(Error::Invalid("the product has invalid fields", f.errors()));
  int position = 0;
  std::int64_t available_skus = 0;
  for (const auto& v : variants) {
    auto r = c.Execute("INSERT INTO variants (sku, product_id, options, price_minor, currency, position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       v.sku, id, v.options, v.price_minor, settings_.currency, position++, now);
    if (!r && r.error().code == Errc::conflict)
      return std::unexpected(Error{Errc::conflict, "a variant with this SKU exists", {{"variants.sku", v.sku + " is taken"}}});
    if (!r) return std::unexpected(r.error());
    TRY_STATUS(c.Execute("INSERT INTO stock (sku, product_id, on_hand, reserved, updated_at) VALUES (?, ?, ?, 0, ?)", v.sku, id, v.on_hand, now));
    if (v.on_hand > 0) ++available_skus;
  }
  if (available_skus) TRY_STATUS(c.Execute("UPDATE products SET available_skus = ? WHERE id = ?", available_skus, id));
  TRY(changes, Touch(c, id, trace));
  TRY(page, ProductPage(c, id, true));
  return Changed<json::object>{std::move(page), std::move(changes)};
}

Result<Changed<json::object>> Catalog::UpdateProduct(Connection& c, const std::string& id, const json::object& body,
                                                     std::optional<std::int64_t> if_version,
                                                     const std::optional<log::TraceContext>& trace) const {
  TRY(row, c.QueryOne("SELECT id, slug, version, status, product_type_id FROM products WHERE id = ? FOR UPDATE", id));
  if (!row) return Fail(Errc::not_found, "no such product");
  if (if_version && *if_version != row->Int("version"))
    return Fail(Errc::precondition_failed, "the product changed since it was read (If-Match)");
  if (auto bv = BodyVersion(body); bv && *bv != row->Int("version"))
    return Fail(Errc::conflict, "the product changed since it was read (version)");
  Fields f(body);
  auto title = f.String("title", false, 1, 300);
  auto slug = f.String("slug", false, 1, 120);
  auto description = f.String("description", false, 0, 20000);
  auto brand = f.String("brand", false, 1, 200);
  auto category_id = f.Int("category_id", false, 1, INT64_MAX);
  auto status = f.String("status", false, 1, 10);
  if (status && *status != "draft" && *status != "active" && *status != "archived") f.Add("status", "must be draft, active or archived");
  if (slug && !IsValidSlug(*slug)) f.Add("slug", "must be lowercase letters, digits and single dashes");
  if (f.Has("product_type")) f.Add("product_type", "cannot change; create a new product");
  if (category_id) {
    TRY(crow, c.QueryOne("SELECT id FROM categories WHERE id = ?", *category_id));
    if (!crow) f.Add("category_id", "no such category");
  }
  if (auto* sv = body.if_contains("specs"); sv && !sv->is_object()) f.Add("specs", "must be an object of key: value");
  if (!f.ok()) return std::unexpected(Error::Invalid("the product has invalid fields", f.errors()));
  if (auto* sv = body.if_contains("specs")) {
    TRY_STATUS(ValidateAndWriteSpecs(c, id, row->Int("product_type_id"), sv->as_object(), false, f.errors()));
    if (!f.ok()) return std::unexpected(Error::Invalid("the product has invalid fields", f.errors()));
  }
  std::optional<std::string> html, text;
  if (description) {
    auto md = RenderMarkdown(*description);
    html = md.html;
    text = md.text;
  }
  std::optional<std::int64_t> brand_id;
  bool clear_brand = f.IsNull("brand");
  if (brand) {
    TRY(b, EnsureBrand(c, *brand));
    brand_id = b.first;
  }
  auto upd = c.Execute("UPDATE products SET title = COALESCE(?, title), slug = COALESCE(?, slug), "
                       "description_md = COALESCE(?, description_md), description_html = COALESCE(?, description_html), "
                       "description_text = COALESCE(?, description_text), brand_id = IF(?, NULL, COALESCE(?, brand_id)), "
                       "category_id = COALESCE(?, category_id), status = COALESCE(?, status) WHERE id = ?",
                       title, slug, description, html, text, clear_brand, brand_id, category_id, status, id);
  if (!upd && upd.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a product with this slug exists", {{"slug", "is taken"}}});
  if (!upd) return std::unexpected(upd.error());
  TRY(changes, Touch(c, id, trace));
  changes.slugs.insert(row->Text("slug"));  // the old slug's cached page too
  if (status == "archived" && row->Text("status") != "archived") {
    TRY(v, c.QueryOne("SELECT version FROM products WHERE id = ?", id));
    auto ev = messaging::NewEvent("product.archived.v1",
                                  json::object{{"product_id", id}, {"slug", row->Text("slug")}, {"version", v->Int("version")},
                                               {"archived_at", core::FormatTimestamp(clock_.Now())}},
                                  clock_.Now());
    TRY_STATUS(messaging::Outbox::Add(c, "product.archived.v1", id, ev, trace));
  }
  TRY(page, ProductPage(c, id, true));
  return Changed<json::object>{std::move(page), std::move(changes)};
}

Result<Changed<json::object>> Catalog::ArchiveProduct(Connection& c, const std::string& id, std::optional<std::int64_t> if_version,
                                                      const std::optional<log::TraceContext>& trace) const {
  json::object body{{"status", "archived"}};
  return UpdateProduct(c, id, body, if_version, trace);
}

Result<Changed<json::object>> Catalog::AddVariant(Connection& c, const std::string& product_id, const json::object& body,
                                                  std::optional<std::int64_t> if_version,
                                                  const std::optional<log::TraceContext>& trace) const {
  TRY(row, c.QueryOne("SELECT version FROM products WHERE id = ? FOR UPDATE", product_id));
  if (!row) return Fail(Errc::not_found, "no such product");
  if (if_version && *if_version != row->Int("version"))
    return Fail(Errc::precondition_failed, "the product changed since it was read (If-Match)");
  std::vector<core::FieldError> errors;
  auto in = ParseVariant(body, "", settings_.currency, true, errors);
  for (auto& e : errors) e.field = e.field.substr(1);  // drop the leading "."
  if (!in) return std::unexpected(Error::Invalid("the variant has invalid fields", errors));
  TRY(pos, c.QueryOne("SELECT COALESCE(MAX(position), -1) + 1 AS p FROM variants WHERE product_id = ?", product_id));
  std::string now = Now();
  auto r = c.Execute("INSERT INTO variants (sku, product_id, options, price_minor, currency, position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     in->sku, product_id, in->options, in->price_minor, settings_.currency, pos->Int("p"), now);
  if (!r && r.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a variant with this SKU exists", {{"sku", "is taken"}}});
  if (!r) return std::unexpected(r.error());
  TRY_STATUS(c.Execute("INSERT INTO stock (sku, product_id, on_hand, reserved, updated_at) VALUES (?, ?, ?, 0, ?)", in->sku,
                       product_id, in->on_hand, now));
  Changes changes;
  if (in->on_hand > 0) {
    std::vector<StockChange> sc{{in->sku, product_id, 0, 0, in->on_hand, 0, "admin", std::nullopt}};
    TRY(ch, EmitStockChanges(c, sc, trace));
    changes.Merge(ch);
  }
  TRY(ch, Touch(c, product_id, trace));
  changes.Merge(ch);
  TRY(page, ProductPage(c, product_id, true));
  return Changed<json::object>{std::move(page), std::move(changes)};
}

Result<Changed<json::object>> Catalog::UpdateVariant(Connection& c, const std::string& sku, const json::object& body,
                                                     std::optional<std::int64_t> if_version,
                                                     const std::optional<log::TraceContext>& trace) const {
  TRY(vrow, c.QueryOne("SELECT product_id FROM variants WHERE sku = ?", sku));
  if (!vrow) return Fail(Errc::not_found, "no such SKU");
  std::string product_id = vrow->Text("product_id");
  TRY(row, c.QueryOne("SELECT version FROM products WHERE id = ? FOR UPDATE", product_id));
  if (if_version && *if_version != row->Int("version"))
    return Fail(Errc::precondition_failed, "the product changed since it was read (If-Match)");
  std::vector<core::FieldError> errors;
  if (body.contains("sku")) errors.push_back({"sku", "cannot change"});
  if (body.contains("on_hand")) errors.push_back({"on_hand", "use PUT /v1/admin/skus/{sku}/stock"});
  auto in = ParseVariant(body, "", settings_.currency, false, errors);
  for (auto& e : errors)
    if (!e.field.empty() && e.field[0] == '.') e.field = e.field.substr(1);
  if (!in || !errors.empty()) return std::unexpected(Error::Invalid("the variant has invalid fields", errors));
  std::optional<std::string> options;
  if (body.contains("options")) options = in->options;
  std::optional<std::int64_t> price;
  if (in->price_minor >= 0) price = in->price_minor;
  TRY_STATUS(c.Execute("UPDATE variants SET options = COALESCE(?, options), price_minor = COALESCE(?, price_minor) WHERE sku = ?",
                       options, price, sku));
  TRY(changes, Touch(c, product_id, trace));
  TRY(page, ProductPage(c, product_id, true));
  return Changed<json::object>{std::move(page), std::move(changes)};
}

Result<Changed<json::object>> Catalog::AddImage(Connection& c, const std::string& product_id, const std::string& path, int width,
                                                int height, const std::string& alt,
                                                const std::optional<log::TraceContext>& trace) const {
  TRY(row, c.QueryOne("SELECT id FROM products WHERE id = ? FOR UPDATE", product_id));
  if (!row) return Fail(Errc::not_found, "no such product");
  TRY(pos, c.QueryOne("SELECT COALESCE(MAX(position), -1) + 1 AS p FROM images WHERE product_id = ?", product_id));
  TRY(ins, c.Execute("INSERT INTO images (product_id, position, alt, width, height, path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     product_id, pos->Int("p"), alt, width, height, path, Now()));
  TRY(changes, Touch(c, product_id, trace));
  json::object renditions;
  for (int size : settings_.renditions)
    renditions[std::to_string(size)] = fmt::format("{}/{}-{}.jpg", settings_.media_url, path, size);
  json::object out{{"id", static_cast<std::int64_t>(ins.last_insert_id)}, {"alt", alt}, {"width", width},
                   {"height", height}, {"position", pos->Int("p")}, {"renditions", std::move(renditions)}};
  return Changed<json::object>{std::move(out), std::move(changes)};
}

Result<Changed<std::string>> Catalog::RemoveImage(Connection& c, const std::string& product_id, std::int64_t image_id,
                                                  const std::optional<log::TraceContext>& trace) const {
  TRY(row, c.QueryOne("SELECT path FROM images WHERE id = ? AND product_id = ?", image_id, product_id));
  if (!row) return Fail(Errc::not_found, "no such image");
  TRY_STATUS(c.Execute("DELETE FROM images WHERE id = ?", image_id));
  TRY(changes, Touch(c, product_id, trace));
  return Changed<std::string>{row->Text("path"), std::move(changes)};
}

}  // namespace store::catalog
