#include "app/categories.hpp"

#include <map>

#include "app/product_changes.hpp"
#include "domain/text.hpp"

namespace store::catalog {

using core::Errc;
using core::Error;
using core::Fail;

std::string_view NameOf(BrowseSort sort) {
  switch (sort) {
    case BrowseSort::newest: return "newest";
    case BrowseSort::price_asc: return "price_asc";
    case BrowseSort::price_desc: return "price_desc";
    case BrowseSort::name: return "name";
  }
  return "newest";
}

std::optional<BrowseSort> ParseBrowseSort(std::string_view text) {
  for (auto s : {BrowseSort::newest, BrowseSort::price_asc, BrowseSort::price_desc, BrowseSort::name})
    if (NameOf(s) == text) return s;
  return std::nullopt;
}

awaitable<Result<std::vector<CategoryNode>>> GetCategoryTreeHandler::operator()() const {
  auto query = [&](CatalogTx& tx) -> Result<std::vector<CategoryNode>> {
    TRY(all, tx.categories().All());
    // Parents come before their children: attach each node under its parent, leaves up.
    std::map<std::int64_t, std::vector<CategoryNode>> children;
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      auto& kids = children[it->id.value()];
      it->children.assign(std::make_move_iterator(kids.rbegin()), std::make_move_iterator(kids.rend()));
      if (it->parent) children[it->parent->value()].push_back(std::move(*it));
    }
    std::vector<CategoryNode> roots;
    for (auto& node : all)
      if (!node.parent) roots.push_back(std::move(node));
    return roots;
  };
  co_return co_await RunRead<std::vector<CategoryNode>>(ctx, query);
}

Result<CategoryDetail> GetCategoryHandler::Apply(CatalogTx& tx, const GetCategory& q) const {
  auto& cats = tx.categories();
  TRY(row, cats.BySlug(q.slug));
  if (!row) return Fail(Errc::not_found, "no such category");
  TRY(crumbs, cats.Refs(PathIds(row->path)));
  TRY(kids, cats.Children(row->id));
  return CategoryDetail{std::move(*row), std::move(crumbs), std::move(kids)};
}

awaitable<Result<CategoryDetail>> GetCategoryHandler::operator()(const GetCategory& q) const {
  auto query = [&](CatalogTx& tx) { return Apply(tx, q); };
  co_return co_await RunRead<CategoryDetail>(ctx, query);
}

awaitable<Result<BrowsePage>> BrowseCategoryHandler::operator()(const BrowseCategory& q) const {
  auto sort = ParseBrowseSort(q.sort);
  std::vector<core::FieldError> errors;
  if (!sort) errors.push_back({"sort", "must be one of price_asc, price_desc, newest, name"});
  if (q.page < 1 || q.page > 10000) errors.push_back({"page", "must be within 1..10000"});
  if (q.per_page < 1 || q.per_page > 100) errors.push_back({"per_page", "must be within 1..100"});
  if (!errors.empty()) co_return std::unexpected(Error::Invalid("invalid listing parameters", errors));
  auto query = [&](CatalogTx& tx) -> Result<BrowsePage> {
    TRY(category, GetCategoryHandler{ctx}.Apply(tx, {q.slug}));
    TRY(found, tx.products().Browse(category.category.path, *sort, q.per_page, (q.page - 1) * q.per_page));
    return BrowsePage{std::move(category), std::move(found.items), q.page, q.per_page, found.total, *sort};
  };
  co_return co_await RunRead<BrowsePage>(ctx, query);
}

awaitable<Result<std::vector<Brand>>> ListBrandsHandler::operator()() const {
  auto query = [&](CatalogTx& tx) { return tx.products().Brands(); };
  co_return co_await RunRead<std::vector<Brand>>(ctx, query);
}

awaitable<Result<std::vector<ProductType>>> ListProductTypesHandler::operator()() const {
  auto query = [&](CatalogTx& tx) { return tx.products().Types(); };
  co_return co_await RunRead<std::vector<ProductType>>(ctx, query);
}

