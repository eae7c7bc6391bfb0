// Two-step verification: the sign-in's code step (CodeStep), and on a security page (TwoStepSection)
// turn it on (the password, then the secret as a QR
// code and as text for the authenticator app, then a first code; the ten recovery codes are shown
// once), new recovery codes, turn it off. The user service does the work (services/user/README.md,
// "The second factor").
import { useEffect, useState } from "preact/hooks";
import { api, ApiError } from "./api";
import { completeLogIn } from "./session";
import { useApi } from "./useApi";
import { ErrorNote, Loading } from "./Status";
import { Field, useSubmit } from "./Form";

/** The second step of a sign-in: the code from the authenticator app, or a recovery code. A spent
 * or expired challenge goes back to the password (onRestart). */
export function CodeStep({ challenge, onDone, onRestart }: {
  challenge: string | null;
  onDone: (returnTo?: string) => void;
  onRestart: (why: string) => void;
}) {
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState(false);
  const { busy, error, submit } = useSubmit();
  const onSubmit = submit(async () => {
    try {
      onDone(await completeLogIn(code, challenge));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && !e.fieldError("code")) onRestart(e.userMessage);
      else throw e;
    }
  });
  return (
    <form onSubmit={onSubmit} class="form" aria-labelledby="code-heading">
      <h1 id="code-heading">Two-step verification</h1>
      <p>
        {recovery
          ? "Enter one of the recovery codes you saved when you turned on two-step verification. Each works once."
          : "Enter the 6-digit code your authenticator app shows for this shop."}
      </p>
      <Field label={recovery ? "Recovery code" : "Code"} name="code" value={code} set={setCode}
        autoComplete="one-time-code" error={error?.fieldError("code")} />
      <ErrorNote error={error?.fieldError("code") ? null : error} />
      <button class="primary" type="submit" disabled={busy || !code.trim()}>
        Verify
      </button>
      <button type="button" class="link" onClick={() => (setRecovery(!recovery), setCode(""))}>
        {recovery ? "Use the code from your app" : "Use a recovery code instead"}
      </button>
    </form>
  );
}

type Status = { enabled: boolean; recovery_codes_left: number; required: boolean; grace_ends_at: string | null };
type Enrolment = { secret: string; otpauth_uri: string };

/** The otpauth:// URI as a QR code: SVG squares drawn from qrcode-generator's matrix (loaded only
 * on this step, so the shop's other pages never pay for it). */
function QrCode({ text }: { text: string }) {
  const [cells, setCells] = useState<boolean[][] | null>(null);
  useEffect(() => {
    void import("qrcode-generator").then(({ default: qrcode }) => {
      const qr = qrcode(0, "M");
      qr.addData(text);
      qr.make();
      const n = qr.getModuleCount();
      setCells(Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c))));
    });
  }, [text]);
  if (!cells) return <Loading />;
  const n = cells.length;
  const path = cells.flatMap((row, r) => row.map((dark, c) => (dark ? `M${c + 4} ${r + 4}h1v1h-1z` : ""))).join("");
  return (
    <svg class="qr" viewBox={`0 0 ${n + 8} ${n + 8}`} width="200" height="200" role="img" aria-label="QR code for your authenticator app">
      <rect width="100%" height="100%" fill="#fff" />
      <path d={path} fill="#000" shapeRendering="crispEdges" />
    </svg>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <div class="notice" role="status">
      <p>
        <strong>Save these recovery codes</strong> somewhere safe (a password manager, or printed). Each one signs you in
        once if you lose your phone. They are shown only now.
      </p>
      <ul class="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <button type="button" class="primary" onClick={onDone}>
        I saved them
      </button>
    </div>
  );
}

