// The storefront's JavaScript budget (issue #15): a first visit of any page loads at most 100 KB
// of gzipped JavaScript: the entry the HTML names, plus the page's own chunk and everything it
// imports. Reads a build (argument: the dist directory); prints a row per page; exit 1 over budget.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 100 * 1024;
const dist = process.argv[2];
if (!dist) {
  console.error("usage: budget.mjs DIST");
  process.exit(2);
}
const assets = join(dist, "assets");
const html = readFileSync(join(dist, "index.html"), "utf8");
const gz = (file) => gzipSync(readFileSync(join(assets, file)), { level: 9 }).length;
const imports = (file) =>
  [...readFileSync(join(assets, file), "utf8").matchAll(/(?:from|import)\s*"\.\/([\w.-]+\.js)"/g)].map((m) => m[1]);

/** The files a chunk needs before it runs: itself and its static imports, transitively. */
function closure(start) {
  const seen = new Set();
  const todo = [...start];
  while (todo.length) {
    const f = todo.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...imports(f));
  }
  return seen;
}

const entry = [...html.matchAll(/(?:src|href)="\/assets\/([\w.-]+\.js)"/g)].map((m) => m[1]);
if (entry.length === 0) {
  console.error(`no script in ${dist}/index.html`);
  process.exit(1);
}
const base = closure(entry);
const pages = readdirSync(assets).filter((f) => f.endsWith(".js") && !base.has(f));
let failed = 0;
console.log("| first visit of | files | JS gzipped | budget |");
console.log("|---|---|---|---|");
for (const page of [null, ...pages]) {
  const files = page ? closure([...base, page]) : base;
  const bytes = [...files].reduce((n, f) => n + gz(f), 0);
  const ok = bytes <= BUDGET;
  if (!ok) failed++;
  const name = page ? page.replace(/-[\w-]{8}\.js$/, "") : "home (the entry)";
  console.log(`| ${name} | ${files.size} | ${(bytes / 1024).toFixed(1)} KB | ${ok ? "ok" : "OVER"} ≤ 100 KB |`);
}
if (entry.length && pages.length === 0) console.log("(no lazily loaded pages)");
console.log(failed ? `${failed} over budget` : "every page within budget");
process.exit(failed ? 1 : 0);
