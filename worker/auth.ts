// Who may act on /admin, and as whom. Three ways in, each checked in constant time or by signature:
// - the API: `Authorization: Bearer <ADMIN_TOKEN>`;
// - the UI: a signed, expiring session cookie set by the login form (with the CSRF token it carries);
// - either: a Cloudflare Access JWT (`Cf-Access-Jwt-Assertion`), when ACCESS_TEAM_DOMAIN and ACCESS_AUD
//   are set, verified against the team's keys; its email is the actor.
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { Env } from "./env";
import { HttpError } from "./errors";
import { sha256Hex } from "./ids";

/** The admin routes' context: the bindings plus who is acting. */
export interface AdminEnv {
  Bindings: Env;
  Variables: {
    actor: string;
    /** The CSRF token every UI form must echo in `_csrf`. */
    csrf: string;
  };
}

/** Compares two secrets in time independent of where they differ (hashing first evens the lengths). */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256Hex(a), sha256Hex(b)]);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x.charCodeAt(i) ^ y.charCodeAt(i);
  return diff === 0;
}

const enc = (s: string) => new TextEncoder().encode(s);

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
    const out = new Uint8Array(new ArrayBuffer(bin.length));
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

export const randomToken = (bytes = 32) => b64url(crypto.getRandomValues(new Uint8Array(bytes)));

// ── Sessions ────────────────────────────────────────────────────────────────

export const SESSION_COOKIE = "admin_session";
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface Session {
  v: 1;
  /** Expiry, epoch seconds. */
  exp: number;
  csrf: string;
  actor: string;
}

let derived: { token: string; key: Promise<CryptoKey> } | null = null;

/**
 * The HMAC key for sessions and CSRF tokens, derived (HKDF) from ADMIN_TOKEN: rotating the token
 * signs every operator out, and the token itself never signs anything an attacker can read.
 */
function sessionKey(adminToken: string): Promise<CryptoKey> {
  if (derived?.token !== adminToken) {
    const key = crypto.subtle
      .importKey("raw", enc(adminToken), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: enc("alert-status-page/admin"), info: enc("session-v1") },
          base,
          { name: "HMAC", hash: "SHA-256", length: 256 },
          false,
          ["sign", "verify"],
        ),
      );
    derived = { token: adminToken, key };
  }
  return derived.key;
}

/** `<payload>.<signature>`, both base64url: the cookie value. */
export async function signSession(adminToken: string, session: Session): Promise<string> {
  const payload = b64url(enc(JSON.stringify(session)));
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await sessionKey(adminToken), enc(payload)));
  return `${payload}.${b64url(sig)}`;
}

/** The session if the cookie is intact (signature checked by crypto.subtle.verify) and unexpired. */
export async function verifySession(adminToken: string, value: string, nowMs = Date.now()): Promise<Session | null> {
  if (value.length > 4096) return null;
  const [payload, sig, extra] = value.split(".");
  if (!payload || !sig || extra !== undefined) return null;
  const sigBytes = fromB64url(sig);
  if (!sigBytes) return null;
  const valid = await crypto.subtle.verify("HMAC", await sessionKey(adminToken), sigBytes, enc(payload));
  if (!valid) return null;
  try {
    const s = JSON.parse(new TextDecoder().decode(fromB64url(payload)!)) as Session;
    if (s.v !== 1 || typeof s.exp !== "number" || typeof s.csrf !== "string" || typeof s.actor !== "string") return null;
    return s.exp * 1000 > nowMs ? s : null;
  } catch {
    return null;
  }
}

export async function startSession(c: Context, adminToken: string, actor: string): Promise<Session> {
  const session: Session = { v: 1, exp: Math.floor(Date.now() / 1000) + SESSION_TTL_SECONDS, csrf: randomToken(), actor };
  setCookie(c, SESSION_COOKIE, await signSession(adminToken, session), {
    path: "/admin",
    httpOnly: true,
    secure: true,
    sameSite: "Strict",
    maxAge: SESSION_TTL_SECONDS,
  });
  return session;
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/admin", httpOnly: true, secure: true, sameSite: "Strict" });
}

/** Access users have no session cookie: their CSRF token is a MAC of who they are. */
async function accessCsrf(adminToken: string, actor: string): Promise<string> {
  return b64url(new Uint8Array(await crypto.subtle.sign("HMAC", await sessionKey(adminToken), enc(`access-csrf\n${actor}`))));
}

// ── Cloudflare Access ───────────────────────────────────────────────────────

let keySetOverride: JWTVerifyGetKey | null = null;
const remoteKeySets = new Map<string, JWTVerifyGetKey>();

/** Tests inject a local key set (jose createLocalJWKSet); null restores the team's remote keys. */
export function setAccessKeySet(keySet: JWTVerifyGetKey | null): void {
  keySetOverride = keySet;
}

