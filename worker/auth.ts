// Who may act on /admin, and as whom, on which pages. Three ways in, each checked in constant time or by signature:
// - the API: `Authorization: Bearer <ADMIN_TOKEN>` (every page), or an operator key (db/keys.ts: its pages);
// - the UI: a signed, expiring session cookie set by the login form (with the CSRF token it carries);
// - either: a Cloudflare Access JWT (`Cf-Access-Jwt-Assertion`), when ACCESS_TEAM_DOMAIN and ACCESS_AUD
//   are set, verified against the team's keys; its email is the actor, its pages those operator_pages gives it.
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { audit } from "../db/audit";
import { countAttempt } from "../db/failed-attempts";
import { identityPages, keyByHash, type PageScope, touchKey } from "../db/keys";
import { insertSession, liveSession, revokeSessions as revokeSessionRows } from "../db/sessions";
import { constantTimeEqual, nowIso, sha256Hex } from "../domain/ids";
import { config } from "./config";
import type { Env } from "./env";
import { HttpError } from "./errors";
import { limiter } from "./security/limiter";
import { clientAddress, GLOBAL_CEILING, type LimitKind } from "./security/rate-limit";

/** The admin routes' context: the bindings plus who is acting. */
export interface AdminEnv {
  Bindings: Env;
  Variables: {
    actor: string;
    /** The CSRF token every UI form must echo in `_csrf`. */
    csrf: string;
    /** The UI session's id (null for the bearer token and Access). */
    sessionId: string | null;
    /** The pages the operator may touch (page ids); null: every page. */
    pages: PageScope;
    /** The page the request acts on: `/pages/:page/...` in the API, the selected page in the UI; else page 1. */
    page: number;
    /** The UI's page switcher: the pages this operator may touch. */
    pageChoices: Array<{ id: number; name: string }>;
  };
}

const enc = (s: string) => new TextEncoder().encode(s);

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export const randomToken = (bytes = 32) => b64url(crypto.getRandomValues(new Uint8Array(bytes)));

// ── Sessions ────────────────────────────────────────────────────────────────
// Server-side, in D1 (admin_sessions): the cookie holds only a random secret; the row, found by a MAC
// of it, holds the actor, the CSRF token, the expiry and whether it was revoked. Signing out revokes
// the row, so a copied cookie opens nothing afterwards; "sign out everywhere" revokes them all. The MAC
// key derives from ADMIN_TOKEN (HKDF), so rotating the token still signs every operator out.

/** `__Host-`: the browser only accepts it Secure, for Path=/ and from this very host (no Domain). */
export const SESSION_COOKIE = "__Host-admin_session";
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface Session {
  id: string;
  actor: string;
  csrf: string;
  /** ISO 8601. */
  expiresAt: string;
}

let derived: { token: string; key: Promise<CryptoKey> } | null = null;

