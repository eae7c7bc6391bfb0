// Two-step verification on the security page: turn it on (the password, then the secret as a QR
// code and as text for the authenticator app, then a first code; the ten recovery codes are shown
// once), new recovery codes, turn it off. The user service does the work (services/user/README.md,
// "The second factor").
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { useApi } from "../useApi";
import { ErrorNote, Loading } from "../components/Status";
import { Field, useSubmit } from "../components/Form";

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

export function TwoStepSection({ hasPassword }: { hasPassword: boolean }) {
  const status = useApi<Status>("/user/v1/me/mfa");
  const [codes, setCodes] = useState<string[] | null>(null);
  if (codes) return <RecoveryCodes codes={codes} onDone={() => (setCodes(null), status.reload())} />;
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
        <Manage status={s} hasPassword={hasPassword} onCodes={setCodes} onOff={status.reload} />
      ) : (
        <TurnOn hasPassword={hasPassword} onCodes={setCodes} />
      )}
    </>
  );
}
