// Forms: a labelled field with its error (announced, tied to the input), and a submit handler
// that shows the service's problem instead of throwing.
import { useState } from "preact/hooks";
import { ApiError } from "./api";

/** The user service's shortest password (characters, not bytes). */
export const MIN_PASSWORD = 8;
export const longEnough = (password: string) => [...password].length >= MIN_PASSWORD;

/** The password rules, beside a new password's field. */
export function PasswordRule() {
  return <p class="muted">At least {MIN_PASSWORD} characters, not a commonly used password.</p>;
}

export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = (f: () => Promise<void>) => async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else throw err;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit };
}

export function Field(props: {
  label: string;
  name: string;
  type?: "text" | "email" | "password" | "tel";
  value: string;
  set: (v: string) => void;
  autoComplete?: string;
  error?: string;
  describedBy?: string;
  optional?: boolean;
}) {
  const id = `f-${props.name}`;
  return (
    <p class="field">
      <label for={id}>
        {props.label}
        {props.optional && <span class="muted"> (optional)</span>}
      </label>
      {/* Preact's typings split <input> by type into a union no variable `type` satisfies. */}
      <input {...({ type: props.type ?? "text" } as object)}
        id={id}
        name={props.name}
        value={props.value}
        required={!props.optional}
        autoComplete={props.autoComplete}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={[props.error ? `${id}-error` : "", props.describedBy ?? ""].join(" ").trim() || undefined}
        onInput={(e) => props.set(e.currentTarget.value)}
      />
      {props.error && (
        <span id={`${id}-error`} class="field-error">
          {props.error}
        </span>
      )}
    </p>
  );
}
