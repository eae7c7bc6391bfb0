// The harness of the web apps' browser journeys (web/storefront/tests/e2e.mjs,
// web/admin/tests/e2e.mjs): Debian's chromium driven by playwright-core, numbered checks that stop
// at the first failure (printing what the page showed, with a screenshot in STORE_E2E_ARTIFACTS),
// script and console errors failing the check they happen in, axe-core on the pages a check names.
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { join } from "node:path";

/** The journey: its browser, first context and page (`j.page`: the page checks act on; a check
 * may point it at another context's page made by `j.watched`). */
export async function startJourney() {
  const base = (process.env.STORE_URL ?? "").replace(/\/$/, "");
  if (!base) {
    console.error("STORE_URL is required");
    process.exit(2);
  }
  const artifacts = process.env.STORE_E2E_ARTIFACTS;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  const problems = [];
  const audited = [];
  let step = 0;
  const j = { base, browser, page: null };
  /** A context of the journey's browser (desktop size unless told). */
  j.newContext = async (options = {}) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US", ...options });
    context.setDefaultTimeout(15000);
    return context;
  };
  /** A page whose script errors and console errors fail the check they happen in. */
  j.watched = (p) => {
    p.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    // (A 4xx the page asked for and shows in words, such as a field error, is the browser's note, not an error.)
    p.on("console", (m) => {
      if (m.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()))
        problems.push(`console error: ${m.text()}`);
    });
    return p;
  };
  j.context = await j.newContext();
  j.page = j.watched(await j.context.newPage());
  j.check = async (name, f) => {
    step++;
    const t0 = Date.now();
    try {
      await f();
      if (problems.length) throw new Error(problems.join("\n"));
      console.log(`ok ${step} - ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      const shown = await j.page.locator("main").innerText({ timeout: 1000 }).catch(() => "(no main)");
      console.log(`not ok ${step} - ${name}\n  ${String(e.message ?? e).split("\n").join("\n  ")}\n  at ${j.page.url()}`);
      console.log(`  the page shows: ${shown.slice(0, 400).split("\n").join(" / ")}`);
      if (artifacts) await j.page.screenshot({ path: join(artifacts, `failed-step-${step}.png`), fullPage: true }).catch(() => {});
      await browser.close();
      process.exit(1);
    }
  };
  j.expectText = async (locator, text) => {
    await locator.filter({ hasText: text }).first().waitFor();
  };
  j.expectUrl = async (re) => {
    await j.page.waitForURL(re);
  };
  /** axe-core on the page as it is now: no serious or critical WCAG 2.1 A/AA violation. */
  j.accessible = async (name) => {
    const r = await new AxeBuilder({ page: j.page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    if (bad.length)
      throw new Error(
        `axe on ${name}: ` +
          bad.map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`).join("; "),
      );
    audited.push(name);
  };
  /** The summary lines (the test runner reads the last one). */
  j.finish = async () => {
    await browser.close();
    console.log(`axe-core: no serious or critical violation on ${audited.join(", ")}`);
    console.log(`${step} passed, 0 failed`);
  };
  return j;
}
