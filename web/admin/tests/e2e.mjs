// The admin app's journeys in a real browser: Debian's chromium (CHROMIUM) driven by
// playwright-core against a running shop (STORE_URL: its gateway, which serves this build at
// /admin/ and the APIs under /api). Run by tests/e2e/admin_test.cpp against a shop of its own whose
// admins have no grace period for two-step verification (mfa.admin_grace 0), with the bootstrap
// admin of services/user/config/defaults.conf; emails are read from MailDev (MAILDEV_URL), every
// address of the run is at EMAIL_DOMAIN. Prints a line per check; exits 1 at the first failure.
import { mailed, mailedLink } from "../../tests/maildev.mjs";
import { freshCode } from "../../tests/totp.mjs";
import { startJourney } from "../../tests/journey.mjs";

const maildev = (process.env.MAILDEV_URL ?? "http://127.0.0.1:11080").replace(/\/$/, "");
const domain = process.env.EMAIL_DOMAIN ?? "example.test";
const staff = { email: "admin@store.local", password: "store-admin-dev-only" };
const j = await startJourney();
const { base, check, expectText, expectUrl, accessible } = j;
const page = j.page;

/** A call to the shop's API as a client would make it: {status, body}. */
async function call(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${base}/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
function expectStatus(r, status, what) {
  if (r.status !== status) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
}

async function signIn(email, password) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const customer = { email: `casey-${Date.now()}@${domain}`, password: "a customer's long passphrase", name: "Casey Customer" };

await check("a customer account (registered, verified from its email) gets 403 from every admin API", async () => {
  expectStatus(await call("POST", "/user/v1/auth/register", customer), 202, "register");
  const link = await mailedLink(maildev, customer.email, "/verify-email");
  expectStatus(await call("POST", "/user/v1/auth/verify-email", { token: new URL(link).searchParams.get("token") }), 200, "verify");
  const login = await call("POST", "/user/v1/auth/login", { email: customer.email, password: customer.password });
  expectStatus(login, 200, "login");
  customer.id = login.body.user.id;
  customer.access = login.body.access_token;
  customer.refresh = login.body.refresh_token;
  const address = { name: customer.name, line1: "12 Harbour Road", city: "Hamburg", postal_code: "20457", country: "DE" };
  expectStatus(await call("POST", "/user/v1/me/addresses", address, customer.access), 201, "an address");
  for (const [method, path] of [
    ["GET", "/user/v1/admin/users?q=casey"],
    ["GET", `/user/v1/admin/users/${customer.id}`],
    ["POST", `/user/v1/admin/users/${customer.id}/disable`],
    ["DELETE", `/user/v1/admin/users/${customer.id}/mfa`],
    ["GET", "/catalog/v1/admin/products"],
    ["PUT", "/catalog/v1/admin/skus/AUR-128/stock"],
    ["GET", "/catalog/v1/admin/skus/AUR-128/adjustments"],
    ["GET", "/catalog/v1/admin/stock/low"],
    ["POST", "/catalog/v1/admin/markdown"],
    ["GET", "/catalog/v1/admin/settings"],
    ["PUT", "/catalog/v1/admin/product-types/gadget"],
    ["GET", "/catalog/v1/admin/search/queries"],
    ["PUT", "/catalog/v1/admin/search/synonyms"],
    ["GET", "/notification/v1/notifications/deliveries"],
    ["GET", "/notification/v1/notifications/deliveries/1"],
    ["POST", "/notification/v1/notifications/deliveries/1/resend"],
  ])
    expectStatus(await call(method, path, undefined, customer.access), 403, `${method} ${path} with a customer's token`);
});

await check("a customer who opens the admin signs in and is told it is for staff", async () => {
  const res = await page.goto(base + "/admin/");
  const headers = res.headers();
  if (!(headers["x-robots-tag"] ?? "").includes("noindex")) throw new Error("the admin may be indexed");
  if (!(headers["content-security-policy"] ?? "").includes("script-src 'self'")) throw new Error("no CSP on the admin");
  await expectUrl(/\/admin\/login$/);
  await expectText(page.locator("h1"), "Staff sign-in");
  await accessible("staff sign-in");
  await signIn(customer.email, customer.password);
  await expectText(page.locator("h1"), "Staff only");
  await accessible("staff only");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expectUrl(/\/admin\/login$/);
});

let staffSecret = "";
await check("staff without two-step verification (no grace period) turn it on first; then the admin is theirs", async () => {
  await signIn(staff.email, staff.password);
  await expectText(page.locator("h1"), "Turn on two-step verification");
  await accessible("staff: turn on two-step verification");
  const turnOn = page.getByRole("form", { name: "Turn on two-step verification" });
  await turnOn.getByLabel("Password").fill(staff.password);
  await turnOn.getByRole("button", { name: "Turn on two-step verification" }).click();
  await page.locator("svg.qr path").waitFor();
  staffSecret = (await page.locator("code.secret").innerText()).replace(/\s/g, "");
  await page.getByLabel("The 6-digit code the app shows").fill(await freshCode(staffSecret));
  await page.getByRole("button", { name: "Turn on", exact: true }).click();
  await page.getByRole("button", { name: "I saved them" }).click();
  // The session passed the second factor: its renewed token carries the admin role.
  await expectText(page.locator("h1"), "Customers");
  await expectText(page.getByRole("navigation", { name: "Admin" }), "Customers");
});

await check("customers: found by email (the search in the URL), disabled (their session ends at once), enabled", async () => {
  await page.getByLabel("Email or name").fill(customer.email);
  await page.getByRole("button", { name: "Search" }).click();
  await expectUrl(/\/admin\/customers\?q=casey-/);
  const row = page.locator("tbody tr").filter({ hasText: customer.email });
  await expectText(row, "active");
  await accessible("customers");
  await page.getByRole("button", { name: `Disable ${customer.name}` }).click();
  await expectText(row, "disabled");
  expectStatus(await call("POST", "/user/v1/auth/refresh", { refresh_token: customer.refresh }), 401, "the disabled customer's refresh");
  expectStatus(await call("POST", "/user/v1/auth/login", { email: customer.email, password: customer.password }), 403, "a disabled login");
  await page.getByRole("button", { name: `Enable ${customer.name}` }).click();
  await expectText(row, "active");
  await page.reload();
  await expectText(page.locator("tbody tr").filter({ hasText: customer.email }), "active");
  // Their page: the address book and where they are signed in (the session the disabling ended is gone).
  await page.getByRole("link", { name: customer.email }).click();
  await expectText(page.locator("h1"), customer.name);
  await expectText(page.locator("main"), "12 Harbour Road");
  await expectText(page.locator("main"), "No live session.");
  await accessible("a customer");
  await page.getByRole("link", { name: "Customers", exact: true }).last().click();
  await expectText(page.locator("tbody tr"), customer.email);
});

await check("a customer's lost second factor removed by staff: they are told by email and sign in with their password", async () => {
  const login = await call("POST", "/user/v1/auth/login", { email: customer.email, password: customer.password });
  expectStatus(login, 200, "login again");
  const begun = await call("POST", "/user/v1/me/mfa/totp", { password: customer.password }, login.body.access_token);
  expectStatus(begun, 200, "begin two-step");
  const confirmed = await call("POST", "/user/v1/me/mfa/totp/confirm", { code: await freshCode(begun.body.secret) }, login.body.access_token);
  expectStatus(confirmed, 200, "confirm two-step");
  await page.reload();
  const row = page.locator("tbody tr").filter({ hasText: customer.email });
  await expectText(row.locator("td").nth(4), "on");
  await page.getByRole("button", { name: `Remove the two-step verification of ${customer.name}` }).click();
  await page.getByRole("button", { name: `Yes, remove the two-step verification of ${customer.name}` }).click();
  await expectText(row.locator("td").nth(4), "off");
  await mailed(maildev, customer.email, "Two-step verification was turned off");
  const again = await call("POST", "/user/v1/auth/login", { email: customer.email, password: customer.password });
  if (again.status !== 200 || !again.body.access_token) throw new Error(`the password alone: ${again.status} ${JSON.stringify(again.body)}`);
});

await check("products: the catalog's list, found by SKU and status; one product edited, its stock set", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Products" }).click();
  await expectText(page.locator("h1"), "Products");
  await expectText(page.locator("tbody"), "Borealis Headphones");
  await accessible("products");
  await page.getByLabel("Title, slug or SKU").fill("AUR-128");
  await page.getByLabel("Status").selectOption("active");
  await page.getByRole("button", { name: "Find" }).click();
  await expectUrl(/\/admin\/products\?q=AUR-128&status=active$/);
  await expectText(page.locator("main p"), "1 product ·"); // (the previous list stays up while the filtered one loads)
  await expectText(page.locator("tbody tr"), "Aurora Phone");
  await page.locator("tbody").getByRole("link", { name: "Aurora Phone" }).click();
  await expectText(page.locator("h1"), "Aurora Phone");
  await accessible("a product");
  await page.getByLabel("Title").fill("Aurora Phone 2026");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expectText(page.getByRole("status"), "Saved.");
  await expectText(page.locator("h1"), "Aurora Phone 2026");
  // The shop's page shows the new title at once (the catalog dropped its cached page).
  const shop = await call("GET", "/catalog/v1/products/aurora-phone/page");
  if (shop.body?.product?.title !== "Aurora Phone 2026") throw new Error(`the shop's page: ${JSON.stringify(shop.body?.product?.title)}`);
  await page.getByRole("spinbutton", { name: "On hand of AUR-128" }).fill("7");
  await page.getByRole("button", { name: "Save the on hand of AUR-128" }).click();
  await expectText(page.locator("tbody tr").filter({ hasText: "AUR-128" }).locator("td").last(), "7");
});