/** The HMAC key for session ids and Access CSRF tokens, derived (HKDF) from ADMIN_TOKEN. */
function sessionKey(adminToken: string): Promise<CryptoKey> {
  if (derived?.token !== adminToken) {
    const key = crypto.subtle
      .importKey("raw", enc(adminToken), "HKDF", false, ["deriveKey"])
      .then((base) =>
        crypto.subtle.deriveKey(
          { name: "HKDF", hash: "SHA-256", salt: enc("alert-status-page/admin"), info: enc("session-v2") },
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

/** The row id of a cookie's secret: a MAC, so a leaked table row cannot be turned back into a cookie. */
async function sessionId(adminToken: string, secret: string): Promise<string> {
  return b64url(new Uint8Array(await crypto.subtle.sign("HMAC", await sessionKey(adminToken), enc(`session\n${secret}`))));
}

/** Creates a session row; returns the cookie value (the secret) and the session. */
export async function createSession(
  db: D1Database,
  adminToken: string,
  actor: string,
  opts: { csrf?: string; ttlSeconds?: number; now?: number } = {},
): Promise<{ cookie: string; session: Session }> {
  const secret = randomToken();
  const now = opts.now ?? Date.now();
  const session: Session = {
    id: await sessionId(adminToken, secret),
    actor,
    csrf: opts.csrf ?? randomToken(),
    expiresAt: new Date(now + (opts.ttlSeconds ?? SESSION_TTL_SECONDS) * 1000).toISOString(),
  };
  await insertSession(db, { id: session.id, actor, csrf: session.csrf, createdAt: new Date(now).toISOString(), expiresAt: session.expiresAt });
  return { cookie: secret, session };
}

/** The session a cookie names, if it exists, is unexpired and was not revoked. */
export async function findSession(db: D1Database, adminToken: string, cookie: string, nowMs = Date.now()): Promise<Session | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(cookie)) return null;
  const id = await sessionId(adminToken, cookie);
  return (await liveSession(db, id, new Date(nowMs).toISOString())) ?? null;
}

/** The statement that revokes one session, or with `everywhere` every session still open. */
export const revokeSessions = (db: D1Database, which: { id: string } | "everywhere"): D1PreparedStatement => revokeSessionRows(db, which, nowIso());

const COOKIE_OPTIONS = { path: "/", httpOnly: true, secure: true, sameSite: "Strict" } as const;

export async function startSession(c: Context<AdminEnv>, adminToken: string, actor: string): Promise<Session> {
  const { cookie, session } = await createSession(c.env.DB, adminToken, actor);
  setCookie(c, SESSION_COOKIE, cookie, { ...COOKIE_OPTIONS, maxAge: SESSION_TTL_SECONDS });
  return session;
}

export function endSession(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, COOKIE_OPTIONS);
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
  const access = config(env).access;
  if (!access) return null;
  const team = access.teamDomain;
  return { issuer: `https://${team}`, audience: access.audience, certs: `https://${team}/cdn-cgi/access/certs` };
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
      // A token without an expiry would be valid forever once copied: Access always sets one.
      requiredClaims: ["exp"],
    });
    if (typeof payload.email === "string" && payload.email) return payload.email;
    if (typeof payload.common_name === "string" && payload.common_name) return `service-token:${payload.common_name}`;
    return null;
  } catch {
    return null;
  }
}

// ── Middleware ──────────────────────────────────────────────────────────────

/** A token short enough to guess or to have been typed by hand is refused: the admin stays closed. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/** Why the worker's ADMIN_TOKEN cannot be used, or null when it can. */
export function adminTokenProblem(token: string | undefined): string | null {
  if (!token) return "ADMIN_TOKEN is not configured on this worker";
  if (token.length < MIN_ADMIN_TOKEN_LENGTH)
    return `ADMIN_TOKEN is shorter than ${MIN_ADMIN_TOKEN_LENGTH} characters, so the admin is closed: set a longer one (for example \`openssl rand -hex 32\`)`;
  return null;
}

/** The worker's ADMIN_TOKEN, or a 401 saying what is wrong with it. */
export function usableAdminToken(env: Env): string {
  const problem = adminTokenProblem(env.ADMIN_TOKEN);
  if (problem) throw new HttpError(401, problem);
  return env.ADMIN_TOKEN!;
}

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

/** An operator key's pages, or undefined when the bearer names no live key. Its use is recorded after the answer. */
async function operatorKeyPages(c: Context<AdminEnv>, bearer: string): Promise<{ actor: string; pages: PageScope } | undefined> {
  if (!bearer.startsWith("sk_")) return undefined;
  const key = await keyByHash(c.env.DB, await sha256Hex(bearer));
  if (!key || key.revokedAt) return undefined;
  c.executionCtx.waitUntil(touchKey(c.env.DB, key.id, nowIso()).run());
  return { actor: `key:${key.name}`, pages: key.pages };
}

