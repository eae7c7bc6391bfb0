// The storefront's checkout in a real browser: Debian's chromium (CHROMIUM) driven by playwright-core
// against a shop that sells (STORE_URL: the gateway of tests/e2e's purchase stack, with the order,
// payment and provider sandbox services, serving this build at /). Run by checkout_e2e_test
// (tests/e2e/checkout_test.cpp), or by hand:
//   STORE_URL=http://127.0.0.1:18080 CHROMIUM=/usr/bin/chromium node tests/checkout.mjs
// A guest adds Borealis Headphones to the cart, checks out with a new address in Germany, express
// shipping and a 3-D Secure card, pays at the provider's page, comes back to the order's page,
// which turns to "confirmed" on the webhook's truth without a reload. Bad input is refused next to
// its field first. Then a customer: registered and signed in, an address in the address book,
// which the checkout offers; a declined card at the provider, then another card on the same order;
// the order in "Your orders". Prints a line per step; exits 1 at the first failed check.
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

const customer = `customer-${Date.now()}@e2e-checkout.test`;
const password = "a long checkout journey 42";

await check("a customer registers, signs in and keeps an address in the address book", async () => {
  await page.context().clearCookies();
  await page.goto(base + "/register");
  await page.getByLabel("Name").fill("Cora Customer");
  await page.getByLabel("Email").fill(customer);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expectText(page.locator("h1"), "Check your inbox");
  await page.goto(base + "/login");
  await page.getByLabel("Email").fill(customer);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expectUrl(/\/account$/);
  await page.getByRole("link", { name: "Your addresses" }).click();
  await page.getByRole("button", { name: "Add an address" }).click();
  await page.getByLabel("Street and number").fill("Karl-Marx-Allee 5");
  await page.getByLabel("Postcode").fill("10178");
  await page.getByLabel("City").fill("Berlin");
  await page.getByLabel("Country").selectOption("DE");
  await page.getByRole("button", { name: "Save address" }).click();
  await expectText(page.locator("main"), "Karl-Marx-Allee 5");
});

await check("the checkout offers the saved address and asks no email", async () => {
  await page.goto(base + "/p/aurora-phone");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expectText(page.locator(".ok"), "Added 1 × Aurora Phone");
  await page.goto(base + "/checkout");
  await page.getByRole("radio", { name: /Karl-Marx-Allee 5/ }).waitFor();
  if (!(await page.getByRole("radio", { name: /Karl-Marx-Allee 5/ }).isChecked())) throw new Error("the saved address is not chosen");
  if (await page.getByLabel("Email (for the confirmation)").count()) throw new Error("a customer is asked for an email");
  await expectText(page.getByTestId("total"), "€499.00");
  await page.getByRole("button", { name: /^Place order/ }).click();
  await expectUrl(/\/account\/orders\/[0-9a-f-]+$/);
});

let orderPage = "";
await check("a declined card at the provider, then another card on the same order: confirmed", async () => {
  orderPage = page.url();
  await page.getByRole("link", { name: "Continue to payment" }).click();
  await page.waitForURL((u) => !u.toString().startsWith(base));
  const pay = async (card) => {
    await page.locator('input[name="number"]').fill(card);
    await page.locator('input[name="exp_month"]').fill("12");
    await page.locator('input[name="exp_year"]').fill("2031");
    await page.locator('input[name="cvc"]').fill("123");
    await page.getByRole("button", { name: /^Pay/ }).click();
  };
  await pay("4000000000000002");
  await page.locator("body").filter({ hasText: /declined/i }).waitFor();
  await pay("4242424242424242");
  await expectUrl(/\/checkout\/complete\?order=/);
  await page.locator(".notice.success").filter({ hasText: "is confirmed" }).waitFor({ timeout: 30000 });
  await expectText(page.locator(".order-page"), "visa ending in 4242");
});

await check("the order is in the customer's orders, newest first, and opens its page", async () => {
  const number = await page.getByTestId("order-number").innerText();
  await page.goto(base + "/account");
  await page.getByRole("link", { name: "Your orders" }).click();
  await expectUrl(/\/account\/orders$/);
  await expectText(page.locator(".order-list li").first(), number);
  await expectText(page.locator(".order-list li").first(), "Confirmed");
  await accessible("orders");
  await page.locator(".order-list li").first().getByRole("link").click();
  await page.waitForURL(orderPage);
  await expectText(page.locator("h1"), number);
});

await j.finish();