await check("a product changed by someone else meanwhile: the save is refused and says so, the reload shows their change", async () => {
  const url = page.url();
  const other = j.watched(await j.context.newPage()); // another tab of the same staff session
  await other.goto(url);
  await other.getByLabel("Title").fill("Aurora Phone by someone else");
  await other.getByRole("button", { name: "Save changes" }).click();
  await other.getByRole("status").filter({ hasText: "Saved." }).waitFor();
  await other.close();
  await page.getByLabel("Description (Markdown)").fill("A **newer** text.");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expectText(page.getByRole("alert"), "Someone else changed this product");
  await accessible("a product, with a conflict");
  await page.getByRole("button", { name: "Reload" }).click();
  await expectText(page.locator("h1"), "Aurora Phone by someone else");
  if ((await page.getByLabel("Description (Markdown)").inputValue()).includes("newer")) throw new Error("the refused text was saved");
});

await check("product types: one added with a number field and its unit and a yes/no; a key given twice is refused in words", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Product types" }).click();
  await expectText(page.locator("h1"), "Product types");
  await expectText(page.locator("tbody"), "Gadget");
  const add = page.getByRole("form", { name: "Add a product type" });
  await add.getByLabel("Code (letters, digits, - or _)").fill("lamp");
  await add.getByLabel("Name", { exact: true }).fill("Lamp");
  await add.getByLabel("Key of field 1").fill("wattage");
  await add.getByLabel("Name of field 1").fill("Wattage");
  await add.getByLabel("Kind of field 1").selectOption("number");
  await add.getByLabel("Unit of field 1").fill("W");
  await add.getByRole("group", { name: "Field 1" }).getByLabel("required").check();
  await add.getByRole("button", { name: "Another field" }).click();
  await add.getByLabel("Key of field 2").fill("wattage");
  await add.getByLabel("Name of field 2").fill("Dimmable");
  await add.getByLabel("Kind of field 2").selectOption("bool");
  await accessible("product types");
  await add.getByRole("button", { name: "Add the type" }).click();
  await expectText(add.locator(".field-error"), "appears twice");
  await add.getByLabel("Key of field 2").fill("dimmable");
  await add.getByRole("button", { name: "Add the type" }).click();
  await expectText(page.locator("tbody tr").filter({ hasText: "Lamp" }), "Wattage (number, W, required) · Dimmable (bool)");
});

