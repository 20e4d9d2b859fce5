// Subscribers (the public's email and webhook subscriptions; issue 15): every query on the table but the
// notification fan-out's (worker/notify). A subscriber is one (email, webhook_url) pair, UNIQUE in D1
// (migration 0007), so two parallel sign-ups for one address make one row. The token is the capability
// the confirm, manage and unsubscribe links carry; unsubscribing deletes the row.
import { and, asc, count, eq, gt, inArray, isNotNull, isNull, lt, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { components, pageSettings, type Subscriber, subscribers } from "./schema";

export type { Subscriber };

const orm = (db: D1Database) => drizzle(db);

/** A drizzle query as a D1 statement, so it can share one `db.batch` with an audit row. */
export function statement(db: D1Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return db.prepare(sql).bind(...params);
}

/** The row a subscription names by its (email, webhook) pair: how a repeated sign-up finds the first. */
const samePair = (email: string, webhookUrl: string | null): SQL =>
  and(eq(subscribers.email, email), webhookUrl === null ? isNull(subscribers.webhookUrl) : eq(subscribers.webhookUrl, webhookUrl))!;

export interface NewSubscriber {
  id: string;
  email: string;
  webhookUrl: string | null;
  componentIds: string[] | null;
  language: string;
  token: string;
  createdBy: "public" | "operator";
  createdAt: string;
  confirmedAt: string | null;
}

/** The INSERT of a new subscriber; it inserts nothing when the (email, webhook) pair already exists. */
export const insertSubscriber = (db: D1Database, row: NewSubscriber) => orm(db).insert(subscribers).values(row).onConflictDoNothing().returning();

export async function findByPair(db: D1Database, email: string, webhookUrl: string | null): Promise<Subscriber | null> {
  return (await orm(db).select().from(subscribers).where(samePair(email, webhookUrl)).get()) ?? null;
}

export async function findByToken(db: D1Database, token: string): Promise<Subscriber | null> {
  return (await orm(db).select().from(subscribers).where(eq(subscribers.token, token)).get()) ?? null;
}

export async function findById(db: D1Database, id: string): Promise<Subscriber | null> {
  return (await orm(db).select().from(subscribers).where(eq(subscribers.id, id)).get()) ?? null;
}

/**
 * A pending subscription asked for again: its choices and language as asked now, and a new start of
 * its expiry (`created_at`). Only while still unconfirmed: a confirmed row is never changed from here.
 */
export async function renewPending(
  db: D1Database,
  id: string,
  change: { componentIds: string[] | null; language: string; createdAt: string },
): Promise<Subscriber | null> {
  const [row] = await orm(db)
    .update(subscribers)
    .set(change)
    .where(and(eq(subscribers.id, id), isNull(subscribers.confirmedAt)))
    .returning();
  return row ?? null;
}

/** The double opt-in: confirmed once, at the first confirmation (a second POST changes nothing). */
export async function confirmByToken(db: D1Database, token: string, now: string): Promise<Subscriber | null> {
  const found = await findByToken(db, token);
  if (!found || found.confirmedAt) return found;
  const [row] = await orm(db)
    .update(subscribers)
    .set({ confirmedAt: now })
    .where(and(eq(subscribers.token, token), isNull(subscribers.confirmedAt)))
    .returning();
  return row ?? (await findByToken(db, token));
}

export async function setComponentsByToken(db: D1Database, token: string, componentIds: string[] | null): Promise<Subscriber | null> {
  const [row] = await orm(db).update(subscribers).set({ componentIds }).where(eq(subscribers.token, token)).returning();
  return row ?? null;
}

/** Unsubscribe: the row goes. True when there was one. */
export async function deleteByToken(db: D1Database, token: string): Promise<boolean> {
  return (await orm(db).delete(subscribers).where(eq(subscribers.token, token)).returning({ id: subscribers.id })).length > 0;
}

export const deleteById = (db: D1Database, id: string) => orm(db).delete(subscribers).where(eq(subscribers.id, id));

export type SubscriberState = "confirmed" | "pending";

/** Operators' list: by id, `after` the last id of the previous page. */
export async function listSubscribers(db: D1Database, opts: { limit: number; after?: string; state?: SubscriberState }): Promise<Subscriber[]> {
  const where = and(
    opts.after ? gt(subscribers.id, opts.after) : undefined,
    opts.state === "confirmed" ? isNotNull(subscribers.confirmedAt) : opts.state === "pending" ? isNull(subscribers.confirmedAt) : undefined,
  );
  return orm(db).select().from(subscribers).where(where).orderBy(asc(subscribers.id)).limit(opts.limit);
}

export async function countSubscribers(db: D1Database): Promise<{ confirmed: number; pending: number }> {
  const rows = await orm(db)
    .select({ confirmed: isNotNull(subscribers.confirmedAt), n: count() })
    .from(subscribers)
    .groupBy(isNotNull(subscribers.confirmedAt));
  return {
    confirmed: Number(rows.find((r) => !!r.confirmed)?.n ?? 0),
    pending: Number(rows.find((r) => !r.confirmed)?.n ?? 0),
  };
}

/** Retention: subscriptions never confirmed since `before` go (the cron, worker/security/retention.ts). */
export async function expireUnconfirmed(db: D1Database, before: string): Promise<number> {
  const gone = await orm(db)
    .delete(subscribers)
    .where(and(isNull(subscribers.confirmedAt), lt(subscribers.createdAt, before)))
    .returning({ id: subscribers.id });
  return gone.length;
}

/** Which of `ids` are components (not groups, not unknown ones). */
export async function existingComponentIds(db: D1Database, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await orm(db).select({ id: components.id }).from(components).where(inArray(components.id, ids));
  return new Set(rows.map((r) => r.id));
}

/** The Turnstile site key of the page settings; null: the subscribe form has no check. */
export async function turnstileSiteKey(db: D1Database): Promise<string | null> {
  const row = await orm(db).select({ key: pageSettings.turnstileSiteKey }).from(pageSettings).where(eq(pageSettings.id, 1)).get();
  return row?.key || null;
}