/**
 * /admin/api: the bearer ADMIN_TOKEN (actor "api", every page), an operator key (actor `key:<name>`,
 * its pages), or a valid Access JWT (actor its email, its pages). 401 otherwise.
 */
export const requireAdminApi: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  if (header) {
    const token = usableAdminToken(c.env);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const admin = !!match && (await constantTimeEqual(match[1]!, token));
    const key = !admin && match ? await operatorKeyPages(c, match[1]!) : undefined;
    const refused = await rateLimited(c, "bearer", admin || !!key);
    if (refused) return refused;
    if (!admin && !key) throw new HttpError(401, "invalid bearer token");
    c.set("actor", key?.actor ?? "api");
    c.set("pages", key ? key.pages : null);
    c.set("csrf", "");
    c.set("sessionId", null);
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
    c.set("pages", await identityPages(c.env.DB, actor));
    c.set("csrf", "");
    c.set("sessionId", null);
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
    const token = usableAdminToken(c.env);
    let actor: string | null = null;
    let csrf = "";
    let pages: PageScope = null;
    const cookie = getCookie(c, SESSION_COOKIE);
    const session = cookie ? await findSession(c.env.DB, token, cookie) : null;
    c.set("sessionId", session?.id ?? null);
    if (session) {
      actor = session.actor;
      csrf = session.csrf;
    } else {
      const email = await verifyAccess(c.env, c.req.header("cf-access-jwt-assertion"));
      if (email) {
        actor = email;
        csrf = await accessCsrf(token, email);
        pages = await identityPages(c.env.DB, email);
      }
    }
    if (!actor) return handlers.unauthenticated(c);
    if (UNSAFE.has(c.req.method)) {
      if (crossSite(c)) return handlers.forbidden(c, "This request came from another site.");
      const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const sent = typeof body._csrf === "string" ? body._csrf : "";
      if (!sent || !(await constantTimeEqual(sent, csrf)))
        return handlers.forbidden(c, "The form's security token is missing or out of date. Reload the page and try again.");
    }
    c.set("actor", actor);
    c.set("csrf", csrf);
    c.set("pages", pages);
    await next();
  };
}

// ── Failed attempts ─────────────────────────────────────────────────────────

/**
 * Counts the attempt against its client and against all clients (security/rate-limit.ts, in the
 * Limiter, atomic). Failures and refusals are counted per hour in D1 (failed_attempts, never a row each);
 * one audit row is written when the ceiling across all clients first trips in its window. Returns the
 * 429 to answer while a limit holds (the right credentials included); null when the attempt may be answered.
 */
export async function rateLimited(
  c: Context,
  kind: LimitKind,
  ok: boolean,
  render?: (retryAfter: number) => Response | Promise<Response>,
): Promise<Response | null> {
  const address = clientAddress(c);
  const attempt = await limiter(c.env).attempt(kind, address, ok);
  const at = nowIso();
  if (!attempt.allowed || !ok) {
    const writes = [countAttempt(c.env.DB, { kind, client: address.bucket, refused: !attempt.allowed, at })];
    if (attempt.tripped)
      writes.push(
        audit(c.env.DB, "anonymous", `${kind}.rate_limited`, "client", "all clients", null, {
          failures: attempt.failures,
          window_seconds: GLOBAL_CEILING.windowSeconds,
          ceiling: GLOBAL_CEILING.failures,
        }),
      );
    await c.env.DB.batch(writes);
  }
  if (attempt.allowed) return null;
  const retryAfter = String(attempt.retryAfterSeconds);
  if (render) {
    const res = await render(attempt.retryAfterSeconds);
    res.headers.set("Retry-After", retryAfter);
    return res;
  }
  const who = attempt.global ? "from every address (too many failures overall)" : "from your address";
  return c.json({ error: `too many failed attempts ${who}: retry after ${retryAfter} s` }, 429, { "Retry-After": retryAfter });
}