// An 8x8 orange PNG: what staff upload (the catalog sniffs it and makes its renditions).
const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGP40KOBFTEMLQkAOS9pAawEeC4AAAAASUVORK5CYII=", "base64");

await check("a new product: its description previewed as typed, a first variant, a second one, an image; the shop's search finds it within seconds, its page shows it", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Products" }).click();
  await page.getByRole("link", { name: "New product" }).click();
  await expectText(page.locator("h1"), "New product");
  const form = page.getByRole("form", { name: "New product" });
  await form.getByRole("button", { name: "Create the product" }).click(); // empty: the browser asks for the title first
  await expectUrl(/\/admin\/products\/new$/);
  await form.getByLabel("Title", { exact: true }).fill("Nimbus Desk Lamp");
  await form.getByLabel("Product type").selectOption({ label: "Lamp" });
  await form.getByLabel("Wattage (W)").fill("9");
  await form.getByLabel("Dimmable").check();
  await form.getByLabel("Category").selectOption({ label: "Gadgets" });
  await form.getByLabel("Description (Markdown)").fill("A lamp with a **warm** light <script>alert(1)</script>");
  await expectText(page.getByRole("region", { name: "Preview of the description" }).locator("strong"), "warm");
  if ((await page.locator(".preview script").count()) !== 0) throw new Error("the preview kept raw HTML");
  await form.getByLabel("SKU").fill("AUR-128"); // taken by the Aurora Phone: the catalog says so next to the field
  await form.getByLabel("Options (name: value, …)").fill("color: white");
  await form.getByLabel("Price (EUR)").fill("39.90");
  await form.getByLabel("On hand").fill("12");
  await form.getByLabel("Status").selectOption("active");
  await accessible("a new product");
  await form.getByRole("button", { name: "Create the product" }).click();
  await expectText(form.locator(".field-error"), "taken");
  await form.getByLabel("SKU").fill("NIM-W");
  await form.getByRole("button", { name: "Create the product" }).click();
  await expectText(page.locator("h1"), "Nimbus Desk Lamp");
  await expectUrl(/\/admin\/products\/[0-9a-f-]{36}$/);
  await expectText(page.locator("tbody tr").filter({ hasText: "NIM-W" }), "€39.90");

  // A specification value changed on the product's page: the shop's page data has it at once.
  await page.getByLabel("Wattage (W)").fill("11");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expectText(page.getByRole("status"), "Saved.");
  const lamp = await call("GET", "/catalog/v1/products/nimbus-desk-lamp/page");
  if (lamp.body?.specs?.find((x) => x.key === "wattage")?.value !== 11) throw new Error(`the shop's specs: ${JSON.stringify(lamp.body?.specs)}`);

  const add = page.getByRole("form", { name: "Add a variant" });
  await add.getByLabel("SKU").fill("NIM-B");
  await add.getByLabel("Options (name: value, …)").fill("color: black");
  await add.getByLabel("Price (EUR)").fill("41.5");
  await add.getByLabel("On hand").fill("3");
  await add.getByRole("button", { name: "Add the variant" }).click();
  await expectText(page.locator("tbody tr").filter({ hasText: "NIM-B" }), "€41.50");
  await page.getByLabel("Price of NIM-W (EUR)").fill("37");
  await page.getByRole("button", { name: "Save NIM-W" }).click();
  await expectText(page.locator("tbody tr").filter({ hasText: "NIM-W" }), "€37.00");

  const upload = page.getByRole("form", { name: "Upload an image" });
  await upload.getByLabel("Image (PNG, JPEG or WebP)").setInputFiles({ name: "lamp.png", mimeType: "image/png", buffer: png });
  await upload.getByLabel("Alt text (what the image shows)").fill("The lamp, lit");
  await upload.getByRole("button", { name: "Upload" }).click();
  const thumb = page.getByRole("img", { name: "The lamp, lit" });
  await thumb.waitFor();
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle());
  await accessible("a product with variants and an image");

  // The shop's search finds it within seconds: the catalog's event relayed to Kafka, indexed.
  const t0 = Date.now();
  for (;;) {
    const found = await call("GET", "/catalog/v1/search?q=nimbus");
    if (found.body?.items?.some((i) => i.title === "Nimbus Desk Lamp")) break;
    if (Date.now() - t0 > 15000) throw new Error(`not in the shop's search after 15 s: ${JSON.stringify(found.body)}`);
    await page.waitForTimeout(250);
  }
  // (Each page load resumes the session with the refresh cookie; every page settles before the
  // next, so no refresh is cut off — the user service's grace for that is its own tests' subject.)
  const adminUrl = page.url();
  await page.waitForLoadState("networkidle");
  await page.goto(base + "/search?q=nimbus");
  await expectText(page.locator("main"), "Nimbus Desk Lamp");
  await page.waitForLoadState("networkidle");

  // The shop: its page, with both variants and the image (the gateway serves the renditions).
  await page.goto(base + "/p/nimbus-desk-lamp");
  await expectText(page.locator("h1"), "Nimbus Desk Lamp");
  await expectText(page.locator("main"), "warm");
  await expectText(page.locator("main"), "Wattage"); // the type's specification, as the shop lists it
  const shopImage = page.locator("main img").first();
  await shopImage.waitFor();
  await page.waitForFunction((img) => img.complete && img.naturalWidth > 0, await shopImage.elementHandle());
  await page.waitForLoadState("networkidle");
  await page.goto(adminUrl);
  await expectText(page.locator("h1"), "Nimbus Desk Lamp");
  await page.getByRole("button", { name: "Remove the image The lamp, lit" }).click();
  await expectText(page.locator("main"), "No image yet");
});

