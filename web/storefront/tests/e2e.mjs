// The storefront's journeys in a real browser: Debian's chromium (CHROMIUM) driven by
// playwright-core against a running shop (STORE_URL: its gateway, which serves this build at / and
// the APIs under /api). Run by tests/e2e/storefront_test.cpp against a shop of its own (two
// products: Aurora Phone in 128GB/256GB and Aurora Phone Blue, one model line, and Borealis
// Headphones), or by hand:
//   STORE_URL=http://127.0.0.1:18080 CHROMIUM=/usr/bin/chromium node tests/e2e.mjs
// The shop's emails (verification, password reset) are read from MailDev (MAILDEV_URL, default
// http://127.0.0.1:11080); every address of the run is at EMAIL_DOMAIN (default example.test),
// which the local OpenID provider signs in too.
// Prints a line per step; exits 1 at the first failed check (with a screenshot in
// STORE_E2E_ARTIFACTS when set), 0 when every journey passed.
import { mailed, mailedLink } from "../../tests/maildev.mjs";
import { freshCode } from "../../tests/totp.mjs";
import { startJourney } from "../../tests/journey.mjs";

const maildev = (process.env.MAILDEV_URL ?? "http://127.0.0.1:11080").replace(/\/$/, "");
const domain = process.env.EMAIL_DOMAIN ?? "example.test";
const j = await startJourney();
const { base, browser, check, expectText, expectUrl, accessible } = j;
// The page the checks act on (j.page: the harness screenshots it when a check fails).
let page = j.page;

await check("the home page shows the categories and new products, with the storefront's CSP", async () => {
  const res = await page.goto(base + "/");
  if (!res.ok()) throw new Error(`GET / answered ${res.status()}`);
  const csp = res.headers()["content-security-policy"] ?? "";
  if (!csp.includes("script-src 'self'") || csp.includes("unsafe-inline")) throw new Error(`CSP: ${csp}`);
  await expectText(page.locator(".category-tile"), "Gadgets");
  // Search indexes the products from Kafka: the first visit may come before they are in.
  for (let i = 0; i < 60 && (await page.locator(".card").count()) < 2; i++) {
    await page.waitForTimeout(1000);
    await page.reload();
  }
  await expectText(page.locator(".card"), "Aurora Phone");
  await accessible("home");
});

await check("without JavaScript (a crawler), a product and a category page have their words, canonical and JSON-LD", async () => {
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const p = await plain.newPage();
  await p.goto(base + "/p/aurora-phone");
  if ((await p.locator("h1").innerText()) !== "Aurora Phone") throw new Error("no h1 without JavaScript");
  if ((await p.title()) !== "Aurora Phone · Store") throw new Error(`title: ${await p.title()}`);
  const canonical = await p.locator('link[rel="canonical"]').getAttribute("href");
  if (canonical !== base + "/p/aurora-phone") throw new Error(`canonical: ${canonical}`);
  const ld = JSON.parse(await p.locator('script[type="application/ld+json"]').innerText());
  if (ld["@type"] !== "Product" || ld.name !== "Aurora Phone" || ld.offers.lowPrice !== "499.00" || ld.offers.priceCurrency !== "EUR")
    throw new Error(`JSON-LD: ${JSON.stringify(ld)}`);
  if (!(await p.locator(".price").innerText()).includes("499.00 EUR")) throw new Error("no price without JavaScript");
  await p.goto(base + "/c/gadgets");
  await p.locator('a[href="/p/borealis-headphones"]').waitFor();
  if ((await p.title()) !== "Gadgets · Store") throw new Error(`title: ${await p.title()}`);
  await plain.close();
});

