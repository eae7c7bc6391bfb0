// Accounts: sign in (then the guest cart merges into the account's), register with the password
// rules shown as you type, the email links' landing pages (verify, reset) and the account page.
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, ApiError } from "@shared/api";
import { mergeAfterLogin, MergeReport } from "../cart";
import { logIn, updateUser, useSession, useSignedIn, User } from "@shared/session";
import { CodeStep } from "@shared/TwoStep";
import { useApi, useTitle } from "@shared/useApi";
import { ErrorNote, Loading } from "@shared/Status";
import { Field, longEnough, MIN_PASSWORD, PasswordRule, useSubmit } from "@shared/Form";
import { SignOutButtons } from "../components/SignOut";


type Provider = { name: string; display_name: string };

// Why a social sign-in came back without a session (the user service's /login?social_error=...).
const SOCIAL_ERRORS: Record<string, string> = {
  cancelled: "Signing in with the provider was cancelled.",
  expired: "That sign-in took too long or was already used. Please try again.",
  refused: "The provider could not sign you in. Please try again, or use your email and password.",
  unavailable: "The sign-in provider cannot be reached right now. Please try again in a moment.",
};

export function LoginPage() {
  useTitle("Sign in");
  const { route, query } = useLocation();
  const { user, checked } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [remember, setRemember] = useState(false);
  const [merged, setMerged] = useState<MergeReport[] | null>(null);
  // The second factor: the login's challenge, or "cookie" after a social sign-in (/login?mfa=required).
  const [challenge, setChallenge] = useState<string | null>(query.mfa === "required" ? "cookie" : null);
  const [restarted, setRestarted] = useState<string | null>(null);
  const providers = useApi<{ providers: Provider[] }>("/user/v1/auth/oidc/providers");
  const { busy, error, submit } = useSubmit();
  // Signed in: the guest cart moves into the account's; what changed on the way is shown.
  const welcome = async () => {
    const report = await mergeAfterLogin().catch(() => []);
    const notable = report.filter((r) => r.outcome === "capped" || r.outcome === "dropped");
    if (notable.length) setMerged(notable);
    else route("/account");
  };
  const onSubmit = submit(async () => {
    setRestarted(null);
    const pending = await logIn(email, password, remember);
    if (pending) setChallenge(pending.mfa_token);
    else await welcome();
  });
  // Back from a social sign-in (?social=1): the session cookie is set; the page load resumed it.
  useEffect(() => {
    if (query.social === "1" && checked && user) void welcome();
  }, [query.social, checked, user]);
  if (merged)
    return (
      <div class="wrap narrow">
        <h1>Welcome back</h1>
        <div class="notice" role="status">
          <p>We moved your guest cart into your account. Some lines changed:</p>
          <ul>
            {merged.map((m) => (
              <li key={m.sku}>
                {m.sku}: {m.outcome === "capped" ? `you asked for ${m.requested}, the cart now holds ${m.quantity}` : "removed"}
                {m.reason ? ` (${m.reason})` : ""}
              </li>
            ))}
          </ul>
        </div>
        <a class="button primary" href="/cart">
          Go to your cart
        </a>
      </div>
    );
  if (challenge)
    return (
      <div class="wrap narrow">
        <CodeStep
          challenge={challenge === "cookie" ? null : challenge}
          onDone={(returnTo) => {
            setChallenge(null);
            if (returnTo) route(returnTo);
            else void welcome();
          }}
          onRestart={(why) => (setChallenge(null), setPassword(""), setRestarted(why))}
        />
      </div>
    );
  const socialError = query.social_error ? SOCIAL_ERRORS[query.social_error] ?? SOCIAL_ERRORS.refused : null;
  return (
    <div class="wrap narrow">
      <h1>Sign in</h1>
      {(socialError || restarted) && (
        <p class="error" role="alert">
          {socialError ?? restarted}
        </p>
      )}
      <form onSubmit={onSubmit} class="form">
        <Field label="Email" name="email" type="email" value={email} set={setEmail} autoComplete="email" />
        <Field label="Password" name="password" type="password" value={password} set={setPassword} autoComplete="current-password" />
        <p class="field inline">
          <input id="remember" type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
          <label for="remember">Keep me signed in</label>
        </p>
        <ErrorNote error={error} />
        <button class="primary" type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {!!providers.data?.providers.length && (
        <div class="social">
          <p>Or</p>
          {providers.data.providers.map((p) => (
            // A full page navigation: the provider's pages, then back here signed in (?social=1).
            <a key={p.name} class="button" href={`/api/user/v1/auth/oidc/${encodeURIComponent(p.name)}/start?return_to=${encodeURIComponent("/login?social=1")}`}>
              Continue with {p.display_name}
            </a>
          ))}
        </div>
      )}
      <p>
        <a href="/forgot-password">Forgot your password?</a> · New here? <a href="/register">Create an account</a>
      </p>
    </div>
  );
}

