// The signed-in shopper. The access token lives in memory only; the refresh token is the user
// service's HttpOnly session cookie (no script reads it), which renews the access token before it
// expires and after a reload (web/storefront/README.md, "Session").
import { useEffect } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, setAccessToken } from "./api";
import { sharedState } from "./sharedState";

export type User = { id: string; email: string; name?: string; roles: string[]; has_password?: boolean; mfa_enabled?: boolean };
/** `roles`: the session's (its access token's), which the admin app goes by; the profile's may
 * include admin on a session that has not passed the second factor. */
export type Tokens = { access_token: string; expires_in: number; roles: string[]; user: User; return_to?: string };
/** A sign-in stopped at its second factor: the token to send back with the code. */
export type MfaChallenge = { mfa_required: true; mfa_token: string; expires_in: number };

let user: User | null = null;
let checked = false; // whether the session cookie was tried since the page loaded
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const shared = sharedState();
const notify = shared.changed;

export function currentUser() {
  return user;
}

/** The shopper, and whether the session is known yet (false until the cookie was tried). */
export function useSession(): { user: User | null; checked: boolean } {
  shared.useShared();
  return { user, checked };
}

export const useUser = () => useSession().user;

/** useSession for a page only for signed-in shoppers: once the session is known, a visitor without
 * one goes to the sign-in page (the app's own: /login, /admin/login). */
export function useSignedIn(loginPath = "/login"): { user: User | null; checked: boolean } {
  const session = useSession();
  const { route } = useLocation();
  useEffect(() => {
    if (session.checked && !session.user) route(loginPath, true);
  }, [session.user, session.checked]);
  return session;
}

export function signIn(t: Tokens) {
  setAccessToken(t.access_token);
  user = { ...t.user, roles: t.roles };
  clearTimeout(refreshTimer);
  // Refresh a minute before the access token expires (the old refresh token is spent by it).
  refreshTimer = setTimeout(refresh, Math.max(10, t.expires_in - 60) * 1000);
  notify();
}

/** A new access token from the session cookie; false when there is no session (signed out). */
export async function refresh(): Promise<boolean> {
  try {
    signIn(await api<Tokens>("/user/v1/auth/refresh", { json: {} }));
    return true;
  } catch {
    signOutLocally();
    return false;
  } finally {
    if (!checked) {
      checked = true;
      notify();
    }
  }
}

/** After a page load: renews the session when the user service's flag cookie says there is one. */
export async function resume(): Promise<boolean> {
  if (document.cookie.split("; ").includes("store_signed_in=1")) return refresh();
  checked = true;
  notify();
  return false;
}

/** Signs in with email and password; the refresh token comes back as the session cookie. An
 * account with a second factor answers a challenge instead: null when signed in. */
export async function logIn(email: string, password: string, remember: boolean): Promise<MfaChallenge | null> {
  const answer = await api<Tokens | MfaChallenge>("/user/v1/auth/login", {
    json: { email, password, remember_me: remember, session_cookie: true },
  });
  if ("mfa_required" in answer) return answer;
  signIn(answer);
  return null;
}

/** The second step: a code from the authenticator app or a recovery code, for the challenge (or,
 * after a social sign-in, the one the user service left in its cookie). Answers where a social
 * sign-in wanted to end. */
export async function completeLogIn(code: string, challenge: string | null): Promise<string | undefined> {
  const tokens = await api<Tokens>("/user/v1/auth/login/mfa", {
    json: { ...(challenge ? { mfa_token: challenge } : {}), code, session_cookie: true },
  });
  signIn(tokens);
  return tokens.return_to;
}

/** The shopper's profile changed (their name): the header and pages show the new one. */
export function updateUser(u: User) {
  user = { ...user, ...u, roles: user?.roles ?? u.roles }; // the session's roles stay
  notify();
}

export function signOutLocally() {
  setAccessToken(null);
  clearTimeout(refreshTimer);
  user = null;
  notify();
}

export async function signOut(everywhere = false) {
  try {
    if (everywhere) await api("/user/v1/auth/logout-all", { method: "POST" });
    else await api("/user/v1/auth/logout", { json: {} });
  } finally {
    signOutLocally();
  }
}
