// What the notifications read of a committed change: the update with what came before it on its
// incident, a component's status change, a notice (db/postmortems.ts), and the rows committed after
// the outbox's cursors.
import { eq, sql } from "drizzle-orm";
import { orm } from "./orm";
import { lastNotice, noticesAfter } from "./postmortems";
import { componentStatusChanges, components, incidents, incidentUpdates } from "./schema";

/** An incident update, its incident's kind, and how many updates (and which status) came before it on that incident. */
export async function updateInContext(db: D1Database, updateId: string) {
  // The updates of the same incident committed before this one: none = the incident just opened.
  const before = sql`FROM incident_updates p WHERE p.incident_id = u.incident_id AND (p.created_at < u.created_at OR (p.created_at = u.created_at AND p.rowid < u.rowid))`;
  const [row] = await orm(db)
    .select({
      incidentId: sql<string>`u.incident_id`,
      status: sql<string>`u.status`,
      kind: incidents.kind,
      page: incidents.page,
      earlier: sql<number>`(SELECT count(*) ${before})`,
      previous: sql<string | null>`(SELECT p.status ${before} ORDER BY p.created_at DESC, p.rowid DESC LIMIT 1)`,
    })
    .from(sql`${incidentUpdates} AS u`)
    .innerJoin(incidents, eq(incidents.id, sql`u.incident_id`))
    .where(eq(sql`u.id`, updateId))
    .limit(1);
  return row;
}

/** A component status change with its component. */
export async function statusChange(db: D1Database, changeId: number) {
  const [row] = await orm(db)
    .select({
      change: componentStatusChanges,
      component: { id: components.id, page: components.page, name: components.name, status: components.status, createdAt: components.createdAt },
    })
    .from(componentStatusChanges)
    .innerJoin(components, eq(components.id, componentStatusChanges.componentId))
    .where(eq(componentStatusChanges.id, changeId))
    .limit(1);
  return row;
}

/** Rows committed after the cursors, in commit order: what the Ingestor's outbox picks up. */
export async function changesAfter(db: D1Database, cursor: { updateRowid: number; changeId: number; noticeId: number }, limit: number) {
  const d = orm(db);
  const [updates, changes, notices] = await d.batch([
    d
      .select({
        rowid: sql<number>`rowid`,
        id: incidentUpdates.id,
        // Only a published incident's updates are told; a draft's first update is written again when it is published.
        // An update written with deliver_notifications false (through /v1, or imported) is passed over the same way.
        published: sql<number>`${incidentUpdates.deliverNotifications} AND (SELECT ${incidents.publication} = 'published' FROM ${incidents} WHERE ${incidents.id} = ${incidentUpdates.incidentId})`,
      })
      .from(incidentUpdates)
      .where(sql`rowid > ${cursor.updateRowid}`)
      .orderBy(sql`rowid`)
      .limit(limit),
    d
      .select({ id: componentStatusChanges.id })
      .from(componentStatusChanges)
      .where(sql`${componentStatusChanges.id} > ${cursor.changeId}`)
      .orderBy(componentStatusChanges.id)
      .limit(limit),
    noticesAfter(db, cursor.noticeId, limit),
  ]);
  return { updates, changes, notices };
}

/** Where the cursors start on a page that never notified: after everything already there. */
export async function currentCursor(db: D1Database): Promise<{ updateRowid: number; changeId: number; noticeId: number }> {
  const d = orm(db);
  const [[u], [c], [n]] = await d.batch([
    d.select({ max: sql<number | null>`max(rowid)` }).from(incidentUpdates),
    d.select({ max: sql<number | null>`max(${componentStatusChanges.id})` }).from(componentStatusChanges),
    lastNotice(db),
  ]);
  return { updateRowid: Number(u?.max ?? 0), changeId: Number(c?.max ?? 0), noticeId: Number(n?.max ?? 0) };
}