await check("a product type changed once products use it: a field with values cannot be removed (said next to it); a field renamed shows on the product's page", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Product types" }).click();
  await page.getByRole("button", { name: "Change Lamp" }).click();
  let form = page.getByRole("form", { name: "Change Lamp" });
  await form.getByRole("button", { name: "Remove field 1" }).click();
  await form.getByRole("button", { name: "Save Lamp" }).click();
  await expectText(form.locator(".field-error"), "a value for 'wattage': it cannot be removed");
  await accessible("a product type, a change refused");
  await form.getByRole("button", { name: "Cancel" }).click();
  await page.getByRole("button", { name: "Change Lamp" }).click();
  form = page.getByRole("form", { name: "Change Lamp" });
  await form.getByLabel("Name of field 1").fill("Power");
  await form.getByRole("button", { name: "Save Lamp" }).click();
  await expectText(page.locator("tbody tr").filter({ hasText: "Lamp" }), "Power (number, W, required) · Dimmable (bool)");
  const lamp = await call("GET", "/catalog/v1/products/nimbus-desk-lamp/page");
  const power = lamp.body?.specs?.find((x) => x.key === "wattage");
  if (power?.name !== "Power") throw new Error(`the product's page after the rename: ${JSON.stringify(lamp.body?.specs)}`);
});

