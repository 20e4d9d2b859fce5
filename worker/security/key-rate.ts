// Statuspage's request rate for its management API: each key may make 1 request a second, measured over
// a minute, so a script may burst up to 60 at once and then goes at one a second. A token bucket per key
// in the Limiter Durable Object's own SQLite (security/limiter.ts): one object, single-threaded, so the
// read and the write of a bucket are one synchronous step and parallel requests cannot overdraw it.

export const KEY_RATE = { perSecond: 1, burst: 60 } as const;

export interface Spend {
  allowed: boolean;
  /** Whole seconds until the next request is allowed (0 when this one was). */
  retryAfterSeconds: number;
  /** Requests left in the bucket after this one. */
  remaining: number;
}

export function createKeyRateStorage(sql: SqlStorage): void {
  sql.exec("CREATE TABLE IF NOT EXISTS key_buckets (bucket TEXT PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL)");
}

/** One request against the bucket's tokens, refilled since it was last read. */
export function spendToken(sql: SqlStorage, bucket: string, now = Date.now()): Spend {
  const [row] = sql.exec<{ tokens: number; at: number }>("SELECT tokens, at FROM key_buckets WHERE bucket = ?", bucket).toArray();
  const refilled = row ? Math.min(KEY_RATE.burst, row.tokens + (Math.max(0, now - row.at) / 1000) * KEY_RATE.perSecond) : KEY_RATE.burst;
  const allowed = refilled >= 1;
  const tokens = allowed ? refilled - 1 : refilled;
  sql.exec(
    "INSERT INTO key_buckets (bucket, tokens, at) VALUES (?, ?, ?) ON CONFLICT (bucket) DO UPDATE SET tokens = excluded.tokens, at = excluded.at",
    bucket,
    tokens,
    now,
  );
  return { allowed, retryAfterSeconds: allowed ? 0 : Math.ceil((1 - tokens) / KEY_RATE.perSecond), remaining: Math.floor(tokens) };
}

/** The cron: buckets full again (unused for a whole burst's refill) go. */
export function pruneKeyBuckets(sql: SqlStorage, now = Date.now()): number {
  return sql.exec("DELETE FROM key_buckets WHERE at <= ?", now - (KEY_RATE.burst / KEY_RATE.perSecond) * 1000).rowsWritten;
}
