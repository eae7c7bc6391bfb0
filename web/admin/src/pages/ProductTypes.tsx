// Product types: what kinds of product the shop sells and the specification fields each kind has
// (a number with its unit, a text, a yes/no; required or not) — the facts a product's page lists
// and search filters by. A type is added with its fields; the catalog checks them (a taken code,
// a key twice) and its answers are shown next to the fields. Types are not changed once products
// use them (the catalog has no such route: a product's specs follow its type).
import { useState } from "preact/hooks";
import { api } from "@shared/api";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Field, useSubmit } from "@shared/Form";

export type SpecDef = { key: string; name: string; kind: "number" | "text" | "bool"; unit?: string; required: boolean };
export type ProductType = { code: string; name: string; specs: SpecDef[] };

const blankSpec = (): SpecDef => ({ key: "", name: "", kind: "text", unit: "", required: false });

function AddType({ onDone }: { onDone: () => void }) {
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [specs, setSpecs] = useState<SpecDef[]>([blankSpec()]);
  const { busy, error, submit } = useSubmit();
  const change = (i: number, patch: Partial<SpecDef>) => setSpecs((all) => all.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const add = submit(async () => {
    const fields = specs
      .filter((s) => s.key.trim() || s.name.trim())
      .map((s) => ({ key: s.key.trim(), name: s.name.trim(), kind: s.kind, required: s.required, ...(s.kind === "number" && s.unit?.trim() ? { unit: s.unit.trim() } : {}) }));
    await api("/catalog/v1/admin/product-types", { json: { code, name, specs: fields } });
    setCode(""), setName(""), setSpecs([blankSpec()]);
    onDone();
  });
  return (
    <form class="form wide" onSubmit={add} aria-label="Add a product type">
      <h2>Add a product type</h2>
      <Field label="Code (letters, digits, - or _)" name="type-code" value={code} set={setCode} error={error?.fieldError("code")} />
      <Field label="Name" name="type-name" value={name} set={setName} error={error?.fieldError("name")} />
      <fieldset>
        <legend>Specification fields</legend>
        {specs.map((s, i) => {
          const at = `specs[${i}]`;
          const problem = ["key", "name", "kind", "unit"].map((f) => error?.fieldError(`${at}.${f}`)).find(Boolean) ?? error?.fieldError(at);
          return (
            <div class="spec-row" key={i} role="group" aria-label={`Field ${i + 1}`}>
              <label for={`spec-key-${i}`}>Key of field {i + 1}</label>
              <input id={`spec-key-${i}`} value={s.key} onInput={(e) => change(i, { key: e.currentTarget.value })} />
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
              {problem && <span class="field-error">{problem}</span>}
            </div>
          );
        })}
        {error?.fieldError("specs") && <p class="field-error">{error.fieldError("specs")}</p>}
        <button type="button" onClick={() => setSpecs((all) => [...all, blankSpec()])}>Another field</button>
      </fieldset>
      <ErrorNote error={error} />
      <button class="primary" type="submit" disabled={busy}>Add the type</button>
    </form>
  );
}

export function ProductTypesPage() {
  useTitle("Product types");
  const types = useApi<{ product_types: ProductType[] }>("/catalog/v1/product-types");
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
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <AddType onDone={types.reload} />
    </>
  );
}
