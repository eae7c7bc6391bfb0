// Stock as staff change it: units on hand moved by a number with its reason (and a note), and a
// SKU's history of such changes (who, why, by how much). The catalog records each change with the
// staff member's user id in the same transaction (GET/PUT /v1/admin/skus/{sku}/...).
import { useState } from "preact/hooks";
import { api } from "@shared/api";
import { useApi } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { useSubmit } from "@shared/Form";

export const REASONS = [
  ["received", "received (a delivery)"],
  ["returned", "returned by a customer"],
  ["damaged", "damaged"],
  ["lost", "lost"],
  ["correction", "correction"],
] as const;

type Adjustment = { delta: number; on_hand_after: number; reason: string; note: string; actor: string; at: string };

/** Moves a SKU's units on hand by a signed number, with its reason. */
export function AdjustStock({ sku, initialReason = "received", onDone }: { sku: string; initialReason?: string; onDone: () => void }) {
  const [delta, setDelta] = useState("");
  const [reason, setReason] = useState(initialReason);
  const [note, setNote] = useState("");
  const { busy, error, submit } = useSubmit();
  const adjust = submit(async () => {
    await api(`/catalog/v1/admin/skus/${encodeURIComponent(sku)}/stock`, { method: "PUT", json: { delta: Number(delta), reason, note } });
    setDelta(""), setNote("");
    onDone();
  });
  const id = (what: string) => `adjust-${what}-${sku}`;
  return (
    <form class="inline-form adjust-form" onSubmit={adjust} aria-label={`Adjust the stock of ${sku}`}>
      <label for={id("delta")}>Change of {sku} (+/−)</label>
      <input id={id("delta")} type="number" required value={delta} onInput={(e) => setDelta(e.currentTarget.value)} />
      <label for={id("reason")}>Reason</label>
      <select id={id("reason")} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
        {REASONS.map(([value, label]) => (
          <option key={value} value={value}>{label}</option>
        ))}
      </select>
      <label for={id("note")}>Note</label>
      <input id={id("note")} class="note" maxLength={300} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      <button type="submit" disabled={busy || delta === "" || delta === "0"}>Adjust {sku}</button>
      <ErrorNote error={error} />
    </form>
  );
}

/** A SKU's last changes of units on hand, newest first (loaded when opened). */
export function StockHistory({ sku, round }: { sku: string; round: number }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>History of {sku}</summary>
      {open && <HistoryTable key={round} sku={sku} />}
    </details>
  );
}

function HistoryTable({ sku }: { sku: string }) {
  const history = useApi<{ items: Adjustment[] }>(`/catalog/v1/admin/skus/${encodeURIComponent(sku)}/adjustments`);
  if (history.error) return <ErrorNote error={history.error} />;
  if (!history.data) return <Loading />;
  if (history.data.items.length === 0) return <p class="empty">No change by staff yet.</p>;
  return (
    <table class="admin-table">
      <caption class="visually-hidden">Stock history of {sku}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Change</th>
          <th scope="col">On hand after</th>
          <th scope="col">Reason</th>
          <th scope="col">Note</th>
          <th scope="col">By (user id)</th>
        </tr>
      </thead>
      <tbody>
        {history.data.items.map((a, i) => (
          <tr key={i}>
            <td>{new Date(a.at).toLocaleString()}</td>
            <td>{a.delta > 0 ? `+${a.delta}` : a.delta}</td>
            <td>{a.on_hand_after}</td>
            <td>{a.reason}</td>
            <td>{a.note}</td>
            <td><code>{a.actor}</code></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
