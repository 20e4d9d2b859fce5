// The import's writes and reads: what a source's ids were mapped to on a page (import_mappings), and the
// rows an import adds, each kind as one statement over a JSON array (json_each), so a whole page's
// history is a handful of statements in one batch. Imported rows keep the source's times.
import type { AffectedComponent, Subscriber } from "./schema";
import { sqlOf } from "./sql";

export type MappingKind = "component" | "group" | "incident" | "update" | "subscriber";

/** What a source's ids map to on this page, by kind. */
export async function importMappings(db: D1Database, page: number, source: string): Promise<Map<string, string>> {
  const { results } = await db
    .prepare("SELECT kind, source_id AS sourceId, local_id AS localId FROM import_mappings WHERE page = ?1 AND source = ?2")
    .bind(page, source)
    .all<{ kind: MappingKind; sourceId: string; localId: string }>();
  return new Map(results.map((r) => [`${r.kind}:${r.sourceId}`, r.localId]));
}

/** The local ids a source's ids came to be. Only ids still here count: one deleted since is imported again. */
export async function liveLocalIds(db: D1Database, page: number): Promise<Set<string>> {
  const { results } = await db
    .prepare(
      `SELECT id FROM components WHERE page = ?1 UNION ALL SELECT id FROM component_groups WHERE page = ?1
       UNION ALL SELECT id FROM incidents WHERE page = ?1 AND publication = 'published'
       UNION ALL SELECT u.id FROM incident_updates u JOIN incidents i ON i.id = u.incident_id WHERE i.page = ?1
       UNION ALL SELECT id FROM subscribers WHERE page = ?1`,
    )
    .bind(page)
    .all<{ id: string }>();
  return new Set(results.map((r) => r.id));
}

export const insertMappings = (page: number, source: string, rows: Array<{ kind: MappingKind; sourceId: string; localId: string }>, now: string) =>
  sqlOf(
    `INSERT OR REPLACE INTO import_mappings (page, source, kind, source_id, local_id, created_at)
     SELECT ?1, ?2, json_extract(value, '$.kind'), json_extract(value, '$.sourceId'), json_extract(value, '$.localId'), ?3 FROM json_each(?4)`,
    page,
    source,
    now,
    JSON.stringify(rows),
  );