await check("a search with a typo finds the product, by keyboard only", async () => {
  const box = page.getByRole("combobox", { name: "Search the shop" });
  await box.focus();
  await page.keyboard.type("auroa");
  await page.keyboard.press("Enter");
  await expectUrl(/\/search\?q=auroa$/);
  await expectText(page.locator(".card"), "Aurora Phone");
  await expectText(page.locator("h1"), "Results for “auroa”");
  // One model, one result: the two Aurora phones are one card with a swatch for each.
  await page.getByRole("list", { name: "2 versions" }).waitFor();
  if ((await page.locator(".card").count()) !== 1) throw new Error("a model line shows as several results");
  if ((await page.locator(".card .swatches a").count()) !== 2) throw new Error("the card has no swatch for each version");
  await expectText(page.locator(".count"), "1 product");
  await accessible("search results");
});

await check("a category page's facet filters the results; the URL holds it; back and a shared link restore them", async () => {
  await page.goto(base + "/c/gadgets");
  await expectText(page.locator("h1"), "Gadgets");
  await expectText(page.locator(".card"), "Borealis Headphones");
  await accessible("category");
  await page.getByRole("checkbox", { name: /€250 – €500/ }).click();
  await expectUrl(/\/c\/gadgets\?price=25000-50000$/);
  await page.locator(".card").filter({ hasText: "Borealis" }).waitFor({ state: "detached" });
  await expectText(page.locator(".card"), "Aurora Phone");
  const filtered = page.url();
  await page.goBack();
  await expectUrl(/\/c\/gadgets$/);
  await expectText(page.locator(".card"), "Borealis Headphones");
  await page.goto(filtered);
  await expectText(page.locator(".card"), "Aurora Phone");
  if ((await page.locator(".card").count()) !== 1) throw new Error("the shared link shows other results");
  await page.goBack();
});

await check("the product page: the model's versions as swatches; a variant choice moves the price and the SKU", async () => {
  await page.goto(base + "/search?q=auroa");
  await page.locator('.card a[href="/p/aurora-phone-blue"]').first().click();
  await expectUrl(/\/p\/aurora-phone-blue$/);
  await expectText(page.locator("h1"), "Aurora Phone Blue");
  // The model's other version, named by what sets it apart, one click away.
  const versions = page.getByRole("navigation", { name: "Versions of this model" });
  await versions.getByRole("link", { name: "Blue" }).waitFor();
  if ((await versions.getByRole("link", { name: "Blue" }).getAttribute("aria-current")) !== "page") throw new Error("the current version is not marked");
  await versions.getByRole("link", { name: "Aurora Phone" }).click();
  await expectUrl(/\/p\/aurora-phone$/);
  await expectText(page.locator("h1"), "Aurora Phone");
  await expectText(page.getByTestId("price"), "€499.00");
  await page.getByRole("radio", { name: "256GB" }).check();
  await expectText(page.getByTestId("price"), "€599.00");
  await expectText(page.locator(".availability"), "AUR-256");
  if ((await page.title()) !== "Aurora Phone · Store") throw new Error(`title: ${await page.title()}`);
  await accessible("product");
});

await check("add to cart: the header counts it, the cart shows the line and the subtotal", async () => {
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expectText(page.locator(".ok"), "Added 1 × Aurora Phone");
  await expectText(page.getByTestId("cart-count"), "1");
  await page.getByRole("link", { name: /^Cart/ }).click();
  await expectUrl(/\/cart$/);
  await expectText(page.locator(".cart-line"), "Aurora Phone");
  await expectText(page.getByTestId("subtotal"), "€599.00");
  await accessible("cart");
});

await check("changing a quantity in the cart updates the totals", async () => {
  await page.getByLabel("Quantity of Aurora Phone").fill("2");
  await page.getByLabel("Quantity of Aurora Phone").press("Tab");
  await expectText(page.getByTestId("subtotal"), "€1,198.00");
  await expectText(page.getByTestId("cart-count"), "2");
});

await check("the autocomplete opens a product with the arrow keys and Enter", async () => {
  const box = page.getByRole("combobox", { name: "Search the shop" });
  await box.fill("");
  await box.focus();
  await page.keyboard.type("borea");
  await page.getByRole("option", { name: /Borealis Headphones/ }).waitFor();
  await page.keyboard.press("ArrowDown");
  const active = await box.getAttribute("aria-activedescendant");
  if (!active) throw new Error("no active option after ArrowDown");
  await page.keyboard.press("Enter");
  await expectUrl(/\/p\/borealis-headphones$/);
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expectText(page.getByTestId("cart-count"), "3");
});

