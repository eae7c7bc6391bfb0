#include "adapters/mariadb_catalog.hpp"
#include "adapters/sql.hpp"

namespace store::catalog {

namespace {

CategoryRecord RecordOf(const db::Row& r) {
  CategoryRecord c;
  c.id = CategoryId(r.Int("id"));
  if (auto p = r.OptInt("parent_id")) c.parent = CategoryId(*p);
  c.slug = r.Text("slug");
  c.name = r.Text("name");
  c.path = r.Text("path");
  c.position = r.Int("position");
  c.depth = r.Int("depth");
  c.version = r.Int("version");
  return c;
}

CategoryNode NodeOf(const db::Row& r) {
  CategoryNode n;
  n.id = CategoryId(r.Int("id"));
  if (auto p = r.OptInt("parent_id")) n.parent = CategoryId(*p);
  n.slug = r.Text("slug");
  n.name = r.Text("name");
  n.position = r.Int("position");
  return n;
}

constexpr std::string_view kRecord = "SELECT id, parent_id, slug, name, position, path, depth, version FROM categories ";

}  // namespace

Result<std::vector<CategoryNode>> MariaDbCategories::All() {
  TRY(rows, c_.Query("SELECT id, parent_id, slug, name, position, depth FROM categories ORDER BY depth, position, name"));
  std::vector<CategoryNode> out;
  for (const auto& r : rows) out.push_back(NodeOf(r));
  return out;
}

Result<std::optional<CategoryRecord>> MariaDbCategories::BySlug(std::string_view slug) {
  TRY(row, c_.QueryOne(std::string(kRecord) + "WHERE slug = ?", slug));
  if (!row) return std::optional<CategoryRecord>{};
  return RecordOf(*row);
}

Result<std::optional<CategoryRecord>> MariaDbCategories::ById(CategoryId id, Lock lock) {
  TRY(row, c_.QueryOne(std::string(kRecord) + "WHERE id = ?" + (lock == Lock::for_update ? " FOR UPDATE" : ""), id.value()));
  if (!row) return std::optional<CategoryRecord>{};
  return RecordOf(*row);
}

Result<std::vector<CategoryRef>> MariaDbCategories::Refs(const std::vector<std::int64_t>& ids) {
  std::vector<CategoryRef> out;
  if (ids.empty()) return out;
  std::vector<db::Param> params(ids.begin(), ids.end());
  TRY(rows, c_.QueryParams("SELECT id, slug, name FROM categories WHERE id IN (" + sql::Placeholders(ids.size()) + ") ORDER BY depth",
                           params));
  for (const auto& r : rows) out.push_back({CategoryId(r.Int("id")), r.Text("slug"), r.Text("name")});
  return out;
}

Result<std::vector<CategoryNode>> MariaDbCategories::Children(CategoryId id) {
  TRY(rows, c_.Query("SELECT id, parent_id, slug, name, position FROM categories WHERE parent_id = ? ORDER BY position, name", id.value()));
  std::vector<CategoryNode> out;
  for (const auto& r : rows) out.push_back(NodeOf(r));
  return out;
}

Result<CategoryId> MariaDbCategories::Insert(const NewCategory& category, TimePoint now) {
  std::optional<std::int64_t> parent;
  if (category.parent) parent = category.parent->value();
  std::string at = db::ToDbTime(now);
  TRY(ins, c_.Execute("INSERT INTO categories (parent_id, slug, name, position, depth, path, created_at, updated_at) "
                      "VALUES (?, ?, ?, ?, ?, '', ?, ?)",
                      parent, category.slug, category.name, category.position, category.depth, at, at));
  return CategoryId(static_cast<std::int64_t>(ins.last_insert_id));
}

Status MariaDbCategories::SetPath(CategoryId id, std::string_view path) {
  TRY_STATUS(c_.Execute("UPDATE categories SET path = ? WHERE id = ?", path, id.value()));
  return {};
}

Status MariaDbCategories::Update(CategoryId id, const CategoryUpdate& u, TimePoint now) {
  std::optional<std::int64_t> parent;
  if (u.parent) parent = u.parent->value();
  TRY_STATUS(c_.Execute("UPDATE categories SET name = COALESCE(?, name), slug = COALESCE(?, slug), "
                        "position = COALESCE(?, position), parent_id = ?, version = version + 1, updated_at = ? WHERE id = ?",
                        u.name, u.slug, u.position, parent, db::ToDbTime(now), id.value()));
  return {};
}

Status MariaDbCategories::MoveSubtree(std::string_view old_path, std::string_view new_path, std::int64_t depth_delta) {
  TRY_STATUS(c_.Execute("UPDATE categories SET path = CONCAT(?, SUBSTRING(path, ?)), depth = depth + ? WHERE path LIKE ?", new_path,
                        static_cast<std::int64_t>(old_path.size() + 1), depth_delta, std::string(old_path) + "%"));
  return {};
}

Result<std::vector<ProductId>> MariaDbCategories::ProductsUnder(std::string_view path) {
  TRY(rows, c_.Query("SELECT p.id FROM products p JOIN categories c ON c.id = p.category_id WHERE c.path LIKE ?", std::string(path) + "%"));
  std::vector<ProductId> out;
  for (const auto& r : rows) out.emplace_back(r.Text("id"));
  return out;
}

Result<bool> MariaDbCategories::HasChildrenOrProducts(CategoryId id) {
  TRY(kids, c_.QueryOne("SELECT COUNT(*) AS n FROM categories WHERE parent_id = ?", id.value()));
  TRY(products, c_.QueryOne("SELECT COUNT(*) AS n FROM products WHERE category_id = ?", id.value()));
  return kids->Int("n") > 0 || products->Int("n") > 0;
}

Status MariaDbCategories::Delete(CategoryId id) {
  TRY_STATUS(c_.Execute("DELETE FROM categories WHERE id = ?", id.value()));
  return {};
}

}  // namespace store::catalog
