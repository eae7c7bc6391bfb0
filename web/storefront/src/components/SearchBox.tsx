// The search box with autocomplete (products, brands, categories as you type), following the
// WAI-ARIA combobox pattern: arrows move through the suggestions, Enter opens one (or searches the
// words typed), Escape closes the list.
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "@shared/api";

type Suggestions = {
  products: { slug: string; title: string }[];
  brands: { slug: string; name: string; count: number }[];
  categories: { slug: string; name: string; count: number }[];
};
// Preact's typings want a `list` attribute with role=combobox on an <input>; the ARIA 1.2 pattern
// needs none (the popup is named by aria-controls).
const COMBOBOX = { role: "combobox" } as Record<string, string>;
type Option = { id: string; label: string; kind: string; href: string };

function options(s: Suggestions | null): Option[] {
  if (!s) return [];
  return [
    ...s.products.map((p) => ({ id: `p-${p.slug}`, label: p.title, kind: "Product", href: `/p/${p.slug}` })),
    ...s.brands.map((b) => ({ id: `b-${b.slug}`, label: b.name, kind: "Brand", href: `/search?brand=${b.slug}` })),
    ...s.categories.map((c) => ({ id: `c-${c.slug}`, label: c.name, kind: "Category", href: `/c/${c.slug}` })),
  ];
}

export function SearchBox() {
  const { route, query } = useLocation();
  const [text, setText] = useState(query.q ?? "");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [found, setFound] = useState<Suggestions | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const list = options(found);

  useEffect(() => setText(query.q ?? ""), [query.q]);

  useEffect(() => {
    const q = text.trim();
    if (!q || !open) return setFound(null);
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api<Suggestions>(`/catalog/v1/suggest?q=${encodeURIComponent(q.slice(0, 100))}&size=6`, { signal: abort.signal })
        .then((s) => {
          setFound(s);
          setActive(-1);
        })
        .catch(() => undefined);
    }, 120);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [text, open]);

  const go = (href: string) => {
    setOpen(false);
    input.current?.blur();
    route(href);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (active >= 0 && list[active]) return go(list[active].href);
    go(`/search?q=${encodeURIComponent(text.trim())}`);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      setActive((a) => Math.min(a + 1, list.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, -1));
    } else if (e.key === "Escape") {
      setOpen(false);
      setActive(-1);
    }
  };
  const expanded = open && list.length > 0;

  return (
    <form class="search" role="search" onSubmit={submit}>
      <label for="search-input" class="visually-hidden">
        Search the shop
      </label>
      <input
        id="search-input"
        ref={input}
        type="search"
        name="q"
        placeholder="Search products, brands…"
        autoComplete="off"
        {...COMBOBOX}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls="search-suggestions"
        aria-activedescendant={active >= 0 && list[active] ? `opt-${list[active].id}` : undefined}
        value={text}
        maxLength={200}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setOpen(true);
        }}
        onKeyDown={onKey}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
      />
      <button type="submit">Search</button>
      <ul id="search-suggestions" role="listbox" aria-label="Suggestions" class="suggestions" hidden={!expanded}>
        {list.map((o, i) => (
          <li
            key={o.id}
            id={`opt-${o.id}`}
            role="option"
            aria-selected={i === active}
            class={i === active ? "active" : undefined}
            onMouseDown={(e) => {
              e.preventDefault();
              go(o.href);
            }}
          >
            <span class="kind">{o.kind}</span> {o.label}
          </li>
        ))}
      </ul>
    </form>
  );
}
