// Every screen but the sign-in: the staff's header and navigation around the page, shown only to
// a session whose token carries the admin role. Signed out: to the sign-in. Signed in without the
// role: why (a customer account, or staff who must turn on two-step verification first, which
// brings the role to this session).
import type { ComponentChildren } from "preact";
import { refresh, signOut, useSignedIn } from "@shared/session";
import { Loading } from "@shared/Status";
import { TwoStepSection } from "@shared/TwoStep";
import { useApi, useTitle } from "@shared/useApi";

type MfaStatus = { enabled: boolean; required: boolean };

function NotStaff({ hasPassword }: { hasPassword: boolean }) {
  useTitle("Staff only");
  const mfa = useApi<MfaStatus>("/user/v1/me/mfa");
  if (!mfa.data) return <Loading />;
  if (!mfa.data.required)
    return (
      <>
        <h1>Staff only</h1>
        <p>This account is a customer's. Sign in with a staff account to use the admin.</p>
        <p>
          <a href="/">Go to the shop</a>
        </p>
      </>
    );
  return (
    <>
      <h1>Turn on two-step verification</h1>
      <p>
        Staff accounts change prices, refund money and read customers' data, so they sign in with a second factor.
        Turn it on to continue.
      </p>
      <TwoStepSection hasPassword={hasPassword} onChange={() => void refresh()} />
    </>
  );
}

export function Shell({ children }: { children: ComponentChildren }) {
  const { user, checked } = useSignedIn("/admin/login");
  if (!user)
    return checked ? null : (
      <main class="wrap">
        <Loading />
      </main>
    );
  const staff = user.roles.includes("admin");
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="admin-header">
        <div class="wrap admin-row">
          <a class="admin-logo" href="/admin/">
            Store admin
          </a>
          {staff && (
            <nav aria-label="Admin">
              <a href="/admin/products">Products</a>
              <a href="/admin/product-types">Product types</a>
              <a href="/admin/stock">Stock</a>
              <a href="/admin/categories">Categories</a>
              <a href="/admin/search">Search quality</a>
              <a href="/admin/customers">Customers</a>
              <a href="/admin/notifications">Notifications</a>
              <a href="/admin/security">Your sign-in</a>
            </nav>
          )}
          <span class="admin-user">{user.email}</span>
          {/* Signed out, the session hook takes the page to the sign-in. */}
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" class="wrap" tabIndex={-1}>
        {staff ? children : <NotStaff hasPassword={user.has_password !== false} />}
      </main>
    </>
  );
}
