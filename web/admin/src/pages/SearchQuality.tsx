// Search quality: what shoppers search for (the most asked queries, and those that found nothing,
// as the search service counts them), the synonym rules that widen a query (edited here and live
// at once: the search service checks them with OpenSearch, then swaps them into the index), and a
// preview of what the shop's search answers for a query — to see a rule's effect before and after.
import { useEffect, useState } from "preact/hooks";
import { api, money, type Money } from "@shared/api";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { useSubmit } from "@shared/Form";

type Counted = { items: { query: string; count: number }[] };
type Synonyms = { rules: string[]; text: string };
type Found = { total: number; items: { slug: string; title: string; price_min: Money }[] };

function TopQueries({ found, title, pick }: { found: "any" | "nothing"; title: string; pick: (q: string) => void }) {
  const top = useApi<Counted>(`/catalog/v1/admin/search/queries?found=${found}&limit=20`);
  return (
    <section aria-labelledby={`top-${found}`}>
      <h2 id={`top-${found}`}>{title}</h2>
      <ErrorNote error={top.error} />
      {!top.data && !top.error && <Loading />}
      {top.data && top.data.items.length === 0 && <p class="empty">None yet.</p>}
      {top.data && top.data.items.length > 0 && (
        <table class="admin-table">
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Query</th>
              <th scope="col">Times</th>
            </tr>
          </thead>
          <tbody>
            {top.data.items.map((q) => (
              <tr key={q.query}>
                <td>
                  <button type="button" class="link" onClick={() => pick(q.query)} aria-label={`Preview "${q.query}"`}>
                    {q.query}
                  </button>
                </td>
                <td>{q.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function SynonymsForm({ onSaved }: { onSaved: () => void }) {
  const current = useApi<Synonyms>("/catalog/v1/admin/search/synonyms");
  const [text, setText] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, submit } = useSubmit();
  useEffect(() => {
    if (current.data && text === null) setText(current.data.text);
  }, [current.data]);
  const save = submit(async () => {
    setSaved(false);
    const next = await api<Synonyms>("/catalog/v1/admin/search/synonyms", { method: "PUT", json: { text: text ?? "" } });
    setText(next.text);
    setSaved(true);
    onSaved();
  });
  if (current.error) return <ErrorNote error={current.error} />;
  if (text === null) return <Loading />;
  const problem = error?.fieldError("text");
  return (
    <form class="form wide" onSubmit={save} aria-label="Synonyms">
      <h2>Synonyms</h2>
      <p class="muted">
        One rule a line: <code>sofa, couch, settee</code> (any of them finds all), <code>tv =&gt; television</code> (one
        way); <code>#</code> starts a comment. Live for every search as soon as they are saved.
      </p>
      <p class="field">
        <label for="f-synonyms">Rules</label>
        <textarea id="f-synonyms" rows={12} value={text} aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? "f-synonyms-error" : undefined} onInput={(e) => (setText(e.currentTarget.value), setSaved(false))} />
        {problem && <span class="field-error" id="f-synonyms-error">{problem}</span>}
      </p>
      {!problem && <ErrorNote error={error} />}
      {saved && <p role="status">Saved: the shop's search uses these rules now.</p>}
      <button class="primary" type="submit" disabled={busy}>Save the rules</button>
    </form>
  );
}

function Preview({ query, set }: { query: string; set: (q: string) => void }) {
  const [typed, setTyped] = useState(query);
  useEffect(() => setTyped(query), [query]);
  const found = useApi<Found>(query ? `/catalog/v1/search?q=${encodeURIComponent(query)}&size=10` : null);
  return (
    <section aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <form class="admin-search" onSubmit={(e) => (e.preventDefault(), set(typed.trim()))} aria-label="Preview a search">
        <label for="preview-q">What a shopper types</label>
        <input id="preview-q" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
        <button type="submit">Preview</button>
      </form>
      <ErrorNote error={found.error} />
      {query && found.data && (
        <div aria-live="polite">
          <p class="muted" data-testid="preview-total">
            {found.data.total === 0 ? `No product found for "${query}".` : `${found.data.total} found for "${query}":`}
          </p>
          <ol class="plain-list">
            {found.data.items.map((i) => (
              <li key={i.slug}>
                <a href={`/p/${i.slug}`}>{i.title}</a> · {money(i.price_min)}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

export function SearchQualityPage() {
  useTitle("Search quality");
  const [query, setQuery] = useState("");
  const [round, setRound] = useState(0); // new rules: the preview starts again and asks the search anew
  return (
    <>
      <h1>Search quality</h1>
      <div class="two-columns">
        <TopQueries found="nothing" title="Searches that found nothing" pick={setQuery} />
        <TopQueries found="any" title="Most searched" pick={setQuery} />
      </div>
      <Preview key={round} query={query} set={setQuery} />
      <SynonymsForm onSaved={() => setRound((n) => n + 1)} />
    </>
  );
}
