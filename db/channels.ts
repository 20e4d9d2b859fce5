// Operator channels and the recipients of one event, through drizzle's query builder.
import { and, asc, eq, gt, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { type Channel, channels, type Subscriber, subscribers } from "./schema";

export const orm = (db: D1Database) => drizzle(db);

export const listChannels = (db: D1Database): Promise<Channel[]> => orm(db).select().from(channels).orderBy(asc(channels.createdAt), asc(channels.id));

export const getChannel = async (db: D1Database, id: string): Promise<Channel | undefined> =>
  (await orm(db).select().from(channels).where(eq(channels.id, id)).limit(1))[0];

export const insertChannel = (db: D1Database, row: typeof channels.$inferInsert) => orm(db).insert(channels).values(row);
export const deleteChannelRow = (db: D1Database, id: string) => orm(db).delete(channels).where(eq(channels.id, id));

/** Recipients limited to components hear only of events touching one of them; NULL hears of all. */
const touches = (column: typeof channels.componentIds | typeof subscribers.componentIds, componentIds: string[]) =>
  componentIds.length
    ? or(isNull(column), sql`EXISTS (SELECT 1 FROM json_each(${column}) WHERE value IN (${sql.join(componentIds.map((id) => sql`${id}`), sql`, `)}))`)
    : isNull(column);

/** The channels that hear of an event in `group` touching `componentIds`. */
export async function channelsFor(db: D1Database, group: string, componentIds: string[], defaultGroups: readonly string[]): Promise<Channel[]> {
  const wants = defaultGroups.includes(group)
    ? or(isNull(channels.events), sql`EXISTS (SELECT 1 FROM json_each(${channels.events}) WHERE value = ${group})`)
    : sql`EXISTS (SELECT 1 FROM json_each(${channels.events}) WHERE value = ${group})`;
  return orm(db).select().from(channels).where(and(wants, touches(channels.componentIds, componentIds))).orderBy(asc(channels.id));
}

/**
 * One page of the confirmed subscribers hearing of an event touching `componentIds`, after `after`
 * (id order). Component status changes go to webhook subscribers only.
 */
export function subscribersFor(db: D1Database, componentIds: string[], opts: { webhookOnly: boolean; after?: string; limit: number }): Promise<Pick<Subscriber, "id">[]> {
  return orm(db)
    .select({ id: subscribers.id })
    .from(subscribers)
    .where(
      and(
        isNotNull(subscribers.confirmedAt),
        opts.after ? gt(subscribers.id, opts.after) : undefined,
        opts.webhookOnly ? isNotNull(subscribers.webhookUrl) : undefined,
        touches(subscribers.componentIds, componentIds),
      ),
    )
    .orderBy(asc(subscribers.id))
    .limit(opts.limit);
}

export async function recipientsByIds(db: D1Database, channelIds: string[], subscriberIds: string[]): Promise<{ channels: Channel[]; subscribers: Subscriber[] }> {
  const d = orm(db);
  const [c, s] = await Promise.all([
    channelIds.length ? d.select().from(channels).where(inArray(channels.id, channelIds)) : Promise.resolve([] as Channel[]),
    subscriberIds.length ? d.select().from(subscribers).where(inArray(subscribers.id, subscriberIds)) : Promise.resolve([] as Subscriber[]),
  ]);
  return { channels: c, subscribers: s };
}
