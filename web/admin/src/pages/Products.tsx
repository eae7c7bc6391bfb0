// Catalog: every product of any status (the catalog's admin list), found by a part of its title or
// slug or a whole SKU, narrowed by status and category (the filters in the URL), a page at a time;
// one product to edit (ProductPage).
import { money, type Money } from "@shared/api";
import { useUrlFilters } from "../filters";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";

type Summary = {
  id: string;
  slug: string;
  title: string;
  status: "draft" | "active" | "archived";
  brand: string | null;
  price_min: Money | null;
  price_max: Money | null;
  in_stock: boolean;
};
type Page = { items: Summary[]; page: number; pages: number; total: number };
type Node = { slug: string; name: string; children: Node[] };

/** The category tree as options, indented by depth. */
function flatten(nodes: Node[], depth = 0): { slug: string; label: string }[] {
  return nodes.flatMap((n) => [{ slug: n.slug, label: `${"— ".repeat(depth)}${n.name}` }, ...flatten(n.children, depth + 1)]);
}

export function ProductsPage() {
  useTitle("Products");
  const f = useUrlFilters(["q", "status", "category"]);
  const categories = useApi<{ categories: Node[] }>("/catalog/v1/categories");
  const pageNo = Number(f.query.page ?? "1") || 1;
  const list = useApi<Page>(`/catalog/v1/admin/products?per_page=50&page=${pageNo}&${f.applied}`);
  const at = (n: number) => f.at({ page: String(n) });
  const data = list.data;
  return (
    <>
      <div class="page-actions">
        <h1>Products</h1>
        <a href="/admin/products/new">New product</a>
      </div>
      <form class="admin-search" onSubmit={f.apply} aria-label="Find products">
        <label for="p-q">Title, slug or SKU</label>
        <input id="p-q" value={f.typed.q} onInput={(e) => f.set("q")(e.currentTarget.value)} />
        <label for="p-status">Status</label>
        <select id="p-status" value={f.typed.status} onChange={(e) => f.set("status")(e.currentTarget.value)}>
          <option value="">any</option>
          <option value="draft">draft</option>
          <option value="active">active</option>
          <option value="archived">archived</option>
        </select>
        <label for="p-category">Category</label>
        <select id="p-category" value={f.typed.category} onChange={(e) => f.set("category")(e.currentTarget.value)}>
          <option value="">any</option>
          {flatten(categories.data?.categories ?? []).map((c) => (
            <option key={c.slug} value={c.slug}>
              {c.label}
            </option>
          ))}
        </select>
        <button class="primary" type="submit">
          Find
        </button>
      </form>
      <ErrorNote error={list.error} />
      {!data && !list.error && <Loading />}
      {data && data.items.length === 0 && <p class="empty">No product matches.</p>}
      {data && data.items.length > 0 && (
        <>
          <p class="muted">
            {data.total} {data.total === 1 ? "product" : "products"} · page {data.page} of {data.pages}
          </p>
          <table class="admin-table">
            <caption class="visually-hidden">Products, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col">Brand</th>
                <th scope="col">Price</th>
                <th scope="col">Stock</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((p) => (
                <tr key={p.id}>
                  <td>
                    <a href={`/admin/products/${p.id}`}>{p.title}</a>
                  </td>
                  <td>{p.status}</td>
                  <td>{p.brand ?? ""}</td>
                  <td>
                    {money(p.price_min)}
                    {p.price_max && p.price_max.minor !== p.price_min?.minor ? ` – ${money(p.price_max)}` : ""}
                  </td>
                  <td>{p.in_stock ? "in stock" : "out of stock"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="Pages">
            {data.page > 1 && <a href={at(data.page - 1)}>Previous page</a>}
            {data.page < data.pages && <a href={at(data.page + 1)}>Next page</a>}
          </nav>
        </>
      )}
    </>
  );
}
