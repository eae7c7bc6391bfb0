#include "app/product_changes.hpp"

#include <map>

namespace store::catalog {

using core::Errc;
using core::Fail;

Result<Changes> RepublishProduct(CatalogTx& tx, const ProductId& product, TimePoint now, const Trace& trace) {
  TRY(touched, tx.products().Touch(product, now));
  if (!touched) return Fail(Errc::not_found, "no such product");
  TRY(view, tx.products().ById(product));
  if (!view) return Fail(Errc::not_found, "no such product");
  Changes changes;
  changes.products.insert(product);
  changes.slugs.insert(view->slug);
  TRY_STATUS(tx.outbox().Publish(ProductUpserted{std::move(*view)}, trace));
  return changes;
}

Result<Changes> RecordStockMoves(CatalogTx& tx, const std::vector<StockMove>& moves, TimePoint now, const Trace& trace) {
  std::map<ProductId, std::int64_t> deltas;  // sorted: the products' lock order
  for (const auto& m : moves) deltas[m.product] += AvailableSkusDelta(m.before, m.after);
  Changes out;
  std::map<ProductId, bool> in_stock;
  for (const auto& [product, delta] : deltas) {
    TRY(skus, tx.products().AdjustAvailableSkus(product, delta));
    if (!skus) return Fail(Errc::internal, "stock of a missing product");
    in_stock[product] = skus->count > 0;
    out.products.insert(product);
    out.slugs.insert(skus->slug);
    if (InStockFlipped(skus->count - delta, skus->count)) {
      TRY(ch, RepublishProduct(tx, product, now, trace));
      out.Merge(ch);
    }
  }
  for (const auto& m : moves)
    TRY_STATUS(tx.outbox().Publish(StockChanged{m.sku, m.product, m.after, in_stock[m.product], m.reason, m.order_id}, trace));
  return out;
}

}  // namespace store::catalog
