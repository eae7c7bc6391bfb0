// An order's page (/account/orders/:id; /checkout/complete?order=… is where the payment provider
// sends the shopper back): its status, read again every second while the saga runs, so the
// shopper sees "reserving" → the way to the provider's page → "paid" → "confirmed" (or why it was
// cancelled) without reloading; then the lines as bought, the address, the totals with tax, the
// payment (brand and last 4 only), the receipt and the timeline. A guest's order is read with its
// token (the confirmation email's link carries it; this browser remembers it from the checkout).
import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, ApiError } from "@shared/api";
import { useSession } from "@shared/session";
import { useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { countryName } from "../countries";
import { OrderLine, OrderSummary, tokenOf, Totals } from "../orders";

type Order = {
  id: string;
  number: string;
  status: "placed" | "reserved" | "awaiting_payment" | "paid" | "confirmed" | "cancelled";
  status_reason: string;
  email: string;
  lines: OrderLine[];
  totals: Totals;
  shipping_method: { code: string; name: string };
  shipping_address: { name: string; line1: string; line2: string; postal_code: string; city: string; country: string };
  payment: { method: string; card?: { brand: string; last4: string }; receipt_url?: string };
  unavailable_lines: { sku: string; requested: number; available?: number }[] | null;
  next_action: { type: "wait"; detail: string } | { type: "redirect"; url: string } | null;
  history: { status: string; reason: string; at: string }[];
  created_at: string;
};

const STEP_NAMES: Record<string, string> = {
  placed: "Order placed",
  reserved: "Items reserved",
  awaiting_payment: "Waiting for payment",
  payment_failed: "Payment failed",
  paid: "Paid",
  confirmed: "Confirmed",
  cancelled: "Cancelled",
  refund_pending: "Refund on its way",
};

function Status({ order }: { order: Order }) {
  if (order.status === "confirmed")
    return (
      <p class="notice success" role="status">
        Thank you! Your order <strong>{order.number}</strong> is confirmed. A confirmation is on its way to {order.email}.
      </p>
    );
  if (order.status === "cancelled")
    return (
      <div class="notice error" role="status">
        <p>This order was cancelled: {order.status_reason}.</p>
        {order.unavailable_lines?.length ? (
          <p>
            Not enough stock of:{" "}
            {order.unavailable_lines.map((l) => order.lines.find((x) => x.sku === l.sku)?.title ?? l.sku).join(", ")}.
          </p>
        ) : null}
      </div>
    );
  if (order.next_action?.type === "redirect") {
    const failed = order.history.some((h) => h.status === "payment_failed");
    return (
      <div class="notice" role="status">
        {failed && <p>The payment did not go through. Please try again, or with another card.</p>}
        <p>
          <a class="button primary" href={order.next_action.url}>
            {failed ? "Try the payment again" : "Continue to payment"}
          </a>
        </p>
      </div>
    );
  }
  if (order.status === "paid") return <p class="notice" role="status">Payment received, confirming your order…</p>;
  return (
    <p class="notice" role="status" aria-busy="true">
      {order.status === "awaiting_payment" ? "Waiting for the payment's confirmation…" : "Reserving your items…"}
    </p>
  );
}

export function OrderPage({ orderId }: { orderId?: string }) {
  const { params } = useRoute();
  const { query } = useLocation();
  const id = orderId ?? params.id ?? query.order ?? "";
  const token = tokenOf(id, query.token);
  const { checked } = useSession();  // a customer's session resumed first (back from the provider: a fresh page)
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useTitle(order ? `Order ${order.number}` : "Your order");

  useEffect(() => {
    if (!checked) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const o = await api<Order>(`/order/v1/orders/${encodeURIComponent(id)}`, { headers: token ? { "Order-Token": token } : {} });
        if (stop) return;
        setOrder(o);
        setError(null);
        // Until it is final, or the shopper has somewhere to go (the provider's page).
        const waiting = o.status !== "confirmed" && o.status !== "cancelled";
        if (waiting) timer = setTimeout(read, o.next_action?.type === "redirect" ? 3000 : 1000);
      } catch (e) {
        if (stop) return;
        setError(e as ApiError);
        if ((e as ApiError).status === 0 || (e as ApiError).status >= 500) timer = setTimeout(read, 3000);
      }
    };
    read();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [id, token, checked]);

  if (!order && !error) return <div class="wrap"><Loading /></div>;
  if (!order)
    return (
      <div class="wrap narrow">
        <h1>Your order</h1>
        {error?.status === 404 ? <p role="alert">We could not find this order. Sign in, or open the link in your confirmation email.</p> : <ErrorNote error={error} />}
      </div>
    );
  const a = order.shipping_address;
  const paidWith = order.payment.card ? `${order.payment.card.brand} ending in ${order.payment.card.last4}` : order.payment.method.replace(/_/g, " ");
  return (
    <div class="wrap narrow order-page">
      <h1>
        Order <span data-testid="order-number">{order.number}</span>
      </h1>
      <Status order={order} />
      <OrderSummary lines={order.lines} totals={order.totals} />
      <h2>Delivery</h2>
      <p>
        {a.name}
        <br />
        {a.line1}
        {a.line2 && <>, {a.line2}</>}
        <br />
        {a.postal_code} {a.city}, {countryName(a.country)}
        <br />
        <span class="muted">{order.shipping_method.name}</span>
      </p>
      <h2>Payment</h2>
      <p>
        {paidWith}
        {order.payment.receipt_url && (
          <>
            {" · "}
            <a href={order.payment.receipt_url}>Receipt</a>
          </>
        )}
      </p>
      <h2>Timeline</h2>
      <ol class="timeline">
        {order.history.map((h, i) => (
          <li key={i}>
            <time dateTime={h.at}>{new Date(h.at).toLocaleString()}</time> {STEP_NAMES[h.status] ?? h.status}
            {h.reason && <span class="muted"> ({h.reason})</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** Where the payment provider sends the shopper back: the order's page. */
export function CheckoutComplete() {
  const { query } = useLocation();
  return <OrderPage orderId={query.order} />;
}
