// Checkout (the order service): the address (one of the address book's, or a new one; a guest's
// email), the shipping method with its price, the payment method, the review with tax and totals,
// then "Place order": POST /v1/orders with the cart's version and the total shown (so nothing the
// shopper did not see is charged) and an Idempotency-Key kept for this attempt (a retry after a
// lost answer finds the same order). Then the order's page, which waits for the payment page.
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, ApiError, Money, money } from "@shared/api";
import { useSession } from "@shared/session";
import { useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Field, useSubmit } from "@shared/Form";
import { countryName } from "../countries";
import { loadCart } from "../cart";
import { OrderLine, OrderSummary, rememberGuestOrder, Totals } from "../orders";

type SavedAddress = { id: string; name: string; line1: string; line2: string; postal_code: string; city: string; country: string };
type Method = { code: string; name: string; price: Money; min_days: number; max_days: number; free_above: Money | null };
type Options = {
  cart_version: number;
  country: string;
  countries: string[];
  addresses: SavedAddress[];
  lines: OrderLine[];
  shipping_methods: Method[];
  shipping_method: string | null;
  payment_methods: string[];
  totals: Totals;
};

const PAYMENT_NAMES: Record<string, string> = {
  card: "Card (Visa, Mastercard), with 3-D Secure",
  online_banking: "Online banking",
  wallet: "Wallet",
  cash_on_delivery: "Cash on delivery",
};

const NEW = "new";

/** An Idempotency-Key (random, 128 bits; getRandomValues works on plain http too). */
function newKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}
const EMPTY = { name: "", line1: "", line2: "", postal_code: "", city: "", country: "" };

