// Product types: what kinds of product the shop sells and the specification fields each kind has
// (a number with its unit, a text, a yes/no; required or not) — the facts a product's page lists
// and search filters by. A type is added with its fields, and changed later as far as its
// products allow: the catalog refuses (next to the field) removing a field products have values
// for, changing its kind, or requiring a field some product has no value for; a renamed field or
// unit shows on the products at once. Someone else's change meanwhile is said, never overwritten.
import { useState } from "preact/hooks";
import { api } from "@shared/api";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Field, useSubmit } from "@shared/Form";

export type SpecDef = { key: string; name: string; kind: "number" | "text" | "bool"; unit?: string; required: boolean };
export type ProductType = { code: string; name: string; specs: SpecDef[]; version: number };

const blankSpec = (): SpecDef => ({ key: "", name: "", kind: "text", unit: "", required: false });

// The add form (no `type`) or the change form of `type`; one of them is on the page at a time.
function TypeForm({ type, onDone }: { type?: ProductType; onDone: () => void }) {
  const [code, setCode] = useState(type?.code ?? "");
  const [name, setName] = useState(type?.name ?? "");
  const [specs, setSpecs] = useState<SpecDef[]>(type ? type.specs.map((s) => ({ ...s, unit: s.unit ?? "" })) : [blankSpec()]);
  const { busy, error, submit } = useSubmit();
  const change = (i: number, patch: Partial<SpecDef>) => setSpecs((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, by: number) =>
    setSpecs((all) => {
      const next = [...all];
      [next[i], next[i + by]] = [next[i + by], next[i]];
      return next;
    });
  const save = submit(async () => {
    const fields = specs
      .filter((s) => s.key.trim() || s.name.trim())
      .map((s) => ({ key: s.key.trim(), name: s.name.trim(), kind: s.kind, required: s.required, ...(s.kind === "number" && s.unit?.trim() ? { unit: s.unit.trim() } : {}) }));
    if (type) {
      await api(`/catalog/v1/admin/product-types/${encodeURIComponent(type.code)}`, { method: "PUT", json: { name, specs: fields }, ifMatch: type.version });
    } else {
      await api("/catalog/v1/admin/product-types", { json: { code, name, specs: fields } });
      setCode(""), setName(""), setSpecs([blankSpec()]);
    }
    onDone();
  });
  const title = type ? `Change ${type.name}` : "Add a product type";
  return (
    <form class="form wide" onSubmit={save} aria-label={title}>
      <h2>{title}</h2>
      {!type && <Field label="Code (letters, digits, - or _)" name="type-code" value={code} set={setCode} error={error?.fieldError("code")} />}
      <Field label="Name" name="type-name" value={name} set={setName} error={error?.fieldError("name")} />
      <fieldset>
        <legend>Specification fields</legend>
        {specs.map((s, i) => {
          const at = `specs[${i}]`;
          const problem = ["key", "name", "kind", "unit", "required"].map((f) => error?.fieldError(`${at}.${f}`)).find(Boolean) ?? error?.fieldError(at);
          const existing = type?.specs.some((d) => d.key === s.key) ?? false;
          return (
            <div class="spec-row" key={i} role="group" aria-label={`Field ${i + 1}`}>
              <label for={`spec-key-${i}`}>Key of field {i + 1}</label>
              <input id={`spec-key-${i}`} value={s.key} readOnly={existing} onInput={(e) => change(i, { key: e.currentTarget.value })} />
              <label for={`spec-name-${i}`}>Name of field {i + 1}</label>
              <input id={`spec-name-${i}`} value={s.name} onInput={(e) => change(i, { name: e.currentTarget.value })} />
              <label for={`spec-kind-${i}`}>Kind of field {i + 1}</label>
              <select id={`spec-kind-${i}`} value={s.kind} onChange={(e) => change(i, { kind: e.currentTarget.value as SpecDef["kind"] })}>
                <option value="text">text</option>
                <option value="number">number</option>
                <option value="bool">yes / no</option>
              </select>
              {s.kind === "number" && (
                <>
                  <label for={`spec-unit-${i}`}>Unit of field {i + 1}</label>
                  <input id={`spec-unit-${i}`} class="unit" value={s.unit} onInput={(e) => change(i, { unit: e.currentTarget.value })} />
                </>
              )}
              <label>
                <input type="checkbox" checked={s.required} onChange={(e) => change(i, { required: e.currentTarget.checked })} /> required
              </label>
              {type && (
                <>
                  <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move field ${i + 1} up`}>↑</button>
                  <button type="button" disabled={i === specs.length - 1} onClick={() => move(i, 1)} aria-label={`Move field ${i + 1} down`}>↓</button>
                  <button type="button" onClick={() => setSpecs((all) => all.filter((_, j) => j !== i))} aria-label={`Remove field ${i + 1}`}>Remove</button>
                </>
              )}
              {problem && <span class="field-error">{problem}</span>}
            </div>
          );
        })}
        {error?.fieldError("specs") && <p class="field-error">{error.fieldError("specs")}</p>}
        <button type="button" onClick={() => setSpecs((all) => [...all, blankSpec()])}>Another field</button>
      </fieldset>
      {error?.staleVersion ? (
        <p class="notice" role="alert">
          Someone else changed this type meanwhile. <button type="button" onClick={onDone}>Reload</button>
        </p>
      ) : (
        <ErrorNote error={error} />
      )}
      <button class="primary" type="submit" disabled={busy}>{type ? `Save ${type.name}` : "Add the type"}</button>
      {type && <button type="button" onClick={onDone}>Cancel</button>}
    </form>
  );
}

export function ProductTypesPage() {
  useTitle("Product types");
  const types = useApi<{ product_types: ProductType[] }>("/catalog/v1/product-types");
  const [editing, setEditing] = useState<ProductType | null>(null);
  const done = () => (setEditing(null), types.reload());
  return (
    <>
      <h1>Product types</h1>
      <ErrorNote error={types.error} />
      {!types.data && !types.error && <Loading />}
      {types.data && (
        <table class="admin-table">
          <caption class="visually-hidden">Product types and their specification fields</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Code</th>
              <th scope="col">Specification fields</th>
              <th scope="col"><span class="visually-hidden">Change</span></th>
            </tr>
          </thead>
          <tbody>
            {types.data.product_types.map((t) => (
              <tr key={t.code}>
                <th scope="row">{t.name}</th>
                <td><code>{t.code}</code></td>
                <td>
                  {t.specs.length === 0
                    ? "none"
                    : t.specs.map((s) => `${s.name} (${s.kind}${s.unit ? `, ${s.unit}` : ""}${s.required ? ", required" : ""})`).join(" · ")}
                </td>
                <td>
                  <button type="button" class="link" onClick={() => setEditing(t)} aria-label={`Change ${t.name}`}>Change</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing ? <TypeForm key={editing.code} type={editing} onDone={done} /> : <TypeForm onDone={types.reload} />}
    </>
  );
}