function TurnOn({ hasPassword, onCodes }: { hasPassword: boolean; onCodes: (codes: string[]) => void }) {
  const [password, setPassword] = useState("");
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState("");
  const { busy, error, submit } = useSubmit();
  const begin = submit(async () => {
    setEnrolment(await api<Enrolment>("/user/v1/me/mfa/totp", { json: hasPassword ? { password } : {} }));
    setPassword("");
  });
  const confirm = submit(async () => {
    const answer = await api<{ recovery_codes: string[] }>("/user/v1/me/mfa/totp/confirm", { json: { code } });
    onCodes(answer.recovery_codes);
  });
  if (!enrolment)
    return (
      <form onSubmit={begin} class="form" aria-label="Turn on two-step verification">
        {hasPassword && (
          <Field label="Password" name="mfa_password" type="password" value={password} set={setPassword}
            autoComplete="current-password" error={error?.fieldError("password")} />
        )}
        <ErrorNote error={error?.fieldError("password") ? null : error} />
        <button class="primary" type="submit" disabled={busy}>
          Turn on two-step verification
        </button>
      </form>
    );
  return (
    <form onSubmit={confirm} class="form" aria-label="Confirm two-step verification">
      <p>Scan this QR code with an authenticator app (such as Aegis, FreeOTP or Google Authenticator):</p>
      <QrCode text={enrolment.otpauth_uri} />
      <p>
        Or type this key in: <code class="secret">{enrolment.secret.replace(/(.{4})/g, "$1 ").trim()}</code>
      </p>
      <Field label="The 6-digit code the app shows" name="mfa_code" value={code} set={setCode}
        autoComplete="one-time-code" error={error?.fieldError("code")} />
      <ErrorNote error={error?.fieldError("code") ? null : error} />
      <button class="primary" type="submit" disabled={busy || !code.trim()}>
        Turn on
      </button>
    </form>
  );
}

function Manage({ status, hasPassword, onCodes, onOff }: {
  status: Status;
  hasPassword: boolean;
  onCodes: (codes: string[]) => void;
  onOff: () => void;
}) {
  const [renewCode, setRenewCode] = useState("");
  const [offCode, setOffCode] = useState("");
  const [password, setPassword] = useState("");
  const renew = useSubmit();
  const off = useSubmit();
  const onRenew = renew.submit(async () => {
    const answer = await api<{ recovery_codes: string[] }>("/user/v1/me/mfa/recovery-codes", { json: { code: renewCode } });
    setRenewCode("");
    onCodes(answer.recovery_codes);
  });
  const onTurnOff = off.submit(async () => {
    await api("/user/v1/me/mfa/disable", { json: { ...(hasPassword ? { password } : {}), code: offCode } });
    onOff();
  });
  return (
    <>
      <p>
        Two-step verification is <strong>on</strong>. {status.recovery_codes_left} of your recovery codes are left.
      </p>
      <h3 id="renew-heading">New recovery codes</h3>
      <form onSubmit={onRenew} class="form" aria-labelledby="renew-heading">
        <Field label="Code from your app" name="mfa_renew_code" value={renewCode} set={setRenewCode}
          autoComplete="one-time-code" error={renew.error?.fieldError("code")} />
        <ErrorNote error={renew.error?.fieldError("code") ? null : renew.error} />
        <button type="submit" disabled={renew.busy || !renewCode.trim()}>
          Get new recovery codes
        </button>
      </form>
      <h3 id="off-heading">Turn it off</h3>
      <form onSubmit={onTurnOff} class="form" aria-labelledby="off-heading">
        {hasPassword && (
          <Field label="Password" name="mfa_off_password" type="password" value={password} set={setPassword}
            autoComplete="current-password" error={off.error?.fieldError("password")} />
        )}
        <Field label="Code from your app, or a recovery code" name="mfa_off_code" value={offCode} set={setOffCode}
          autoComplete="one-time-code" error={off.error?.fieldError("code")} />
        <ErrorNote error={off.error?.fieldError("code") || off.error?.fieldError("password") ? null : off.error} />
        <button type="submit" disabled={off.busy || !offCode.trim()}>
          Turn off two-step verification
        </button>
      </form>
    </>
  );
}

/** `onChange`: after it was turned on or off (the admin app renews its token: the admin role
 * follows a session that passed the second factor). */
export function TwoStepSection({ hasPassword, onChange }: { hasPassword: boolean; onChange?: () => void }) {
  const status = useApi<Status>("/user/v1/me/mfa");
  const [codes, setCodes] = useState<string[] | null>(null);
  const changed = () => (status.reload(), onChange?.());
  if (codes) return <RecoveryCodes codes={codes} onDone={() => (setCodes(null), changed())} />;
  if (!status.data) return status.error ? <ErrorNote error={status.error} /> : <Loading />;
  const s = status.data;
  return (
    <>
      <p>
        A code from an app on your phone, asked for after your password: someone who learns your password still cannot
        sign in.
      </p>
      {s.required && !s.enabled && (
        <p class="notice" role="status">
          Staff accounts need two-step verification
          {s.grace_ends_at ? ` from ${new Date(s.grace_ends_at).toLocaleDateString()}` : ""}.
        </p>
      )}
      {s.enabled ? (
        <Manage status={s} hasPassword={hasPassword} onCodes={setCodes} onOff={changed} />
      ) : (
        <TurnOn hasPassword={hasPassword} onCodes={setCodes} />
      )}
    </>
  );
}
