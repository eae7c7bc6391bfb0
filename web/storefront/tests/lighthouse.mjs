// Lighthouse budgets of the storefront (issue #15): performance ≥ 90, accessibility ≥ 95, best
// practices ≥ 95, SEO ≥ 95 on each page, mobile emulation (Lighthouse's default: a mid-range phone
// on a throttled 4G network, simulated), in Debian's chromium. Prints a row per page with its
// weight; exits 1 when a page misses a budget.
//   STORE_URL=http://127.0.0.1:18080 PAGES="/ /search?q=laptop" node tests/lighthouse.mjs
// OUT=file writes the table (Markdown) there too.
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { writeFileSync } from "node:fs";

const base = (process.env.STORE_URL ?? "").replace(/\/$/, "");
const pages = (process.env.PAGES ?? "/").split(/\s+/).filter(Boolean);
if (!base) {
  console.error("STORE_URL is required");
  process.exit(2);
}
const BUDGET = { performance: 90, accessibility: 95, "best-practices": 95, seo: 95 };
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage"],
});
const rows = [];
let failed = 0;
try {
  for (const path of pages) {
    const { lhr } = await lighthouse(base + path, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: Object.keys(BUDGET),
    });
    const score = (c) => Math.round((lhr.categories[c]?.score ?? 0) * 100);
    const misses = Object.entries(BUDGET).filter(([c, min]) => score(c) < min);
    const weight = lhr.audits["total-byte-weight"]?.numericValue ?? 0;
    const items = lhr.audits["network-requests"]?.details?.items ?? [];
    const js = items.filter((i) => i.resourceType === "Script").reduce((n, i) => n + (i.transferSize ?? 0), 0);
    const lcp = lhr.audits["largest-contentful-paint"]?.numericValue ?? 0;
    const cls = lhr.audits["cumulative-layout-shift"]?.numericValue ?? 0;
    rows.push(
      `| ${path} | ${score("performance")} | ${score("accessibility")} | ${score("best-practices")} | ${score("seo")} | ` +
        `${(lcp / 1000).toFixed(2)} s | ${cls.toFixed(3)} | ${(weight / 1024).toFixed(1)} KB | ${(js / 1024).toFixed(1)} KB | ` +
        `${misses.length ? "MISSED: " + misses.map(([c]) => c).join(", ") : "ok"} |`,
    );
    if (misses.length) {
      failed++;
      for (const [c] of misses)
        for (const ref of lhr.categories[c].auditRefs) {
          const a = lhr.audits[ref.id];
          if (ref.weight > 0 && a.score !== null && a.score < 0.9) console.log(`  ${path} ${c}: ${a.id} (${a.title}) ${a.displayValue ?? ""}`);
        }
    }
  }
} finally {
  await chrome.kill();
}
const table = [
  "| page | performance | accessibility | best practices | SEO | LCP | CLS | transferred | of it JS | budget |",
  "|---|---|---|---|---|---|---|---|---|---|",
  ...rows,
].join("\n");
console.log(table);
if (process.env.OUT) writeFileSync(process.env.OUT, table + "\n");
console.log(failed ? `${failed} of ${pages.length} pages missed a budget` : `every page within budget (${pages.length})`);
process.exit(failed ? 1 : 0);
