// One product, as staff edit it: title, description (Markdown, with the shop's rendering of it
// live beside it), the values of its type's specification fields, status (draft, active, archived: archive and restore); its variants (options and
// price changed, a variant added) with their stock (on hand, reserved, available; on hand set per
// SKU, or moved with a reason, and each SKU's history of such changes); its images (uploaded with their alt text, the renditions the catalog made shown, removed).
// Every change carries the version it was based on: when someone else changed the product (or the
// stock) meanwhile, the catalog refuses (409/412) and the page says so, with a reload, instead of
// overwriting their change.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, fromMinor, money, type Money } from "@shared/api";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Field, useSubmit } from "@shared/Form";
import { MarkdownField } from "../MarkdownField";
import { formatOptions, readVariant } from "../variants";
import { AdjustStock, StockHistory } from "../stock";
import { SpecInput, specValues, typedValues } from "../specs";
import type { ProductType } from "./ProductTypes";

type Variant = { sku: string; options: Record<string, string>; price: Money; on_hand: number; reserved: number; available: number };
type Image = { id: number; alt: string; width: number; height: number; renditions: Record<string, string> };
type AdminProduct = {
  product: {
    id: string;
    slug: string;
    title: string;
    status: "draft" | "active" | "archived";
    version: number;
    description_md: string;
    description_html: string;
    product_type: { code: string; name: string };
  };
  category: { name: string };
  specs: { key: string; value: unknown }[];
  variants: Variant[];
  images: Image[];
};

const conflict = (e: ApiError | null) => e?.staleVersion === true;

function Conflict({ what, onReload }: { what: string; onReload: () => void }) {
  return (
    <div class="notice" role="alert">
      <p>Someone else changed {what} since you opened it. Reload to see their change, then make yours again.</p>
      <button type="button" onClick={onReload}>
        Reload
      </button>
    </div>
  );
}

function StockRow({ v, onSaved }: { v: Variant; onSaved: () => void }) {
  const [onHand, setOnHand] = useState(String(v.on_hand));
  const { busy, error, submit } = useSubmit();
  useEffect(() => setOnHand(String(v.on_hand)), [v.on_hand]);
  const save = submit(async () => {
    // The stock row's own version: an order reserving units meanwhile is not overwritten.
    const current = await api<{ version: number }>(`/catalog/v1/skus/${encodeURIComponent(v.sku)}/stock`);
    await api(`/catalog/v1/admin/skus/${encodeURIComponent(v.sku)}/stock`, {
      method: "PUT",
      json: { on_hand: Number(onHand), version: current.version },
    });
    onSaved();
  });
  const options = Object.entries(v.options).map(([k, val]) => `${k}: ${val}`).join(", ");
  return (
    <tr>
      <th scope="row">{v.sku}</th>
      <td>{options}</td>
      <td>{money(v.price)}</td>
      <td>
        <form class="inline-form" onSubmit={save}>
          <label class="visually-hidden" for={`on-hand-${v.sku}`}>
            On hand of {v.sku}
          </label>
          <input id={`on-hand-${v.sku}`} type="number" min={0} value={onHand} onInput={(e) => setOnHand(e.currentTarget.value)} />
          <button type="submit" disabled={busy || onHand === String(v.on_hand) || onHand === ""} aria-label={`Save the on hand of ${v.sku}`}>
            Save
          </button>
        </form>
        {conflict(error) ? <Conflict what="this stock" onReload={onSaved} /> : <ErrorNote error={error} />}
      </td>
      <td>{v.reserved}</td>
      <td>{v.available}</td>
    </tr>
  );
}

/** A variant's options and price (the SKU stays: orders name it). */
function VariantForm({ v, version, onSaved, onReload }: { v: Variant; version: number; onSaved: (next: AdminProduct) => void; onReload: () => void }) {
  const [options, setOptions] = useState(formatOptions(v.options));
  const [price, setPrice] = useState(fromMinor(v.price));
  const [local, setLocal] = useState<string | null>(null);
  const { busy, error, submit } = useSubmit();
  const save = submit(async () => {
    const read = readVariant(options, price, v.price.currency);
    setLocal(read.ok ? null : (read.problems.options ?? read.problems.price));
    if (!read.ok) return;
    onSaved(await api<AdminProduct>(`/catalog/v1/admin/variants/${encodeURIComponent(v.sku)}`, {
      method: "PATCH",
      json: { options: read.options, price: read.price },
      ifMatch: version,
    }));
  });
  return (
    <form class="inline-form variant-form" onSubmit={save} aria-label={`Variant ${v.sku}`}>
      <span class="variant-sku">{v.sku}</span>
      <label for={`options-${v.sku}`}>Options of {v.sku}</label>
      <input id={`options-${v.sku}`} value={options} onInput={(e) => setOptions(e.currentTarget.value)} />
      <label for={`price-${v.sku}`}>Price of {v.sku} ({v.price.currency})</label>
      <input id={`price-${v.sku}`} inputMode="decimal" value={price} onInput={(e) => setPrice(e.currentTarget.value)} />
      <button type="submit" disabled={busy}>Save {v.sku}</button>
      {local && <span class="field-error" role="alert">{local}</span>}
      {conflict(error) ? <Conflict what="this product" onReload={onReload} /> : <ErrorNote error={error} />}
    </form>
  );
}