const email = `shopper-${Date.now()}-${Math.floor(Math.random() * 1e6)}@${domain}`;
const password = "a long browser journey 42";
const changedPassword = "a changed browser journey 44";
const newPassword = "an even longer browser journey 43";
/** The sign-in form filled and sent (the page must show it). */
async function signIn(password) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
/** Signed out from the account's pages, then in again up to the second factor's step. */
async function signOutAndInToTheCodeStep() {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectUrl(/\/login$/);
  await signIn(newPassword);
  await expectText(page.locator("h1"), "Two-step verification");
}

await check("register: the password rules follow the typing; the account is created", async () => {
  await page.goto(base + "/register");
  await page.getByLabel("Name").fill("Browser Shopper");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await expectText(page.locator("#password-rules"), "(5 so far)");
  if (await page.getByRole("button", { name: "Create account" }).isEnabled()) throw new Error("a short password can be sent");
  await page.getByLabel("Password").fill(password);
  await expectText(page.locator("#password-rules .met"), "At least 8 characters");
  await accessible("register");
  await page.getByRole("button", { name: "Create account" }).click();
  await expectText(page.locator("h1"), "Check your inbox");
});

await check("the verification email's link (read from MailDev) verifies the address on its page", async () => {
  const link = await mailedLink(maildev, email, "/verify-email");
  if (!link.startsWith(base + "/verify-email?token=")) throw new Error(`the link is not this shop's page: ${link}`);
  await page.goto(link);
  await expectText(page.getByRole("status"), "is verified");
  await accessible("verify email");
});

await check("sign in: the guest cart merges into the account's, which shows both lines", async () => {
  await page.goto(base + "/login");
  await signIn(password);
  await expectUrl(/\/account$/);
  await expectText(page.locator("h1"), "Hello, Browser Shopper");
  await accessible("account");
  await page.getByRole("link", { name: /^Cart/ }).click();
  await expectText(page.locator(".cart-line"), "Aurora Phone");
  await expectText(page.locator(".cart-line"), "Borealis Headphones");
  await expectText(page.getByTestId("subtotal"), "€1,327.00");
});

await check("the session outlives a reload (HttpOnly cookie, never readable by the page)", async () => {
  await page.goto(base + "/account");
  await expectText(page.locator("h1"), "Hello, Browser Shopper");
  await expectText(page.getByTestId("cart-count"), "3");
  const cookies = await j.context.cookies();
  const session = cookies.find((c) => c.name === "store_session");
  if (!session || !session.httpOnly || session.sameSite !== "Strict" || session.path !== "/api/user/v1/auth")
    throw new Error(`session cookie: ${JSON.stringify(session)}`);
  if ((await page.evaluate(() => document.cookie)).includes("store_session")) throw new Error("the page can read the session");
});

await check("the address book: add (a bad phone number explained at its field), default, change, remove", async () => {
  await page.goto(base + "/account");
  await page.getByRole("link", { name: "Your addresses" }).click();
  await expectUrl(/\/account\/addresses$/);
  await expectText(page.locator("main"), "No addresses yet");
  await page.getByRole("button", { name: "Add an address" }).click();
  if ((await page.getByLabel("Full name").inputValue()) !== "Browser Shopper") throw new Error("the name is not prefilled");
  await page.getByLabel("Street and number").fill("1 Main Street");
  await page.getByLabel("Postcode").fill("10115");
  await page.getByLabel("City").fill("Berlin");
  await page.getByLabel("Country").selectOption("DE");
  await page.getByLabel(/^Phone/).fill("12345");
  await page.getByRole("button", { name: "Save address" }).click();
  await expectText(page.locator("#f-phone-error"), "E.164");
  await accessible("address form, with a field error");
  await page.getByLabel(/^Phone/).fill("+4930123456");
  await page.getByLabel("Use for shipping by default").check();
  await page.getByRole("button", { name: "Save address" }).click();
  await expectText(page.locator(".address"), "Germany");
  await expectText(page.locator(".address .tag"), "Default for shipping");
  await accessible("address book");
  await page.getByRole("button", { name: /^Change the address of/ }).click();
  await page.getByLabel("Street and number").fill("2 Main Street");
  await page.getByRole("button", { name: "Save address" }).click();
  await expectText(page.locator(".address"), "2 Main Street");
  await page.getByRole("button", { name: /^Remove the address of/ }).click();
  await expectText(page.locator("main"), "No addresses yet");
});

