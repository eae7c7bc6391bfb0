// The cart: lines with the catalog's current price and stock, quantities, removal, totals, and the
// cart service's notices (a price that changed since the shopper saw it, stock running out).
import { useState } from "preact/hooks";
import { ApiError, money } from "@shared/api";
import { acknowledgePrices, availabilityText, CartLine, removeLine, setQuantity, useCart } from "../cart";
import { useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";

export function CartPage() {
  useTitle("Your cart");
  const cart = useCart();
  const [error, setError] = useState<ApiError | null>(null);
  const run = (f: () => Promise<unknown>) => {
    setError(null);
    f().catch((e) => setError(e as ApiError));
  };
  if (!cart) return <div class="wrap"><Loading /></div>;
  const changed = cart.lines.filter((l) => l.previous_price);
  return (
    <div class="wrap narrow">
      <h1>Your cart</h1>
      <ErrorNote error={error} />
      {cart.lines.length === 0 ? (
        <p>
          Your cart is empty. <a href="/search?sort=newest">Find something you like</a>.
        </p>
      ) : (
        <>
          {changed.length > 0 && (
            <div class="notice" role="status">
              <p>Some prices changed since you added these items:</p>
              <ul>
                {changed.map((l) => (
                  <li key={l.sku}>
                    {l.title}: was {money(l.previous_price)}, now {money(l.unit_price)}
                  </li>
                ))}
              </ul>
              <button type="button" onClick={() => run(acknowledgePrices)}>
                OK, got it
              </button>
            </div>
          )}
          <ul class="cart-lines">
            {cart.lines.map((l) => (
              <Line key={l.sku} line={l} max={cart.limits.max_per_line} run={run} />
            ))}
          </ul>
          <div class="totals">
            <p>
              Subtotal ({cart.item_count} {cart.item_count === 1 ? "item" : "items"}):{" "}
              <strong data-testid="subtotal">{money(cart.subtotal)}</strong>
            </p>
            <p class="muted">Shipping and tax are calculated at checkout.</p>
            <p>
              <a class="button primary" href="/checkout">
                Checkout
              </a>
            </p>
          </div>
        </>
      )}
    </div>
  );
}

function Line({ line, max, run }: { line: CartLine; max: number; run: (f: () => Promise<unknown>) => void }) {
  const id = `qty-${line.sku}`;
  return (
    <li class="cart-line">
      {line.image_url ? <img src={line.image_url} alt="" width={96} height={96} loading="lazy" /> : <div class="img-placeholder small" />}
      <div class="line-info">
        <a href={`/p/${line.slug}`}>{line.title}</a>
        <span class="muted">{line.options.map((o) => o.value).join(" · ")}</span>
        <span class={line.availability === "in_stock" ? "stock in" : "stock out"}>{availabilityText(line)}</span>
      </div>
      <div class="line-qty">
        <label for={id} class="visually-hidden">
          Quantity of {line.title}
        </label>
        <input
          id={id}
          type="number"
          min={0}
          max={max}
          value={line.quantity}
          onChange={(e) => {
            const q = Math.floor(Number(e.currentTarget.value));
            if (Number.isFinite(q) && q >= 0 && q !== line.quantity) run(() => setQuantity(line.sku, q));
          }}
        />
        <button type="button" class="link" onClick={() => run(() => removeLine(line.sku))}>
          Remove<span class="visually-hidden"> {line.title}</span>
        </button>
      </div>
      <div class="line-total">
        <strong>{money(line.line_total)}</strong>
        {line.quantity > 1 && <span class="muted">{money(line.unit_price)} each</span>}
      </div>
    </li>
  );
}
