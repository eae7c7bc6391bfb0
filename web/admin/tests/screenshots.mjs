// Screenshots of every admin screen at desktop width (1280 px), from a running shop with the demo
// catalog (./store up), into docs/screenshots/admin/:
//   node web/admin/tests/screenshots.mjs      # STORE_URL, CHROMIUM, STAFF_EMAIL, STAFF_PASSWORD to override
// The development admin signs in (within its grace period: no second factor asked); the delivery
// log shows the demo's emails.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const base = (process.env.STORE_URL ?? "http://127.0.0.1:18080").replace(/\/$/, "");
const out = process.env.OUT ?? join(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots/admin");
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
const page = await context.newPage();
const shot = async (name, path, ready) => {
  if (path) await page.goto(base + path);
  if (ready) await ready();
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: false });
  console.log(`${name}.png`);
};

await shot("sign-in", "/admin/login", () => page.locator("h1").waitFor());
await page.getByLabel("Email").fill(process.env.STAFF_EMAIL ?? "admin@store.local");
await page.getByLabel("Password").fill(process.env.STAFF_PASSWORD ?? "store-admin-dev-only");
await page.getByRole("button", { name: "Sign in" }).click();
await page.locator("h1", { hasText: "Customers" }).waitFor();
await shot("products", "/admin/products", () => page.locator("tbody tr").first().waitFor());
await shot("products-filtered", "/admin/products?q=phone&status=active", () => page.locator("tbody tr").first().waitFor());
await page.locator("tbody a").first().click();
await shot("product", null, () => page.locator(".preview .rendered").first().waitFor());
await shot("new-product", "/admin/products/new", () => page.getByLabel("Category").waitFor());
await shot("product-types", "/admin/product-types", () => page.locator("tbody tr").first().waitFor());
await shot("search-quality", "/admin/search", () => page.getByLabel("Rules").waitFor());
await shot("stock", "/admin/stock", () => page.locator("tbody tr").first().waitFor());
await shot("categories", "/admin/categories", () => page.locator(".tree-node").first().waitFor());
await shot("customers", "/admin/customers", () => page.locator("tbody tr").first().waitFor());
await shot("notifications", "/admin/notifications", () => page.locator("h1").waitFor());
if ((await page.locator("tbody a").count()) > 0) {
  await page.locator("tbody a").first().click();
  await shot("delivery", null, () => page.getByTestId("delivery-status").waitFor());
}
await shot("your-sign-in", "/admin/security", () => page.locator("main h2").first().waitFor());
await browser.close();
