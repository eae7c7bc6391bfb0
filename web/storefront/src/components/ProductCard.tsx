import { Money, money } from "@shared/api";

/** A product of a model line (search's collapsed results carry their line's products). */
export type LineProduct = { slug: string; title: string; image_url?: string | null; price_min?: Money; in_stock?: boolean };

export type Item = {
  slug: string;
  title: string;
  image_url?: string | null;
  price_min: Money;
  price_max: Money;
  in_stock: boolean;
  brand?: { name: string } | string | null;
  line?: { total: number; products: LineProduct[] };
};

const SWATCHES = 5; // a card shows this many of its line's products, then "+N"

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
      {item.line && (
        <ul class="swatches" aria-label={`${item.line.total} versions`}>
          {item.line.products.slice(0, SWATCHES).map((p) => (
            <li key={p.slug}>
              <Swatch product={p} />
            </li>
          ))}
          {item.line.total > SWATCHES && <li class="more">+{item.line.total - SWATCHES}</li>}
        </ul>
      )}
    </li>
  );
}

/** A link to a product of the same line: its smallest rendition, its title as its name. */
export function Swatch({ product, current = false, label }: { product: LineProduct; current?: boolean; label?: string }) {
  return (
    <a class="swatch" href={`/p/${product.slug}`} title={product.title} aria-current={current ? "page" : undefined}
      aria-label={label ? undefined : product.title}>
      {product.image_url ? (
        <img src={product.image_url.replace(/-(480|1024)(\.\w+)$/, "-160$2")} alt="" width={36} height={36} loading="lazy" decoding="async" />
      ) : (
        <span class="swatch-none" aria-hidden="true" />
      )}
      {label && <span class="swatch-label">{label}</span>}
    </a>
  );
}

/** The catalog's renditions are <name>-160/480/1024.jpg beside each other. */
export function srcset(url: string): string | undefined {
  const m = /^(.*)-(160|480|1024)(\.\w+)$/.exec(url);
  if (!m) return undefined;
  return [160, 480, 1024].map((w) => `${m[1]}-${w}${m[3]} ${w}w`).join(", ");
}