export function accessConfig(env: Env): { issuer: string; audience: string; certs: string } | null {
  const team = env.ACCESS_TEAM_DOMAIN?.trim().replace(/^https?:\/\//, "").replace(/\/+$/, "");
  const audience = env.ACCESS_AUD?.trim();
  if (!team || !audience) return null;
  return { issuer: `https://${team}`, audience, certs: `https://${team}/cdn-cgi/access/certs` };
}

/** The Access identity (email, or the service token's client id), or null when absent or invalid. */
export async function verifyAccess(env: Env, jwt: string | undefined): Promise<string | null> {
  const config = accessConfig(env);
  if (!config || !jwt) return null;
  let keySet = keySetOverride ?? remoteKeySets.get(config.certs);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(config.certs));
    remoteKeySets.set(config.certs, keySet);
  }
  try {
    const { payload } = await jwtVerify(jwt, keySet, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: ["RS256"],
    });
    if (typeof payload.email === "string" && payload.email) return payload.email;
    if (typeof payload.common_name === "string" && payload.common_name) return `service-token:${payload.common_name}`;
    return null;
  } catch {
    return null;
  }
}

// ── Middleware ──────────────────────────────────────────────────────────────

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Refuses a browser request made from another site. Browsers send Origin on every form post and
 * Sec-Fetch-Site with every request; scripts send neither.
 */
export function crossSite(c: Context): boolean {
  const origin = c.req.header("origin");
  if (origin && origin !== "null" && origin !== new URL(c.req.url).origin) return true;
  if (origin === "null") return true;
  const site = c.req.header("sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}

/** /admin/api: the bearer token (actor "api"), or a valid Access JWT (actor its email). 401 otherwise. */
export const requireAdminApi: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  if (header) {
    const token = c.env.ADMIN_TOKEN;
    if (!token) throw new HttpError(401, "ADMIN_TOKEN is not configured on this worker");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !(await constantTimeEqual(match[1]!, token))) throw new HttpError(401, "invalid bearer token");
    c.set("actor", "api");
    c.set("csrf", "");
    return next();
  }
  const jwt = c.req.header("cf-access-jwt-assertion");
  if (jwt && accessConfig(c.env)) {
    const actor = await verifyAccess(c.env, jwt);
    if (!actor) throw new HttpError(401, "invalid Cloudflare Access token");
    // Access rides on a browser cookie, so a write must prove it is not a cross-site form: JSON only.
    if (UNSAFE.has(c.req.method)) {
      const type = c.req.header("content-type") ?? "";
      if (crossSite(c) || (c.req.method !== "DELETE" && !/^application\/json\b/i.test(type)))
        throw new HttpError(403, "cross-site or non-JSON write refused: send `Content-Type: application/json`");
    }
    c.set("actor", actor);
    c.set("csrf", "");
    return next();
  }
  throw new HttpError(401, "missing `Authorization: Bearer <ADMIN_TOKEN>` header");
};

/**
 * The UI: a valid session cookie or Access JWT, else `unauthenticated` (401). Every unsafe request
 * must also come from this site and echo the CSRF token in `_csrf`, else `forbidden` (403).
 */
export function requireAdminSession(handlers: {
  unauthenticated: (c: Context<AdminEnv>) => Response | Promise<Response>;
  forbidden: (c: Context<AdminEnv>, reason: string) => Response | Promise<Response>;
}): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const token = c.env.ADMIN_TOKEN;
    if (!token) throw new HttpError(401, "ADMIN_TOKEN is not configured on this worker");
    let actor: string | null = null;
    let csrf = "";
    const cookie = getCookie(c, SESSION_COOKIE);
    const session = cookie ? await verifySession(token, cookie) : null;
    if (session) {
      actor = session.actor;
      csrf = session.csrf;
    } else {
      const email = await verifyAccess(c.env, c.req.header("cf-access-jwt-assertion"));
      if (email) {
        actor = email;
        csrf = await accessCsrf(token, email);
      }
    }
    if (!actor) return handlers.unauthenticated(c);
    if (UNSAFE.has(c.req.method)) {
      if (crossSite(c)) return handlers.forbidden(c, "This request came from another site.");
      const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const sent = typeof body["_csrf"] === "string" ? body["_csrf"] : "";
      if (!sent || !(await constantTimeEqual(sent, csrf)))
        return handlers.forbidden(c, "The form's security token is missing or out of date. Reload the page and try again.");
    }
    c.set("actor", actor);
    c.set("csrf", csrf);
    await next();
  };
}

// ── Failed logins ───────────────────────────────────────────────────────────
// Counted in the audit log (action login.failed, target the client IP) rather than in memory: a
// Worker runs in many short-lived isolates, so an in-isolate counter would give an attacker a fresh
// budget on every one. D1 is one shared, durable count, and the attempts are visible to operators.

export const LOGIN_MAX_FAILURES = 5;
export const LOGIN_WINDOW_MINUTES = 15;

export const clientIp = (c: Context) => c.req.header("cf-connecting-ip") ?? "unknown";

export async function recentLoginFailures(db: D1Database, ip: string, now = Date.now()): Promise<number> {
  const since = new Date(now - LOGIN_WINDOW_MINUTES * 60_000).toISOString();
  const row = await db
    .prepare("SELECT count(*) AS n FROM audit_log WHERE at >= ?1 AND action = 'login.failed' AND target_id = ?2")
    .bind(since, ip)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
