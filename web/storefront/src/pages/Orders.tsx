// The customer's orders (the order service's GET /v1/orders): newest first, a page at a time (the
// service's cursor), each with its number, date, status, what it holds and its total, linking to
// the order's page.
import { useState } from "preact/hooks";
import { Money, money } from "@shared/api";
import { useSignedIn } from "@shared/session";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Breadcrumbs } from "../components/Breadcrumbs";

type Summary = {
  id: string;
  number: string;
  status: string;
  total: Money;
  lines: { sku: string; title: string; quantity: number }[];
  created_at: string;
};

const STATUS: Record<string, string> = {
  placed: "Placed",
  reserved: "Placed",
  awaiting_payment: "Waiting for payment",
  paid: "Paid",
  confirmed: "Confirmed",
  cancelled: "Cancelled",
};

export function OrdersPage() {
  useTitle("Your orders");
  const { user } = useSignedIn();
  const [cursors, setCursors] = useState<string[]>([]);  // the pages before this one
  const [cursor, setCursor] = useState<string | null>(null);
  const page = useApi<{ data: Summary[]; next_cursor: string | null }>(
    user ? `/order/v1/orders${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ""}` : null,
  );
  if (!user || (page.loading && !page.data)) return <div class="wrap"><Loading /></div>;
  const orders = page.data?.data ?? [];
  return (
    <div class="wrap narrow">
      <Breadcrumbs trail={[{ href: "/account", name: "Your account" }]} here="Orders" />
      <h1>Your orders</h1>
      <ErrorNote error={page.error} />
      {orders.length === 0 && !page.error ? (
        <p>
          No orders yet. <a href="/search?sort=newest">Find something you like</a>.
        </p>
      ) : (
        <ul class="order-list">
          {orders.map((o) => (
            <li key={o.id}>
              <a href={`/account/orders/${o.id}`}>
                <strong>{o.number}</strong>
              </a>{" "}
              <time dateTime={o.created_at}>{new Date(o.created_at).toLocaleDateString()}</time> ·{" "}
              <span class={`status status-${o.status}`}>{STATUS[o.status] ?? o.status}</span> · {money(o.total)}
              <br />
              <span class="muted">{o.lines.map((l) => `${l.quantity} × ${l.title}`).join(", ")}</span>
            </li>
          ))}
        </ul>
      )}
      <p class="actions">
        {cursors.length > 0 && (
          <button type="button" onClick={() => (setCursor(cursors[cursors.length - 1] || null), setCursors(cursors.slice(0, -1)))}>
            Newer orders
          </button>
        )}
        {page.data?.next_cursor && (
          <button type="button" onClick={() => (setCursors([...cursors, cursor ?? ""]), setCursor(page.data!.next_cursor))}>
            Older orders
          </button>
        )}
      </p>
    </div>
  );
}
