// A private page's keys: the page password, stored as PBKDF2-SHA256 through WebCrypto, and the signed
// cookie a reader gets for it (HMAC-SHA256 with the page's access secret). Pure WebCrypto, no I/O:
// worker/visibility.ts uses them.
import { toHex } from "../../domain/ids";

/** workerd's ceiling for PBKDF2 iterations; OWASP asks 600 000 for SHA-256, which Workers refuse. */
export const PBKDF2_ITERATIONS = 100_000;
const enc = (s: string) => new TextEncoder().encode(s);
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", enc(password), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256));
}

export async function hashPagePassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${b64(salt)}$${b64(await pbkdf2(password, salt, PBKDF2_ITERATIONS))}`;
}

export async function verifyPagePassword(password: string, stored: string | null): Promise<boolean> {
  const [scheme, iterations, salt, hash] = (stored ?? "").split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !salt || !hash) return false;
  const got = await pbkdf2(password.slice(0, 1024), unb64(salt), Number(iterations));
  const want = unb64(hash);
  let diff = got.length ^ want.length;
  for (let i = 0; i < got.length; i++) diff |= got[i]! ^ (want[i] ?? 0);
  return diff === 0;
}

export const newAccessSecret = () => b64(crypto.getRandomValues(new Uint8Array(32)));

// ── The reader's cookie ────────────────────────────────────────────────────

export const ACCESS_COOKIE = "page_access";
export const ACCESS_TTL_SECONDS = 30 * 24 * 60 * 60;

const hmacKey = (secret: string) => crypto.subtle.importKey("raw", unb64(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
const mac = async (secret: string, expires: number) =>
  toHex(new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), enc(`page-access\n${expires}`))));

/** `<expiry epoch seconds>.<HMAC hex>`, signed with the page's access secret. */
export async function signAccess(secret: string, nowMs = Date.now()): Promise<string> {
  const expires = Math.floor(nowMs / 1000) + ACCESS_TTL_SECONDS;
  return `${expires}.${await mac(secret, expires)}`;
}

export async function verifyAccessCookie(secret: string | null, value: string | undefined, nowMs = Date.now()): Promise<boolean> {
  const m = /^(\d{1,12})\.([0-9a-f]{64})$/.exec(value ?? "");
  if (!secret || !m) return false;
  const expires = Number(m[1]);
  if (expires * 1000 <= nowMs) return false;
  const want = await mac(secret, expires);
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ m[2]!.charCodeAt(i);
  return diff === 0;
}
