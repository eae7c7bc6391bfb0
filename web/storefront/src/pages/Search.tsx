// Search results and category pages: one product grid with facets that combine, a sort and pages,
// every state a real URL (the back button and a shared link restore the same results).
import { useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { Money } from "@shared/api";
import { useApi, useTitle } from "@shared/useApi";
import { Item, ProductCard } from "../components/ProductCard";
import { ErrorNote, Loading } from "@shared/Status";
import { NotFound } from "./NotFound";
import { Breadcrumbs, categoryTrail } from "../components/Breadcrumbs";

type Bucket = { key: string; count: number; selected: boolean };
type Result = {
  query: string;
  total: number;
  page: number;
  pages: number;
  sort: string;
  items: (Item & { price_min: Money })[];
  did_you_mean: string | null;
  facets: {
    category: { id: number; slug: string; name: string; depth: number; count: number; parent_id: number | null }[];
    brand: { slug: string; name: string; count: number; selected: boolean }[];
    price: (Bucket & { from: number; to?: number })[];
    in_stock: { value: boolean; count: number }[];
    specs: { key: string; name: string; values: { value: string; count: number }[] }[];
  };
};
type CategoryInfo = { id: number; slug: string; name: string; breadcrumbs: { slug: string; name: string }[] };

const PARAMS = /^(q|brand|price|in_stock|sort|page|spec\.[a-z0-9_]+)$/;

/** The query string of the page's own state: only the keys the search understands. */
function own(query: Record<string, string>): URLSearchParams {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (PARAMS.test(k) && v) p.set(k, v);
  return p;
}

export function SearchPage() {
  const { query } = useLocation();
  const params = own(query);
  const q = params.get("q") ?? "";
  useTitle(q ? `“${q}”` : "All products");
  return <Results base="/search" params={params} heading={q ? `Results for “${q}”` : "All products"} />;
}

export function CategoryPage() {
  const { params: route } = useRoute();
  const { query } = useLocation();
  const info = useApi<CategoryInfo>(`/catalog/v1/categories/${encodeURIComponent(route.slug)}`);
  const c = info.data;
  useTitle(c?.name);
  if (info.error?.status === 404) return <NotFound />;
  if (info.error) return <div class="wrap"><ErrorNote error={info.error} /></div>;
  if (!c) return <div class="wrap"><Loading /></div>;
  return (
    <Results
      base={`/c/${c.slug}`}
      params={own(query)}
      category={c.id}
      heading={c.name}
      crumbs={c.breadcrumbs.slice(0, -1)}
    />
  );
}

function Results(props: {
  base: string;
  params: URLSearchParams;
  heading: string;
  category?: number;
  crumbs?: { slug: string; name: string }[];
}) {
  const { base, params } = props;
  const api = new URLSearchParams(params);
  if (props.category) api.set("category", String(props.category));
  api.set("size", "24");
  const res = useApi<Result>(`/catalog/v1/search?${api}`);
  const { route } = useLocation();
  const r = res.data;
  const cats = r ? categoryTree(r.facets.category, props.category) : [];

  /** The URL with `key` toggled to include/exclude `value` (comma-separated lists), back on page 1. */
  const toggle = (key: string, value: string) => {
    const p = new URLSearchParams(params);
    const list = (p.get(key) ?? "").split(",").filter(Boolean);
    const next = list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
    next.length ? p.set(key, next.join(",")) : p.delete(key);
    p.delete("page");
    return link(base, p);
  };
  const has = (key: string, value: string) => (params.get(key) ?? "").split(",").includes(value);
  const withParam = (key: string, value: string | null) => {
    const p = new URLSearchParams(params);
    value === null ? p.delete(key) : p.set(key, value);
    if (key !== "page") p.delete("page");
    return link(base, p);
  };

  return (
    <div class="wrap">
      {props.crumbs && <Breadcrumbs trail={categoryTrail(props.crumbs)} />}
      <div class="results-head">
        <h1>{props.heading}</h1>
        {r && (
          <p class="count" role="status">
            {r.total.toLocaleString()} {r.total === 1 ? "product" : "products"}
          </p>
        )}
        <form class="sort" onSubmit={(e) => e.preventDefault()}>
          <label for="sort">Sort by</label>
          <select
            id="sort"
            value={params.get("sort") ?? "relevance"}
            onChange={(e) => route(withParam("sort", e.currentTarget.value))}
          >
            <option value="relevance">Relevance</option>
            <option value="price_asc">Price: low to high</option>
            <option value="price_desc">Price: high to low</option>
            <option value="newest">Newest</option>
          </select>
        </form>
      </div>
      <ErrorNote error={res.error} />
      {r && r.total === 0 && (
        <div class="empty">
          <p>No products match{params.get("q") ? ` “${params.get("q")}”` : ""}.</p>
          {r.did_you_mean && (
            <p>
              Did you mean <a href={withParam("q", r.did_you_mean)}>{r.did_you_mean}</a>?
            </p>
          )}
        </div>
      )}
      {r && (
        <div class="results">
          <aside class="facets" aria-label="Filters">
            {cats.length > 0 && (
              <Facet title={props.category ? "Narrow down" : "Category"} more={cats.length}>
                {cats.map(({ c, level }) => (
                  <li key={c.id} class={`depth-${Math.min(level, 3)}`}>
                    <a href={withParam("page", null).replace(base, `/c/${c.slug}`)}>
                      {c.name} <span class="n">{c.count}</span>
                    </a>
                  </li>
                ))}
              </Facet>
            )}
            <Facet title="Brand" more={r.facets.brand.length}>
              {r.facets.brand.map((b) => (
                <Check key={b.slug} href={toggle("brand", b.slug)} on={has("brand", b.slug)} label={b.name} n={b.count} />
              ))}
            </Facet>
            <Facet title="Price">
              {r.facets.price
                .filter((p) => p.count > 0 || p.selected)
                .map((p) => (
                  <Check key={p.key} href={toggle("price", p.key)} on={has("price", p.key)} label={priceLabel(p, r)} n={p.count} />
                ))}
            </Facet>
            <Facet title="Availability">
              <Check
                href={withParam("in_stock", params.get("in_stock") ? null : "true")}
                on={params.get("in_stock") === "true"}
                label="In stock only"
                n={r.facets.in_stock.find((s) => s.value)?.count ?? 0}
              />
            </Facet>
            {r.facets.specs.map((s) => (
              <Facet key={s.key} title={s.name} more={s.values.length}>
                {s.values.map((v) => (
                  <Check
                    key={v.value}
                    href={toggle(`spec.${s.key}`, v.value)}
                    on={has(`spec.${s.key}`, v.value)}
                    label={v.value}
                    n={v.count}
                  />
                ))}
              </Facet>
            ))}
          </aside>
          <section aria-label="Products">
            <ul class="grid">
              {r.items.map((i, n) => (
                <ProductCard key={i.slug} item={i} eager={n < 4} />
              ))}
            </ul>
            {r.pages > 1 && (
              <nav class="pages" aria-label="Pages">
                {r.page > 1 && <a href={withParam("page", String(r.page - 1))}>← Previous</a>}
                <span>
                  Page {r.page} of {r.pages}
                </span>
                {r.page < r.pages && <a href={withParam("page", String(r.page + 1))}>Next →</a>}
              </nav>
            )}
          </section>
        </div>
      )}
      {!r && !res.error && <Loading />}
    </div>
  );
}

function link(base: string, p: URLSearchParams) {
  const s = p.toString();
  return s ? `${base}?${s}` : base;
}

function priceLabel(p: { from: number; to?: number }, r: Result) {
  const currency = r.items[0]?.price_min.currency ?? "EUR";
  const f = (minor: number) =>
    new Intl.NumberFormat(undefined, { style: "currency", currency, maximumFractionDigits: 0 }).format(minor / 100);
  return p.to === undefined ? `${f(p.from)} and up` : `${f(p.from)} – ${f(p.to)}`;
}

type CategoryFacet = Result["facets"]["category"][number];

/** The category facet in tree order (each category under its parent, indented by its level). On a
 * category's page: its subcategories only (what narrows the page down), their children under them. */
function categoryTree(all: CategoryFacet[], current?: number): { c: CategoryFacet; level: number }[] {
  const children = new Map<number | null, CategoryFacet[]>();
  const known = new Set(all.map((c) => c.id));
  for (const c of all) {
    const parent = c.parent_id !== null && known.has(c.parent_id) ? c.parent_id : null;
    children.set(parent, [...(children.get(parent) ?? []), c]);
  }
  const out: { c: CategoryFacet; level: number }[] = [];
  const walk = (parent: number | null, level: number) => {
    for (const c of (children.get(parent) ?? []).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))) {
      out.push({ c, level });
      walk(c.id, level + 1);
    }
  };
  walk(current ?? null, 0);
  return out;
}

const SHOWN = 8; // a long facet shows this many values (and every selected one) until asked for all

function Facet({ title, children, more }: { title: string; children: preact.ComponentChildren; more?: number }) {
  const [all, setAll] = useState(false);
  const items = Array.isArray(children) ? children : [children];
  const long = more !== undefined && more > SHOWN + 2;
  const shown = long && !all ? items.filter((item, i) => i < SHOWN || isSelected(item)) : items;
  return (
    <details open class="facet">
      <summary>{title}</summary>
      <ul>{shown}</ul>
      {long && (
        <button type="button" class="link" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? "Show fewer" : `Show all ${more}`}
        </button>
      )}
    </details>
  );
}

// A <Check> that is on (its value is among the filters): always shown.
const isSelected = (item: unknown) => (item as { props?: { on?: boolean } })?.props?.on === true;

function Check({ href, on, label, n }: { href: string; on: boolean; label: string; n: number }) {
  return (
    <li>
      <a href={href} class={on ? "check on" : "check"} role="checkbox" aria-checked={on}>
        {label} <span class="n">{n}</span>
      </a>
    </li>
  );
}
