const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomString(length: number): string {
  // 36 does not divide 256: reject the top bytes so every character is equally likely.
  const out: string[] = [];
  while (out.length < length) {
    for (const b of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (b < 252 && out.length < length) out.push(ALPHABET[b % 36]!);
    }
  }
  return out.join("");
}

/** Statuspage-style id: 12 lowercase letters and digits. */
export const newId = () => randomString(12);

/** Integration key: 32 lowercase letters and digits, so it passes PagerDuty routing-key checks too. */
export const newIntegrationKey = () => randomString(32);

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const nowIso = (date = new Date()) => date.toISOString();
