// What Statuspage's management API (/v1, worker/routes/v1/) reads and writes that the admin's modules do
// not: a page by its public id, incidents by page with a text search and numbered pages, subscribers by
// page, an incident deleted, an update's text edited, and the import's id mapping. Every read is scoped
// to one page (`page_settings.id`).
import { columnsOf, type SqlRow } from "./columns";
import { type ComponentJson, componentJson, groupJson } from "./public-json";
import { displayOrder } from "./queries";
import { rowsOf } from "./reads";
import { componentGroups, components, type Subscriber } from "./schema";
import { type SqlStatement, sqlOf } from "./sql";

/** A page as the API addresses it: its number and its public id (page 1 answers to its default id before its settings are saved). */
export interface V1Page {
  page: number;
  pageId: string;
}

const FIRST_PAGE_DEFAULT_ID = "page00000000";

export async function v1PageById(db: D1Database, pageId: string): Promise<V1Page | null> {
  const row = await db.prepare("SELECT id AS page, page_id AS pageId FROM page_settings WHERE page_id = ?1").bind(pageId).first<V1Page>();
  if (row) return row;
  if (pageId !== FIRST_PAGE_DEFAULT_ID) return null;
  const first = await db.prepare("SELECT 1 AS n FROM page_settings WHERE id = 1").first();
  return first ? null : { page: 1, pageId };
}

/** Which incidents a list shows (each a constant condition on `i`; ?1 is the page, ?2 the time now). */
export const V1_LISTS = {
  all: "i.kind = 'incident'",
  unresolved: "i.kind = 'incident' AND i.resolved_at IS NULL",
  scheduled: "i.kind = 'maintenance' AND i.status = 'scheduled'",
  upcoming: "i.kind = 'maintenance' AND i.status = 'scheduled' AND i.scheduled_for > ?2",
  active_maintenance: "i.kind = 'maintenance' AND i.status IN ('in_progress', 'verifying')",
  every: "1 = 1",
} as const;

/**
 * The condition for one numbered page of a list (newest first), for db/queries.ts's incidentsRead:
 * ?1 the page, ?2 now, ?3 the search text (`q`: in the name, status and updates), ?4 limit, ?5 offset, ?6 the one id (`oneId`).
 */
export function v1IncidentWhere(list: keyof typeof V1_LISTS, oneId = false): string {
  return `i.id IN (SELECT i.id FROM incidents i WHERE i.page = ?1 AND i.publication = 'published' AND ${V1_LISTS[list]}${oneId ? " AND i.id = ?6" : ""}
    AND (?3 IS NULL OR i.name LIKE ?3 ESCAPE '\\' OR i.status LIKE ?3 ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM incident_updates u WHERE u.incident_id = i.id AND u.body LIKE ?3 ESCAPE '\\'))
    ORDER BY coalesce(i.scheduled_for, i.started_at) DESC, i.created_at DESC LIMIT ?4 OFFSET ?5)`;
}

/** `q` as a LIKE pattern: its own % and _ taken literally. */
export const likePattern = (q: string | undefined) => (q ? `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%` : null);

/** An incident of this page, with what deleting it must know: its kind and the alerts still firing on it. */
export async function incidentOnPage(db: D1Database, page: number, id: string) {
  return db
    .prepare(
      `SELECT i.id, i.kind, i.name, i.status, i.publication,
         (SELECT count(*) FROM alerts a WHERE a.incident_id = i.id AND a.status != 'resolved') AS firing
       FROM incidents i WHERE i.id = ?1 AND i.page = ?2`,
    )
    .bind(id, page)
    .first<{ id: string; kind: "incident" | "maintenance"; name: string; status: string; publication: string; firing: number }>();
}

/**
 * An incident deleted: closed and discarded, so no reader, list or notification sees it again. Its rows
 * stay: removing the newest updates would let SQLite hand their rowids to the next ones, which the
 * notification outbox's cursor (by rowid) would then pass over.
 */
export const deleteIncidentStatements = (id: string, now: string): SqlStatement[] => [
  sqlOf("UPDATE incidents SET publication = 'discarded', publish_at = NULL, resolved_at = coalesce(resolved_at, ?2), updated_at = ?2 WHERE id = ?1", id, now),
];

export async function updateOnIncident(db: D1Database, incidentId: string, updateId: string) {
  return db
    .prepare("SELECT id, body, display_at AS displayAt FROM incident_updates WHERE id = ?1 AND incident_id = ?2")
    .bind(updateId, incidentId)
    .first<{ id: string; body: string; displayAt: string }>();
}

/** An update's text (and the time it is shown at) edited; its incident moves its updated_at, so the caches and feeds see it. */
export const editUpdateStatements = (incidentId: string, updateId: string, body: string, displayAt: string, now: string): SqlStatement[] => [
  sqlOf("UPDATE incident_updates SET body = ?2, display_at = ?3 WHERE id = ?1", updateId, body, displayAt),
  sqlOf("UPDATE incidents SET updated_at = ?2 WHERE id = ?1", incidentId, now),
];

