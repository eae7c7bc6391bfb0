// One way to call the shop's APIs: same origin, JSON in and out, errors as the problem+json the
// services answer (RFC 9457), the access token (memory only) on every call when signed in.

export type Money = { minor: number; currency: string };

export type Problem = {
  status: number;
  title?: string;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
};

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.status = problem.status;
    this.problem = problem;
  }
  /** The message a person reads: the service's detail, or what the status means. */
  get userMessage(): string {
    if (this.status === 0) return "You seem to be offline. Check your connection and try again.";
    if (this.status === 429) return "Too many attempts. Please wait a moment and try again.";
    if (this.status >= 500) return "Something went wrong on our side. Please try again in a moment.";
    return this.problem.detail || this.problem.title || "That did not work.";
  }
  /** Someone else changed it since it was read (a stale version: 409, or 412 for If-Match); a 409
   *  naming a field (a slug or SKU taken) is that field's error instead. */
  get staleVersion(): boolean {
    return this.status === 412 || (this.status === 409 && !this.problem.errors?.length);
  }
  fieldError(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field)?.message;
  }
}

let accessToken: string | null = null;
export function setAccessToken(token: string | null) {
  accessToken = token;
}

type Options = {
  method?: string;
  json?: unknown;
  /** A body of raw bytes (an image upload) instead of JSON, sent with its own type. */
  bytes?: Blob;
  /** Optimistic concurrency: the version (ETag) the change was based on. */
  ifMatch?: number;
  /** More request headers (an Idempotency-Key, a guest order's Order-Token). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

export async function api<T>(path: string, options: Options = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...options.headers };
  if (options.json !== undefined) headers["Content-Type"] = "application/json";
  if (options.bytes) headers["Content-Type"] = options.bytes.type || "application/octet-stream";
  if (options.ifMatch !== undefined) headers["If-Match"] = `"${options.ifMatch}"`;
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  const hasBody = options.json !== undefined || options.bytes !== undefined;
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method: options.method ?? (hasBody ? "POST" : "GET"),
      headers,
      body: options.bytes ?? (options.json !== undefined ? JSON.stringify(options.json) : undefined),
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError({ status: 0, title: "offline" });
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get("Content-Type") ?? "";
  const body = type.includes("json") ? await res.json().catch(() => null) : null;
  if (!res.ok) throw new ApiError({ status: res.status, ...(body ?? { title: res.statusText }) });
  return body as T;
}

/** The digits after the decimal point of a currency (EUR 2, JPY 0). */
function fractionDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "459.90" in EUR -> 45990; null when it is not an amount of that currency. */
export function toMinor(text: string, currency: string): number | null {
  const digits = fractionDigits(currency);
  const m = text.trim().match(digits > 0 ? new RegExp(`^(\\d+)(?:[.,](\\d{1,${digits}}))?$`) : /^(\d+)$/);
  if (!m) return null;
  return Number(m[1]) * 10 ** digits + Number((m[2] ?? "").padEnd(digits, "0") || 0);
}

/** 45990 EUR -> "459.90" (for an input; money() is for reading). */
export function fromMinor(m: Money): string {
  const digits = fractionDigits(m.currency);
  return digits > 0 ? `${Math.floor(m.minor / 10 ** digits)}.${String(m.minor % 10 ** digits).padStart(digits, "0")}` : String(m.minor);
}

/** Formats integer minor units in their currency (EUR 121599 -> "€1,215.99"). */
export function money(m: Money | null | undefined): string {
  if (!m) return "";
  return new Intl.NumberFormat(undefined, { style: "currency", currency: m.currency }).format(m.minor / 10 ** fractionDigits(m.currency));
}
