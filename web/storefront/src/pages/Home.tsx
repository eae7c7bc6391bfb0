import { useApi, useTitle } from "@shared/useApi";
import { ProductCard, Item } from "../components/ProductCard";
import { ErrorNote } from "@shared/Status";

type Category = { id: number; slug: string; name: string; children: Category[] };

export function Home() {
  useTitle("Electronics and outdoor gear");
  const tree = useApi<{ categories: Category[] }>("/catalog/v1/categories");
  const newest = useApi<{ items: Item[] }>("/catalog/v1/search?sort=newest&in_stock=true&size=8");
  return (
    <div class="wrap">
      <section class="hero">
        <h1>Everything you need, delivered fast</h1>
        <p>Phones, laptops, wearables and gear for the outdoors — with honest stock and prices.</p>
      </section>
      <section aria-labelledby="cats">
        <h2 id="cats">Shop by category</h2>
        <ErrorNote error={tree.error} />
        <ul class="category-grid">
          {tree.data?.categories.map((c) => (
            <li key={c.id}>
              <a href={`/c/${c.slug}`} class="category-tile">
                <strong>{c.name}</strong>
                <span>{c.children.map((s) => s.name).join(" · ")}</span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="new">
        <h2 id="new">New in</h2>
        <ErrorNote error={newest.error} />
        <ul class="grid">
          {newest.data?.items.map((i, n) => <ProductCard key={i.slug} item={i} eager={n < 4} />)}
        </ul>
      </section>
    </div>
  );
}
