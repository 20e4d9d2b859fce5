// The notification log, which is also the idempotency record: one row per (event, recipient), its
// key UNIQUE. A send is claimed first (a lease), so a retry or a redelivery of a delivered one sends
// nothing, and two consumers never send the same one at once.
import { and, desc, eq, inArray, lt, ne, sql } from "drizzle-orm";
import { orm } from "./channels";
import { type Notification, notifications } from "./schema";

/** Longer than a send may take (30 s timeout), so a lease outlives its send. */
export const LEASE_MS = 90_000;

export type NewNotification = Omit<
  typeof notifications.$inferInsert,
  "status" | "attempts" | "leaseUntil" | "updatedAt" | "deliveredAt" | "lastError" | "httpStatus"
>;

const CLAIMED_COLUMNS = [
  "id",
  "idempotency_key",
  "event_id",
  "event_type",
  "incident_id",
  "component_id",
  "recipient_type",
  "recipient_id",
  "channel_kind",
  "target",
  "created_at",
] as const;

/**
 * Claims each notification for sending, the whole batch in one statement: inserted, or taken again
 * when it is neither delivered nor leased by another send. Answers the keys claimed.
 */
export async function claim(db: D1Database, rows: NewNotification[], now: Date): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const at = now.toISOString();
  const lease = new Date(now.getTime() + LEASE_MS).toISOString();
  const values = rows.map((r) => [
    r.id,
    r.idempotencyKey,
    r.eventId,
    r.eventType,
    r.incidentId ?? null,
    r.componentId ?? null,
    r.recipientType,
    r.recipientId,
    r.channelKind,
    r.target,
    r.createdAt ?? at,
  ]);
  const { results } = await db
    .prepare(
      `INSERT INTO notifications (${CLAIMED_COLUMNS.join(", ")}, status, attempts, lease_until, updated_at)
       SELECT ${CLAIMED_COLUMNS.map((_, i) => `json_extract(value, '$[${i}]')`).join(", ")}, 'sending', 1, ?2, ?3 FROM json_each(?1) WHERE true
       ON CONFLICT(idempotency_key) DO UPDATE SET status = 'sending', attempts = attempts + 1, lease_until = ?2, updated_at = ?3
         WHERE status != 'delivered' AND (lease_until IS NULL OR lease_until < ?3)
       RETURNING idempotency_key AS key`,
    )
    .bind(JSON.stringify(values), lease, at)
    .all<{ key: string }>();
  return new Set(results.map((r) => r.key));
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

/** Records what each claimed send did, releasing its lease: the whole batch in one statement. */
export async function record(db: D1Database, outcomes: Outcome[], now = new Date()): Promise<void> {
  if (!outcomes.length) return;
  const at = now.toISOString();
  const rows = outcomes.map((o) => [o.key, o.ok ? "delivered" : o.final ? "failed" : "retrying", o.status, o.ok ? null : (o.error ?? null)]);
  await db
    .prepare(
      `UPDATE notifications SET status = o.status, http_status = o.http_status, last_error = o.last_error, lease_until = NULL, updated_at = ?2,
         delivered_at = CASE WHEN o.status = 'delivered' THEN ?2 ELSE notifications.delivered_at END
       FROM (SELECT json_extract(value, '$[0]') AS key, json_extract(value, '$[1]') AS status, json_extract(value, '$[2]') AS http_status,
               json_extract(value, '$[3]') AS last_error FROM json_each(?1)) AS o
       WHERE notifications.idempotency_key = o.key`,
    )
    .bind(JSON.stringify(rows), at)
    .run();
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
