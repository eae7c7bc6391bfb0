// A variant's options as staff type them: "color: black, storage: 128GB" <-> {color: "black", ...}.

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
