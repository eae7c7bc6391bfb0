// The staff member's own sign-in: their two-step verification (new recovery codes, turning it off
// — after the grace period that takes the admin role from their sessions).
import { refresh, useSession } from "@shared/session";
import { TwoStepSection } from "@shared/TwoStep";
import { useTitle } from "@shared/useApi";

export function SecurityPage() {
  useTitle("Your sign-in");
  const { user } = useSession();
  return (
    <>
      <h1>Your sign-in</h1>
      <h2>Two-step verification</h2>
      <TwoStepSection hasPassword={user?.has_password !== false} onChange={() => void refresh()} />
      <p>
        Your password, email address and sessions are on your <a href="/account/security">account page in the shop</a>.
      </p>
    </>
  );
}