await check("stock: the low-stock list shows the short SKU, a delivery received from it takes it off; the SKU's history says who, why and how much", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Stock" }).click();
  await expectText(page.locator("h1"), "Low stock");
  const row = page.locator("tbody tr").filter({ hasText: "NIM-B" });
  await expectText(row.locator("td").nth(4), "3");
  await accessible("low stock");
  await row.getByLabel("Change of NIM-B (+/−)").fill("5");
  await row.getByLabel("Note").fill("delivery 4711");
  await row.getByRole("button", { name: "Adjust NIM-B" }).click();
  await row.waitFor({ state: "detached" }); // 8 available: no longer low
  await page.getByLabel("At most this many available").fill("100");
  await page.getByRole("button", { name: "Show" }).click();
  await expectUrl(/\/admin\/stock\?threshold=100$/);
  await expectText(page.locator("tbody tr").filter({ hasText: "NIM-B" }).locator("td").nth(4), "8");
  await page.locator("tbody tr").filter({ hasText: "NIM-B" }).getByRole("link", { name: "Nimbus Desk Lamp" }).click();
  await expectText(page.locator("h1"), "Nimbus Desk Lamp");
  const change = page.getByRole("form", { name: "Adjust the stock of NIM-W" });
  await change.getByLabel("Change of NIM-W (+/−)").fill("-2");
  await change.getByLabel("Reason").selectOption("damaged");
  await change.getByRole("button", { name: "Adjust NIM-W" }).click();
  await page.waitForFunction(() => document.getElementById("on-hand-NIM-W")?.value === "10");
  await page.getByText("History of NIM-B").click();
  const history = page.getByRole("table", { name: "Stock history of NIM-B" });
  await expectText(history.locator("tbody tr").first(), "+5");
  await expectText(history.locator("tbody tr").first(), "received");
  await expectText(history.locator("tbody tr").first(), "delivery 4711");
  await accessible("a product's stock history");
});