Result<Changed<CategoryDetail>> CreateCategoryHandler::Apply(CatalogTx& tx, const CreateCategory& cmd) const {
  auto& cats = tx.categories();
  std::string slug = cmd.slug ? *cmd.slug : Slugify(cmd.name);
  if (slug.empty()) return std::unexpected(Error::Invalid("invalid category", {{"slug", "cannot be derived from the name"}}));
  std::string parent_path = "/";
  std::int64_t depth = 0;
  if (cmd.parent) {
    TRY(parent, cats.ById(*cmd.parent, Lock::none));
    if (!parent) return std::unexpected(Error::Invalid("invalid category", {{"parent_id", "no such category"}}));
    parent_path = parent->path;
    depth = parent->depth + 1;
  }
  auto id = cats.Insert({cmd.parent, slug, cmd.name, cmd.position, depth}, ctx.clock.Now());
  if (!id && id.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a category with this slug exists", {{"slug", "is taken"}}});
  if (!id) return std::unexpected(id.error());
  TRY_STATUS(cats.SetPath(*id, ChildPath(parent_path, id->value())));
  TRY(out, GetCategoryHandler{ctx}.Apply(tx, {slug}));
  return Changed<CategoryDetail>{std::move(out), {}};
}

awaitable<Result<CategoryDetail>> CreateCategoryHandler::operator()(const CreateCategory& cmd) const {
  auto apply = [&](CatalogTx& tx) { return Apply(tx, cmd); };
  co_return co_await RunWrite<CategoryDetail>(ctx, apply);
}

Result<Changed<CategoryDetail>> UpdateCategoryHandler::Apply(CatalogTx& tx, const UpdateCategory& cmd) const {
  auto& cats = tx.categories();
  TRY(row, cats.ById(cmd.id, Lock::for_update));
  if (!row) return Fail(Errc::not_found, "no such category");
  TRY_STATUS(CheckVersion(cmd.if_match, cmd.body_version, row->version, "the category"));
  std::string old_path = row->path, new_path = row->path;
  std::int64_t new_depth = row->depth;
  if (cmd.move && cmd.parent != row->parent) {
    std::string parent_path = "/";
    new_depth = 0;
    if (cmd.parent) {
      TRY(parent, cats.ById(*cmd.parent, Lock::none));
      if (!parent) return std::unexpected(Error::Invalid("invalid category", {{"parent_id", "no such category"}}));
      if (IsSelfOrDescendant(parent->path, old_path))
        return std::unexpected(
            Error{Errc::unprocessable, "a category cannot move under itself", {{"parent_id", "is this category or a descendant"}}});
      parent_path = parent->path;
      new_depth = parent->depth + 1;
    }
    new_path = ChildPath(parent_path, cmd.id.value());
  }
  auto updated = cats.Update(cmd.id, {cmd.name, cmd.slug, cmd.position, cmd.move ? cmd.parent : row->parent}, ctx.clock.Now());
  if (!updated && updated.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a category with this slug exists", {{"slug", "is taken"}}});
  if (!updated) return std::unexpected(updated.error());
  if (new_path != old_path) TRY_STATUS(cats.MoveSubtree(old_path, new_path, new_depth - row->depth));
  Changes changes;
  bool visible = (cmd.name && *cmd.name != row->name) || (cmd.slug && *cmd.slug != row->slug) || new_path != old_path;
  if (visible) {
    // Every product below shows this category in its breadcrumbs and its event.
    TRY(products, cats.ProductsUnder(new_path));
    for (const auto& p : products) {
      TRY(ch, RepublishProduct(tx, p, ctx.clock.Now(), std::nullopt));
      changes.Merge(ch);
    }
  }
  TRY(now, cats.ById(cmd.id, Lock::none));
  TRY(out, GetCategoryHandler{ctx}.Apply(tx, {now->slug}));
  return Changed<CategoryDetail>{std::move(out), std::move(changes)};
}

awaitable<Result<CategoryDetail>> UpdateCategoryHandler::operator()(const UpdateCategory& cmd) const {
  auto apply = [&](CatalogTx& tx) { return Apply(tx, cmd); };
  co_return co_await RunWrite<CategoryDetail>(ctx, apply);
}

awaitable<Status> DeleteCategoryHandler::operator()(const DeleteCategory& cmd) const {
  auto apply = [&](CatalogTx& tx) -> Result<Changed<bool>> {
    auto& cats = tx.categories();
    TRY(row, cats.ById(cmd.id, Lock::for_update));
    if (!row) return Fail(Errc::not_found, "no such category");
    TRY(used, cats.HasChildrenOrProducts(cmd.id));
    if (used) return Fail(Errc::conflict, "the category still has subcategories or products");
    TRY_STATUS(cats.Delete(cmd.id));
    return Changed<bool>{true, {}};
  };
  CO_TRY(done, co_await RunWrite<bool>(ctx, apply));
  (void)done;
  co_return Status{};
}

Result<ProductType> CreateProductTypeHandler::Apply(CatalogTx& tx, const CreateProductType& cmd) const {
  auto& products = tx.products();
  auto id = products.InsertType(cmd.code, cmd.name);
  if (!id && id.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a product type with this code exists", {{"code", "is taken"}}});
  if (!id) return std::unexpected(id.error());
  std::int64_t position = 0;
  for (const auto& def : cmd.specs) {
    auto r = products.InsertSpecDef(*id, def, position++);
    if (!r && r.error().code == Errc::conflict)
      return std::unexpected(Error::Invalid("duplicate spec key", {{"specs", "key " + def.key + " appears twice"}}));
    if (!r) return std::unexpected(r.error());
  }
  TRY(type, products.TypeByCode(cmd.code));
  if (!type) return Fail(Errc::internal, "created product type not found");
  return std::move(*type);
}

awaitable<Result<ProductType>> CreateProductTypeHandler::operator()(const CreateProductType& cmd) const {
  auto apply = [&](CatalogTx& tx) -> Result<Changed<ProductType>> {
    TRY(type, Apply(tx, cmd));
    return Changed<ProductType>{std::move(type), {}};
  };
  co_return co_await RunWrite<ProductType>(ctx, apply);
}

Result<Changed<ProductType>> UpdateProductTypeHandler::Apply(CatalogTx& tx, const UpdateProductType& cmd) const {
  auto& products = tx.products();
  TRY(type, products.TypeByCode(cmd.code));
  if (!type) return Fail(Errc::not_found, "no such product type");
  TRY_STATUS(CheckVersion(cmd.if_match, cmd.body_version, type->version, "the product type"));
  auto defs = [](const std::vector<SpecDefinition>& specs) {
    std::vector<SpecDef> out;
    for (const auto& d : specs) out.push_back({d.key, d.kind, d.required});
    return out;
  };
  TRY(usage, products.UsageOfType(type->id));
  std::vector<core::FieldError> errors;
  CheckTypeChange(defs(type->specs), defs(cmd.specs), usage, errors);
  if (!errors.empty()) return std::unexpected(Error::Unprocessable("the products of this type do not allow this change", std::move(errors)));
  TRY(updated, products.UpdateType(type->id, cmd.name, type->version));
  if (!updated) return Fail(Errc::conflict, "the product type changed since it was read (version)");
  TRY_STATUS(products.DeleteSpecDefs(type->id));
  std::int64_t position = 0;
  for (const auto& def : cmd.specs) {
    auto r = products.InsertSpecDef(type->id, def, position++);
    if (!r && r.error().code == Errc::conflict)
      return std::unexpected(Error::Invalid("duplicate spec key", {{"specs", "key " + def.key + " appears twice"}}));
    if (!r) return std::unexpected(r.error());
  }
  // A product's event carries each spec value's name and unit: when one of those changed, its
  // products are republished.
  bool labels_changed = false;
  for (const auto& old : type->specs)
    for (const auto& d : cmd.specs)
      if (d.key == old.key && (d.name != old.name || d.unit != old.unit)) labels_changed = true;
  Changes changes;
  if (labels_changed) {
    TRY(ids, products.ProductsOfType(type->id));
    for (const auto& id : ids) {
      TRY(ch, RepublishProduct(tx, id, ctx.clock.Now(), std::nullopt));
      changes.Merge(ch);
    }
  }
  TRY(now, products.TypeByCode(cmd.code));
  if (!now) return Fail(Errc::internal, "updated product type not found");
  return Changed<ProductType>{std::move(*now), std::move(changes)};
}

awaitable<Result<ProductType>> UpdateProductTypeHandler::operator()(const UpdateProductType& cmd) const {
  auto apply = [&](CatalogTx& tx) { return Apply(tx, cmd); };
  co_return co_await RunWrite<ProductType>(ctx, apply);
}

}  // namespace store::catalog
