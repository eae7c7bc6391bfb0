// A new product with its first variant: title (the slug derived from it unless given), product
// type (and the values of its specification fields), category, brand, description (Markdown with its live preview), the first SKU with its
// options, price and units on hand, and whether it is sold at once (active) or kept as a draft.
// The catalog checks everything at once; each of its field errors shows next to its field. Once
// created, the product's page takes over (more variants, images).
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "@shared/api";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Field, useSubmit } from "@shared/Form";
import { MarkdownField } from "../MarkdownField";
import { readVariant } from "../variants";
import type { ProductType } from "./ProductTypes";
import { SpecInput, specValues } from "../specs";

type Node = { id: number; name: string; children: Node[] };

function flatten(nodes: Node[], depth = 0): { id: number; label: string }[] {
  return nodes.flatMap((n) => [{ id: n.id, label: `${"— ".repeat(depth)}${n.name}` }, ...flatten(n.children, depth + 1)]);
}

export function NewProductPage() {
  useTitle("New product");
  const { route } = useLocation();
  const categories = useApi<{ categories: Node[] }>("/catalog/v1/categories");
  const types = useApi<{ product_types: ProductType[] }>("/catalog/v1/product-types");
  const settings = useApi<{ currency: string }>("/catalog/v1/admin/settings"); // every price is in the shop's currency
  const [title, setTitle] = useState("");
  const [slug, setSlug] = useState("");
  const [type, setType] = useState("");
  const [category, setCategory] = useState("");
  const [brand, setBrand] = useState("");
  const [description, setDescription] = useState("");
  const [sku, setSku] = useState("");
  const [options, setOptions] = useState("");
  const [price, setPrice] = useState("");
  const [onHand, setOnHand] = useState("0");
  const [status, setStatus] = useState<"draft" | "active">("draft");
  const [specs, setSpecs] = useState<Record<string, string | boolean>>({});
  const [local, setLocal] = useState<Record<string, string>>({});
  const { busy, error, submit } = useSubmit();

  const create = submit(async () => {
    const read = readVariant(options, price, settings.data?.currency ?? "");
    setLocal(read.ok ? {} : read.problems);
    if (!read.ok) return;
    const body: Record<string, unknown> = {
      title,
      product_type: type,
      category_id: Number(category),
      description,
      status,
      variants: [{ sku, options: read.options, price: read.price, on_hand: Number(onHand) }],
    };
    if (slug) body.slug = slug;
    if (brand) body.brand = brand;
    // The chosen type's fields that were filled in, as the catalog takes them.
    const defs = types.data?.product_types.find((t) => t.code === type)?.specs ?? [];
    if (defs.length) body.specs = specValues(defs, specs, false);
    const made = await api<{ product: { id: string } }>("/catalog/v1/admin/products", { json: body });
    route(`/admin/products/${made.product.id}`);
  });

  if (categories.error || types.error) return <ErrorNote error={categories.error ?? types.error} />;
  const failed = categories.error ?? types.error ?? settings.error;
  if (failed) return <ErrorNote error={failed} />;
  if (!categories.data || !types.data || !settings.data) return <Loading />;
  const currency = settings.data.currency;
  const fieldError = (f: string) => local[f] ?? error?.fieldError(f);
  return (
    <>
      <p>
        <a href="/admin/products">All products</a>
      </p>
      <h1>New product</h1>
      <form class="form wide" onSubmit={create} aria-label="New product">
        <Field label="Title" name="title" value={title} set={setTitle} error={fieldError("title")} />
        <Field label="Slug (its address: /p/…; from the title when empty)" name="slug" value={slug} set={setSlug}
          error={fieldError("slug")} optional />
        <p class="field">
          <label for="f-type">Product type</label>
          <select id="f-type" required value={type} onChange={(e) => setType(e.currentTarget.value)}
            aria-invalid={fieldError("product_type") ? true : undefined}>
            <option value="">choose…</option>
            {types.data.product_types.map((t) => (
              <option key={t.code} value={t.code}>{t.name}</option>
            ))}
          </select>
          {fieldError("product_type") && <span class="field-error">{fieldError("product_type")}</span>}
        </p>
        {(types.data.product_types.find((t) => t.code === type)?.specs ?? []).map((d) => (
          <SpecInput key={`${type}-${d.key}`} def={d} value={specs[d.key]} set={(v) => setSpecs((all) => ({ ...all, [d.key]: v }))}
            error={fieldError(`specs.${d.key}`)} />
        ))}
        <p class="field">
          <label for="f-category">Category</label>
          <select id="f-category" required value={category} onChange={(e) => setCategory(e.currentTarget.value)}
            aria-invalid={fieldError("category_id") ? true : undefined}>
            <option value="">choose…</option>
            {flatten(categories.data.categories).map((c) => (
              <option key={c.id} value={String(c.id)}>{c.label}</option>
            ))}
          </select>
          {fieldError("category_id") && <span class="field-error">{fieldError("category_id")}</span>}
        </p>
        <Field label="Brand" name="brand" value={brand} set={setBrand} error={fieldError("brand")} optional />
        <MarkdownField value={description} set={setDescription} error={fieldError("description")} />
        <fieldset>
          <legend>First variant</legend>
          <Field label="SKU" name="sku" value={sku} set={setSku} error={fieldError("variants[0].sku")} />
          <Field label="Options (name: value, …)" name="options" value={options} set={setOptions}
            error={local.options ?? fieldError("variants[0].options")} optional />
          <Field label={`Price (${currency})`} name="price" value={price} set={setPrice}
            error={local.price ?? fieldError("variants[0].price.minor")} />
          <p class="field">
            <label for="f-on-hand">On hand</label>
            <input id="f-on-hand" type="number" min={0} value={onHand} onInput={(e) => setOnHand(e.currentTarget.value)} />
          </p>
        </fieldset>
        <p class="field">
          <label for="f-status">Status</label>
          <select id="f-status" value={status} onChange={(e) => setStatus(e.currentTarget.value as typeof status)}>
            <option value="draft">draft (not in the shop yet)</option>
            <option value="active">active (sold, searchable)</option>
          </select>
        </p>
        <ErrorNote error={error} />
        <button class="primary" type="submit" disabled={busy}>
          Create the product
        </button>
      </form>
    </>
  );
}
