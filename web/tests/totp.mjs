// Test helpers of the web apps' browser journeys.
import { createHmac } from "node:crypto";

// What an authenticator app shows for a base32 secret at a 30 s time step (RFC 6238: HMAC-SHA1,
// 6 digits). The user service takes each step once and accepts the next one: freshCode() gives the
// code of the earliest step not used yet (waiting for one when both are used).
export function totp(base32, step) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of base32.toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", key).update(counter).digest();
  const at = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1000000).padStart(6, "0");
}
const usedStep = new Map(); // secret -> the last step whose code was given
export async function freshCode(base32) {
  for (;;) {
    const now = Math.floor(Date.now() / 30000);
    const step = [now, now + 1].find((s) => s > (usedStep.get(base32) ?? 0));
    if (step !== undefined) {
      usedStep.set(base32, step);
      return totp(base32, step);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
