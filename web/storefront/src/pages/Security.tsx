// Sign-in and security (/account/security, the page the "your email address changed" email links
// to): change the password (the other sessions end), change the email address (confirmed from the
// new mailbox), two-step verification, where the shopper is signed in, ending one session or all.
import { useState } from "preact/hooks";
import { api } from "@shared/api";
import { useSignedIn } from "@shared/session";
import { useRemovable, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Field, longEnough, PasswordRule, useSubmit } from "@shared/Form";
import { SignOutButtons } from "../components/SignOut";
import { Breadcrumbs } from "../components/Breadcrumbs";
import { TwoStepSection } from "@shared/TwoStep";
import { describeDevice } from "@shared/device";

type Session = { id: string; created_at: string; last_used_at: string; user_agent: string; ip: string; current: boolean };

function PasswordForm({ onChanged }: { onChanged: () => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, submit } = useSubmit();
  const onSubmit = submit(async () => {
    await api("/user/v1/me/password", { json: { current_password: current, new_password: next } });
    setDone(true);
    setCurrent("");
    setNext("");
    onChanged();
  });
  return (
    <form onSubmit={onSubmit} class="form" aria-labelledby="password-heading">
      <Field label="Current password" name="current_password" type="password" value={current} set={setCurrent}
        autoComplete="current-password" error={error?.fieldError("current_password")} />
      <Field label="New password" name="new_password" type="password" value={next} set={(v) => (setNext(v), setDone(false))}
        autoComplete="new-password" error={error?.fieldError("new_password")} />
      <PasswordRule />
      <ErrorNote error={error} />
      {done && <p role="status">Your password is changed. Everywhere else you were signed in, you are signed out.</p>}
      <button class="primary" type="submit" disabled={busy || !longEnough(next)}>
        Change password
      </button>
    </form>
  );
}

function EmailForm() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const { busy, error, submit } = useSubmit();
  const onSubmit = submit(async () => {
    await api("/user/v1/me/email", { json: { new_email: email, password } });
    setSent(email);
    setPassword("");
  });
  return (
    <form onSubmit={onSubmit} class="form" aria-labelledby="email-heading">
      <Field label="New email address" name="new_email" type="email" value={email} set={setEmail} autoComplete="email"
        error={error?.fieldError("new_email")} />
      <Field label="Password" name="password" type="password" value={password} set={setPassword}
        autoComplete="current-password" error={error?.fieldError("password")} />
      <ErrorNote error={error} />
      {sent && (
        <p role="status">
          We sent a link to {sent}. Your address changes when you open it; until then you sign in with the old one.
        </p>
      )}
      <button class="primary" type="submit" disabled={busy}>
        Change email address
      </button>
    </form>
  );
}

export function SecurityPage() {
  useTitle("Sign-in and security");
  const { user, checked } = useSignedIn();
  const list = useRemovable<{ sessions: Session[] }>(user ? "/user/v1/me/sessions" : null);
  const sessions = list.data?.sessions;
  const error = list.error;
  if (!user) return checked ? null : <div class="wrap"><Loading /></div>;
  return (
    <div class="wrap narrow">
      <Breadcrumbs trail={[{ href: "/account", name: "Your account" }]} here="Sign-in and security" />
      <h1>Sign-in and security</h1>
      <h2 id="sessions-heading">Where you are signed in</h2>
      <ErrorNote error={error} />
      {!sessions && !error && <Loading />}
      <ul class="sessions" aria-labelledby="sessions-heading">
        {sessions?.map((s) => (
          <li key={s.id}>
            <span>
              <span title={s.user_agent}>{describeDevice(s.user_agent)}</span> · {s.ip} · last used {new Date(s.last_used_at).toLocaleString()}
              {s.current && <strong> (this browser)</strong>}
            </span>
            {!s.current && (
              <button type="button" class="link" onClick={() => void list.remove(s.id)} aria-label={`Sign out the session last used ${new Date(s.last_used_at).toLocaleString()} from ${s.ip}`}>
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
      <SignOutButtons />
      <h2 id="password-heading">Password</h2>
      <PasswordForm onChanged={list.reload} />
      <h2 id="email-heading">Email address</h2>
      <p>Now: {user.email}</p>
      <EmailForm />
      <h2 id="two-step-heading">Two-step verification</h2>
      <TwoStepSection hasPassword={user.has_password !== false} />
    </div>
  );
}