export function RegisterPage() {
  useTitle("Create an account");
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, submit } = useSubmit();
  const length = [...password].length;
  const onSubmit = submit(async () => {
    await api("/user/v1/auth/register", { json: { name, email, password } });
    setDone(true);
  });
  if (done)
    return (
      <div class="wrap narrow">
        <h1>Check your inbox</h1>
        <p role="status">
          We sent a link to <strong>{email}</strong>. Open it to verify your address, then sign in.
        </p>
      </div>
    );
  return (
    <div class="wrap narrow">
      <h1>Create an account</h1>
      <form onSubmit={onSubmit} class="form">
        <Field label="Name" name="name" value={name} set={setName} autoComplete="name" error={error?.fieldError("name")} />
        <Field label="Email" name="email" type="email" value={email} set={setEmail} autoComplete="email" error={error?.fieldError("email")} />
        <Field
          label="Password"
          name="password"
          type="password"
          value={password}
          set={setPassword}
          autoComplete="new-password"
          error={error?.fieldError("password")}
          describedBy="password-rules"
        />
        <ul id="password-rules" class="rules" aria-live="polite">
          <li class={length >= MIN_PASSWORD ? "met" : undefined}>
            At least {MIN_PASSWORD} characters {length >= MIN_PASSWORD ? "✓" : `(${length} so far)`}
          </li>
          <li>Not a commonly used password (we check when you submit)</li>
          <li>Long passphrases are welcome: spaces and any characters are allowed</li>
        </ul>
        <ErrorNote error={error} />
        <button class="primary" type="submit" disabled={busy || length < MIN_PASSWORD}>
          Create account
        </button>
      </form>
      <p>
        Already have an account? <a href="/login">Sign in</a>
      </p>
    </div>
  );
}

export function VerifyEmailPage() {
  useTitle("Verify your email");
  const { query } = useLocation();
  const [state, setState] = useState<{ email?: string; error?: ApiError } | null>(null);
  useEffect(() => {
    if (!query.token) return;
    api<{ email: string }>("/user/v1/auth/verify-email", { json: { token: query.token } })
      .then((r) => setState({ email: r.email }))
      .catch((e) => setState({ error: e as ApiError }));
  }, [query.token]);
  return (
    <div class="wrap narrow">
      <h1>Verify your email</h1>
      {!query.token && <p class="error">This link is incomplete. Open the link from the email again.</p>}
      {query.token && !state && <Loading />}
      {state?.email && (
        <p role="status">
          Thank you: <strong>{state.email}</strong> is verified. <a href="/login">Sign in</a>
        </p>
      )}
      {state?.error && (
        <p class="error" role="alert">
          This link is no longer valid (it may have been used already or expired). <a href="/login">Sign in</a>, or
          register again to get a new link.
        </p>
      )}
    </div>
  );
}

export function ForgotPasswordPage() {
  useTitle("Reset your password");
  const [email, setEmail] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, submit } = useSubmit();
  const onSubmit = submit(async () => {
    await api("/user/v1/auth/password-reset/request", { json: { email } });
    setDone(true);
  });
  return (
    <div class="wrap narrow">
      <h1>Reset your password</h1>
      {done ? (
        <p role="status">If an account uses {email}, we sent it a link to choose a new password.</p>
      ) : (
        <form onSubmit={onSubmit} class="form">
          <Field label="Email" name="email" type="email" value={email} set={setEmail} autoComplete="email" />
          <ErrorNote error={error} />
          <button class="primary" type="submit" disabled={busy}>
            Send the link
          </button>
        </form>
      )}
    </div>
  );
}

export function ResetPasswordPage() {
  useTitle("Choose a new password");
  const { query } = useLocation();
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const { busy, error, submit } = useSubmit();
  const onSubmit = submit(async () => {
    await api("/user/v1/auth/password-reset/confirm", { json: { token: query.token ?? "", password } });
    setDone(true);
  });
  return (
    <div class="wrap narrow">
      <h1>Choose a new password</h1>
      {done ? (
        <p role="status">
          Your password is changed and every session was signed out. <a href="/login">Sign in</a>
        </p>
      ) : (
        <form onSubmit={onSubmit} class="form">
          <Field
            label="New password"
            name="password"
            type="password"
            value={password}
            set={setPassword}
            autoComplete="new-password"
            error={error?.fieldError("password")}
          />
          <PasswordRule />
          <ErrorNote error={error} />
          <button class="primary" type="submit" disabled={busy || !longEnough(password)}>
            Save password
          </button>
        </form>
      )}
    </div>
  );
}

export function AccountPage() {
  useTitle("Your account");
  const { user, checked } = useSignedIn();
  const [name, setName] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const { busy, error, submit } = useSubmit();
  if (!user) return checked ? null : <div class="wrap"><Loading /></div>;
  const onSubmit = submit(async () => {
    updateUser(await api<User>("/user/v1/me", { method: "PATCH", json: { name: name ?? user.name ?? "" } }));
    setSaved(true);
  });
  return (
    <div class="wrap narrow">
      <h1>Hello{user.name ? `, ${user.name}` : ""}</h1>
      <p>Signed in as {user.email}.</p>
      <ul class="account-links">
        <li>
          <a href="/account/orders">Your orders</a>
        </li>
        <li>
          <a href="/account/addresses">Your addresses</a>
        </li>
        <li>
          <a href="/account/security">Sign-in and security</a>: password, email address, where you are signed in
        </li>
      </ul>
      <h2>Your details</h2>
      <form onSubmit={onSubmit} class="form">
        <Field label="Name" name="name" value={name ?? user.name ?? ""} set={(v) => (setName(v), setSaved(false))}
          autoComplete="name" error={error?.fieldError("name")} />
        <ErrorNote error={error} />
        {saved && <p role="status">Saved.</p>}
        <button class="primary" type="submit" disabled={busy}>
          Save
        </button>
      </form>
      <SignOutButtons />
    </div>
  );
}
