// The signed-in shopper. The access token lives in memory only (never in storage a script on the
// page could read back later); a reload starts signed out until the user service sets the
// refresh token as an HttpOnly cookie (web/storefront/README.md, "Session").
import { useEffect, useState } from "preact/hooks";
import { api, setAccessToken } from "./api";

export type User = { id: string; email: string; name?: string; roles: string[] };
export type Tokens = { access_token: string; refresh_token: string; expires_in: number; user: User };

let user: User | null = null;
let refreshToken: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());

export function currentUser() {
  return user;
}

export function useUser(): User | null {
  const [, force] = useState(0);
  useEffect(() => {
    const l = () => force((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return user;
}

export function signIn(t: Tokens) {
  setAccessToken(t.access_token);
  user = t.user;
  refreshToken = t.refresh_token;
  clearTimeout(refreshTimer);
  // Refresh a minute before the access token expires (the old refresh token is spent by it).
  refreshTimer = setTimeout(refresh, Math.max(10, t.expires_in - 60) * 1000);
  notify();
}

async function refresh() {
  if (!refreshToken) return;
  try {
    signIn(await api<Tokens>("/user/v1/auth/refresh", { json: { refresh_token: refreshToken } }));
  } catch {
    signOutLocally();
  }
}

export function signOutLocally() {
  setAccessToken(null);
  clearTimeout(refreshTimer);
  user = null;
  refreshToken = null;
  notify();
}

export async function signOut(everywhere = false) {
  try {
    if (everywhere) await api("/user/v1/auth/logout-all", { method: "POST" });
    else await api("/user/v1/auth/logout", { json: { refresh_token: refreshToken } });
  } finally {
    signOutLocally();
  }
}
