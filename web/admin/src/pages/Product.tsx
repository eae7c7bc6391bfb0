// One product, as staff edit it: title, description (Markdown; the shop's rendering of the saved
// text beside it), status (draft, active, archived: archive and restore); its variants with their
// stock (on hand, reserved, available), on hand set per SKU. Every save carries the version it was
// based on: when someone else changed the product (or the stock) meanwhile, the catalog refuses
// (409) and the page says so, with a reload, instead of overwriting their change.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, money, type Money } from "@shared/api";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Field, useSubmit } from "@shared/Form";

type Variant = { sku: string; options: Record<string, string>; price: Money; on_hand: number; reserved: number; available: number };
type AdminProduct = {
  product: {
    id: string;
    slug: string;
    title: string;
    status: "draft" | "active" | "archived";
    version: number;
    description_md: string;
    description_html: string;
  };
  category: { name: string };
  variants: Variant[];
};

const conflict = (e: ApiError | null) => e?.status === 409 || e?.status === 412;

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

function Details({ data, onSaved, onReload }: { data: AdminProduct; onSaved: (next: AdminProduct) => void; onReload: () => void }) {
  const p = data.product;
  const [title, setTitle] = useState(p.title);
  const [description, setDescription] = useState(p.description_md);
  const [status, setStatus] = useState(p.status);
  const [saved, setSaved] = useState(false);
  const { busy, error, submit } = useSubmit();
  const onSubmit = submit(async () => {
    setSaved(false);
    // Only what changed, with the version it was based on.
    const changes: Record<string, unknown> = { version: p.version };
    if (title !== p.title) changes.title = title;
    if (description !== p.description_md) changes.description = description;
    if (status !== p.status) changes.status = status;
    const next = await api<AdminProduct>(`/catalog/v1/admin/products/${p.id}`, { method: "PATCH", json: changes });
    setSaved(true);
    onSaved(next);
  });
  return (
    <form class="form wide" onSubmit={onSubmit} aria-label="The product">
      <Field label="Title" name="title" value={title} set={setTitle} error={error?.fieldError("title")} />
      <p class="field">
        <label for="f-description">Description (Markdown)</label>
        <textarea id="f-description" name="description" rows={8} value={description}
          aria-invalid={error?.fieldError("description") ? true : undefined}
          onInput={(e) => setDescription(e.currentTarget.value)} />
        {error?.fieldError("description") && <span class="field-error">{error.fieldError("description")}</span>}
      </p>
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
      <h2>How the shop shows the description</h2>
      {/* The catalog's own rendering of the saved Markdown, sanitized there (services/catalog). */}
      <div class="rendered" dangerouslySetInnerHTML={{ __html: p.description_html }} />
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
    </>
  );
}
