// The product page: gallery (the catalog's renditions), title, brand, description, specifications,
// the variant selector (price, SKU and availability follow the choice; combinations that do not
// exist or are sold out are shown as such), quantity and add to cart.
import { useEffect, useMemo, useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { ApiError, Money, money } from "@shared/api";
import { addToCart } from "../cart";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Item, Swatch } from "../components/ProductCard";
import { Breadcrumbs, categoryTrail } from "../components/Breadcrumbs";
import { NotFound } from "./NotFound";

type Variant = { sku: string; options: Record<string, string>; price: Money; available: number; in_stock: boolean };
type Page = {
  product: {
    id: string;
    slug: string;
    title: string;
    description_html: string;
    brand: { name: string; slug: string } | null;
    model_line?: string | null;
    price_min: Money;
  };
  breadcrumbs: { slug: string; name: string }[];
  specs: { key: string; name: string; value: string | number | boolean; unit?: string }[];
  variants: Variant[];
  images: { id: number; alt: string; renditions: Record<string, string> }[];
};

export function ProductPage() {
  const { params } = useRoute();
  const page = useApi<Page>(`/catalog/v1/products/${encodeURIComponent(params.slug)}/page`);
  useTitle(page.data?.product.title);
  if (page.error?.status === 404) return <NotFound />;
  if (page.error) return <div class="wrap"><ErrorNote error={page.error} /></div>;
  if (!page.data) return <div class="wrap"><Loading /></div>;
  return <Product key={page.data.product.id} page={page.data} />;
}

function Product({ page }: { page: Page }) {
  const { product, variants, images } = page;
  const keys = useMemo(() => [...new Set(variants.flatMap((v) => Object.keys(v.options)))], [variants]);
  const [choice, setChoice] = useState<Record<string, string>>(() => ({ ...(variants.find((v) => v.in_stock) ?? variants[0])?.options }));
  const variant = variants.find((v) => keys.every((k) => v.options[k] === choice[k]));
  const [quantity, setQuantity] = useState(1);
  const [image, setImage] = useState(0);
  const [status, setStatus] = useState<{ ok?: string; error?: ApiError } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setStatus(null), [variant?.sku]);

  const add = async (e: Event) => {
    e.preventDefault();
    if (!variant) return;
    setBusy(true);
    try {
      await addToCart(variant.sku, quantity);
      setStatus({ ok: `Added ${quantity} × ${product.title} to your cart.` });
    } catch (err) {
      setStatus({ error: err as ApiError });
    } finally {
      setBusy(false);
    }
  };
  const main = images[image];

  return (
    <div class="wrap product">
      <Breadcrumbs trail={categoryTrail(page.breadcrumbs)} />
      <div class="product-grid">
        <section class="gallery" aria-label="Images">
          {main ? (
            <img
              src={main.renditions["480"] ?? Object.values(main.renditions)[0]}
              srcset={Object.entries(main.renditions).map(([w, u]) => `${u} ${w}w`).join(", ")}
              sizes="(max-width: 800px) 92vw, 480px"
              alt={main.alt}
              width={480}
              height={480}
              fetchpriority="high"
            />
          ) : (
            <div class="img-placeholder" aria-hidden="true" />
          )}
          {images.length > 1 && (
            <ul class="thumbs">
              {images.map((im, i) => (
                <li key={im.id}>
                  <button type="button" aria-label={`Image ${i + 1}`} aria-pressed={i === image} onClick={() => setImage(i)}>
                    <img src={im.renditions["160"]} alt="" width={64} height={64} />
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="buy">
          {product.brand && (
            <a class="brand" href={`/search?brand=${product.brand.slug}`}>
              {product.brand.name}
            </a>
          )}
          <h1>{product.title}</h1>
          <p class="price big" data-testid="price">
            {money(variant?.price ?? product.price_min)}
          </p>
          {product.model_line && <LineChoice line={product.model_line} current={product.slug} />}
          <form onSubmit={add} class="buy-form">
            {keys.map((k) => (
              <fieldset key={k} class="options">
                <legend>{label(k)}</legend>
                {[...new Set(variants.map((v) => v.options[k]).filter(Boolean))].map((value) => {
                  const match = variants.find((v) => keys.every((kk) => (kk === k ? value : choice[kk]) === v.options[kk]));
                  return (
                    <label key={value} class={!match ? "option none" : !match.in_stock ? "option out" : "option"}>
                      <input
                        type="radio"
                        name={k}
                        value={value}
                        checked={choice[k] === value}
                        onChange={() => setChoice({ ...choice, [k]: value })}
                      />
                      {value}
                      {!match ? " (not available)" : !match.in_stock ? " (sold out)" : ""}
                    </label>
                  );
                })}
              </fieldset>
            ))}
            <p class="availability" aria-live="polite">
              {!variant
                ? "This combination is not available."
                : !variant.in_stock
                  ? "Out of stock"
                  : variant.available <= 5
                    ? `Only ${variant.available} left`
                    : "In stock"}
              {variant && <span class="sku"> · SKU {variant.sku}</span>}
            </p>
            <label class="qty">
              Quantity
              <input
                type="number"
                min={1}
                max={Math.max(1, Math.min(99, variant?.available ?? 1))}
                value={quantity}
                onInput={(e) => setQuantity(Math.max(1, Math.floor(Number(e.currentTarget.value) || 1)))}
              />
            </label>
            <button class="primary" type="submit" disabled={!variant || !variant.in_stock || busy}>
              Add to cart
            </button>
            <div aria-live="polite">
              {status?.ok && (
                <p class="ok">
                  {status.ok} <a href="/cart">View cart</a>
                </p>
              )}
              <ErrorNote error={status?.error} />
            </div>
          </form>
        </section>
      </div>
      <section class="description" aria-labelledby="about">
        <h2 id="about">About this product</h2>
        {/* Rendered by the catalog from its Markdown with raw HTML disabled (cmark's safe mode). */}
        <div dangerouslySetInnerHTML={{ __html: product.description_html }} />
      </section>
      {page.specs.length > 0 && (
        <section aria-labelledby="specs">
          <h2 id="specs">Specifications</h2>
          <table class="specs">
            <tbody>
              {page.specs.map((s) => (
                <tr key={s.key}>
                  <th scope="row">{s.name}</th>
                  <td>
                    {typeof s.value === "boolean" ? (s.value ? "Yes" : "No") : s.value}
                    {s.unit ? ` ${s.unit}` : ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </div>
  );
}

const label = (key: string) => key.charAt(0).toUpperCase() + key.slice(1).replace(/_/g, " ");

/** The other products of this model (colourways, configurations), each named by what sets it
 * apart: its title without the words every product of the line shares. */
function LineChoice({ line, current }: { line: string; current: string }) {
  const found = useApi<{ items: Item[] }>(`/catalog/v1/search?line=${encodeURIComponent(line)}&size=24&sort=price_asc`);
  const items = found.data?.items ?? [];
  if (items.length < 2) return null;
  const words = items.map((i) => i.title.split(" "));
  let common = 0;
  while (words.every((w) => w.length > common && w[common] === words[0][common])) common++;
  return (
    <nav class="line" aria-label="Versions of this model">
      <p class="line-title">Also available</p>
      <ul class="swatches wide">
        {items.map((i, n) => (
          <li key={i.slug}>
            <Swatch product={i} current={i.slug === current} label={words[n].slice(common).join(" ") || i.title} />
          </li>
        ))}
      </ul>
    </nav>
  );
}
