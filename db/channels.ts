// Operator channels and the recipients of one event, through drizzle's query builder.
import { and, asc, eq, gt, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { auditLog, type Channel, channels, components, type Subscriber, subscribers } from "./schema";
import { readPageSettings } from "./settings";

export const orm = (db: D1Database) => drizzle(db);

/** Every channel; with a page, that page's and those of every page. */
export const listChannels = (db: D1Database, page?: number): Promise<Channel[]> =>
  orm(db)
    .select()
    .from(channels)
    .where(page === undefined ? undefined : or(isNull(channels.page), eq(channels.page, page)))
    .orderBy(asc(channels.createdAt), asc(channels.id));

export const getChannel = async (db: D1Database, id: string): Promise<Channel | undefined> =>
  (await orm(db).select().from(channels).where(eq(channels.id, id)).limit(1))[0];

/** The audit row written in the same batch as the change it records. */
const auditRow = (db: D1Database, actor: string, action: string, id: string, before: unknown, after: unknown, at: string) =>
  orm(db)
    .insert(auditLog)
    .values({ at, actor, action, targetType: "channel", targetId: id, before: before ?? null, after: after ?? null });

/** Inserts a channel with its audit row (`shown`: what the log may keep, never a secret), in one batch. */
export async function insertChannel(db: D1Database, row: Channel, actor: string, shown: unknown): Promise<void> {
  await orm(db).batch([orm(db).insert(channels).values(row), auditRow(db, actor, "channel.create", row.id, null, shown, row.createdAt)]);
}

export async function deleteChannelRow(db: D1Database, id: string, actor: string, shown: unknown, at: string): Promise<void> {
  await orm(db).batch([orm(db).delete(channels).where(eq(channels.id, id)), auditRow(db, actor, "channel.delete", id, shown, null, at)]);
}

/** The components a channel can be limited to, for the admin form. */
export const componentChoices = (db: D1Database, page = 1): Promise<{ id: string; name: string }[]> =>
  orm(db)
    .select({ id: components.id, name: components.name })
    .from(components)
    .where(eq(components.page, page))
    .orderBy(asc(components.position), asc(components.name));

/** The page's time zone, for the admin pages' times. */
export const pageTimeZone = async (db: D1Database): Promise<string> => (await readPageSettings(db)).timeZone;

/** Recipients limited to components hear only of events touching one of them; NULL hears of all. */
const touches = (column: typeof channels.componentIds | typeof subscribers.componentIds, componentIds: string[]) =>
  componentIds.length
    ? or(
        isNull(column),
        sql`EXISTS (SELECT 1 FROM json_each(${column}) WHERE value IN (${sql.join(
          componentIds.map((id) => sql`${id}`),
          sql`, `,
        )}))`,
      )
    : isNull(column);

/** The channels that hear of an event in `group` on `page` touching `componentIds`: that page's, and those of every page (page NULL). */
export async function channelsFor(db: D1Database, group: string, componentIds: string[], defaultGroups: readonly string[], page = 1): Promise<Channel[]> {
  const wants = defaultGroups.includes(group)
    ? or(isNull(channels.events), sql`EXISTS (SELECT 1 FROM json_each(${channels.events}) WHERE value = ${group})`)
    : sql`EXISTS (SELECT 1 FROM json_each(${channels.events}) WHERE value = ${group})`;
  return orm(db)
    .select()
    .from(channels)
    .where(and(wants, or(isNull(channels.page), eq(channels.page, page)), touches(channels.componentIds, componentIds)))
    .orderBy(asc(channels.id));
}

/**
 * One page of the confirmed subscribers hearing of an event touching `componentIds`, after `after`
 * (id order); webhooks disabled for failing are left out. Component status changes go to webhook
 * subscribers only.
 */
export function subscribersFor(
  db: D1Database,
  componentIds: string[],
  opts: { page?: number; webhookOnly: boolean; after?: string; limit: number },
): Promise<Pick<Subscriber, "id">[]> {
  return orm(db)
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(
      and(
        isNotNull(subscribers.confirmedAt),
        isNull(subscribers.disabledAt),
        eq(subscribers.page, opts.page ?? 1),
        opts.after ? gt(subscribers.id, opts.after) : undefined,
        opts.webhookOnly ? isNotNull(subscribers.webhookUrl) : undefined,
        touches(subscribers.componentIds, componentIds),
      ),
    )
    .orderBy(asc(subscribers.id))
    .limit(opts.limit);
}

export async function recipientsByIds(
  db: D1Database,
  channelIds: string[],
  subscriberIds: string[],
): Promise<{ channels: Channel[]; subscribers: Subscriber[] }> {
  const d = orm(db);
  const [c, s] = await Promise.all([
    channelIds.length ? d.select().from(channels).where(inArray(channels.id, channelIds)) : Promise.resolve([] as Channel[]),
    subscriberIds.length ? d.select().from(subscribers).where(inArray(subscribers.id, subscriberIds)) : Promise.resolve([] as Subscriber[]),
  ]);
  return { channels: c, subscribers: s };
}
