// Notifications: the notification service's delivery log (every email and SMS the shop sent or
// tried to send because of an event), filtered by status, template and recipient (the filters in
// the URL), newest first, a page at a time; one delivery with its message and every attempt, sent
// again on request (a customer who lost the email).
import { useState } from "preact/hooks";
import { api, ApiError } from "@shared/api";
import { useUrlFilters } from "../filters";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";

type Delivery = {
  id: number;
  template: string;
  channel: "email" | "sms";
  recipient: string;
  status: "pending" | "retrying" | "sent" | "failed";
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
};
type Attempt = { attempt: number; started_at: string; finished_at: string; outcome: string; error: string | null };
type Detail = Delivery & { event_type: string; message: { subject?: string; text?: string }; attempt_log: Attempt[] };

const STATUSES = ["", "pending", "retrying", "sent", "failed"];
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "–");

export function NotificationsPage() {
  useTitle("Notifications");
  const f = useUrlFilters(["status", "template", "recipient"]);
  const cursor = f.query.cursor ? `&cursor=${encodeURIComponent(f.query.cursor)}` : "";
  const page = useApi<{ items: Delivery[]; next_cursor: string | null }>(
    `/notification/v1/notifications/deliveries?limit=50&${f.applied}${cursor}`,
  );
  const items = page.data?.items;
  return (
    <>
      <h1>Notifications</h1>
      <form class="admin-search" onSubmit={f.apply} aria-label="Filter the deliveries">
        <label for="n-status">Status</label>
        <select id="n-status" value={f.typed.status} onChange={(e) => f.set("status")(e.currentTarget.value)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s || "any"}
            </option>
          ))}
        </select>
        <label for="n-template">Template</label>
        <input id="n-template" value={f.typed.template} onInput={(e) => f.set("template")(e.currentTarget.value)} />
        <label for="n-recipient">Recipient</label>
        <input id="n-recipient" value={f.typed.recipient} onInput={(e) => f.set("recipient")(e.currentTarget.value)} />
        <button class="primary" type="submit">
          Filter
        </button>
      </form>
      <ErrorNote error={page.error} />
      {!items && !page.error && <Loading />}
      {items && items.length === 0 && <p class="empty">No delivery matches.</p>}
      {items && items.length > 0 && (
        <table class="admin-table">
          <caption class="visually-hidden">Deliveries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Template</th>
              <th scope="col">To</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d) => (
              <tr key={d.id}>
                <td>
                  <a href={`/admin/notifications/${d.id}`}>{when(d.created_at)}</a>
                </td>
                <td>{d.template}</td>
                <td>
                  {d.channel === "sms" ? "SMS " : ""}
                  {d.recipient || "–"}
                </td>
                <td>{d.status}</td>
                <td>{d.attempts}</td>
                <td>{d.last_error ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.data?.next_cursor && (
        <p>
          <a href={f.at({ cursor: page.data.next_cursor })}>Older deliveries</a>
        </p>
      )}
    </>
  );
}

export function DeliveryPage({ id }: { id: string }) {
  const delivery = useApi<Detail>(`/notification/v1/notifications/deliveries/${encodeURIComponent(id)}`);
  const [failed, setFailed] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const d = delivery.data;
  useTitle(d ? `Delivery ${d.id}` : "Delivery");
  const resend = async () => {
    setBusy(true);
    setFailed(null);
    try {
      await api(`/notification/v1/notifications/deliveries/${d!.id}/resend`, { method: "POST" });
      delivery.reload();
    } catch (e) {
      if (e instanceof ApiError) setFailed(e);
      else throw e;
    } finally {
      setBusy(false);
    }
  };
  if (!d) return delivery.error ? <ErrorNote error={delivery.error} /> : <Loading />;
  return (
    <>
      <p>
        <a href="/admin/notifications">All notifications</a>
      </p>
      <h1>
        {d.template} to {d.recipient || "nobody"}
      </h1>
      <dl class="facts">
        <dt>Status</dt>
        <dd data-testid="delivery-status">{d.status}</dd>
        <dt>Event</dt>
        <dd>{d.event_type}</dd>
        <dt>Created</dt>
        <dd>{when(d.created_at)}</dd>
        <dt>Sent</dt>
        <dd>{when(d.sent_at)}</dd>
      </dl>
      {(d.status === "sent" || d.status === "failed") && (
        <button type="button" class="primary" disabled={busy} onClick={() => void resend()}>
          Send again
        </button>
      )}
      <ErrorNote error={failed} />
      <h2>Message</h2>
      <p>
        <strong>{d.message.subject}</strong>
      </p>
      <pre class="message">{d.message.text}</pre>
      <h2>Attempts</h2>
      {d.attempt_log.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <ol>
          {d.attempt_log.map((a) => (
            <li key={a.attempt}>
              {when(a.started_at)}: {a.outcome}
              {a.error ? ` (${a.error})` : ""}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
