// The notification log, which is also the idempotency record: one row per (event, recipient), its
// key UNIQUE. A send is claimed first (a lease), so a retry or a redelivery of a delivered one sends
// nothing, and two consumers never send the same one at once.
import { and, desc, eq, inArray, isNull, lt, ne, or, sql } from "drizzle-orm";
import { orm } from "./channels";
import { type Notification, notifications } from "./schema";

/** Longer than a send may take (30 s timeout), so a lease outlives its send. */
export const LEASE_MS = 90_000;

export type NewNotification = Omit<
  typeof notifications.$inferInsert,
  "status" | "attempts" | "leaseUntil" | "updatedAt" | "deliveredAt" | "lastError" | "httpStatus"
>;

/**
 * Claims each notification for sending: inserted, or taken again when it is neither delivered nor
 * leased by another send. Answers the keys claimed.
 */
export async function claim(db: D1Database, rows: NewNotification[], now: Date): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const d = orm(db);
  const at = now.toISOString();
  const lease = new Date(now.getTime() + LEASE_MS).toISOString();
  const statements = rows.map((r) =>
    d
      .insert(notifications)
      .values({ ...r, status: "sending", attempts: 1, leaseUntil: lease, updatedAt: at })
      .onConflictDoUpdate({
        target: notifications.idempotencyKey,
        set: { status: "sending", attempts: sql`${notifications.attempts} + 1`, leaseUntil: lease, updatedAt: at },
        setWhere: and(ne(notifications.status, "delivered"), or(isNull(notifications.leaseUntil), lt(notifications.leaseUntil, at))),
      })
      .returning({ key: notifications.idempotencyKey }),
  );
  const results = await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
  return new Set(results.flatMap((r) => r.map((x) => x.key)));
}

export const statusesOf = async (db: D1Database, keys: string[]): Promise<Map<string, string>> =>
  keys.length
    ? new Map(
        (
          await orm(db)
            .select({ key: notifications.idempotencyKey, status: notifications.status })
            .from(notifications)
            .where(inArray(notifications.idempotencyKey, keys))
        ).map((r) => [r.key, r.status]),
      )
    : new Map();

export interface Outcome {
  key: string;
  ok: boolean;
  status: number | null;
  error?: string;
  /** No more tries: failed (else retrying). */
  final?: boolean;
}

/** Records what each claimed send did, releasing its lease. */
export async function record(db: D1Database, outcomes: Outcome[], now = new Date()): Promise<void> {
  if (!outcomes.length) return;
  const d = orm(db);
  const at = now.toISOString();
  const statements = outcomes.map((o) =>
    d
      .update(notifications)
      .set(
        o.ok
          ? { status: "delivered", httpStatus: o.status, lastError: null, leaseUntil: null, updatedAt: at, deliveredAt: at }
          : { status: o.final ? "failed" : "retrying", httpStatus: o.status, lastError: o.error ?? null, leaseUntil: null, updatedAt: at },
      )
      .where(eq(notifications.idempotencyKey, o.key)),
  );
  await d.batch(statements as [(typeof statements)[number], ...typeof statements]);
}

/** What the dead-letter queue holds: failed for good, unless it was delivered meanwhile. */
export async function markFailed(db: D1Database, keys: string[], now = new Date()): Promise<void> {
  // D1 binds at most 100 parameters per statement.
  for (let i = 0; i < keys.length; i += 50) {
    await orm(db)
      .update(notifications)
      .set({
        status: "failed",
        leaseUntil: null,
        updatedAt: now.toISOString(),
        lastError: sql`coalesce(${notifications.lastError}, 'dead-lettered')`,
      })
      .where(and(inArray(notifications.idempotencyKey, keys.slice(i, i + 50)), ne(notifications.status, "delivered")));
  }
}

export const NOTIFICATION_STATUSES = ["sending", "retrying", "delivered", "failed"] as const;

export interface LogFilter {
  status?: (typeof NOTIFICATION_STATUSES)[number];
  recipientId?: string;
  incidentId?: string;
  /** Rows created before this time (paging). */
  before?: string;
  limit?: number;
}

export async function listNotifications(db: D1Database, f: LogFilter = {}): Promise<Notification[]> {
  return orm(db)
    .select()
    .from(notifications)
    .where(
      and(
        f.status ? eq(notifications.status, f.status) : undefined,
        f.recipientId ? eq(notifications.recipientId, f.recipientId) : undefined,
        f.incidentId ? eq(notifications.incidentId, f.incidentId) : undefined,
        f.before ? lt(notifications.createdAt, f.before) : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(f.limit ?? 100);
}

/**
 * Retention: rows created before `before` that are settled (delivered or failed) go, `limit` at a time.
 * A row still sending or retrying stays: it is the idempotency record of a send in flight.
 */
export function pruneNotifications(db: D1Database, before: string, limit: number): D1PreparedStatement {
  return db
    .prepare(
      `DELETE FROM notifications WHERE rowid IN (SELECT rowid FROM notifications WHERE created_at < ?1 AND status IN ('delivered', 'failed') LIMIT ${limit})`,
    )
    .bind(before);
}