await check("search quality: a query that found nothing is listed; a bad rule refused in words; a synonym saved makes it find the product at once", async () => {
  const none = await call("GET", "/catalog/v1/search?q=luminaire");
  if (none.body?.total !== 0) throw new Error(`"luminaire" before the rule: ${JSON.stringify(none.body?.total)}`);
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Search quality" }).click();
  await expectText(page.locator("h1"), "Search quality");
  const zero = page.getByRole("table", { name: "Searches that found nothing" });
  await expectText(zero, "luminaire");
  await expectText(page.getByRole("table", { name: "Most searched" }), "nimbus"); // the journey's own searches
  await accessible("search quality");
  await zero.getByRole("button", { name: 'Preview "luminaire"' }).click();
  await expectText(page.getByTestId("preview-total"), 'No product found for "luminaire"');
  const rules = page.getByLabel("Rules");
  const before = await rules.inputValue();
  await rules.fill("=>\n" + before);
  await page.getByRole("button", { name: "Save the rules" }).click();
  await page.locator("#f-synonyms-error").waitFor();
  if (!(await page.locator("#f-synonyms-error").innerText()).trim()) throw new Error("the refusal gives no reason");
  const refused = await call("GET", "/catalog/v1/search?q=luminaire");
  if (refused.body?.total !== 0) throw new Error("a refused rule changed the search");
  await rules.fill("luminaire, lamp\n" + before);
  await page.getByRole("button", { name: "Save the rules" }).click();
  await expectText(page.getByRole("status"), "uses these rules now");
  await page.getByLabel("What a shopper types").fill("luminaire");
  await page.getByRole("button", { name: "Preview", exact: true }).click();
  await expectText(page.getByTestId("preview-total"), 'found for "luminaire"');
  await expectText(page.getByRole("region", { name: "Preview" }), "Nimbus Desk Lamp");
  const found = await call("GET", "/catalog/v1/search?q=luminaire");
  if (!found.body?.items?.some((i) => i.title === "Nimbus Desk Lamp")) throw new Error(`the shop's search: ${JSON.stringify(found.body)}`);
});

