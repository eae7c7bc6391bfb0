// Low stock: the SKUs of active products with few units available (at most the threshold in the
// URL, the catalog's stock.low_threshold by default), fewest first; a delivery received (or any
// change with its reason) right from the list, each linked to its product.
import { useUrlFilters } from "../filters";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { formatOptions } from "../variants";
import { AdjustStock } from "../stock";

type Item = {
  sku: string;
  product_id: string;
  title: string;
  options: Record<string, string>;
  on_hand: number;
  reserved: number;
  available: number;
};
type Page = { items: Item[]; total: number; threshold: number; page: number; pages: number };

export function StockPage() {
  useTitle("Low stock");
  const f = useUrlFilters(["threshold"]);
  const pageNo = Number(f.query.page ?? "1") || 1;
  const list = useApi<Page>(`/catalog/v1/admin/stock/low?per_page=50&page=${pageNo}&${f.applied}`);
  const data = list.data;
  return (
    <>
      <h1>Low stock</h1>
      <form class="admin-search" onSubmit={f.apply} aria-label="Low stock threshold">
        <label for="s-threshold">At most this many available</label>
        <input id="s-threshold" type="number" min={0} value={f.typed.threshold} placeholder={data ? String(data.threshold) : ""}
          onInput={(e) => f.set("threshold")(e.currentTarget.value)} />
        <button type="submit">Show</button>
      </form>
      <ErrorNote error={list.error} />
      {!data && !list.error && <Loading />}
      {data && data.items.length === 0 && <p class="empty">No active product has {data.threshold} or fewer units available.</p>}
      {data && data.items.length > 0 && (
        <>
          <p class="muted">
            {data.total} {data.total === 1 ? "SKU" : "SKUs"} with {data.threshold} or fewer available · page {data.page} of {data.pages}
          </p>
          <table class="admin-table">
            <caption class="visually-hidden">SKUs with few units available, fewest first</caption>
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col">Product</th>
                <th scope="col">Options</th>
                <th scope="col">On hand</th>
                <th scope="col">Reserved</th>
                <th scope="col">Available</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((i) => (
                <tr key={i.sku}>
                  <th scope="row">{i.sku}</th>
                  <td><a href={`/admin/products/${i.product_id}`}>{i.title}</a></td>
                  <td>{formatOptions(i.options)}</td>
                  <td>{i.on_hand}</td>
                  <td>{i.reserved}</td>
                  <td>{i.available}</td>
                  <td><AdjustStock sku={i.sku} onDone={list.reload} /></td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="Pages">
            {data.page > 1 && <a href={f.at({ page: String(data.page - 1) })}>Previous page</a>}
            {data.page < data.pages && <a href={f.at({ page: String(data.page + 1) })}>Next page</a>}
          </nav>
        </>
      )}
    </>
  );
}
