// The storefront's checkout in a real browser: Debian's chromium (CHROMIUM) driven by playwright-core
// against a shop that sells (STORE_URL: the gateway of tests/e2e's purchase stack, with the order,
// payment and provider sandbox services, serving this build at /). Run by checkout_e2e_test
// (tests/e2e/checkout_test.cpp), or by hand:
//   STORE_URL=http://127.0.0.1:18080 CHROMIUM=/usr/bin/chromium node tests/checkout.mjs
// A guest adds Borealis Headphones to the cart, checks out with a new address in Germany, express
// shipping and a 3-D Secure card, pays at the provider's page, comes back to the order's page,
// which turns to "confirmed" on the webhook's truth without a reload. Bad input is refused next to
// its field first. Prints a line per step; exits 1 at the first failed check.
import { startJourney } from "../../tests/journey.mjs";

const j = await startJourney();
const { base, check, expectText, expectUrl, accessible } = j;
const page = j.page;
const email = `guest-${Date.now()}@e2e-checkout.test`;

await check("a guest puts Borealis Headphones in the cart and goes to the checkout", async () => {
  await page.goto(base + "/p/borealis-headphones");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expectText(page.locator(".ok"), "Added 1 × Borealis Headphones");
  await page.goto(base + "/cart");
  await page.getByRole("link", { name: "Checkout" }).click();
  await expectUrl(/\/checkout$/);
  await expectText(page.locator(".order-lines li"), "Borealis Headphones");
  await accessible("checkout");
});

await check("a postcode that does not fit the country is refused next to its field, nothing placed", async () => {
  await page.getByLabel("Email (for the confirmation)").fill(email);
  await page.getByLabel("Full name").fill("Gus Guest");
  await page.getByLabel("Street and number").fill("Unter den Linden 1");
  await page.getByLabel("Postcode").fill("ABC");
  await page.getByLabel("City").fill("Berlin");
  await page.getByLabel("Country").selectOption("DE");
  await page.getByRole("button", { name: /^Place order/ }).click();
  await expectText(page.locator(".field-error"), "5 digits");
  if (!/\/checkout$/.test(page.url())) throw new Error(`left the checkout: ${page.url()}`);
});

await check("express shipping to Germany: its price and the 19 % VAT in the total", async () => {
  await page.getByLabel("Postcode").fill("10117");
  await page.getByRole("radio", { name: /Express/ }).check();
  await expectText(page.locator(".totals-table"), "€9.95");
  await expectText(page.locator(".totals-table"), "Incl. VAT 19.00%");
  await expectText(page.getByTestId("total"), "€138.95");
});

await check("placing the order leads to the provider's page once the stock is reserved", async () => {
  await page.getByRole("button", { name: /^Place order/ }).click();
  await expectUrl(/\/account\/orders\/[0-9a-f-]+$/);
  await page.getByRole("link", { name: "Continue to payment" }).click();
  await page.waitForURL((u) => !u.toString().startsWith(base));
});

await check("a 3-D Secure card at the provider, approved, back to the order: confirmed without a reload", async () => {
  await page.locator('input[name="number"]').fill("4000002760003184");
  await page.locator('input[name="exp_month"]').fill("12");
  await page.locator('input[name="exp_year"]').fill("2031");
  await page.locator('input[name="cvc"]').fill("123");
  await page.getByRole("button", { name: /^Pay/ }).click();
  await page.getByRole("button", { name: "Approve" }).click();
  await expectUrl(/\/checkout\/complete\?order=/);
  await page.locator(".notice.success").filter({ hasText: "is confirmed" }).waitFor({ timeout: 30000 });
  await expectText(page.locator(".order-page"), "visa ending in 3184");
  await expectText(page.locator(".timeline"), "Confirmed");
  await accessible("order");
});

await j.finish();
