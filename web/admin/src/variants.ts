// A variant as staff type it: its options ("color: black, storage: 128GB" <-> {color: "black", ...})
// and its price ("459.90" in the shop's currency <-> integer minor units).
import { toMinor, type Money } from "@shared/api";

/** The options typed, or the reason they cannot be read. */
export function parseOptions(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const at = part.indexOf(":");
    const name = at > 0 ? part.slice(0, at).trim() : "";
    const value = at > 0 ? part.slice(at + 1).trim() : "";
    if (!name || !value) return `"${part}" is not name: value`;
    out[name] = value;
  }
  return out;
}

export const formatOptions = (options: Record<string, string>) =>
  Object.entries(options).map(([k, v]) => `${k}: ${v}`).join(", ");

/** The options and price typed, read; or what is wrong with each (by field: options, price). */
export function readVariant(options: string, price: string, currency: string):
  | { ok: true; options: Record<string, string>; price: Money }
  | { ok: false; problems: Record<string, string> } {
  const parsed = parseOptions(options);
  const minor = toMinor(price, currency);
  if (typeof parsed !== "string" && minor !== null) return { ok: true, options: parsed, price: { minor, currency } };
  const problems: Record<string, string> = {};
  if (typeof parsed === "string") problems.options = parsed;
  if (minor === null) problems.price = `not an amount in ${currency}`;
  return { ok: false, problems };
}
