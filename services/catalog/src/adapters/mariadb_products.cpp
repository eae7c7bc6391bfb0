#include <fmt/format.h>

#include <boost/json.hpp>

#include "adapters/mariadb_catalog.hpp"
#include "adapters/sql.hpp"

namespace store::catalog {

namespace json = boost::json;
using core::Errc;
using core::Fail;

namespace {

constexpr std::string_view kSelect =
    "SELECT p.id, p.slug, p.title, p.description_md, p.description_html, p.description_text, p.status, p.currency, p.created_at, "
    "p.updated_at, p.brand_id, b.name AS brand_name, b.slug AS brand_slug, t.id AS type_id, t.code AS type_code, "
    "t.name AS type_name, p.category_id, c.slug AS category_slug, c.name AS category_name, c.path AS category_path, "
    "p.version, p.available_skus, p.price_min_minor, p.price_max_minor, p.model_line "
    "FROM products p JOIN product_types t ON t.id = p.product_type_id JOIN categories c ON c.id = p.category_id "
    "LEFT JOIN brands b ON b.id = p.brand_id ";

std::string OptionsJson(const VariantOptions& options) {
  json::object o;
  for (const auto& [k, v] : options) o[k] = v;
  return json::serialize(o);
}

std::string_view SortSql(BrowseSort sort) {
  switch (sort) {
    case BrowseSort::price_asc: return "p.price_min_minor ASC, p.id";
    case BrowseSort::price_desc: return "p.price_min_minor DESC, p.id";
    case BrowseSort::name: return "p.title ASC, p.id";
    case BrowseSort::newest: break;
  }
  return "p.created_at DESC, p.id";
}

ProductType TypeOf(const db::Row& t, const db::Rows& defs) {
  ProductType type{t.Int("id"), t.Text("code"), t.Text("name"), {}, t.Int("version")};
  for (const auto& d : defs) {
    if (d.Int("product_type_id") != type.id) continue;
    type.specs.push_back({d.Text("spec_key"), d.Text("name"), ParseSpecKind(d.Text("kind")).value_or(SpecKind::text), d.OptText("unit"),
                          d.Bool("required")});
  }
  return type;
}

}  // namespace

Result<std::optional<ProductView>> MariaDbProducts::ById(const ProductId& id) { return Load("p.id", id.value()); }
Result<std::optional<ProductView>> MariaDbProducts::BySlug(std::string_view slug) { return Load("p.slug", slug); }

Result<std::optional<ProductView>> MariaDbProducts::Load(std::string_view where, std::string_view key) {
  TRY(row, c_.QueryOne(std::string(kSelect) + "WHERE " + std::string(where) + " = ?", key));
  if (!row) return std::optional<ProductView>{};
  ProductView p;
  p.id = ProductId(row->Text("id"));
  p.slug = row->Text("slug");
  p.title = row->Text("title");
  p.description_md = row->Text("description_md");
  p.description_html = row->Text("description_html");
  p.description_text = row->Text("description_text");
  p.status = ParseProductStatus(row->Text("status")).value_or(ProductStatus::draft);
  p.currency = row->Text("currency");
  p.created_at = db::DbTimeToRfc3339(row->Text("created_at"));
  p.updated_at = db::DbTimeToRfc3339(row->Text("updated_at"));
  if (auto brand = row->OptInt("brand_id")) p.brand = Brand{*brand, row->Text("brand_slug"), row->Text("brand_name")};
  p.type_id = row->Int("type_id");
  p.type_code = row->Text("type_code");
  p.type_name = row->Text("type_name");
  p.category = {CategoryId(row->Int("category_id")), row->Text("category_slug"), row->Text("category_name")};
  p.version = row->Int("version");
  p.available_skus = row->Int("available_skus");
  p.price_min = row->OptInt("price_min_minor");
  p.price_max = row->OptInt("price_max_minor");
  p.model_line = row->OptText("model_line");

  MariaDbCategories categories(c_);
  TRY(crumbs, categories.Refs(PathIds(row->Text("category_path"))));
  p.breadcrumbs = std::move(crumbs);

  TRY(specs, c_.Query("SELECT d.spec_key, d.name, d.kind, d.unit, s.value_num, s.value_text, s.value_bool "
                      "FROM product_specs s JOIN spec_defs d ON d.product_type_id = ? AND d.spec_key = s.spec_key "
                      "WHERE s.product_id = ? ORDER BY d.position, d.spec_key",
                      p.type_id, p.id.value()));
  for (const auto& r : specs) {
    ProductView::Spec s{r.Text("spec_key"), r.Text("name"), ParseSpecKind(r.Text("kind")).value_or(SpecKind::text), r.OptText("unit"), {}};
    if (s.kind == SpecKind::number && r.OptText("value_num")) s.value = sql::Decimal(r.Text("value_num"));
    else if (s.kind == SpecKind::boolean && r.OptText("value_bool")) s.value = r.Bool("value_bool");
    else if (r.OptText("value_text")) s.value = r.Text("value_text");
    p.specs.push_back(std::move(s));
  }

  TRY(variants, c_.Query("SELECT v.sku, v.options, v.price_minor, v.currency, COALESCE(st.on_hand, 0) AS on_hand, "
                         "COALESCE(st.reserved, 0) AS reserved FROM variants v LEFT JOIN stock st ON st.sku = v.sku "
                         "WHERE v.product_id = ? ORDER BY v.position, v.sku",
                         p.id.value()));
  for (const auto& r : variants)
    p.variants.push_back({Sku(r.Text("sku")), sql::VariantOptionsOf(r.Text("options")), r.Int("price_minor"), r.Text("currency"),
                          StockLevel{r.Int("on_hand"), r.Int("reserved")}});

  TRY(images, c_.Query("SELECT id, path, alt, width, height FROM images WHERE product_id = ? ORDER BY position, id", p.id.value()));
  for (const auto& r : images)
    p.images.push_back({ImageId(r.Int("id")), r.Text("path"), r.Text("alt"), static_cast<int>(r.Int("width")),
                        static_cast<int>(r.Int("height"))});
  return std::optional<ProductView>(std::move(p));
}

Result<std::optional<ProductRecord>> MariaDbProducts::Lock(const ProductId& id) {
  TRY(row, c_.QueryOne("SELECT id, slug, version, status, product_type_id FROM products WHERE id = ? FOR UPDATE", id.value()));
  if (!row) return std::optional<ProductRecord>{};
  return ProductRecord{id, row->Text("slug"), row->Int("version"), row->Int("product_type_id"),
                       ParseProductStatus(row->Text("status")).value_or(ProductStatus::draft)};
}

Result<std::optional<std::string>> MariaDbProducts::SlugOf(const ProductId& id) {
  TRY(row, c_.QueryOne("SELECT slug FROM products WHERE id = ?", id.value()));
  if (!row) return std::optional<std::string>{};
  return row->Text("slug");
}

namespace {
constexpr const char* kSummaryColumns =
    "SELECT p.id, p.slug, p.title, p.status, p.price_min_minor, p.price_max_minor, p.currency, p.available_skus, "
    "p.created_at, b.name AS brand, "
    "(SELECT i.path FROM images i WHERE i.product_id = p.id ORDER BY i.position, i.id LIMIT 1) AS image "
    "FROM products p JOIN categories c ON c.id = p.category_id LEFT JOIN brands b ON b.id = p.brand_id ";

BrowseResult Summaries(std::int64_t total, const std::vector<db::Row>& rows) {
  BrowseResult out;
  out.total = total;
  for (const auto& r : rows) {
    ProductSummary s;
    s.id = ProductId(r.Text("id"));
    s.slug = r.Text("slug");
    s.title = r.Text("title");
    s.status = ParseProductStatus(r.Text("status")).value_or(ProductStatus::draft);
    s.currency = r.Text("currency");
    s.created_at = db::DbTimeToRfc3339(r.Text("created_at"));
    s.brand = r.OptText("brand");
    s.image_path = r.OptText("image");
    s.price_min = r.OptInt("price_min_minor");
    s.price_max = r.OptInt("price_max_minor");
    s.in_stock = r.Int("available_skus") > 0;
    out.items.push_back(std::move(s));
  }
  return out;
}

// LIKE's metacharacters in a search text match literally.
std::string LikeContaining(std::string_view text) {
  std::string pattern = "%";
  for (char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  return pattern + "%";
}
}  // namespace

Result<BrowseResult> MariaDbProducts::Browse(std::string_view path, BrowseSort sort, std::int64_t limit, std::int64_t offset) {
  std::string prefix = std::string(path) + "%";
  TRY(count, c_.QueryOne("SELECT COUNT(*) AS n FROM products p JOIN categories c ON c.id = p.category_id "
                         "WHERE c.path LIKE ? AND p.status = 'active'",
                         prefix));
  TRY(rows, c_.Query(std::string(kSummaryColumns) + "WHERE c.path LIKE ? AND p.status = 'active' ORDER BY " +
                         std::string(SortSql(sort)) + " LIMIT ? OFFSET ?",
                     prefix, limit, offset));
  return Summaries(count->Int("n"), rows);
}

Result<BrowseResult> MariaDbProducts::List(const ProductListQuery& q) {
  // Every condition is always there, switched off by its NULL: one statement for every filter.
  const std::optional<std::string> text = q.q.empty() ? std::nullopt : std::optional<std::string>(LikeContaining(q.q));
  const std::optional<std::string> sku = q.q.empty() ? std::nullopt : std::optional<std::string>(q.q);
  const std::optional<std::string> status = q.status ? std::optional<std::string>(std::string(NameOf(*q.status))) : std::nullopt;
  const std::optional<std::string> prefix = q.path ? std::optional<std::string>(*q.path + "%") : std::nullopt;
  const std::string where =
      "WHERE (? IS NULL OR p.title LIKE ? OR p.slug LIKE ? OR EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id AND v.sku = ?)) "
      "AND (? IS NULL OR p.status = ?) AND (? IS NULL OR c.path LIKE ?) ";
  TRY(count, c_.QueryOne("SELECT COUNT(*) AS n FROM products p JOIN categories c ON c.id = p.category_id " + where, text, text,
                         text, sku, status, status, prefix, prefix));
  TRY(rows, c_.Query(std::string(kSummaryColumns) + where + "ORDER BY p.created_at DESC, p.id LIMIT ? OFFSET ?", text, text, text,
                     sku, status, status, prefix, prefix, q.limit, q.offset));
  return Summaries(count->Int("n"), rows);
}

Status MariaDbProducts::Insert(const NewProduct& p, TimePoint now) {
  std::string at = db::ToDbTime(now);
  TRY_STATUS(c_.Execute("INSERT INTO products (id, slug, title, description_md, description_html, description_text, brand_id, "
                        "model_line, product_type_id, category_id, status, currency, version, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                        p.id.value(), p.slug, p.title, p.description_md, p.description_html, p.description_text, p.brand_id,
                        p.model_line, p.type_id, p.category.value(), NameOf(p.status), p.currency, at, at));
  return {};
}

Status MariaDbProducts::Update(const ProductId& id, const ProductUpdate& u) {
  std::optional<std::int64_t> category;
  if (u.category) category = u.category->value();
  std::optional<std::string_view> status;
  if (u.status) status = NameOf(*u.status);
  TRY_STATUS(c_.Execute("UPDATE products SET title = COALESCE(?, title), slug = COALESCE(?, slug), "
                        "description_md = COALESCE(?, description_md), description_html = COALESCE(?, description_html), "
                        "description_text = COALESCE(?, description_text), brand_id = IF(?, NULL, COALESCE(?, brand_id)), "
                        "model_line = IF(?, NULL, COALESCE(?, model_line)), "
                        "category_id = COALESCE(?, category_id), status = COALESCE(?, status) WHERE id = ?",
                        u.title, u.slug, u.description_md, u.description_html, u.description_text, u.clear_brand, u.brand_id,
                        u.clear_model_line, u.model_line, category, status, id.value()));
  return {};
}

Status MariaDbProducts::WriteSpecs(const ProductId& id, const std::vector<SpecWrite>& writes) {
  for (const auto& w : writes) {
    if (w.remove) {
      TRY_STATUS(c_.Execute("DELETE FROM product_specs WHERE product_id = ? AND spec_key = ?", id.value(), w.key));
    } else {
      std::optional<std::string> num;
      if (w.number) num = fmt::format("{:.6f}", *w.number);
      TRY_STATUS(c_.Execute("REPLACE INTO product_specs (product_id, spec_key, value_num, value_text, value_bool) VALUES (?, ?, ?, ?, ?)",
                            id.value(), w.key, num, w.text, w.flag));
    }
  }
  return {};
}

Result<bool> MariaDbProducts::Touch(const ProductId& id, TimePoint now) {
  TRY(upd, c_.Execute("UPDATE products SET version = version + 1, updated_at = ?, "
                      "price_min_minor = (SELECT MIN(price_minor) FROM variants WHERE product_id = ?), "
                      "price_max_minor = (SELECT MAX(price_minor) FROM variants WHERE product_id = ?) WHERE id = ?",
                      db::ToDbTime(now), id.value(), id.value(), id.value()));
  return upd.affected_rows > 0;
}

Result<std::optional<AvailableSkus>> MariaDbProducts::AdjustAvailableSkus(const ProductId& id, std::int64_t delta) {
  if (delta != 0) TRY_STATUS(c_.Execute("UPDATE products SET available_skus = available_skus + ? WHERE id = ?", delta, id.value()));
  TRY(row, c_.QueryOne("SELECT slug, available_skus FROM products WHERE id = ?", id.value()));
  if (!row) return std::optional<AvailableSkus>{};
  return AvailableSkus{row->Text("slug"), row->Int("available_skus")};
}

Result<std::vector<Brand>> MariaDbProducts::Brands() {
  TRY(rows, c_.Query("SELECT id, slug, name FROM brands ORDER BY name"));
  std::vector<Brand> out;
  for (const auto& r : rows) out.push_back({r.Int("id"), r.Text("slug"), r.Text("name")});
  return out;
}

Result<Brand> MariaDbProducts::EnsureBrand(std::string_view slug, std::string_view name) {
  TRY(row, c_.QueryOne("SELECT id, slug, name FROM brands WHERE slug = ?", slug));
  if (row) return Brand{row->Int("id"), row->Text("slug"), row->Text("name")};
  TRY_STATUS(c_.Execute("INSERT IGNORE INTO brands (slug, name) VALUES (?, ?)", slug, name));
  TRY(again, c_.QueryOne("SELECT id, slug, name FROM brands WHERE slug = ?", slug));
  if (!again) return Fail(Errc::internal, "brand vanished");
  return Brand{again->Int("id"), again->Text("slug"), again->Text("name")};
}

Result<std::vector<ProductType>> MariaDbProducts::Types() {
  TRY(types, c_.Query("SELECT id, code, name, version FROM product_types ORDER BY code"));
  TRY(defs, c_.Query("SELECT product_type_id, spec_key, name, kind, unit, required FROM spec_defs ORDER BY position, spec_key"));
  std::vector<ProductType> out;
  for (const auto& t : types) out.push_back(TypeOf(t, defs));
  return out;
}

Result<std::optional<ProductType>> MariaDbProducts::TypeByCode(std::string_view code) {
  TRY(type, c_.QueryOne("SELECT id, code, name, version FROM product_types WHERE code = ?", code));
  if (!type) return std::optional<ProductType>{};
  TRY(defs, c_.Query("SELECT product_type_id, spec_key, name, kind, unit, required FROM spec_defs WHERE product_type_id = ? "
                     "ORDER BY position, spec_key",
                     type->Int("id")));
  return std::optional<ProductType>(TypeOf(*type, defs));
}

Result<std::vector<SpecDef>> MariaDbProducts::SpecDefs(std::int64_t type_id) {
  TRY(defs, c_.Query("SELECT spec_key, kind, required FROM spec_defs WHERE product_type_id = ? ORDER BY spec_key", type_id));
  std::vector<SpecDef> out;
  for (const auto& d : defs) out.push_back({d.Text("spec_key"), ParseSpecKind(d.Text("kind")).value_or(SpecKind::text), d.Bool("required")});
  return out;
}

Result<std::int64_t> MariaDbProducts::InsertType(std::string_view code, std::string_view name) {
  TRY(ins, c_.Execute("INSERT INTO product_types (code, name) VALUES (?, ?)", code, name));
  return static_cast<std::int64_t>(ins.last_insert_id);
}

Status MariaDbProducts::InsertSpecDef(std::int64_t type_id, const SpecDefinition& d, std::int64_t position) {
  TRY_STATUS(c_.Execute("INSERT INTO spec_defs (product_type_id, spec_key, name, kind, unit, required, position) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        type_id, d.key, d.name, NameOf(d.kind), d.unit, d.required, position));
  return {};
}

Result<bool> MariaDbProducts::UpdateType(std::int64_t type_id, std::string_view name, std::int64_t version) {
  TRY(upd, c_.Execute("UPDATE product_types SET name = ?, version = version + 1 WHERE id = ? AND version = ?", name, type_id, version));
  return upd.affected_rows > 0;
}

Status MariaDbProducts::DeleteSpecDefs(std::int64_t type_id) {
  TRY_STATUS(c_.Execute("DELETE FROM spec_defs WHERE product_type_id = ?", type_id));
  return {};
}

Result<TypeUsage> MariaDbProducts::UsageOfType(std::int64_t type_id) {
  TypeUsage usage;
  TRY(count, c_.QueryOne("SELECT COUNT(*) AS n FROM products WHERE product_type_id = ?", type_id));
  usage.products = count->Int("n");
  TRY(rows, c_.Query("SELECT s.spec_key, COUNT(*) AS n FROM product_specs s JOIN products p ON p.id = s.product_id "
                     "WHERE p.product_type_id = ? GROUP BY s.spec_key",
                     type_id));
  for (const auto& r : rows) usage.values.emplace_back(r.Text("spec_key"), r.Int("n"));
  return usage;
}

Result<std::vector<ProductId>> MariaDbProducts::ProductsOfType(std::int64_t type_id) {
  TRY(rows, c_.Query("SELECT id FROM products WHERE product_type_id = ?", type_id));
  std::vector<ProductId> out;
  for (const auto& r : rows) out.emplace_back(r.Text("id"));
  return out;
}

Status MariaDbProducts::InsertVariant(const ProductId& product, const NewVariant& v, TimePoint now) {
  TRY(pos, c_.QueryOne("SELECT COALESCE(MAX(position), -1) + 1 AS p FROM variants WHERE product_id = ?", product.value()));
  TRY_STATUS(c_.Execute("INSERT INTO variants (sku, product_id, options, price_minor, currency, position, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        v.sku.value(), product.value(), OptionsJson(v.options), v.price_minor, v.currency, pos->Int("p"), db::ToDbTime(now)));
  return {};
}

Result<std::optional<ProductId>> MariaDbProducts::ProductOfSku(const Sku& sku) {
  TRY(row, c_.QueryOne("SELECT product_id FROM variants WHERE sku = ?", sku.value()));
  if (!row) return std::optional<ProductId>{};
  return std::optional<ProductId>(ProductId(row->Text("product_id")));
}

Result<std::vector<SkuOffer>> MariaDbProducts::Offers(const std::vector<Sku>& skus) {
  std::vector<SkuOffer> out;
  if (skus.empty()) return out;
  std::string marks;
  std::vector<db::Param> params;
  for (const auto& sku : skus) {
    marks += marks.empty() ? "?" : ",?";
    params.emplace_back(sku.value());
  }
  TRY(rows, c_.QueryParams(
                fmt::format("SELECT v.sku, v.product_id, p.slug, p.title, v.options, v.price_minor, v.currency, p.status, "
                            "COALESCE(s.on_hand - s.reserved, 0) AS available, "
                            "(SELECT i.path FROM images i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image "
                            "FROM variants v JOIN products p ON p.id = v.product_id LEFT JOIN stock s ON s.sku = v.sku "
                            "WHERE v.sku IN ({}) ORDER BY v.sku",
                            marks),
                params));
  for (const auto& r : rows) {
    SkuOffer o{Sku(r.Text("sku")), ProductId(r.Text("product_id")), r.Text("slug"), r.Text("title"), r.Text("currency"),
               sql::VariantOptionsOf(r.Text("options")), r.Int("price_minor"), ParseProductStatus(r.Text("status")).value_or(ProductStatus::draft),
               r.Int("available"), r.OptText("image")};
    out.push_back(std::move(o));
  }
  return out;
}

Status MariaDbProducts::UpdateVariant(const Sku& sku, const std::optional<VariantOptions>& options, std::optional<std::int64_t> price_minor) {
  std::optional<std::string> options_json;
  if (options) options_json = OptionsJson(*options);
  TRY_STATUS(c_.Execute("UPDATE variants SET options = COALESCE(?, options), price_minor = COALESCE(?, price_minor) WHERE sku = ?",
                        options_json, price_minor, sku.value()));
  return {};
}

Result<ImageRecord> MariaDbProducts::InsertImage(const ProductId& product, std::string_view path, std::string_view alt, int width,
                                                 int height, TimePoint now) {
  TRY(pos, c_.QueryOne("SELECT COALESCE(MAX(position), -1) + 1 AS p FROM images WHERE product_id = ?", product.value()));
  TRY(ins, c_.Execute("INSERT INTO images (product_id, position, alt, width, height, path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      product.value(), pos->Int("p"), alt, width, height, path, db::ToDbTime(now)));
  return ImageRecord{ImageId(static_cast<std::int64_t>(ins.last_insert_id)), std::string(path), std::string(alt), width, height,
                     pos->Int("p")};
}

Result<std::optional<std::string>> MariaDbProducts::ImagePath(const ProductId& product, ImageId image) {
  TRY(row, c_.QueryOne("SELECT path FROM images WHERE id = ? AND product_id = ?", image.value(), product.value()));
  if (!row) return std::optional<std::string>{};
  return row->Text("path");
}

Status MariaDbProducts::DeleteImage(ImageId image) {
  TRY_STATUS(c_.Execute("DELETE FROM images WHERE id = ?", image.value()));
  return {};
}

}  // namespace store::catalog
