import { Money, money } from "../api";

export type Item = {
  slug: string;
  title: string;
  image_url?: string | null;
  price_min: Money;
  price_max: Money;
  in_stock: boolean;
  brand?: { name: string } | string | null;
};

export function ProductCard({ item, eager = false }: { item: Item; eager?: boolean }) {
  const from = item.price_min.minor !== item.price_max.minor;
  const brand = typeof item.brand === "string" ? item.brand : item.brand?.name;
  return (
    <li class="card">
      <a href={`/p/${item.slug}`}>
        {item.image_url ? (
          <img
            src={item.image_url}
            srcset={srcset(item.image_url)}
            sizes="(max-width: 600px) 45vw, 220px"
            alt=""
            width={220}
            height={220}
            loading={eager ? "eager" : "lazy"}
            decoding="async"
          />
        ) : (
          <div class="img-placeholder" aria-hidden="true" />
        )}
        {brand && <span class="card-brand">{brand}</span>}
        <span class="card-title">{item.title}</span>
      </a>
      <span class="price">{(from ? "from " : "") + money(item.price_min)}</span>
      <span class={item.in_stock ? "stock in" : "stock out"}>{item.in_stock ? "In stock" : "Out of stock"}</span>
    </li>
  );
}

/** The catalog's renditions are <name>-160/480/1024.jpg beside each other. */
export function srcset(url: string): string | undefined {
  const m = /^(.*)-(160|480|1024)(\.\w+)$/.exec(url);
  if (!m) return undefined;
  return [160, 480, 1024].map((w) => `${m[1]}-${w}${m[3]} ${w}w`).join(", ");
}
