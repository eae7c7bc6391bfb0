// Staff sign-in: email and password, then the second factor's code (CodeStep, shared with the
// storefront). No social sign-in here: staff accounts use their password and a second factor.
import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { logIn } from "@shared/session";
import { CodeStep } from "@shared/TwoStep";
import { ErrorNote } from "@shared/Status";
import { Field, useSubmit } from "@shared/Form";
import { useTitle } from "@shared/useApi";

export function LoginPage() {
  useTitle("Staff sign-in");
  const { route } = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [challenge, setChallenge] = useState<string | null>(null);
  const [restarted, setRestarted] = useState<string | null>(null);
  const { busy, error, submit } = useSubmit();
  const onSubmit = submit(async () => {
    setRestarted(null);
    const pending = await logIn(email, password, false);
    if (pending) setChallenge(pending.mfa_token);
    else route("/admin/customers");
  });
  return (
    <main id="main" class="wrap narrow">
      {challenge ? (
        <CodeStep
          challenge={challenge}
          onDone={() => route("/admin/customers")}
          onRestart={(why) => (setChallenge(null), setPassword(""), setRestarted(why))}
        />
      ) : (
        <>
          <h1>Staff sign-in</h1>
          {restarted && (
            <p class="error" role="alert">
              {restarted}
            </p>
          )}
          <form onSubmit={onSubmit} class="form">
            <Field label="Email" name="email" type="email" value={email} set={setEmail} autoComplete="username" />
            <Field label="Password" name="password" type="password" value={password} set={setPassword}
              autoComplete="current-password" />
            <ErrorNote error={error} />
            <button class="primary" type="submit" disabled={busy}>
              Sign in
            </button>
          </form>
        </>
      )}
    </main>
  );
}
