// The address book (the user service's /v1/me/addresses): the shopper's addresses, the default
// for shipping and for billing, add, change and remove. Checkout picks from it.
import { useState } from "preact/hooks";
import { api } from "@shared/api";
import { useSignedIn } from "@shared/session";
import { useRemovable, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Field, useSubmit } from "@shared/Form";
import { countries, countryName } from "../countries";
import { Breadcrumbs } from "../components/Breadcrumbs";

export type Address = {
  id?: string;
  label: string;
  name: string;
  line1: string;
  line2: string;
  postal_code: string;
  city: string;
  region: string;
  country: string;
  phone?: string | null;
  default_shipping: boolean;
  default_billing: boolean;
};

const EMPTY: Address = {
  label: "",
  name: "",
  line1: "",
  line2: "",
  postal_code: "",
  city: "",
  region: "",
  country: "",
  phone: "",
  default_shipping: false,
  default_billing: false,
};

function AddressForm(props: { initial: Address; onSaved: () => void; onCancel: () => void }) {
  const [a, setA] = useState<Address>(props.initial);
  const { busy, error, submit } = useSubmit();
  const set = (k: keyof Address) => (v: string) => setA({ ...a, [k]: v });
  const onSubmit = submit(async () => {
    const { id, ...body } = a;
    const sent = { ...body, phone: body.phone ? body.phone : null };
    if (id) await api(`/user/v1/me/addresses/${id}`, { method: "PUT", json: sent });
    else await api("/user/v1/me/addresses", { json: sent });
    props.onSaved();
  });
  const field = (label: string, k: keyof Address, extra: { optional?: boolean; autoComplete?: string; type?: "tel" } = {}) => (
    <Field label={label} name={k} value={String(a[k] ?? "")} set={set(k)} error={error?.fieldError(k)} {...extra} />
  );
  return (
    <form onSubmit={onSubmit} class="form" aria-label={a.id ? "Change the address" : "New address"}>
      {field("Label", "label", { optional: true })}
      {field("Full name", "name", { autoComplete: "name" })}
      {field("Street and number", "line1", { autoComplete: "address-line1" })}
      {field("Apartment, floor, company", "line2", { optional: true, autoComplete: "address-line2" })}
      {field("Postcode", "postal_code", { autoComplete: "postal-code" })}
      {field("City", "city", { autoComplete: "address-level2" })}
      {field("Region or state", "region", { optional: true, autoComplete: "address-level1" })}
      <p class="field">
        <label for="f-country">Country</label>
        <select
          id="f-country"
          name="country"
          required
          autoComplete="country"
          value={a.country}
          aria-invalid={error?.fieldError("country") ? true : undefined}
          aria-describedby={error?.fieldError("country") ? "f-country-error" : undefined}
          onChange={(e) => setA({ ...a, country: e.currentTarget.value })}
        >
          <option value="">Choose a country</option>
          {countries().map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
        {error?.fieldError("country") && (
          <span id="f-country-error" class="field-error">
            {error.fieldError("country")}
          </span>
        )}
      </p>
      {field("Phone", "phone", { optional: true, autoComplete: "tel", type: "tel" })}
      <p class="field inline">
        <input id="f-default-shipping" type="checkbox" checked={a.default_shipping}
          onChange={(e) => setA({ ...a, default_shipping: e.currentTarget.checked })} />
        <label for="f-default-shipping">Use for shipping by default</label>
      </p>
      <p class="field inline">
        <input id="f-default-billing" type="checkbox" checked={a.default_billing}
          onChange={(e) => setA({ ...a, default_billing: e.currentTarget.checked })} />
        <label for="f-default-billing">Use for billing by default</label>
      </p>
      <ErrorNote error={error} />
      <p class="actions">
        <button class="primary" type="submit" disabled={busy}>
          Save address
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </p>
    </form>
  );
}

export function AddressesPage() {
  useTitle("Your addresses");
  const { user, checked } = useSignedIn();
  const addresses = useRemovable<{ addresses: Address[] }>(user ? "/user/v1/me/addresses" : null);
  const [editing, setEditing] = useState<Address | null>(null);
  const list = addresses.data?.addresses;
  const error = addresses.error;
  if (!user || (!list && !error)) return checked && !user ? null : <div class="wrap"><Loading /></div>;
  return (
    <div class="wrap narrow">
      <Breadcrumbs trail={[{ href: "/account", name: "Your account" }]} here="Addresses" />
      <h1>Your addresses</h1>
      <ErrorNote error={error} />
      {editing ? (
        <AddressForm
          key={editing.id ?? "new"}
          initial={editing}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            addresses.reload();
          }}
        />
      ) : (
        <>
          {list?.length === 0 && <p>No addresses yet. Add one to check out faster.</p>}
          <ul class="addresses">
            {list?.map((a) => (
              <li key={a.id} class="address">
                <address>
                  {a.label && <strong>{a.label}</strong>}
                  {[a.name, a.line1, a.line2, `${a.postal_code} ${a.city}`, a.region, countryName(a.country), a.phone]
                    .filter(Boolean)
                    .map((line) => (
                      <span key={line}>{line}</span>
                    ))}
                </address>
                <p class="tags">
                  {a.default_shipping && <span class="tag">Default for shipping</span>}
                  {a.default_billing && <span class="tag">Default for billing</span>}
                </p>
                <p class="actions">
                  <button type="button" onClick={() => setEditing({ ...EMPTY, ...a, line2: a.line2 ?? "", region: a.region ?? "" })}
                    aria-label={`Change the address of ${a.name}, ${a.line1}`}>
                    Change
                  </button>
                  <button type="button" onClick={() => void addresses.remove(a.id ?? "")} aria-label={`Remove the address of ${a.name}, ${a.line1}`}>
                    Remove
                  </button>
                </p>
              </li>
            ))}
          </ul>
          <button class="primary" type="button" onClick={() => setEditing({ ...EMPTY, name: user.name ?? "" })}>
            Add an address
          </button>
        </>
      )}
    </div>
  );
}