function AddVariant({ data, onSaved, onReload }: { data: AdminProduct; onSaved: (next: AdminProduct) => void; onReload: () => void }) {
  const settings = useApi<{ currency: string }>("/catalog/v1/admin/settings"); // a product without variants yet
  const currency = data.variants[0]?.price.currency ?? settings.data?.currency ?? "";
  const [sku, setSku] = useState("");
  const [options, setOptions] = useState("");
  const [price, setPrice] = useState("");
  const [onHand, setOnHand] = useState("0");
  const [local, setLocal] = useState<Record<string, string>>({});
  const { busy, error, submit } = useSubmit();
  const add = submit(async () => {
    const read = readVariant(options, price, currency);
    setLocal(read.ok ? {} : read.problems);
    if (!read.ok) return;
    const next = await api<AdminProduct>(`/catalog/v1/admin/products/${data.product.id}/variants`, {
      json: { sku, options: read.options, price: read.price, on_hand: Number(onHand) },
      ifMatch: data.product.version,
    });
    setSku(""), setOptions(""), setPrice(""), setOnHand("0");
    onSaved(next);
  });
  return (
    <form class="form wide" onSubmit={add} aria-label="Add a variant">
      <h2>Add a variant</h2>
      <Field label="SKU" name="new-sku" value={sku} set={setSku} error={error?.fieldError("sku")} />
      <Field label="Options (name: value, …)" name="new-options" value={options} set={setOptions}
        error={local.options ?? error?.fieldError("options")} optional />
      <Field label={`Price (${currency})`} name="new-price" value={price} set={setPrice}
        error={local.price ?? error?.fieldError("price.minor")} />
      <p class="field">
        <label for="f-new-on-hand">On hand</label>
        <input id="f-new-on-hand" type="number" min={0} value={onHand} onInput={(e) => setOnHand(e.currentTarget.value)} />
      </p>
      {conflict(error) ? <Conflict what="this product" onReload={onReload} /> : <ErrorNote error={error} />}
      <button type="submit" disabled={busy}>Add the variant</button>
    </form>
  );
}

