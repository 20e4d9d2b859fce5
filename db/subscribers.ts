// Subscribers (the public's email and webhook subscriptions): every query on the table but the
// notification fan-out's (worker/notify). A subscriber is on one page (the one it subscribed from) and is
// one (email, webhook_url) pair there, UNIQUE in D1 (migrations 0007, 0011), so two parallel sign-ups for
// one address make one row. The token is the capability
// the confirm, manage and unsubscribe links carry; unsubscribing deletes the row.
import { and, asc, count, eq, gt, inArray, isNotNull, isNull, lt, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { components, type Subscriber, subscribers } from "./schema";

export type { Subscriber };

const orm = (db: D1Database) => drizzle(db);

/** A drizzle query as a D1 statement, so it can share one `db.batch` with an audit row. */
export function statement(db: D1Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement {
  const { sql, params } = query.toSQL();
  return db.prepare(sql).bind(...params);
}

/** The row a subscription names by its page and (email, webhook) pair: how a repeated sign-up finds the first. */
const samePair = (email: string, webhookUrl: string | null, page: number): SQL =>
  and(eq(subscribers.page, page), eq(subscribers.email, email), webhookUrl === null ? isNull(subscribers.webhookUrl) : eq(subscribers.webhookUrl, webhookUrl))!;

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
  /** The page subscribed to; the first page when not said. */
  page?: number;
  failingSince?: string | null;
  disabledAt?: string | null;
}

/** The INSERT of a new subscriber; it inserts nothing when the (email, webhook) pair already exists. */
export const insertSubscriber = (db: D1Database, row: NewSubscriber) => orm(db).insert(subscribers).values(row).onConflictDoNothing().returning();

/**
 * No confirmation email went to `email` after `since`: the public's sign-ups (created_at is when their
 * confirmation email went, renewals included) are the record of it. One condition inside the write, so
 * parallel requests for one address, whatever else they carry, get one email.
 */
const quietSince = (email: string, since: string) =>
  sql`NOT EXISTS (SELECT 1 FROM subscribers AS s2 WHERE s2.page = ${subscribers.page} AND s2.email = ${email} AND s2.created_by = 'public' AND s2.created_at > ${since})`;

/**
 * A public sign-up on its page: inserted only when no confirmation of that page went to its address after
 * `quietSince`, and, for a webhook, while the address holds fewer than `maxWebhooks` webhook subscriptions
 * there. Null: nothing inserted.
 */
export async function insertPublicSubscriber(
  db: D1Database,
  row: NewSubscriber,
  limits: { quietSince: string; maxWebhooks: number },
): Promise<Subscriber | null> {
  const inserted = await db
    .prepare(
      `INSERT INTO subscribers (id, email, webhook_url, component_ids, language, token, created_by, created_at, confirmed_at, page)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'public', ?7, NULL, ?10
       WHERE NOT EXISTS (SELECT 1 FROM subscribers WHERE page = ?10 AND email = ?2 AND created_by = 'public' AND created_at > ?8)
         AND (?3 IS NULL OR (SELECT count(*) FROM subscribers WHERE page = ?10 AND email = ?2 AND webhook_url IS NOT NULL) < ?9)
       ON CONFLICT DO NOTHING`,
    )
    .bind(
      row.id,
      row.email,
      row.webhookUrl,
      row.componentIds ? JSON.stringify(row.componentIds) : null,
      row.language,
      row.token,
      row.createdAt,
      limits.quietSince,
      limits.maxWebhooks,
      row.page ?? 1,
    )
    .run();
  return inserted.meta.changes ? findById(db, row.id) : null;
}

export async function findByPair(db: D1Database, email: string, webhookUrl: string | null, page = 1): Promise<Subscriber | null> {
  return (
    (await orm(db)
      .select()
      .from(subscribers)
      .where(samePair(email, webhookUrl, page))
      .get()) ?? null
  );
}

/** The subscriber a token names; with `page`, only one of that page (a token of another page names none there). */
export async function findByToken(db: D1Database, token: string, page?: number): Promise<Subscriber | null> {
  const where = and(eq(subscribers.token, token), page === undefined ? undefined : eq(subscribers.page, page));
  return (await orm(db).select().from(subscribers).where(where).get()) ?? null;
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
  quiet?: { email: string; since: string },
): Promise<Subscriber | null> {
  const [row] = await orm(db)
    .update(subscribers)
    .set(change)
    .where(and(eq(subscribers.id, id), isNull(subscribers.confirmedAt), quiet ? quietSince(quiet.email, quiet.since) : undefined))
    .returning();
  return row ?? null;
}

/**
 * The double opt-in: confirmed once, at the first confirmation (a second POST changes nothing). A
 * webhook subscription is confirmed only while its address holds fewer than `maxWebhooks` confirmed ones
 * (the answer is then the row, still unconfirmed).
 */
export async function confirmByToken(db: D1Database, token: string, now: string, maxWebhooks = Number.POSITIVE_INFINITY): Promise<Subscriber | null> {
  const found = await findByToken(db, token);
  if (!found || found.confirmedAt) return found;
  const room = Number.isFinite(maxWebhooks)
    ? sql`(${subscribers.webhookUrl} IS NULL OR (SELECT count(*) FROM subscribers AS s2 WHERE s2.page = ${found.page} AND s2.email = ${found.email} AND s2.webhook_url IS NOT NULL AND s2.confirmed_at IS NOT NULL) < ${maxWebhooks})`
    : undefined;
  const [row] = await orm(db)
    .update(subscribers)
    .set({ confirmedAt: now })
    .where(and(eq(subscribers.token, token), isNull(subscribers.confirmedAt), room))
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
export async function listSubscribers(db: D1Database, opts: { limit: number; after?: string; state?: SubscriberState; page?: number }): Promise<Subscriber[]> {
  const where = and(
    opts.page === undefined ? undefined : eq(subscribers.page, opts.page),
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

/** D1 binds at most 100 parameters per statement: ids are looked up this many at a time. */
const ID_CHUNK = 90;

/** Which of `ids` are components of the page (not groups, not unknown ones, not another page's). */
export async function existingComponentIds(db: D1Database, ids: string[], page = 1): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const rows = await orm(db)
      .select({ id: components.id })
      .from(components)
      .where(and(eq(components.page, page), inArray(components.id, ids.slice(i, i + ID_CHUNK))));
    for (const r of rows) found.add(r.id);
  }
  return found;
}

/** How many components the page has: no subscription can name more. */
export async function componentCount(db: D1Database, page = 1): Promise<number> {
  return Number((await orm(db).select({ n: count() }).from(components).where(eq(components.page, page)).get())?.n ?? 0);
}

/** A day of failures disables a subscriber webhook (worker/notify/consumer.ts). */
export const WEBHOOK_FAILING_MS = 24 * 60 * 60 * 1000;

/**
 * What the subscriber webhooks' sends did: a delivery clears `failing_since`; a failure sets it (once),
 * and disables the webhook when it has failed every delivery since a day before `now`. Answers the
 * subscribers disabled by this call, so their owners can be told (once: the UPDATE runs only while not
 * yet disabled).
 */
export async function recordWebhookOutcomes(db: D1Database, outcomes: Array<{ id: string; ok: boolean }>, now: Date): Promise<Subscriber[]> {
  if (!outcomes.length) return [];
  const d = orm(db);
  const at = now.toISOString();
  const dayAgo = new Date(now.getTime() - WEBHOOK_FAILING_MS).toISOString();
  const delivered = [...new Set(outcomes.filter((o) => o.ok).map((o) => o.id))];
  const failed = [...new Set(outcomes.filter((o) => !o.ok).map((o) => o.id))].filter((id) => !delivered.includes(id));
  const disabled: Subscriber[] = [];
  for (let i = 0; i < delivered.length; i += ID_CHUNK)
    await d
      .update(subscribers)
      .set({ failingSince: null })
      .where(and(inArray(subscribers.id, delivered.slice(i, i + ID_CHUNK)), isNotNull(subscribers.failingSince)));
  for (let i = 0; i < failed.length; i += ID_CHUNK) {
    const ids = failed.slice(i, i + ID_CHUNK);
    await d
      .update(subscribers)
      .set({ failingSince: at })
      .where(and(inArray(subscribers.id, ids), isNull(subscribers.failingSince)));
    disabled.push(
      ...(await d
        .update(subscribers)
        .set({ disabledAt: at })
        .where(and(inArray(subscribers.id, ids), isNull(subscribers.disabledAt), lt(subscribers.failingSince, dayAgo)))
        .returning()),
    );
  }
  return disabled;
}