// ── Subscribers ─────────────────────────────────────────────────────────────

/** Statuspage's states: active (confirmed), unconfirmed, quarantined (a webhook turned off after a day of failures). */
const SUBSCRIBER_STATES = {
  all: "1 = 1",
  active: "s.confirmed_at IS NOT NULL AND s.disabled_at IS NULL",
  unconfirmed: "s.confirmed_at IS NULL",
  quarantined: "s.disabled_at IS NOT NULL",
} as const;
export type V1SubscriberState = keyof typeof SUBSCRIBER_STATES;

const SUBSCRIBER_TYPES = { all: "1 = 1", email: "s.webhook_url IS NULL", webhook: "s.webhook_url IS NOT NULL" } as const;
export type V1SubscriberType = keyof typeof SUBSCRIBER_TYPES;

const SUBSCRIBER_COLUMNS = `s.id, s.page, s.email, s.webhook_url AS webhookUrl, s.component_ids AS componentIds, s.language, s.token,
  s.confirmed_at AS confirmedAt, s.created_by AS createdBy, s.created_at AS createdAt, s.failing_since AS failingSince, s.disabled_at AS disabledAt`;

type SubscriberRow = Omit<Subscriber, "componentIds"> & { componentIds: string | null };
const subscriberOf = (r: SubscriberRow): Subscriber => ({ ...r, componentIds: r.componentIds ? (JSON.parse(r.componentIds) as string[]) : null });

export async function listV1Subscribers(
  db: D1Database,
  page: number,
  opts: { q?: string; type: V1SubscriberType; state: V1SubscriberState; limit: number; offset: number },
): Promise<Subscriber[]> {
  const { results } = await db
    .prepare(
      `SELECT ${SUBSCRIBER_COLUMNS} FROM subscribers s WHERE s.page = ?1 AND ${SUBSCRIBER_TYPES[opts.type]} AND ${SUBSCRIBER_STATES[opts.state]}
       AND (?2 IS NULL OR s.email LIKE ?2 ESCAPE '\\' OR s.webhook_url LIKE ?2 ESCAPE '\\')
       ORDER BY s.created_at, s.id LIMIT ?3 OFFSET ?4`,
    )
    .bind(page, likePattern(opts.q), opts.limit, opts.offset)
    .all<SubscriberRow>();
  return results.map(subscriberOf);
}

export async function subscriberOnPage(db: D1Database, page: number, id: string): Promise<Subscriber | null> {
  const row = await db.prepare(`SELECT ${SUBSCRIBER_COLUMNS} FROM subscribers s WHERE s.id = ?1 AND s.page = ?2`).bind(id, page).first<SubscriberRow>();
  return row ? subscriberOf(row) : null;
}

/** The unconfirmed email subscribers among `ids` (or all of this page's, for "all"). */
export async function unconfirmedOnPage(db: D1Database, page: number, ids: string[] | "all"): Promise<Subscriber[]> {
  const { results } = await db
    .prepare(
      `SELECT ${SUBSCRIBER_COLUMNS} FROM subscribers s WHERE s.page = ?1 AND s.confirmed_at IS NULL
       AND (?2 IS NULL OR s.id IN (SELECT value FROM json_each(?2))) ORDER BY s.created_at LIMIT 1000`,
    )
    .bind(page, ids === "all" ? null : JSON.stringify(ids))
    .all<SubscriberRow>();
  return results.map(subscriberOf);
}

// ── Components and groups ───────────────────────────────────────────────────

const PAGE_OWNERS = { component: "components", group: "component_groups", incident: "incidents", alert: "alerts" } as const;

/** Which page a component, group, incident or alert is on (null: there is none). */
export async function pageOf(db: D1Database, kind: keyof typeof PAGE_OWNERS, id: string): Promise<number | null> {
  const table = PAGE_OWNERS[kind];
  const row = await db.prepare(`SELECT page FROM ${table} WHERE id = ?1`).bind(id).first<{ page: number }>();
  return row?.page ?? null;
}

/** This page's components and groups in display order (each group followed by its members), in the public API's shape. */
export async function componentsOnPage(db: D1Database, page: number, pageId: string): Promise<ComponentJson[]> {
  const [groups, comps] = await db.batch([
    db.prepare(`SELECT ${columnsOf(componentGroups, "g")} FROM component_groups g WHERE g.page = ?1 ORDER BY g.position, g.name`).bind(page),
    db.prepare(`SELECT ${columnsOf(components, "c")} FROM components c WHERE c.page = ?1 ORDER BY c.position, c.name`).bind(page),
  ]);
  const members = rowsOf<SqlRow<typeof components>>(comps).map((r) => componentJson(r, pageId));
  return displayOrder(rowsOf<SqlRow<typeof componentGroups>>(groups), members).flatMap(({ group, members: inGroup }) =>
    group ? [groupJson(group, inGroup, pageId), ...inGroup] : inGroup,
  );
}