await check("categories: added under another, moved with a new position, renamed, dragged before another and to the top, deleted when empty", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Categories" }).click();
  await expectText(page.locator("h1"), "Categories");
  await expectText(page.locator(".tree"), "Gadgets");
  await accessible("categories");
  const add = page.getByRole("form", { name: "Add a category" });
  await add.getByLabel("Name").fill("Phone cases");
  await add.getByLabel("Parent").selectOption({ label: "Gadgets" });
  await add.getByRole("button", { name: "Add" }).click();
  await expectText(page.locator(".tree .tree .tree-node"), "Phone cases"); // one level down
  await add.getByLabel("Name").fill("Chargers");
  await add.getByLabel("Parent").selectOption({ label: "none (a top category)" }); // (the form keeps the last parent)
  await add.getByRole("button", { name: "Add" }).click();
  await expectText(page.locator("main > .tree > li > .tree-node"), "Chargers"); // a top category
  await page.getByRole("button", { name: "Change Chargers" }).click();
  const edit = page.getByRole("form", { name: "Change Chargers" });
  await edit.getByLabel("Parent").selectOption({ label: "Gadgets" });
  await edit.getByLabel("Position among its siblings").fill("5");
  await edit.getByLabel("Name", { exact: true }).fill("Chargers and cables");
  await accessible("categories, one being changed");
  await edit.getByRole("button", { name: "Save Chargers" }).click();
  await expectText(page.locator(".tree .tree .tree-node"), "Chargers and cables");
  await expectText(page.locator(".tree .tree .tree-node").filter({ hasText: "Chargers and cables" }), "/c/chargers · position 5");
  const slugOf = await call("GET", "/catalog/v1/categories/chargers");
  if (slugOf.body?.breadcrumbs?.map((b) => b.name).join(" > ") !== "Gadgets > Chargers and cables") throw new Error(`moved under Gadgets: ${JSON.stringify(slugOf.body?.breadcrumbs)}`);
  // Dragged: into the gap before Phone cases (first among Gadgets' children), then Phone cases before Gadgets (a top category).
  const dragInto = async (what, gap) => {
    await page.locator(".tree-node", { hasText: what }).hover();
    await page.mouse.down();
    await page.mouse.move(10, 10, { steps: 2 });
    const target = page.getByTestId(gap);
    await target.waitFor();
    const box = await target.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
  };
  await dragInto("Chargers and cables", "before-phone-cases");
  await expectText(page.locator(".tree .tree .tree-node").first(), "Chargers and cables");
  await expectText(page.locator(".tree .tree .tree-node").filter({ hasText: "Phone cases" }), "position 20");
  await dragInto("Phone cases", "before-gadgets");
  await expectText(page.locator("main > .tree > li > .tree-node").first(), "Phone cases");
  const top = await call("GET", "/catalog/v1/categories/phone-cases");
  if (top.body?.breadcrumbs?.map((b) => b.name).join(" > ") !== "Phone cases") throw new Error(`dragged to the top: ${JSON.stringify(top.body?.breadcrumbs)}`);
  await page.getByRole("button", { name: "Delete Chargers and cables" }).click();
  await page.getByRole("button", { name: "Delete Phone cases" }).click();
  await page.locator(".tree-node", { hasText: "Phone cases" }).waitFor({ state: "detached" });
  if ((await page.locator(".tree-node", { hasText: "Chargers" }).count()) !== 0) throw new Error("deleted categories stayed");
  await page.getByRole("button", { name: "Delete Gadgets" }).click(); // it holds products: the catalog refuses
  await expectText(page.getByRole("alert"), "still has subcategories or products");
  await expectText(page.locator(".tree"), "Gadgets");
});

await check("notifications: the customer's emails in the delivery log, one opened with its message and sent again", async () => {
  await page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Notifications" }).click();
  await expectText(page.locator("h1"), "Notifications");
  await page.getByLabel("Recipient").fill(customer.email);
  await page.getByRole("button", { name: "Filter" }).click();
  await expectUrl(/\/admin\/notifications\?recipient=/);
  await expectText(page.locator("tbody tr"), "second_factor_changed");
  await expectText(page.locator("tbody tr"), "verify_email");
  await accessible("notifications");
  await page.locator("tbody tr").filter({ hasText: "verify_email" }).getByRole("link").click();
  await expectText(page.locator("h1"), `verify_email to ${customer.email}`);
  await expectText(page.getByTestId("delivery-status"), "sent");
  await expectText(page.locator("pre.message"), "/verify-email?token=");
  await accessible("a delivery");
  const before = (await (await fetch(`${maildev}/email`)).json()).filter((m) => m.to?.some((t) => t.address === customer.email)).length;
  await page.getByRole("button", { name: "Send again" }).click();
  // Queued again, then sent within the service's retry poll: the message reaches MailDev once more.
  for (let i = 0; i < 60; i++) {
    const now = (await (await fetch(`${maildev}/email`)).json()).filter((m) => m.to?.some((t) => t.address === customer.email)).length;
    if (now > before) break;
    if (i === 59) throw new Error("the email was not sent again");
    await page.waitForTimeout(500);
  }
  await page.reload();
  await expectText(page.getByTestId("delivery-status"), "sent");
});

await check("the staff member's own sign-in page; sign out", async () => {
  await page.getByRole("link", { name: "Your sign-in" }).click();
  await expectText(page.locator("main"), "Two-step verification is on");
  await accessible("your sign-in");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expectUrl(/\/admin\/login$/);
  await page.goto(base + "/admin/customers");
  await expectUrl(/\/admin\/login$/);
});

await j.finish();
