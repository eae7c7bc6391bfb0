// A product description in Markdown with its live preview beside it: as staff type, the catalog
// renders the text (POST /v1/admin/markdown: its own renderer and sanitizing, the shop's exact
// HTML; nothing stored), a moment after the last key so that typing does not call it per key.
import { useEffect, useState } from "preact/hooks";
import { api } from "@shared/api";

const PAUSE_MS = 250;

export function MarkdownField({ value, set, error }: { value: string; set: (v: string) => void; error?: string }) {
  const [html, setHtml] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api<{ html: string }>("/catalog/v1/admin/markdown", { json: { markdown: value }, signal: abort.signal })
        .then((r) => (setHtml(r.html), setFailed(false)))
        .catch((e) => (e as Error).name !== "AbortError" && setFailed(true));
    }, PAUSE_MS);
    return () => (clearTimeout(timer), abort.abort());
  }, [value]);
  return (
    <div class="markdown-field">
      <p class="field">
        <label for="f-description">Description (Markdown)</label>
        <textarea id="f-description" name="description" rows={10} value={value}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "f-description-error" : undefined}
          onInput={(e) => set(e.currentTarget.value)} />
        {error && <span class="field-error" id="f-description-error">{error}</span>}
      </p>
      <section class="preview" aria-label="Preview of the description">
        <h2 class="preview-title">Preview, as the shop shows it</h2>
        {failed && <p class="muted">The preview is unavailable; the text is saved as written.</p>}
        {/* The catalog's rendering, sanitized there (services/catalog, domain/text.hpp). */}
        {html !== null && <div class="rendered" dangerouslySetInnerHTML={{ __html: html }} />}
      </section>
    </div>
  );
}
