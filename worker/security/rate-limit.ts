// Failed sign-ins, wrong bearer tokens, wrong page passwords and subscribe requests, limited per
// client and across all clients. The counts live in the Limiter Durable Object's own SQLite storage
// (security/limiter.ts): one object, single-threaded, and the read and the write of a count happen in one synchronous step,
// so a burst of parallel guesses cannot get more than the limit (a read-then-write in D1 let 6–8
// through). Every attempt asks it first.
//
// A client is its IPv4 address, or its IPv6 /64: one IPv6 client owns a whole /64 and would otherwise
// get a fresh budget per address. Each limit also has a ceiling across all clients (GLOBAL_CEILING), so
// a botnet is stopped too. The trade: while that ceiling holds, nobody new gets in (a private page's new
// readers wait; readers already let in keep their cookie; operators signed in keep their session).
// While a limit holds, every attempt is refused, the right one included: otherwise guessing never stops.
//
// The client address is CF-Connecting-IP only when Cloudflare fronted the request: `request.cf`
// is set (Cloudflare's edge sets it, with the header, and overwrites any header the client sent)
// and the worker is not told otherwise (BEHIND_CLOUDFLARE=false, which `npm start` sets because
// wrangler dev emulates `request.cf` and keeps a CF-Connecting-IP the client made up). Without a
// trustworthy address every client shares one bucket.
//
// Storage is bounded: one row per (limit, client) with failures in the current window, no row for a
// client refused by the global ceiling alone, and the cron prunes the windows that ended (pruneAttempts).
import { config } from "../config";
import type { Env } from "../env";

export const LIMITS = {
  /** The JSON API's bearer token. */
  bearer: { failures: 20, windowSeconds: 10 * 60 },
  /** The login form. */
  login: { failures: 5, windowSeconds: 15 * 60 },
  /** A private page's password (worker/visibility.ts POST /access). */
  page: { failures: 10, windowSeconds: 15 * 60 },
  /** The public subscribe form (POST /subscriptions): every request counts, right or wrong. */
  subscribe: { failures: 10, windowSeconds: 60 * 60 },
} as const;
export type LimitKind = keyof typeof LIMITS;

/** Failures of one kind across all clients within the window before everyone is refused. */
export const GLOBAL_CEILING = { failures: 1000, windowSeconds: 15 * 60 } as const;
const GLOBAL_BUCKET = "*";

export interface ClientAddress {
  /** The bucket's key: `ip:<IPv4 address>`, `ip:<IPv6 /64>::/64` or `shared`. */
  bucket: string;
  /** The address itself (for Turnstile's remoteip); null when it is not trusted. */
  ip: string | null;
  trusted: boolean;
}

/** The /64 of an IPv6 address (`2001:db8:1:2::/64`); null when it is not one. */
export function ipv6Prefix64(address: string): string | null {
  const text = address.toLowerCase().replace(/%.*$/, "");
  if (!text.includes(":")) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const part = (s: string) => (s ? s.split(":") : []);
  const head = part(halves[0]!);
  const tail = part(halves[1] ?? "");
  // An embedded IPv4 address (::ffff:1.2.3.4) takes two groups.
  const width = (groups: string[]) => groups.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const fill = 8 - width(head) - width(tail);
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const groups = [...head, ...Array<string>(fill).fill("0"), ...tail];
  const first = groups.slice(0, 4).map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? Number.parseInt(g, 16).toString(16) : null));
  if (first.some((g) => g === null)) return null;
  return `${first.join(":")}::/64`;
}

/** Who is asking, as far as it can be known (see the top of this file). */
export function clientAddress(c: { env: Env; req: { raw: Request; header(name: string): string | undefined } }): ClientAddress {
  const cf = (c.req.raw as Request & { cf?: Record<string, unknown> }).cf;
  const ip = c.req.header("cf-connecting-ip")?.trim().toLowerCase();
  const fronted = !!cf && typeof cf.colo === "string" && config(c.env).behindCloudflare;
  if (fronted && ip && /^[0-9a-f:.]{2,45}$/.test(ip)) {
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return { bucket: `ip:${ip}`, ip, trusted: true };
    const prefix = ipv6Prefix64(ip);
    if (prefix) return { bucket: `ip:${prefix}`, ip, trusted: true };
  }
  return { bucket: "shared", ip: null, trusted: false };
}

