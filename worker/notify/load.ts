// An event as recipients hear of it, loaded from D1 once per committed change: the incident update
// (with its incident, in Statuspage's shape, and the page's status), the component status change, or a
// notice (a maintenance's reminder, a postmortem published).
import { statusChange, updateInContext } from "../../db/events";
import { noticeById } from "../../db/postmortems";
import { getIncident, getStatus, type ReadContext } from "../../db/queries";
import { readPageLink, readPageSettings } from "../../db/settings";
import { nowIso } from "../../domain/ids";
import { pageLinkBase } from "../../domain/page-address";
import type { EventType, NotifyEvent, PageRef } from "./events";
import type { EventRef } from "./messages";

/** Updates carried per incident: the newest; keeps a queue message far below its 128 KB. */
const MAX_UPDATES = 20;

/** The page settings, read for this event, and the base URL its links are built with: the page's own (its host name or prefix). */
async function readContext(db: D1Database, baseUrl: string, page: number): Promise<ReadContext> {
  const [settings, link] = await Promise.all([readPageSettings(db, page), page === 1 ? null : readPageLink(db, page)]);
  return { settings, baseUrl: link ? pageLinkBase(baseUrl, link) : baseUrl };
}

async function pageRef(db: D1Database, ctx: ReadContext): Promise<PageRef> {
  const { page, status } = await getStatus(db, ctx);
  return { id: page.id, name: page.name, url: page.url, status_indicator: status.indicator, status_description: status.description };
}

/** The event for a committed change; null when its rows are gone (an incident or component deleted since). */
export async function loadEvent(db: D1Database, base: string, ref: EventRef): Promise<NotifyEvent | null> {
  if (ref.type === "notice") return loadNotice(db, base, ref.id);
  return ref.type === "incident_update" ? loadIncidentUpdate(db, base, ref.id) : loadComponentChange(db, base, ref.id);
}

/** A maintenance's reminder or a postmortem published: the incident as it is now, with no update of its own. */
async function loadNotice(db: D1Database, base: string, noticeId: number): Promise<NotifyEvent | null> {
  const notice = await noticeById(db, noticeId);
  if (!notice) return null;
  // The notice is on its incident's page: its subscribers and channels hear of it, with that page's links.
  const ctx = await readContext(db, base, notice.page);
  const [found, page] = await Promise.all([getIncident(db, ctx, notice.incidentId), pageRef(db, ctx)]);
  if (!found.incident) return null;
  const incident = { ...found.incident, incident_updates: found.incident.incident_updates.slice(0, MAX_UPDATES) };
  return {
    id: `ntc${noticeId}`,
    type: notice.kind,
    componentIds: incident.components.map((c) => c.id),
    page,
    pageNumber: notice.page,
    base: ctx.baseUrl,
    incident,
    generated_at: nowIso(),
  };
}

async function loadIncidentUpdate(db: D1Database, base: string, updateId: string): Promise<NotifyEvent | null> {
  const row = await updateInContext(db, updateId);
  if (!row) return null;
  const ctx = await readContext(db, base, row.page);
  const [found, page] = await Promise.all([getIncident(db, ctx, row.incidentId), pageRef(db, ctx)]);
  if (!found.incident) return null;
  const incident = { ...found.incident, incident_updates: found.incident.incident_updates.slice(0, MAX_UPDATES) };
  const update = found.incident.incident_updates.find((u) => u.id === updateId);
  const componentIds = new Set(incident.components.map((c) => c.id));
  for (const a of update?.affected_components ?? []) componentIds.add(a.code);
  return {
    id: updateId,
    type: eventType(row.kind, row.status, Number(row.earlier), row.previous),
    componentIds: [...componentIds],
    page,
    pageNumber: row.page,
    base: ctx.baseUrl,
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
  const row = await statusChange(db, changeId);
  if (!row) return null;
  const id = `csc${changeId}`;
  const ctx = await readContext(db, base, row.component.page);
  return {
    id,
    type: "component.updated",
    componentIds: [row.component.id],
    page: await pageRef(db, ctx),
    pageNumber: row.component.page,
    base: ctx.baseUrl,
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
