// An event as recipients hear of it, loaded from D1 once per committed change: the incident update
// (with its incident, in Statuspage's shape, and the page's status) or the component status change.
import { eq, sql } from "drizzle-orm";
import { orm } from "../../db/channels";
import { getIncident, getStatus } from "../../db/queries";
import { componentStatusChanges, components, incidents, incidentUpdates } from "../../db/schema";
import { nowIso } from "../../domain/ids";
import type { EventType, NotifyEvent, PageRef } from "./events";
import type { EventRef } from "./messages";

/** Updates carried per incident: the newest; keeps a queue message far below its 128 KB. */
const MAX_UPDATES = 20;

async function pageRef(db: D1Database, base: string): Promise<PageRef> {
  const { page, status } = await getStatus(db, base);
  return { id: page.id, name: page.name, url: page.url, status_indicator: status.indicator, status_description: status.description };
}

/** The event for a committed change; null when its rows are gone (an incident or component deleted since). */
export async function loadEvent(db: D1Database, base: string, ref: EventRef): Promise<NotifyEvent | null> {
  return ref.type === "incident_update" ? loadIncidentUpdate(db, base, ref.id) : loadComponentChange(db, base, ref.id);
}

async function loadIncidentUpdate(db: D1Database, base: string, updateId: string): Promise<NotifyEvent | null> {
  // The updates of the same incident committed before this one: none = the incident just opened.
  const before = sql`FROM incident_updates p WHERE p.incident_id = u.incident_id AND (p.created_at < u.created_at OR (p.created_at = u.created_at AND p.rowid < u.rowid))`;
  const [row] = await orm(db)
    .select({
      incidentId: sql<string>`u.incident_id`,
      status: sql<string>`u.status`,
      kind: incidents.kind,
      earlier: sql<number>`(SELECT count(*) ${before})`,
      previous: sql<string | null>`(SELECT p.status ${before} ORDER BY p.created_at DESC, p.rowid DESC LIMIT 1)`,
    })
    .from(sql`${incidentUpdates} AS u`)
    .innerJoin(incidents, eq(incidents.id, sql`u.incident_id`))
    .where(eq(sql`u.id`, updateId))
    .limit(1);
  if (!row) return null;
  const [found, page] = await Promise.all([getIncident(db, base, row.incidentId), pageRef(db, base)]);
  if (!found) return null;
  const incident = { ...found.incident, incident_updates: found.incident.incident_updates.slice(0, MAX_UPDATES) };
  const update = found.incident.incident_updates.find((u) => u.id === updateId);
  const componentIds = new Set(incident.components.map((c) => c.id));
  for (const a of update?.affected_components ?? []) componentIds.add(a.code);
  return {
    id: updateId,
    type: eventType(row.kind, row.status, Number(row.earlier), row.previous),
    componentIds: [...componentIds],
    page,
    incident,
    update,
    generated_at: nowIso(),
  };
}

export function eventType(kind: string, status: string, earlier: number, previous: string | null): EventType {
  if (kind === "maintenance") {
    if (status === "completed") return "maintenance.completed";
    if (status === "in_progress" && previous !== "in_progress") return "maintenance.started";
    if (earlier === 0) return "maintenance.scheduled";
    return "maintenance.updated";
  }
  if (status === "resolved" || status === "postmortem") return "incident.resolved";
  if (earlier === 0) return "incident.created";
  return "incident.updated";
}

async function loadComponentChange(db: D1Database, base: string, changeId: number): Promise<NotifyEvent | null> {
  const [row] = await orm(db)
    .select({
      change: componentStatusChanges,
      component: { id: components.id, name: components.name, status: components.status, createdAt: components.createdAt },
    })
    .from(componentStatusChanges)
    .innerJoin(components, eq(components.id, componentStatusChanges.componentId))
    .where(eq(componentStatusChanges.id, changeId))
    .limit(1);
  if (!row) return null;
  const id = `csc${changeId}`;
  return {
    id,
    type: "component.updated",
    componentIds: [row.component.id],
    page: await pageRef(db, base),
    component_update: {
      id,
      component_id: row.component.id,
      old_status: row.change.fromStatus,
      new_status: row.change.toStatus,
      created_at: row.change.at,
    },
    component: { id: row.component.id, name: row.component.name, status: row.change.toStatus, created_at: row.component.createdAt },
    generated_at: nowIso(),
  };
}

/** Rows committed after the cursors, in commit order: what the Ingestor's outbox picks up. */
export async function changesAfter(db: D1Database, cursor: { updateRowid: number; changeId: number }, limit: number) {
  const d = orm(db);
  const [updates, changes] = await d.batch([
    d
      .select({
        rowid: sql<number>`rowid`,
        id: incidentUpdates.id,
        // Only a published incident's updates are told; a draft's first update is written again when it is published.
        published: sql<number>`(SELECT ${incidents.publication} = 'published' FROM ${incidents} WHERE ${incidents.id} = ${incidentUpdates.incidentId})`,
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
  ]);
  return { updates, changes };
}

/** Where the cursors start on a page that never notified: after everything already there. */
export async function currentCursor(db: D1Database): Promise<{ updateRowid: number; changeId: number }> {
  const d = orm(db);
  const [[u], [c]] = await d.batch([
    d.select({ max: sql<number | null>`max(rowid)` }).from(incidentUpdates),
    d.select({ max: sql<number | null>`max(${componentStatusChanges.id})` }).from(componentStatusChanges),
  ]);
  return { updateRowid: Number(u?.max ?? 0), changeId: Number(c?.max ?? 0) };
}
