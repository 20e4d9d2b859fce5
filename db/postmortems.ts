// Postmortems (a resolved incident's write-up, on the incident's row as Statuspage keeps it) and the
// notices (a maintenance's reminder, a postmortem published) that the Ingestor's outbox tells.
import { and, eq, gt, max, sql } from "drizzle-orm";
import type { NoticeKind } from "../domain/status";
import { orm, statement } from "./orm";
import { incidentNotices, incidents } from "./schema";

/** What deciding on a postmortem needs of its incident. */
export async function postmortemTarget(db: D1Database, id: string) {
  const [row] = await orm(db)
    .select({
      id: incidents.id,
      page: incidents.page,
      kind: incidents.kind,
      publication: incidents.publication,
      resolvedAt: incidents.resolvedAt,
      body: incidents.postmortemBody,
      bodyUpdatedAt: incidents.postmortemBodyUpdatedAt,
      publishedAt: incidents.postmortemPublishedAt,
      notifiedAt: incidents.postmortemNotifiedAt,
    })
    .from(incidents)
    .where(eq(incidents.id, id))
    .limit(1);
  return row ?? null;
}

/** The draft (or, once published, the live text): the incident's updated_at moves only when the public sees it. */
export const setPostmortemBody = (db: D1Database, id: string, body: string, published: boolean, now: string) =>
  statement(
    db,
    orm(db)
      .update(incidents)
      .set({ postmortemBody: body, postmortemBodyUpdatedAt: now, ...(published ? { updatedAt: now } : {}) })
      .where(eq(incidents.id, id)),
  );

/** Published at `now` (the first time only), told to subscribers when `notified`. */
export const publishPostmortem = (db: D1Database, id: string, notified: boolean, now: string) =>
  statement(
    db,
    orm(db)
      .update(incidents)
      .set({
        postmortemPublishedAt: sql`coalesce(${incidents.postmortemPublishedAt}, ${now})`,
        ...(notified ? { postmortemNotifiedAt: sql`coalesce(${incidents.postmortemNotifiedAt}, ${now})` } : {}),
        updatedAt: now,
      })
      .where(eq(incidents.id, id)),
  );

/** The postmortem withdrawn: draft and publication gone. */
export const clearPostmortem = (db: D1Database, id: string, now: string) =>
  statement(
    db,
    orm(db)
      .update(incidents)
      .set({ postmortemBody: null, postmortemBodyUpdatedAt: null, postmortemPublishedAt: null, postmortemNotifiedAt: null, updatedAt: now })
      .where(eq(incidents.id, id)),
  );

/** A notice, once per (incident, kind): a second one for the same incident is ignored. */
export const insertNotice = (db: D1Database, incidentId: string, kind: NoticeKind, now: string, page = 1) =>
  statement(db, orm(db).insert(incidentNotices).values({ incidentId, kind, createdAt: now, page }).onConflictDoNothing());

/** Notices committed after the outbox's cursor, in commit order. */
export const noticesAfter = (db: D1Database, after: number, limit: number) =>
  orm(db).select({ id: incidentNotices.id }).from(incidentNotices).where(gt(incidentNotices.id, after)).orderBy(incidentNotices.id).limit(limit);

/** The last notice: where a page that never notified starts. */
export const lastNotice = (db: D1Database) =>
  orm(db)
    .select({ max: max(incidentNotices.id) })
    .from(incidentNotices);

/** A notice with its incident id and kind. */
export async function noticeById(db: D1Database, id: number) {
  const [row] = await orm(db).select().from(incidentNotices).where(eq(incidentNotices.id, id)).limit(1);
  return row ?? null;
}

/** Scheduled maintenances not yet reminded, on every page: the cron's candidates for a reminder. */
export async function unremindedMaintenances(db: D1Database) {
  return orm(db)
    .select({
      id: incidents.id,
      page: incidents.page,
      status: incidents.status,
      scheduledFor: incidents.scheduledFor,
      createdAt: incidents.createdAt,
      remindMinutes: incidents.remindMinutes,
    })
    .from(incidents)
    .where(
      and(
        eq(incidents.kind, "maintenance"),
        eq(incidents.status, "scheduled"),
        sql`NOT EXISTS (SELECT 1 FROM ${incidentNotices} n WHERE n.incident_id = ${incidents.id} AND n.kind = 'maintenance.reminder')`,
      ),
    );
}