/** The product's images: each rendition the catalog made from an upload, its alt text; upload, remove. */
function Images({ data, onChanged }: { data: AdminProduct; onChanged: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [alt, setAlt] = useState("");
  const [input, setInput] = useState(0); // a new key empties the file input after an upload
  const { busy, error, submit } = useSubmit();
  const upload = submit(async () => {
    if (!file) return;
    await api(`/catalog/v1/admin/products/${data.product.id}/images?alt=${encodeURIComponent(alt)}`, { bytes: file });
    setFile(null), setAlt(""), setInput((n) => n + 1);
    onChanged();
  });
  const remove = (id: number) => submit(async () => {
    await api(`/catalog/v1/admin/products/${data.product.id}/images/${id}`, { method: "DELETE" });
    onChanged();
  });
  return (
    <section aria-labelledby="images-title">
      <h2 id="images-title">Images</h2>
      {data.images.length === 0 && <p class="empty">No image yet: the shop shows a placeholder.</p>}
      <ul class="image-list">
        {data.images.map((im) => (
          <li key={im.id}>
            <img src={im.renditions["160"] ?? Object.values(im.renditions)[0]} alt={im.alt} width={160} loading="lazy" />
            <p class="muted">
              {im.alt || "(no alt text)"} · {im.width}×{im.height} · renditions{" "}
              {Object.entries(im.renditions).map(([size, url]) => (
                <a key={size} href={url}>{size} px </a>
              ))}
            </p>
            <button type="button" onClick={remove(im.id)} disabled={busy} aria-label={`Remove the image ${im.alt || im.id}`}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form class="form wide" onSubmit={upload} aria-label="Upload an image">
        <p class="field">
          <label for="f-image">Image (PNG, JPEG or WebP)</label>
          <input key={input} id="f-image" type="file" accept="image/png,image/jpeg,image/webp" required
            onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </p>
        <Field label="Alt text (what the image shows)" name="image-alt" value={alt} set={setAlt} error={error?.fieldError("alt")} optional />
        <ErrorNote error={error} />
        <button type="submit" disabled={busy || !file}>Upload</button>
      </form>
    </section>
  );
}

function Details({ data, onSaved, onReload }: { data: AdminProduct; onSaved: (next: AdminProduct) => void; onReload: () => void }) {
  const p = data.product;
  const [title, setTitle] = useState(p.title);
  const [description, setDescription] = useState(p.description_md);
  const [status, setStatus] = useState(p.status);
  // The type's fields (with the values the product has): changed ones go as the whole set.
  const types = useApi<{ product_types: ProductType[] }>("/catalog/v1/product-types");
  const defs = types.data?.product_types.find((t) => t.code === p.product_type.code)?.specs ?? [];
  const stored = typedValues(data.specs);
  const [specs, setSpecs] = useState(stored);
  const [saved, setSaved] = useState(false);
  const { busy, error, submit } = useSubmit();
  const onSubmit = submit(async () => {
    setSaved(false);
    // Only what changed, with the version it was based on.
    const changes: Record<string, unknown> = { version: p.version };
    if (title !== p.title) changes.title = title;
    if (description !== p.description_md) changes.description = description;
    if (defs.some((d) => (specs[d.key] ?? "") !== (stored[d.key] ?? ""))) changes.specs = specValues(defs, specs, true);
    if (status !== p.status) changes.status = status;
    const next = await api<AdminProduct>(`/catalog/v1/admin/products/${p.id}`, { method: "PATCH", json: changes });
    setSaved(true);
    onSaved(next);
  });
  return (
    <form class="form wide" onSubmit={onSubmit} aria-label="The product">
      <Field label="Title" name="title" value={title} set={setTitle} error={error?.fieldError("title")} />
      <MarkdownField value={description} set={setDescription} error={error?.fieldError("description")} />
      {defs.map((d) => (
        <SpecInput key={d.key} def={d} value={specs[d.key]} set={(v) => setSpecs((all) => ({ ...all, [d.key]: v }))}
          error={error?.fieldError(`specs.${d.key}`)} />
      ))}
      <p class="field">
        <label for="f-status">Status</label>
        <select id="f-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
          <option value="draft">draft (not in the shop)</option>
          <option value="active">active (sold, searchable)</option>
          <option value="archived">archived (no longer sold)</option>
        </select>
      </p>
      {conflict(error) ? <Conflict what="this product" onReload={onReload} /> : <ErrorNote error={error} />}
      {saved && <p role="status">Saved.</p>}
      <button class="primary" type="submit" disabled={busy}>
        Save changes
      </button>
    </form>
  );
}

export function ProductPage({ id }: { id: string }) {
  const loaded = useApi<AdminProduct>(`/catalog/v1/admin/products/${encodeURIComponent(id)}`);
  const [data, setData] = useState<AdminProduct | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => setData(loaded.data ?? null), [loaded.data]);
  useTitle(data?.product.title ?? "Product");
  if (!data) return loaded.error ? <ErrorNote error={loaded.error} /> : <Loading />;
  const reload = () => (loaded.reload(), setRound((n) => n + 1));
  const p = data.product;
  return (
    <>
      <p>
        <a href="/admin/products">All products</a>
      </p>
      <h1>{p.title}</h1>
      <p class="muted">
        {data.category.name} · version {p.version} · {p.status === "active" ? <a href={`/p/${p.slug}`}>its page in the shop</a> : p.status}
      </p>
      {/* A new key after a reload: the form starts again from what the catalog holds now. */}
      <Details key={round} data={data} onSaved={setData} onReload={reload} />
      <h2>Variants and stock</h2>
      <table class="admin-table">
        <caption class="visually-hidden">Variants of {p.title}</caption>
        <thead>
          <tr>
            <th scope="col">SKU</th>
            <th scope="col">Options</th>
            <th scope="col">Price</th>
            <th scope="col">On hand</th>
            <th scope="col">Reserved</th>
            <th scope="col">Available</th>
          </tr>
        </thead>
        <tbody>
          {data.variants.map((v) => (
            <StockRow key={v.sku} v={v} onSaved={reload} />
          ))}
        </tbody>
      </table>
      <h2>Stock changes</h2>
      <p class="muted">Setting on hand above counts as a stock count; a delivery, a return or a loss is a change with its reason.</p>
      {data.variants.map((v) => (
        <div key={v.sku} class="stock-change">
          <AdjustStock sku={v.sku} onDone={reload} />
          <StockHistory sku={v.sku} round={round} />
        </div>
      ))}
      <h2>Variants</h2>
      {data.variants.map((v) => (
        <VariantForm key={`${round}-${v.sku}`} v={v} version={p.version} onSaved={setData} onReload={reload} />
      ))}
      <AddVariant key={`add-${round}`} data={data} onSaved={setData} onReload={reload} />
      <Images data={data} onChanged={reload} />
    </>
  );
}
