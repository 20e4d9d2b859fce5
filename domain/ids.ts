const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

// Random bytes drawn in blocks: one getRandomValues call per id made a 300-alert delivery spend
// most of its CPU here.
let pool = new Uint8Array(0);
let poolAt = 0;

function randomByte(): number {
  if (poolAt >= pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(4096));
    poolAt = 0;
  }
  return pool[poolAt++]!;
}

function randomString(length: number): string {
  let out = "";
  while (out.length < length) {
    const b = randomByte();
    // 36 does not divide 256: reject the top bytes so every character is equally likely.
    if (b < 252) out += ALPHABET[b % 36];
  }
  return out;
}

/** Statuspage-style id: 12 lowercase letters and digits. */
export const newId = () => randomString(12);

/** Integration key: 32 lowercase letters and digits, so it passes PagerDuty routing-key checks too. */
export const newIntegrationKey = () => randomString(32);

/** Operator key for the admin API: a prefix that tells it from an integration key, then 40 letters and digits. */
export const newOperatorKey = () => `sk_${randomString(40)}`;

/** Lowercase hex of some bytes: digests, MACs, ETags. */
export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

export const nowIso = (date = new Date()) => date.toISOString();

/** Compares two secrets in time independent of where they differ (hashing first evens the lengths). */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256Hex(a), sha256Hex(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x.charCodeAt(i) ^ y.charCodeAt(i);
  return diff === 0;
}
