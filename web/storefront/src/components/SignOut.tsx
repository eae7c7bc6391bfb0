import { loadCart } from "../cart";
import { signOut } from "@shared/session";

/** Sign out here, or end every session of the account (all devices); the cart becomes a guest's. */
export function SignOutButtons() {
  return (
    <p class="actions">
      <button type="button" onClick={() => signOut(false).finally(loadCart)}>
        Sign out
      </button>
      <button type="button" onClick={() => signOut(true).finally(loadCart)}>
        Sign out everywhere
      </button>
    </p>
  );
}
