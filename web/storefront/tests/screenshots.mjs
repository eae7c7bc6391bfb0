// Screenshots of every storefront page at phone (390 px) and desktop (1280 px) width, from a
// running shop with the demo catalog (./store up), into docs/screenshots/:
//   node web/storefront/tests/screenshots.mjs            # STORE_URL, MAILDEV_URL, CHROMIUM to override
// A shopper registers (the verification link read from MailDev, the shop's real email), verifies,
// signs in and fills a cart on the way, so the account, verification and cart pages show real data.
import { chromium } from "playwright-core";
import { mailedLink } from "../../tests/maildev.mjs";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const base = (process.env.STORE_URL ?? "http://127.0.0.1:18080").replace(/\/$/, "");
const maildev = (process.env.MAILDEV_URL ?? "http://127.0.0.1:11080").replace(/\/$/, "");
const out = process.env.OUT ?? join(dirname(fileURLToPath(import.meta.url)), "../../../docs/screenshots");
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
const email = `screenshots-${Date.now()}@example.com`;
const password = "screenshots are worth a thousand words";


for (const [width, label] of [[390, "phone"], [1280, "desktop"]]) {
  const context = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 }, locale: "en-US" });
  const page = await context.newPage();
  const shot = async (name, path, ready) => {
    if (path) await page.goto(base + path);
    if (ready) await ready();
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: join(out, `${name}-${label}.png`), fullPage: false });
    console.log(`${name}-${label}.png`);
  };
  const product = await (await fetch(`${base}/api/catalog/v1/search?q=laptop&in_stock=true&size=1`)).json();
  const slug = product.items[0].slug;
  await shot("home", "/", () => page.locator(".card").first().waitFor());
  await shot("search", "/search?q=laptp", () => page.locator(".card").first().waitFor());
  await shot("category", "/c/laptops", () => page.locator(".card").first().waitFor());
  await shot("product", `/p/${slug}`, () => page.locator("h1").waitFor());
  await page.getByRole("button", { name: "Add to cart" }).click();
  await page.locator(".ok").waitFor();
  await shot("cart", "/cart", () => page.locator(".cart-line").first().waitFor());
  if (label === "phone") {
    await shot("register", "/register", async () => {
      await page.getByLabel("Name").fill("Sam Shopper");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
    });
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByText("Check your inbox").waitFor();
    const link = new URL(await mailedLink(maildev, email, "/verify-email"), base);
    await shot("verify-email", link.pathname + link.search, () => page.getByText("is verified").waitFor());
  }
  await shot("login", "/login", async () => {
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
  });
  await page.getByRole("button", { name: "Sign in" }).click();
  // Signed in: the account page, or the notice of what the cart merge changed.
  await page.locator("h1").filter({ hasText: /^(Hello|Welcome back)/ }).waitFor();
  await shot("account", "/account", () => page.getByLabel("Name", { exact: true }).waitFor());
  await shot("security", "/account/security", () => page.locator(".sessions li").first().waitFor());
  await shot("addresses", "/account/addresses", async () => {
    await page.getByRole("button", { name: "Add an address" }).click();
    await page.getByLabel("Street and number").fill("1 Main Street");
    await page.getByLabel("Postcode").fill("10115");
    await page.getByLabel("City").fill("Berlin");
    await page.getByLabel("Country").selectOption("DE");
  });
  await shot("not-found", "/p/no-such-product", () => page.getByText("We could not find that page").waitFor());
  await context.close();
}
await browser.close();