export interface Attempt {
  /** false: answer 429 with Retry-After. */
  allowed: boolean;
  retryAfterSeconds: number;
  /** This attempt is the first one refused in the window by the ceiling across all clients: the moment to write the audit row. */
  tripped: boolean;
  /** Refused by the ceiling across all clients (not only this client's limit). */
  global: boolean;
  failures: number;
}

/** The Limiter's storage: one row per (limit, client) with failures in the current window. Created once, when the object starts. */
export function createAttemptStorage(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS auth_failures (
    kind TEXT NOT NULL, bucket TEXT NOT NULL, window_start INTEGER NOT NULL, failures INTEGER NOT NULL, tripped INTEGER NOT NULL,
    PRIMARY KEY (kind, bucket))`);
}

interface Count {
  window_start: number;
  failures: number;
  tripped: number;
  stored: boolean;
}

function read(sql: SqlStorage, kind: LimitKind, bucket: string, windowMs: number, now: number): Count {
  const [row] = sql
    .exec<{ window_start: number; failures: number; tripped: number }>(
      "SELECT window_start, failures, tripped FROM auth_failures WHERE kind = ? AND bucket = ?",
      kind,
      bucket,
    )
    .toArray();
  return row && now - row.window_start < windowMs ? { ...row, stored: true } : { window_start: now, failures: 0, tripped: 0, stored: !!row };
}

function save(sql: SqlStorage, kind: LimitKind, bucket: string, c: Count): void {
  sql.exec(
    `INSERT INTO auth_failures (kind, bucket, window_start, failures, tripped) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (kind, bucket) DO UPDATE SET window_start = excluded.window_start, failures = excluded.failures, tripped = excluded.tripped`,
    kind,
    bucket,
    c.window_start,
    c.failures,
    c.tripped,
  );
}

/**
 * Records one attempt (`ok`: the credentials were right) and says whether to answer it. Synchronous
 * on the Durable Object's SQLite: atomic by construction.
 */
export function recordAttempt(sql: SqlStorage, kind: LimitKind, address: ClientAddress, ok: boolean, now = Date.now()): Attempt {
  const limit = LIMITS[kind];
  const windowMs = limit.windowSeconds * 1000;
  const globalMs = GLOBAL_CEILING.windowSeconds * 1000;
  const mine = read(sql, kind, address.bucket, windowMs, now);
  const all = read(sql, kind, GLOBAL_BUCKET, globalMs, now);
  const retryAfter = (c: Count, ms: number) => Math.max(1, Math.ceil((c.window_start + ms - now) / 1000));
  const mineFull = mine.failures >= limit.failures;
  const allFull = all.failures >= GLOBAL_CEILING.failures;
  if (mineFull || allFull) {
    // A client refused only by the global ceiling gets no row of its own: refusals write nothing new.
    if (mineFull && !mine.tripped) save(sql, kind, address.bucket, { ...mine, tripped: 1 });
    const tripped = allFull && !all.tripped;
    if (tripped) save(sql, kind, GLOBAL_BUCKET, { ...all, tripped: 1 });
    const wait = Math.max(mineFull ? retryAfter(mine, windowMs) : 0, allFull ? retryAfter(all, globalMs) : 0);
    return { allowed: false, retryAfterSeconds: wait, tripped, global: allFull, failures: allFull ? all.failures : mine.failures };
  }
  if (!ok) {
    save(sql, kind, address.bucket, { ...mine, failures: mine.failures + 1 });
    save(sql, kind, GLOBAL_BUCKET, { ...all, failures: all.failures + 1 });
  }
  return { allowed: true, retryAfterSeconds: retryAfter(mine, windowMs), tripped: false, global: false, failures: mine.failures + (ok ? 0 : 1) };
}

/** The cron: counts whose window ended go. Returns how many rows went. */
export function pruneAttempts(sql: SqlStorage, now = Date.now()): number {
  let gone = 0;
  for (const kind of Object.keys(LIMITS) as LimitKind[]) {
    const windowMs = LIMITS[kind].windowSeconds * 1000;
    gone += sql.exec("DELETE FROM auth_failures WHERE kind = ? AND bucket != ? AND window_start <= ?", kind, GLOBAL_BUCKET, now - windowMs).rowsWritten;
    gone += sql.exec(
      "DELETE FROM auth_failures WHERE kind = ? AND bucket = ? AND window_start <= ?",
      kind,
      GLOBAL_BUCKET,
      now - GLOBAL_CEILING.windowSeconds * 1000,
    ).rowsWritten;
  }
  return gone;
}
