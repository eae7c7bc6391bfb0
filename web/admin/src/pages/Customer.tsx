// One customer as staff see them: the account's facts, the address book and where they are signed
// in (the sessions that are still live). Disabling, enabling and removing a lost second factor are
// on the customers' list. Orders come with the order service (issue #13).
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { describeDevice } from "@shared/device";

type Address = { id: string; label: string; name: string; line1: string; line2: string; city: string; postal_code: string; country: string };
type Session = { id: string; created_at: string; last_used_at: string; ip: string; user_agent: string; method: string; remember_me: boolean };
type Detail = {
  user: { id: string; email: string; name: string; roles: string[]; email_verified: boolean; mfa_enabled: boolean; disabled: boolean; created_at: string };
  addresses: Address[];
  sessions: Session[];
};

const when = (iso: string) => new Date(iso).toLocaleString();

export function CustomerPage({ id }: { id: string }) {
  const detail = useApi<Detail>(`/user/v1/admin/users/${encodeURIComponent(id)}`);
  const d = detail.data;
  useTitle(d ? d.user.email : "Customer");
  if (!d) return detail.error ? <ErrorNote error={detail.error} /> : <Loading />;
  const u = d.user;
  return (
    <>
      <p>
        <a href={`/admin/customers?q=${encodeURIComponent(u.email)}`}>Customers</a>
      </p>
      <h1>{u.name || u.email}</h1>
      <dl class="facts">
        <dt>Email</dt>
        <dd>
          {u.email} ({u.email_verified ? "verified" : "not verified"})
        </dd>
        <dt>Roles</dt>
        <dd>{u.roles.join(", ")}</dd>
        <dt>Two-step</dt>
        <dd>{u.mfa_enabled ? "on" : "off"}</dd>
        <dt>Status</dt>
        <dd>{u.disabled ? "disabled" : "active"}</dd>
        <dt>Customer since</dt>
        <dd>{when(u.created_at)}</dd>
      </dl>
      <h2>Addresses</h2>
      {d.addresses.length === 0 ? (
        <p>None saved.</p>
      ) : (
        <ul class="plain-list">
          {d.addresses.map((a) => (
            <li key={a.id}>
              {a.label && <strong>{a.label}: </strong>}
              {[a.name, a.line1, a.line2, `${a.postal_code} ${a.city}`, a.country].filter(Boolean).join(", ")}
            </li>
          ))}
        </ul>
      )}
      <h2>Signed in on</h2>
      {d.sessions.length === 0 ? (
        <p>No live session.</p>
      ) : (
        <table class="admin-table">
          <caption class="visually-hidden">Live sessions</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last used</th>
              <th scope="col">How</th>
            </tr>
          </thead>
          <tbody>
            {d.sessions.map((s) => (
              <tr key={s.id}>
                <td title={s.user_agent}>{describeDevice(s.user_agent)}</td>
                <td>{s.ip}</td>
                <td>{when(s.created_at)}</td>
                <td>{when(s.last_used_at)}</td>
                <td>
                  {s.method}
                  {s.remember_me ? ", remembered" : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