export function CheckoutPage() {
  useTitle("Checkout");
  const { user, checked } = useSession();
  const { route } = useLocation();
  const [options, setOptions] = useState<Options | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [addressId, setAddressId] = useState<string>(NEW);
  const [address, setAddress] = useState(EMPTY);
  const [email, setEmail] = useState("");
  const [shipping, setShipping] = useState("");
  const [payment, setPayment] = useState("");
  const key = useRef(newKey());
  const { busy, error, submit } = useSubmit();

  // The country decides the methods, their prices and the tax: asked again when it changes.
  const chosen = options?.addresses.find((a) => a.id === addressId);
  const country = chosen ? chosen.country : address.country;
  useEffect(() => {
    if (!checked) return;
    const q = new URLSearchParams();
    if (country) q.set("country", country);
    if (shipping) q.set("shipping_method", shipping);
    api<Options>(`/order/v1/checkout/options?${q}`)
      .then((o) => {
        setOptions(o);
        setLoadError(null);
        if (!options && o.addresses.length) setAddressId(o.addresses[0].id);
        if (!shipping || !o.shipping_methods.some((m) => m.code === shipping)) setShipping(o.shipping_methods[0]?.code ?? "");
        if (!payment) setPayment(o.payment_methods[0] ?? "");
      })
      .catch((e) => setLoadError(e as ApiError));
  }, [checked, country, shipping]);

  const place = submit(async () => {
    if (!options) return;
    const body: Record<string, unknown> = {
      cart_version: options.cart_version,
      expected_total: options.totals.total.minor,
      shipping_method: shipping,
      payment_method: payment,
    };
    if (chosen) body.address_id = chosen.id;
    else body.address = address;
    if (!user) body.email = email;
    try {
      const order = await api<{ id: string; guest_token?: string }>("/order/v1/orders", {
        json: body,
        headers: { "Idempotency-Key": key.current },
      });
      if (order.guest_token) rememberGuestOrder(order.id, order.guest_token);
      loadCart().catch(() => undefined);
      route(`/account/orders/${order.id}`);
    } catch (e) {
      // Refused (a field, a changed cart): nothing was placed, the next try is a new attempt. No answer
      // or a 5xx: the order may exist, so the same key again finds it instead of placing another.
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) key.current = newKey();
      throw e;
    }
  });

  if (!checked || (!options && !loadError)) return <div class="wrap"><Loading /></div>;
  if (!options) return <div class="wrap narrow"><h1>Checkout</h1><ErrorNote error={loadError} /></div>;
  if (options.lines.length === 0)
    return (
      <div class="wrap narrow">
        <h1>Checkout</h1>
        <p>
          Your cart is empty. <a href="/search?sort=newest">Find something you like</a>.
        </p>
      </div>
    );
  const setA = (k: keyof typeof EMPTY) => (v: string) => setAddress({ ...address, [k]: v });
  const fieldError = (k: string) => error?.fieldError(`address.${k}`);
  return (
    <div class="wrap checkout">
      <h1>Checkout</h1>
      <form onSubmit={place} class="form checkout-form" aria-label="Checkout">
        <section aria-labelledby="h-address">
          <h2 id="h-address">Delivery address</h2>
          {!user && (
            <Field label="Email (for the confirmation)" name="email" type="email" value={email} set={setEmail}
              autoComplete="email" error={error?.fieldError("email")} />
          )}
          {options.addresses.length > 0 && (
            <fieldset class="choices">
              <legend>Ship to</legend>
              {options.addresses.map((a) => (
                <label key={a.id} class="choice">
                  <input type="radio" name="address_id" value={a.id} checked={addressId === a.id} onChange={() => setAddressId(a.id)} />
                  {a.name}, {a.line1}, {a.postal_code} {a.city}, {countryName(a.country)}
                </label>
              ))}
              <label class="choice">
                <input type="radio" name="address_id" value={NEW} checked={addressId === NEW} onChange={() => setAddressId(NEW)} />
                A new address
              </label>
            </fieldset>
          )}
          {!chosen && (
            <>
              <Field label="Full name" name="name" value={address.name} set={setA("name")} autoComplete="name" error={fieldError("name")} />
              <Field label="Street and number" name="line1" value={address.line1} set={setA("line1")} autoComplete="address-line1" error={fieldError("line1")} />
              <Field label="Apartment, floor, company" name="line2" value={address.line2} set={setA("line2")} autoComplete="address-line2" optional />
              <Field label="Postcode" name="postal_code" value={address.postal_code} set={setA("postal_code")} autoComplete="postal-code" error={fieldError("postal_code")} />
              <Field label="City" name="city" value={address.city} set={setA("city")} autoComplete="address-level2" error={fieldError("city")} />
              <p class="field">
                <label for="f-country">Country</label>
                <select id="f-country" name="country" required autoComplete="country" value={address.country}
                  aria-invalid={fieldError("country") ? true : undefined}
                  aria-describedby={fieldError("country") ? "f-country-error" : undefined}
                  onChange={(e) => setAddress({ ...address, country: e.currentTarget.value })}>
                  <option value="">Choose a country</option>
                  {options.countries.map((c) => (
                    <option key={c} value={c}>{countryName(c)}</option>
                  ))}
                </select>
                {fieldError("country") && <span id="f-country-error" class="field-error">{fieldError("country")}</span>}
              </p>
            </>
          )}
        </section>

        <section aria-labelledby="h-shipping">
          <h2 id="h-shipping">Shipping</h2>
          <fieldset class="choices">
            <legend>Shipping method</legend>
            {options.shipping_methods.map((m) => (
              <label key={m.code} class="choice">
                <input type="radio" name="shipping_method" value={m.code} checked={shipping === m.code} onChange={() => setShipping(m.code)} />
                {m.name} ({m.min_days === m.max_days ? m.min_days : `${m.min_days}–${m.max_days}`} days):{" "}
                <strong>{m.price.minor === 0 ? "free" : money(m.price)}</strong>
                {m.free_above && m.price.minor > 0 && <span class="muted"> · free from {money(m.free_above)}</span>}
              </label>
            ))}
          </fieldset>
        </section>

        <section aria-labelledby="h-payment">
          <h2 id="h-payment">Payment</h2>
          <fieldset class="choices">
            <legend>Payment method</legend>
            {options.payment_methods.map((m) => (
              <label key={m} class="choice">
                <input type="radio" name="payment_method" value={m} checked={payment === m} onChange={() => setPayment(m)} />
                {PAYMENT_NAMES[m] ?? m}
              </label>
            ))}
          </fieldset>
          <p class="muted">You pay on the payment provider's secure page; this shop never sees your card.</p>
        </section>

        <section aria-labelledby="h-review">
          <h2 id="h-review">Review</h2>
          <OrderSummary lines={options.lines} totals={options.totals} />
          <ErrorNote error={error} />
          <button type="submit" class="primary" disabled={busy}>
            {busy ? "Placing your order…" : `Place order · ${money(options.totals.total)}`}
          </button>
        </section>
      </form>
    </div>
  );
}
