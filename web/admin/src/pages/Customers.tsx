// Customers: find accounts by a part of their email or name, see their state, disable one (every
// session ends at once) or enable it again, and remove a customer's second factor when they lost
// their phone and their recovery codes (they are told by email; their sessions end). The search
// is in the URL (?q=), so a link or the back button shows the same list.
import { useState } from "preact/hooks";
import { api, ApiError } from "@shared/api";
import { useUrlFilters } from "../filters";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";

type Customer = {
  id: string;
  email: string;
  name: string;
  roles: string[];
  email_verified: boolean;
  mfa_enabled: boolean;
  disabled: boolean;
  created_at: string;
};

function Row({ c, onChanged, onError }: { c: Customer; onChanged: () => void; onError: (e: ApiError) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const act = async (call: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await call();
      onChanged();
    } catch (e) {
      if (e instanceof ApiError) onError(e);
      else throw e;
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const who = c.name || c.email;
  return (
    <tr>
      <td>
        <a href={`/admin/customers/${c.id}`}>{c.email}</a>
      </td>
      <td>{c.name}</td>
      <td>{c.roles.join(", ")}</td>
      <td>{c.email_verified ? "verified" : "not verified"}</td>
      <td>{c.mfa_enabled ? "on" : "off"}</td>
      <td>{c.disabled ? <strong class="error">disabled</strong> : "active"}</td>
      <td class="row-actions">
        <button type="button" disabled={busy} aria-label={`${c.disabled ? "Enable" : "Disable"} ${who}`}
          onClick={() => void act(() => api(`/user/v1/admin/users/${c.id}/${c.disabled ? "enable" : "disable"}`, { method: "POST" }))}>
          {c.disabled ? "Enable" : "Disable"}
        </button>
        {c.mfa_enabled &&
          (confirming ? (
            <button type="button" class="danger" disabled={busy} aria-label={`Yes, remove the two-step verification of ${who}`}
              onClick={() => void act(() => api(`/user/v1/admin/users/${c.id}/mfa`, { method: "DELETE" }))}>
              Yes, remove it
            </button>
          ) : (
            <button type="button" disabled={busy} aria-label={`Remove the two-step verification of ${who}`}
              onClick={() => setConfirming(true)}>
              Remove two-step
            </button>
          ))}
      </td>
    </tr>
  );
}

export function CustomersPage() {
  useTitle("Customers");
  const f = useUrlFilters(["q"]);
  const q = f.query.q ?? "";
  const [failed, setFailed] = useState<ApiError | null>(null);
  const list = useApi<{ users: Customer[] }>(`/user/v1/admin/users?limit=50&q=${encodeURIComponent(q)}`);
  const users = list.data?.users;
  return (
    <>
      <h1>Customers</h1>
      <form role="search" class="admin-search" onSubmit={f.apply}>
        <label for="customer-q">Email or name</label>
        <input id="customer-q" name="q" value={f.typed.q} onInput={(e) => f.set("q")(e.currentTarget.value)} />
        <button class="primary" type="submit">
          Search
        </button>
      </form>
      <ErrorNote error={failed ?? list.error} />
      {!users && !list.error && <Loading />}
      {users && users.length === 0 && <p class="empty">No account matches “{q}”.</p>}
      {users && users.length > 0 && (
        <table class="admin-table">
          <caption class="visually-hidden">Accounts{q ? ` matching “${q}”` : ""}</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Roles</th>
              <th scope="col">Email address</th>
              <th scope="col">Two-step</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((c) => (
              <Row key={c.id} c={c} onChanged={() => (setFailed(null), list.reload())} onError={setFailed} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
