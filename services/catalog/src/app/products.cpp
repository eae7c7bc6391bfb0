#include "app/products.hpp"

#include "app/product_changes.hpp"
#include "domain/text.hpp"
#include "store/core/ids.hpp"
#include "store/core/text.hpp"
#include "store/log/log.hpp"

namespace store::catalog {

using core::Errc;
using core::Error;
using core::Fail;

namespace {

Error Invalid(std::vector<core::FieldError> errors) { return Error::Invalid("the product has invalid fields", std::move(errors)); }

Result<ProductView> Reload(CatalogTx& tx, const ProductId& id) {
  TRY(view, tx.products().ById(id));
  if (!view) return Fail(Errc::not_found, "no such product");
  return std::move(*view);
}

// Creates the variant's row and its stock row.
Status InsertVariantWithStock(CatalogTx& tx, const ProductId& product, const VariantInput& v, const std::string& currency,
                              TimePoint now, const std::string& sku_field) {
  auto r = tx.products().InsertVariant(product, {v.sku, v.options, v.price_minor.value_or(0), currency}, now);
  if (!r && r.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a variant with this SKU exists", {{sku_field, sku_field == "sku" ? "is taken" : v.sku.value() + " is taken"}}});
  if (!r) return r;
  return tx.inventory().InsertStock(v.sku, product, v.on_hand, now);
}

}  // namespace

Result<std::optional<ProductView>> FindProduct(CatalogTx& tx, const std::string& key) {
  if (core::IsUuid(key)) {
    TRY(byid, tx.products().ById(ProductId(key)));
    if (byid) return byid;
  }
  return tx.products().BySlug(key);
}

awaitable<Result<CachedPage>> GetProductPageHandler::operator()(const GetProductPage& q) const {
  auto hit = co_await cache.Get(q.id_or_slug);
  if (hit && *hit) co_return CachedPage{std::move(**hit), true};
  auto query = [&](CatalogTx& tx) -> Result<ProductView> {
    TRY(view, FindProduct(tx, q.id_or_slug));
    if (!view || view->status != ProductStatus::active) return Fail(Errc::not_found, "no such product");
    return std::move(*view);
  };
  CO_TRY(view, co_await RunRead<ProductView>(ctx, query));
  CachedPage page{render(view), false};
  if (hit) {  // the cache answered: store the page (a cache outage only costs the cache)
    auto stored = co_await cache.Put(q.id_or_slug, page.body);
    if (!stored) log::Warn("page cache write failed", {{"error", stored.error().message}});
  }
  co_return page;
}

awaitable<Result<std::vector<SkuOffer>>> GetOffersHandler::operator()(const GetOffers& q) const {
  auto query = [&](CatalogTx& tx) -> Result<std::vector<SkuOffer>> { return tx.products().Offers(q.skus); };
  co_return co_await RunRead<std::vector<SkuOffer>>(ctx, query);
}

awaitable<Result<ProductView>> GetProductHandler::operator()(const GetProduct& q) const {
  auto query = [&](CatalogTx& tx) -> Result<ProductView> {
    TRY(view, FindProduct(tx, q.id_or_slug));
    if (!view) return Fail(Errc::not_found, "no such product");
    return std::move(*view);
  };
  co_return co_await RunRead<ProductView>(ctx, query);
}

awaitable<Result<ProductList>> ListProductsHandler::operator()(const ListProducts& q) const {
  std::vector<core::FieldError> errors;
  ProductListQuery query;
  query.q = q.q;
  if (!core::Utf8Length(q.q) || *core::Utf8Length(q.q) > 100) errors.push_back({"q", "must be at most 100 characters of text"});
  if (!q.status.empty()) {
    query.status = ParseProductStatus(q.status);
    if (!query.status) errors.push_back({"status", "must be one of draft, active, archived"});
  }
  if (q.page < 1 || q.page > 10000) errors.push_back({"page", "must be within 1..10000"});
  if (q.per_page < 1 || q.per_page > 200) errors.push_back({"per_page", "must be within 1..200"});
  if (!errors.empty()) co_return std::unexpected(Error::Invalid("invalid listing parameters", errors));
  query.limit = q.per_page;
  query.offset = (q.page - 1) * q.per_page;
  auto read = [&](CatalogTx& tx) -> Result<ProductList> {
    if (!q.category.empty()) {
      TRY(category, tx.categories().BySlug(q.category));
      if (!category) return Fail(Errc::not_found, "no such category");
      query.path = category->path;
    }
    TRY(found, tx.products().List(query));
    return ProductList{std::move(found.items), q.page, q.per_page, found.total};
  };
  co_return co_await RunRead<ProductList>(ctx, read);
}

Result<Changed<ProductView>> CreateProductHandler::Apply(CatalogTx& tx, const CreateProduct& cmd) const {
  auto& products = tx.products();
  std::vector<core::FieldError> errors;
  TRY(type, products.TypeByCode(cmd.product_type));
  if (!type) errors.push_back({"product_type", "no such product type"});
  TRY(category, tx.categories().ById(cmd.category, Lock::none));
  if (!category) errors.push_back({"category_id", "no such category"});
  std::string slug = cmd.slug ? *cmd.slug : Slugify(cmd.title);
  if (slug.empty()) errors.push_back({"slug", "cannot be derived from the title"});
  if (!errors.empty()) return std::unexpected(Invalid(std::move(errors)));
  TRY(defs, products.SpecDefs(type->id));
  auto spec_writes = ValidateSpecs(defs, cmd.specs, /*creating=*/true, errors);
  if (!errors.empty()) return std::unexpected(Invalid(std::move(errors)));

  ProductId id(core::NewUuid());
  auto md = RenderMarkdown(cmd.description);
  std::optional<std::int64_t> brand_id;
  if (cmd.brand) {
    std::string brand_slug = Slugify(*cmd.brand);
    if (brand_slug.empty()) return std::unexpected(Error::Invalid("invalid brand", {{"brand", "must contain letters or digits"}}));
    TRY(brand, products.EnsureBrand(brand_slug, *cmd.brand));
    brand_id = brand.id;
  }
  auto now = ctx.clock.Now();
  auto inserted = products.Insert({id, slug, cmd.title, cmd.description, md.html, md.text, ctx.settings.currency, brand_id, type->id,
                                   cmd.category, cmd.status, cmd.model_line},
                                  now);
  if (!inserted && inserted.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a product with this slug exists", {{"slug", "is taken"}}});
  if (!inserted) return std::unexpected(inserted.error());
  TRY_STATUS(products.WriteSpecs(id, spec_writes));
  std::int64_t in_stock_skus = 0;
  for (std::size_t i = 0; i < cmd.variants.size(); ++i) {
    const auto& v = cmd.variants[i];
    // Named like the request's own checks (http/commands.cpp): variants[i].sku.
    TRY_STATUS(InsertVariantWithStock(tx, id, v, ctx.settings.currency, now, "variants[" + std::to_string(i) + "].sku"));
    if (v.on_hand > 0) ++in_stock_skus;
  }
  // Initial stock is part of the product's upsert (no stock.changed for it).
  if (in_stock_skus) TRY_STATUS(products.AdjustAvailableSkus(id, in_stock_skus));
  TRY(changes, RepublishProduct(tx, id, now, cmd.trace));
  TRY(view, Reload(tx, id));
  return Changed<ProductView>{std::move(view), std::move(changes)};
}

awaitable<Result<ProductView>> CreateProductHandler::operator()(const CreateProduct& cmd) const {
  auto apply = [&](CatalogTx& tx) { return Apply(tx, cmd); };
  co_return co_await RunWrite<ProductView>(ctx, apply);
}

Result<Changed<ProductView>> UpdateProductHandler::Apply(CatalogTx& tx, const UpdateProduct& cmd) const {
  auto& products = tx.products();
  TRY(row, products.Lock(cmd.id));
  if (!row) return Fail(Errc::not_found, "no such product");
  TRY_STATUS(CheckVersion(cmd.if_match, cmd.body_version, row->version, "the product"));
  std::vector<core::FieldError> errors;
  if (cmd.category) {
    TRY(category, tx.categories().ById(*cmd.category, Lock::none));
    if (!category) errors.push_back({"category_id", "no such category"});
  }
  if (!errors.empty()) return std::unexpected(Invalid(std::move(errors)));
  if (cmd.specs) {
    TRY(defs, products.SpecDefs(row->type_id));
    auto writes = ValidateSpecs(defs, *cmd.specs, /*creating=*/false, errors);
    if (!errors.empty()) return std::unexpected(Invalid(std::move(errors)));
    TRY_STATUS(products.WriteSpecs(cmd.id, writes));
  }
  ProductUpdate update{cmd.title,     cmd.slug,   cmd.description, std::nullopt,   std::nullopt,          std::nullopt,
                       cmd.clear_brand, cmd.category, cmd.status,  cmd.model_line, cmd.clear_model_line};
  if (cmd.description) {
    auto md = RenderMarkdown(*cmd.description);
    update.description_html = std::move(md.html);
    update.description_text = std::move(md.text);
  }
  if (cmd.brand) {
    std::string brand_slug = Slugify(*cmd.brand);
    if (brand_slug.empty()) return std::unexpected(Error::Invalid("invalid brand", {{"brand", "must contain letters or digits"}}));
    TRY(brand, products.EnsureBrand(brand_slug, *cmd.brand));
    update.brand_id = brand.id;
  }
  auto updated = products.Update(cmd.id, update);
  if (!updated && updated.error().code == Errc::conflict)
    return std::unexpected(Error{Errc::conflict, "a product with this slug exists", {{"slug", "is taken"}}});
  if (!updated) return std::unexpected(updated.error());
  auto now = ctx.clock.Now();
  TRY(changes, RepublishProduct(tx, cmd.id, now, cmd.trace));
  changes.slugs.insert(row->slug);  // the old slug's cached page too
  TRY(view, Reload(tx, cmd.id));
  if (cmd.status == ProductStatus::archived && row->status != ProductStatus::archived)
    TRY_STATUS(tx.outbox().Publish(ProductArchived{cmd.id, row->slug, view.version, now}, cmd.trace));
  return Changed<ProductView>{std::move(view), std::move(changes)};
}

awaitable<Result<ProductView>> UpdateProductHandler::operator()(const UpdateProduct& cmd) const {
  auto apply = [&](CatalogTx& tx) { return Apply(tx, cmd); };
  co_return co_await RunWrite<ProductView>(ctx, apply);
}

Result<Changed<ProductView>> AddVariantHandler::Apply(CatalogTx& tx, const AddVariant& cmd) const {
  TRY(row, tx.products().Lock(cmd.product));
  if (!row) return Fail(Errc::not_found, "no such product");
  TRY_STATUS(CheckVersion(cmd.if_match, std::nullopt, row->version, "the product"));
  auto now = ctx.clock.Now();
  TRY_STATUS(InsertVariantWithStock(tx, cmd.product, cmd.variant, ctx.settings.currency, now, "sku"));
  Changes changes;
  if (cmd.variant.on_hand > 0) {
    StockLevel after{cmd.variant.on_hand, 0};
    TRY(ch, RecordStockMoves(tx, {{cmd.variant.sku, cmd.product, StockLevel{}, after, "admin", std::nullopt}}, now, cmd.trace));
    changes.Merge(ch);
  }
  TRY(ch, RepublishProduct(tx, cmd.product, now, cmd.trace));
  changes.Merge(ch);
  TRY(view, Reload(tx, cmd.product));
  return Changed<ProductView>{std::move(view), std::move(changes)};
}

awaitable<Result<ProductView>> AddVariantHandler::operator()(const AddVariant& cmd) const {
  auto apply = [&](CatalogTx& tx) { return Apply(tx, cmd); };
  co_return co_await RunWrite<ProductView>(ctx, apply);
}

Result<Changed<ProductView>> UpdateVariantHandler::Apply(CatalogTx& tx, const UpdateVariant& cmd) const {
  auto& products = tx.products();
  TRY(product, products.ProductOfSku(cmd.sku));
  if (!product) return Fail(Errc::not_found, "no such SKU");
  TRY(row, products.Lock(*product));
  if (!row) return Fail(Errc::not_found, "no such SKU");
  TRY_STATUS(CheckVersion(cmd.if_match, std::nullopt, row->version, "the product"));
  TRY_STATUS(products.UpdateVariant(cmd.sku, cmd.options, cmd.price_minor));
  TRY(changes, RepublishProduct(tx, *product, ctx.clock.Now(), cmd.trace));
  TRY(view, Reload(tx, *product));
  return Changed<ProductView>{std::move(view), std::move(changes)};
}

awaitable<Result<ProductView>> UpdateVariantHandler::operator()(const UpdateVariant& cmd) const {
  auto apply = [&](CatalogTx& tx) { return Apply(tx, cmd); };
  co_return co_await RunWrite<ProductView>(ctx, apply);
}

awaitable<Result<ImageRecord>> AddImageHandler::operator()(const AddImage& cmd) const {
  auto exists = [&](CatalogTx& tx) -> Result<bool> {
    TRY(slug, tx.products().SlugOf(cmd.product));
    return slug.has_value();
  };
  CO_TRY(found, co_await RunRead<bool>(ctx, exists));
  if (!found) co_return std::unexpected(Error::NotFound("no such product"));
  CO_TRY(stored, co_await media.Store(cmd.product, cmd.bytes));
  auto apply = [&](CatalogTx& tx) -> Result<Changed<ImageRecord>> {
    TRY(row, tx.products().Lock(cmd.product));
    if (!row) return Fail(Errc::not_found, "no such product");
    auto now = ctx.clock.Now();
    TRY(image, tx.products().InsertImage(cmd.product, stored.path, cmd.alt, stored.width, stored.height, now));
    TRY(changes, RepublishProduct(tx, cmd.product, now, cmd.trace));
    return Changed<ImageRecord>{std::move(image), std::move(changes)};
  };
  auto out = co_await RunWrite<ImageRecord>(ctx, apply);
  if (!out) media.Remove(stored.path);
  co_return out;
}

awaitable<Status> RemoveImageHandler::operator()(const RemoveImage& cmd) const {
  auto apply = [&](CatalogTx& tx) -> Result<Changed<std::string>> {
    TRY(path, tx.products().ImagePath(cmd.product, cmd.image));
    if (!path) return Fail(Errc::not_found, "no such image");
    TRY_STATUS(tx.products().DeleteImage(cmd.image));
    TRY(changes, RepublishProduct(tx, cmd.product, ctx.clock.Now(), cmd.trace));
    return Changed<std::string>{std::move(*path), std::move(changes)};
  };
  CO_TRY(path, co_await RunWrite<std::string>(ctx, apply));
  media.Remove(path);
  co_return Status{};
}

}  // namespace store::catalog
