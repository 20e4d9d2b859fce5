// Failed sign-ins and wrong bearer tokens, limited per client address. The count lives in the
// Ingestor Durable Object's own SQLite storage: one object, single-threaded, and the read and the
// write of a count happen in one synchronous step, so a burst of parallel guesses cannot get more
// than the limit (a read-then-write in D1 let 6–8 through). Every attempt asks it first.
//
// The client address is CF-Connecting-IP only when Cloudflare fronted the request: `request.cf`
// is set (Cloudflare's edge sets it, with the header, and overwrites any header the client sent)
// and the worker is not told otherwise (BEHIND_CLOUDFLARE=false, which `npm start` sets because
// wrangler dev emulates `request.cf` and keeps a CF-Connecting-IP the client made up). Without a
// trustworthy address every client shares one bucket; there a correct token is still accepted while
// the bucket is full, so nobody can lock the operator out by guessing (wrong ones get the 429).
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

export interface ClientAddress {
  /** The bucket's key: `ip:<address>` or `shared`. */
  bucket: string;
  trusted: boolean;
}

/** Who is asking, as far as it can be known (see the top of this file). */
export function clientAddress(c: { env: Env; req: { raw: Request; header(name: string): string | undefined } }): ClientAddress {
  const cf = (c.req.raw as Request & { cf?: Record<string, unknown> }).cf;
  const ip = c.req.header("cf-connecting-ip")?.trim();
  const fronted = !!cf && typeof cf.colo === "string" && c.env.BEHIND_CLOUDFLARE !== "false";
  if (fronted && ip && /^[0-9a-fA-F:.]{2,45}$/.test(ip)) return { bucket: `ip:${ip.toLowerCase()}`, trusted: true };
  return { bucket: "shared", trusted: false };
}

export interface Attempt {
  /** false: answer 429 with Retry-After. */
  allowed: boolean;
  retryAfterSeconds: number;
  /** This attempt is the first one refused in the window: the moment to write the audit row. */
  tripped: boolean;
  failures: number;
}

/**
 * Records one attempt (`ok`: the credentials were right) and says whether to answer it. Synchronous
 * on the Durable Object's SQLite: atomic by construction.
 */
export function recordAttempt(sql: SqlStorage, kind: LimitKind, address: ClientAddress, ok: boolean, now = Date.now()): Attempt {
  sql.exec(`CREATE TABLE IF NOT EXISTS auth_failures (
    kind TEXT NOT NULL, bucket TEXT NOT NULL, window_start INTEGER NOT NULL, failures INTEGER NOT NULL, tripped INTEGER NOT NULL,
    PRIMARY KEY (kind, bucket))`);
  const limit = LIMITS[kind];
  const windowMs = limit.windowSeconds * 1000;
  const [row] = sql
    .exec<{ window_start: number; failures: number; tripped: number }>(
      "SELECT window_start, failures, tripped FROM auth_failures WHERE kind = ? AND bucket = ?",
      kind,
      address.bucket,
    )
    .toArray();
  const state = row && now - row.window_start < windowMs ? { ...row } : { window_start: now, failures: 0, tripped: 0 };
  const retryAfterSeconds = Math.max(1, Math.ceil((state.window_start + windowMs - now) / 1000));
  const save = () =>
    sql.exec(
      `INSERT INTO auth_failures (kind, bucket, window_start, failures, tripped) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (kind, bucket) DO UPDATE SET window_start = excluded.window_start, failures = excluded.failures, tripped = excluded.tripped`,
      kind,
      address.bucket,
      state.window_start,
      state.failures,
      state.tripped,
    );
  const full = state.failures >= limit.failures;
  if (full && !(ok && !address.trusted)) {
    const tripped = !state.tripped;
    state.tripped = 1;
    save();
    return { allowed: false, retryAfterSeconds, tripped, failures: state.failures };
  }
  if (!ok) {
    state.failures++;
    save();
  }
  return { allowed: true, retryAfterSeconds, tripped: false, failures: state.failures };
}