await check("your details and security: a new name in the header, the sessions, a changed password", async () => {
  await page.goto(base + "/account");
  await page.getByLabel("Name", { exact: true }).fill("Browser Shopper Jr");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expectText(page.getByRole("status"), "Saved");
  await expectText(page.locator("header"), "Browser Shopper Jr");
  await page.getByRole("link", { name: "Sign-in and security" }).click();
  await expectText(page.locator(".sessions"), "this browser");
  await expectText(page.locator(".sessions"), "Chrome on Linux"); // the device in words, not its User-Agent
  await accessible("sign-in and security");
  await page.getByLabel("Current password").fill(password);
  await page.getByLabel("New password").fill(changedPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expectText(page.getByRole("status"), "Your password is changed");
});

await check("a wrong password is told plainly, without a raw error", async () => {
  await page.getByRole("link", { name: "Browser Shopper" }).click();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expectUrl(/\/login$/);
  await signIn("not the password at all");
  const alert = page.getByRole("alert");
  await alert.waitFor();
  const text = await alert.innerText();
  if (text.includes("{") || text.length < 5) throw new Error(`the message: ${text}`);
  await accessible("sign in, with its error");
});

await check("a forgotten password: the reset link from the email sets a new one, which signs in", async () => {
  await page.locator("main").getByRole("link", { name: "Forgot your password?" }).click();
  await expectUrl(/\/forgot-password$/);
  // The page itself, not the sign-in page still shown while it loads (both have an Email field).
  await expectText(page.locator("h1"), "Reset your password");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expectText(page.getByRole("status"), "we sent it a link");
  const link = await mailedLink(maildev, email, "/reset-password");
  if (!link.startsWith(base + "/reset-password?token=")) throw new Error(`the link is not this shop's page: ${link}`);
  await page.goto(link);
  await page.getByLabel("New password").fill(newPassword);
  await accessible("reset password");
  await page.getByRole("button", { name: "Save password" }).click();
  await expectText(page.getByRole("status"), "Your password is changed");
  await page.locator("main").getByRole("link", { name: "Sign in" }).click();
  await signIn(newPassword);
  await expectText(page.locator("h1"), "Hello, Browser Shopper");
});

let secret = "";
let recoveryCodes = [];

await check("two-step verification: turned on with the app's first code (the notice emailed), then the sign-in asks for a code", async () => {
  await page.goto(base + "/account/security");
  const turnOn = page.getByRole("form", { name: "Turn on two-step verification" });
  await turnOn.getByLabel("Password").fill(newPassword);
  await turnOn.getByRole("button", { name: "Turn on two-step verification" }).click();
  await page.locator("svg.qr path").waitFor();
  secret = (await page.locator("code.secret").innerText()).replace(/\s/g, "");
  await accessible("two-step verification: the QR code");
  await page.getByLabel("The 6-digit code the app shows").fill(await freshCode(secret));
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  await page.locator(".recovery-codes li").first().waitFor();
  recoveryCodes = await page.locator(".recovery-codes code").allInnerTexts();
  if (recoveryCodes.length !== 10) throw new Error(`${recoveryCodes.length} recovery codes`);
  await page.getByRole("button", { name: "I saved them" }).click();
  await expectText(page.locator("main"), "Two-step verification is on");
  await mailed(maildev, email, "Two-step verification was turned on"); // the notice, in case it was not the shopper
  await signOutAndInToTheCodeStep();
  await page.getByLabel("Code").fill("000000");
  await page.getByRole("button", { name: "Verify" }).click();
  await expectText(page.locator(".field-error"), "is wrong");
  await accessible("two-step verification: the code, with its error");
  await page.getByLabel("Code").fill(await freshCode(secret));
  await page.getByRole("button", { name: "Verify" }).click();
  await expectText(page.locator("h1"), "Hello, Browser Shopper");
});

await check("a recovery code signs in once instead of the app", async () => {
  await signOutAndInToTheCodeStep();
  await page.getByRole("button", { name: "Use a recovery code instead" }).click();
  await page.getByLabel("Recovery code").fill(recoveryCodes[0]);
  await page.getByRole("button", { name: "Verify" }).click();
  await expectText(page.locator("h1"), "Hello, Browser Shopper");
  await page.goto(base + "/account/security");
  await expectText(page.locator("main"), "9 of your recovery codes are left");
});

await check("social login in another browser: the guest's cart, the provider's page, back signed in with it", async () => {
  const other = await j.newContext({ viewport: { width: 390, height: 844 } });
  page = j.page = j.watched(await other.newPage());
  await page.goto(base + "/p/borealis-headphones");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expectText(page.getByTestId("cart-count"), "1");
  await page.goto(base + "/login");
  await accessible("sign in, with social login");
  await page.getByRole("link", { name: "Continue with Local ID" }).click();
  // The provider's own page (another origin): the address it signs in.
  const social = `social-${Date.now()}@${domain}`;
  await page.locator('input[name="email"]').fill(social);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expectUrl(/\/account$/);
  await expectText(page.locator("h1"), `Hello, social-`);
  await expectText(page.locator("main"), `Signed in as ${social}`);
  await expectText(page.getByTestId("cart-count"), "1");
  const cookies = await other.cookies();
  if (!cookies.some((c) => c.name === "store_session" && c.httpOnly)) throw new Error("no session cookie after social login");
  if (cookies.some((c) => c.name === "store_oidc_state")) throw new Error("the sign-in's state cookie stayed");
});

await check("social login of an account with two-step verification asks for its code, then ends signed in", async () => {
  const third = await j.newContext();
  page = j.page = j.watched(await third.newPage());
  await page.goto(base + "/login");
  await page.getByRole("link", { name: "Continue with Local ID" }).click();
  await page.locator('input[name="email"]').fill(email); // the provider vouches for the shopper's address
  await page.getByRole("button", { name: "Sign in" }).click();
  await expectUrl(/\/login\?mfa=required$/);
  await expectText(page.locator("h1"), "Two-step verification");
  if ((await third.cookies()).some((c) => c.name === "store_session")) throw new Error("a session before the code");
  await page.getByLabel("Code").fill(await freshCode(secret));
  await page.getByRole("button", { name: "Verify" }).click();
  await expectText(page.locator("h1"), "Hello, Browser Shopper");
  const cookies = await third.cookies();
  if (!cookies.some((c) => c.name === "store_session" && c.httpOnly)) throw new Error("no session cookie after the code");
  if (cookies.some((c) => c.name === "store_mfa")) throw new Error("the challenge cookie stayed");
});

await check("an unknown product or category says so, in words, and is not indexed", async () => {
  await page.goto(base + "/p/no-such-product");
  await expectText(page.locator("h1"), "We could not find that page");
  // Kept out of search indexes: the gateway's head for crawlers and the app's own.
  if ((await page.locator('meta[name="robots"][content="noindex"]').count()) < 1) throw new Error("an unknown product is indexable");
  await page.goto(base + "/c/no-such-category");
  await expectText(page.locator("h1"), "We could not find that page");
  await accessible("not found");
});

await j.finish();
