// What the checkout and the order's page share: the order's lines with the totals table (VAT per
// rate) under them, and a guest's order token kept for this browser's session.
import { Fragment } from "preact";
import { Money, money } from "@shared/api";

export type Totals = {
  subtotal: Money;
  shipping: Money;
  tax: Money;
  taxes: { rate: string; tax: Money }[];
  prices_include_tax: boolean;
  total: Money;
};
export type OrderLine = {
  sku: string;
  title: string;
  quantity: number;
  unit_price: Money;
  line_total: Money;
  options: { name: string; value: string }[];
};

function TotalsTable({ totals }: { totals: Totals }) {
  return (
    <dl class="totals-table">
      <dt>Subtotal</dt>
      <dd>{money(totals.subtotal)}</dd>
      <dt>Shipping</dt>
      <dd>{totals.shipping.minor === 0 ? "Free" : money(totals.shipping)}</dd>
      {totals.taxes.map((t) => (
        <Fragment key={t.rate}>
          <dt>{totals.prices_include_tax ? `Incl. VAT ${t.rate}` : `VAT ${t.rate}`}</dt>
          <dd>{money(t.tax)}</dd>
        </Fragment>
      ))}
      <dt class="grand">Total</dt>
      <dd class="grand" data-testid="total">
        {money(totals.total)}
      </dd>
    </dl>
  );
}


/** The lines (quantity, title, options, line total) and the totals table under them. */
export function OrderSummary({ lines, totals }: { lines: OrderLine[]; totals: Totals }) {
  return (
    <>
      <ul class="order-lines">
        {lines.map((l) => (
          <li key={l.sku}>
            {l.quantity} × {l.title}
            {l.options.length > 0 && <span class="muted"> ({l.options.map((o) => o.value).join(", ")})</span>}
            <span class="amount">{money(l.line_total)}</span>
          </li>
        ))}
      </ul>
      <TotalsTable totals={totals} />
    </>
  );
}

const KEY = (id: string) => `order-token:${id}`;
/** A guest's order token, kept for this browser's session (the order's page reads it). */
export function rememberGuestOrder(id: string, token: string) {
  try {
    sessionStorage.setItem(KEY(id), token);
  } catch {
    /* storage off: the email's link still carries the token */
  }
}
/** The token of a guest's order: from the page's URL (the email's link), else this session. */
export function tokenOf(id: string, fromUrl?: string): string | null {
  if (fromUrl) return fromUrl;
  try {
    return sessionStorage.getItem(KEY(id));
  } catch {
    return null;
  }
}