export interface ImportedGroup {
  id: string;
  name: string;
  description: string | null;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export const insertGroups = (page: number, groups: ImportedGroup[]) =>
  sqlOf(
    `INSERT INTO component_groups (id, page, name, description, position, created_at, updated_at)
     SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.name'), json_extract(value, '$.description'),
       json_extract(value, '$.position'), json_extract(value, '$.createdAt'), json_extract(value, '$.updatedAt') FROM json_each(?2)`,
    page,
    JSON.stringify(groups),
  );

export interface ImportedComponent {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  groupId: string | null;
  position: number;
  showcase: boolean;
  onlyShowIfDegraded: boolean;
  status: string;
  /** The source's status when it is not operational (nor maintenance): kept as an operator's override. */
  overrideStatus: string | null;
  inMaintenance: boolean;
  startDate: string | null;
  createdAt: string;
  updatedAt: string;
}

export const insertComponents = (page: number, components: ImportedComponent[]) =>
  sqlOf(
    `INSERT INTO components (id, page, slug, name, description, group_id, position, showcase, only_show_if_degraded, status, auto_status,
       override_status, in_maintenance, start_date, created_at, updated_at)
     SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.slug'), json_extract(value, '$.name'), json_extract(value, '$.description'),
       json_extract(value, '$.groupId'), json_extract(value, '$.position'), json_extract(value, '$.showcase'), json_extract(value, '$.onlyShowIfDegraded'),
       json_extract(value, '$.status'), 'operational', json_extract(value, '$.overrideStatus'), json_extract(value, '$.inMaintenance'),
       json_extract(value, '$.startDate'), json_extract(value, '$.createdAt'), json_extract(value, '$.updatedAt') FROM json_each(?2)`,
    page,
    JSON.stringify(
      components.map((c) => ({ ...c, showcase: c.showcase ? 1 : 0, onlyShowIfDegraded: c.onlyShowIfDegraded ? 1 : 0, inMaintenance: c.inMaintenance ? 1 : 0 })),
    ),
  );

export interface ImportedIncident {
  id: string;
  kind: "incident" | "maintenance";
  name: string;
  status: string;
  impact: string;
  startedAt: string;
  monitoringAt: string | null;
  resolvedAt: string | null;
  scheduledFor: string | null;
  scheduledUntil: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Imported incidents are operators' (automatic 0: no alert attaches to one) and published. */
export const insertIncidents = (page: number, incidents: ImportedIncident[]) =>
  sqlOf(
    `INSERT INTO incidents (id, page, kind, name, status, impact, automatic, started_at, monitoring_at, resolved_at, scheduled_for, scheduled_until,
       publication, created_at, updated_at)
     SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.kind'), json_extract(value, '$.name'), json_extract(value, '$.status'),
       json_extract(value, '$.impact'), 0, json_extract(value, '$.startedAt'), json_extract(value, '$.monitoringAt'), json_extract(value, '$.resolvedAt'),
       json_extract(value, '$.scheduledFor'), json_extract(value, '$.scheduledUntil'), 'published', json_extract(value, '$.createdAt'),
       json_extract(value, '$.updatedAt') FROM json_each(?2)`,
    page,
    JSON.stringify(incidents),
  );

/** An incident the source moved on since the last import: its status and times as the source has them now. */
export const refreshIncidents = (incidents: ImportedIncident[]) =>
  sqlOf(
    `UPDATE incidents SET status = json_extract(j.value, '$.status'), monitoring_at = json_extract(j.value, '$.monitoringAt'),
       resolved_at = json_extract(j.value, '$.resolvedAt'), updated_at = json_extract(j.value, '$.updatedAt')
     FROM json_each(?1) AS j WHERE incidents.id = json_extract(j.value, '$.id')`,
    JSON.stringify(incidents),
  );

export interface ImportedUpdate {
  id: string;
  incidentId: string;
  status: string;
  body: string;
  affectedComponents: AffectedComponent[] | null;
  createdAt: string;
  displayAt: string;
}

/** Imported updates are history: never told to anyone (deliver_notifications 0). */
export const insertImportedUpdates = (updates: ImportedUpdate[]) =>
  sqlOf(
    `INSERT INTO incident_updates (id, incident_id, status, body, affected_components, created_at, display_at, deliver_notifications)
     SELECT json_extract(value, '$.id'), json_extract(value, '$.incidentId'), json_extract(value, '$.status'), json_extract(value, '$.body'),
       json_extract(value, '$.affected'), json_extract(value, '$.createdAt'), json_extract(value, '$.displayAt'), 0 FROM json_each(?1)`,
    JSON.stringify(updates.map((u) => ({ ...u, affected: u.affectedComponents ? JSON.stringify(u.affectedComponents) : null }))),
  );

export const insertIncidentLinks = (links: Array<{ incidentId: string; componentId: string }>) =>
  sqlOf(
    `INSERT OR IGNORE INTO incident_components (incident_id, component_id)
     SELECT json_extract(value, '$.incidentId'), json_extract(value, '$.componentId') FROM json_each(?1)`,
    JSON.stringify(links),
  );

export const insertImportedSubscribers = (page: number, subscribers: Array<Omit<Subscriber, "page" | "failingSince" | "disabledAt">>) =>
  sqlOf(
    `INSERT OR IGNORE INTO subscribers (id, page, email, webhook_url, component_ids, language, token, confirmed_at, created_by, created_at)
     SELECT json_extract(value, '$.id'), ?1, json_extract(value, '$.email'), json_extract(value, '$.webhookUrl'), json_extract(value, '$.components'),
       json_extract(value, '$.language'), json_extract(value, '$.token'), json_extract(value, '$.confirmedAt'), 'operator', json_extract(value, '$.createdAt')
     FROM json_each(?2)`,
    page,
    JSON.stringify(subscribers.map((s) => ({ ...s, components: s.componentIds ? JSON.stringify(s.componentIds) : null }))),
  );

/** A page's slugs taken, so imported components get free ones. */
export async function slugsOnPage(db: D1Database, page: number): Promise<Set<string>> {
  const { results } = await db.prepare("SELECT slug FROM components WHERE page = ?1").bind(page).all<{ slug: string }>();
  return new Set(results.map((r) => r.slug));
}

/** The (email, webhook) pairs subscribed to a page already. */
export async function subscriberPairs(db: D1Database, page: number): Promise<Set<string>> {
  const { results } = await db
    .prepare("SELECT email, coalesce(webhook_url, '') AS hook FROM subscribers WHERE page = ?1")
    .bind(page)
    .all<{ email: string; hook: string }>();
  return new Set(results.map((r) => `${r.email}\n${r.hook}`));
}

/** Every subscriber of a page, for the export. */
export async function pageSubscribers(db: D1Database, page: number) {
  const { results } = await db
    .prepare(
      "SELECT id, email, webhook_url AS webhookUrl, component_ids AS componentIds, confirmed_at AS confirmedAt, created_at AS createdAt FROM subscribers WHERE page = ?1 ORDER BY created_at, id",
    )
    .bind(page)
    .all<{ id: string; email: string; webhookUrl: string | null; componentIds: string | null; confirmedAt: string | null; createdAt: string }>();
  return results;
}
