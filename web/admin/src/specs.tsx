// A product's specification values as staff type them, by its type's fields: a number (with its
// unit), a text or a yes/no; and the values as the catalog takes them.
import type { SpecDef } from "./pages/ProductTypes";

export type SpecValue = string | boolean;

/** One specification field of the chosen type: a number (with its unit), a text or a yes/no. */
export function SpecInput({ def, value, set, error }: { def: SpecDef; value: SpecValue | undefined; set: (v: SpecValue) => void; error?: string }) {
  const id = `f-spec-${def.key}`;
  if (def.kind === "bool")
    return (
      <p class="field">
        <label>
          <input id={id} type="checkbox" checked={value === true} onChange={(e) => set(e.currentTarget.checked)} /> {def.name}
        </label>
        {error && <span class="field-error">{error}</span>}
      </p>
    );
  return (
    <p class="field">
      <label for={id}>
        {def.name}
        {def.unit ? ` (${def.unit})` : ""}
        {!def.required && <span class="muted"> (optional)</span>}
      </label>
      {/* Preact's typings split <input> by type into a union no variable `type` satisfies. */}
      <input {...({ type: def.kind === "number" ? "number" : "text" } as object)} id={id} step="any" required={def.required}
        value={typeof value === "string" ? value : ""} aria-invalid={error ? true : undefined}
        onInput={(e) => set(e.currentTarget.value)} />
      {error && <span class="field-error">{error}</span>}
    </p>
  );
}

/** The values for the catalog: numbers as numbers; an empty field left out (`clear` false) or
 *  cleared (null: a product's optional value removed). */
export function specValues(defs: SpecDef[], typed: Record<string, SpecValue>, clear: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const d of defs) {
    const v = typed[d.key];
    if (d.kind === "bool") out[d.key] = v === true;
    else if (typeof v === "string" && v.trim()) out[d.key] = d.kind === "number" ? Number(v) : v.trim();
    else if (clear) out[d.key] = null;
  }
  return out;
}

/** A product's stored values as the inputs show them. */
export function typedValues(specs: { key: string; value: unknown }[]): Record<string, SpecValue> {
  const out: Record<string, SpecValue> = {};
  for (const s of specs) out[s.key] = typeof s.value === "boolean" ? s.value : s.value === null || s.value === undefined ? "" : String(s.value);
  return out;
}
