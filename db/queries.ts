// The read model, shared by the worker's public API and the site: Statuspage's public v2 documents
// (db/public-json.ts) read from D1, each of one page (the settings' `id`): nothing of another page is read. Each document is a set of reads (db/reads.ts) that go to D1 as one
// batch; the page settings come in already read (db/settings.ts), once per request.

import { KeyMasker, type KeyRecord } from "../domain/mask";
import { pageStatus } from "../domain/status";
import { columnsOf, jsonObjectOf, type SqlRow } from "./columns";
import {
  ACTIVE_MAINTENANCES,
  ALL_INCIDENTS,
  ALL_MAINTENANCES,
  BY_ID,
  OPEN_MAINTENANCES,
  PUBLISHED,
  UNRESOLVED_INCIDENTS,
  UPCOMING_MAINTENANCES,
} from "./incident-filters";
import {
  type ComponentJson,
  componentJson,
  groupJson,
  type IncidentJson,
  type IncidentRow,
  incidentJson,
  type PageJson,
  pageJson,
  type SummaryJson,
} from "./public-json";
import { type Read, readAll, readOne, rowsOf } from "./reads";
import { componentGroups, components, incidents } from "./schema";
import type { PageSettings } from "./settings";

/** Where a document is read for: the page's settings (read once for the request) and the base URL links are built with. */
export interface ReadContext {
  settings: PageSettings;
  baseUrl: string;
}

/** The page, updated at its latest change: its settings, one of its components, or one of its published incidents. */
export function pageRead(db: D1Database, { settings, baseUrl }: ReadContext): Read<PageJson> {
  return {
    statements: [
      db
        .prepare(
          `SELECT max(coalesce((SELECT max(updated_at) FROM components WHERE page = ?1), ''),
           coalesce((SELECT max(updated_at) FROM incidents WHERE page = ?1 AND publication = 'published'), '')) AS last_change`,
        )
        .bind(settings.id),
    ],
    result: ([r]) => pageJson(settings, baseUrl, rowsOf<{ last_change: string }>(r)[0]?.last_change ?? ""),
  };
}

/** A page's components and groups in display order: each group followed by its members, as Statuspage lists them. */
export function componentsRead(db: D1Database, pageId: string, page = 1): Read<ComponentJson[]> {
  return {
    statements: [
      db.prepare(`SELECT ${columnsOf(componentGroups, "g")} FROM component_groups g WHERE g.page = ?1 ORDER BY g.position, g.name`).bind(page),
      db.prepare(`SELECT ${columnsOf(components, "c")} FROM components c WHERE c.page = ?1 ORDER BY c.position, c.name`).bind(page),
    ],
    result([groups, comps]) {
      const members = rowsOf<SqlRow<typeof components>>(comps).map((r) => componentJson(r, pageId));
      return displayOrder(rowsOf<SqlRow<typeof componentGroups>>(groups), members).flatMap(({ group, members: inGroup }) =>
        group ? [groupJson(group, inGroup, pageId), ...inGroup] : inGroup,
      );
    },
  };
}

/** A page's component by its slug or id (a badge's address); undefined when the page has none. */
export async function componentIdOnPage(db: D1Database, page: number, key: string): Promise<string | undefined> {
  const row = await db.prepare("SELECT id FROM components WHERE page = ?1 AND (slug = ?2 OR id = ?2) LIMIT 1").bind(page, key).first<{ id: string }>();
  return row?.id;
}

export const getComponents = (db: D1Database, pageId: string, page = 1): Promise<ComponentJson[]> => readOne(db, componentsRead(db, pageId, page));

/**
 * The page's order, for the public page, the API and the admin alike: groups and ungrouped components
 * by position (a group first on a tie), each group followed by its members. Both lists come in
 * (position, name) order; a component naming no known group stands on its own.
 */
export function displayOrder<G extends { id: string; position: number }, C extends { group_id: string | null; position: number }>(
  groups: G[],
  components: C[],
): Array<{ group: G | null; members: C[] }> {
  const known = new Set(groups.map((g) => g.id));
  return [
    ...groups.map((g) => ({ group: g, members: components.filter((c) => c.group_id === g.id), position: g.position })),
    ...components.filter((c) => !c.group_id || !known.has(c.group_id)).map((c) => ({ group: null, members: [c], position: c.position })),
  ]
    .sort((a, b) => a.position - b.position)
    .map(({ group, members }) => ({ group, members }));
}

const ORDER = {
  /** Most recent first: incident lists, history, feeds. */
  newest: "coalesce(i.scheduled_for, i.started_at) DESC, i.created_at DESC",
  /** Soonest first: upcoming and active maintenance windows, as a reader plans around them. */
  soonest: "coalesce(i.scheduled_for, i.started_at) ASC, i.created_at ASC",
} as const;

export interface IncidentQuery {
  /** A constant SQL condition on `i` (db/incident-filters.ts); values go in `params`. */
  where: string;
  params?: unknown[];
  limit?: number;
  order?: keyof typeof ORDER;
  /** Published ones only for the public; operators (the admin) say in `where` which they want. */
  audience?: "public" | "operators";
}

/**
 * The page's incidents (or maintenances) matching the query, newest first unless told otherwise, each
 * with its updates (newest first) and its components on that page. Raw SQL: each incident's updates and components come
 * aggregated in the same row (json_group_array of correlated subqueries), which drizzle cannot write.
 */
export function incidentsRead(db: D1Database, { settings, baseUrl }: ReadContext, q: IncidentQuery): Read<IncidentJson[]> {
  const { where, params = [], limit = 50, order = "newest", audience = "public" } = q;
  // The page is the last parameter, after the query's own.
  const page = `?${params.length + 1}`;
  return {
    statements: [
      db
        .prepare(
          `SELECT ${columnsOf(incidents, "i")},
           (SELECT json_group_array(json_object('id', u.id, 'status', u.status, 'body', u.body, 'createdAt', u.created_at,
               'displayAt', u.display_at, 'affectedComponents', json(u.affected_components), 'notify', u.deliver_notifications))
            FROM (SELECT * FROM incident_updates WHERE incident_id = i.id ORDER BY created_at DESC, rowid DESC) u) AS updates,
           (SELECT json_group_array(${jsonObjectOf(components, "c")})
            FROM (SELECT c.* FROM incident_components ic JOIN components c ON c.id = ic.component_id
                  WHERE ic.incident_id = i.id AND c.page = i.page ORDER BY c.position, c.name) c) AS comps
         FROM incidents i WHERE i.page = ${page} AND ${audience === "public" ? `${PUBLISHED} AND ` : ""}(${where})
         ORDER BY ${ORDER[order]} LIMIT ${Math.max(1, Math.floor(limit))}`,
        )
        .bind(...params, settings.id),
      db.prepare("SELECT key_prefix, key_hash FROM integrations"),
    ],
    result: ([rows, keys]) =>
      maskIncidents(
        rowsOf<IncidentRow>(rows).map((r) => incidentJson(r, settings.pageId, baseUrl)),
        rowsOf<KeyRecord>(keys),
      ),
  };
}

export const getIncidents = (db: D1Database, ctx: ReadContext, q: IncidentQuery) => readOne(db, incidentsRead(db, ctx, q));

/**
 * Public text never shows an integration key, wherever a sender echoed it (a webhook URL in an error
 * message): titles and update bodies are masked here, where every public surface reads them.
 */
async function maskIncidents(incidents: IncidentJson[], keys: KeyRecord[]): Promise<IncidentJson[]> {
  if (!keys.length || !incidents.length) return incidents;
  const masker = await new KeyMasker(keys).prepare(incidents.flatMap((i) => [i.name, i.postmortem_body ?? "", ...i.incident_updates.map((u) => u.body)]));
  for (const i of incidents) {
    i.name = masker.mask(i.name);
    if (i.postmortem_body) i.postmortem_body = masker.mask(i.postmortem_body);
    for (const u of i.incident_updates) u.body = masker.mask(u.body);
  }
  return incidents;
}

/** summary.json's parts, read in one batch; the overview page reads them with its own. */
export function summaryReads(db: D1Database, ctx: ReadContext) {
  return {
    page: pageRead(db, ctx),
    components: componentsRead(db, ctx.settings.pageId, ctx.settings.id),
    incidents: incidentsRead(db, ctx, { where: UNRESOLVED_INCIDENTS }),
    scheduled_maintenances: incidentsRead(db, ctx, { where: OPEN_MAINTENANCES, order: "soonest" }),
  };
}

/** summary.json from its parts: the overall status as Statuspage computes it. */
export function summaryOf(parts: Omit<SummaryJson, "status">): SummaryJson {
  const { page, components, incidents, scheduled_maintenances } = parts;
  const status = pageStatus(
    components.filter((c) => !c.group).map((c) => c.status),
    incidents.filter((i) => i.status !== "monitoring").map((i) => i.impact),
    scheduled_maintenances.some((m) => m.status === "in_progress"),
  );
  return { page, components, incidents, scheduled_maintenances, status };
}

export const getSummary = async (db: D1Database, ctx: ReadContext): Promise<SummaryJson> => summaryOf(await readAll(db, summaryReads(db, ctx)));

// ── The other Statuspage v2 documents ───────────────────────────────────────

/** status.json: the page and its overall indicator, computed exactly as summary.json does. */
export async function getStatus(db: D1Database, ctx: ReadContext): Promise<Pick<SummaryJson, "page" | "status">> {
  const { page, status } = await getSummary(db, ctx);
  return { page, status };
}

export const getPage = (db: D1Database, ctx: ReadContext): Promise<PageJson> => readOne(db, pageRead(db, ctx));

/** components.json */
export const getComponentList = (db: D1Database, ctx: ReadContext): Promise<{ page: PageJson; components: ComponentJson[] }> =>
  readAll(db, { page: pageRead(db, ctx), components: componentsRead(db, ctx.settings.pageId, ctx.settings.id) });

/** incidents.json (the 50 most recent, resolved ones included) and incidents/unresolved.json. */
export const getIncidentList = (db: D1Database, ctx: ReadContext, which: "all" | "unresolved"): Promise<{ page: PageJson; incidents: IncidentJson[] }> =>
  readAll(db, { page: pageRead(db, ctx), incidents: incidentsRead(db, ctx, { where: which === "all" ? ALL_INCIDENTS : UNRESOLVED_INCIDENTS }) });

/**
 * scheduled-maintenances.json (the 50 most recent, completed ones included, newest first),
 * /upcoming.json (still `scheduled`) and /active.json (`in_progress` or `verifying`), soonest first.
 */
export function getMaintenanceList(
  db: D1Database,
  ctx: ReadContext,
  which: "all" | "upcoming" | "active",
): Promise<{ page: PageJson; scheduled_maintenances: IncidentJson[] }> {
  const q: IncidentQuery =
    which === "all" ? { where: ALL_MAINTENANCES } : { where: which === "upcoming" ? UPCOMING_MAINTENANCES : ACTIVE_MAINTENANCES, order: "soonest" };
  return readAll(db, { page: pageRead(db, ctx), scheduled_maintenances: incidentsRead(db, ctx, q) });
}

/** One incident or maintenance by id, for its permalink page; null when there is none. */
export async function getIncident(db: D1Database, ctx: ReadContext, id: string): Promise<{ page: PageJson; incident: IncidentJson | null }> {
  const { page, incidents } = await readAll(db, { page: pageRead(db, ctx), incidents: incidentsRead(db, ctx, { where: BY_ID, params: [id], limit: 1 }) });
  return { page, incident: incidents[0] ?? null };
}

/**
 * Incidents and maintenances that have begun (upcoming maintenance too with `upcoming`), newest
 * first: the history page, the recent-history list and the feeds.
 */
export function historyRead(db: D1Database, ctx: ReadContext, limit = 50, opts: { upcoming?: boolean; since?: string } = {}): Read<IncidentJson[]> {
  let where = opts.upcoming ? "1 = 1" : "(i.kind = 'incident' OR i.status != 'scheduled')";
  // Only those that began (or are scheduled to begin) at or after `since`.
  if (opts.since) where += " AND coalesce(i.scheduled_for, i.started_at) >= ?1";
  return incidentsRead(db, ctx, { where, params: opts.since ? [opts.since] : [], limit });
}

export const getHistory = (db: D1Database, ctx: ReadContext, limit = 50, opts: { upcoming?: boolean; since?: string } = {}) =>
  readAll(db, { page: pageRead(db, ctx), incidents: historyRead(db, ctx, limit, opts) });

// The shapes, for the pages and the worker that show them.
export type { BrandJson, ComponentJson, IncidentJson, IncidentUpdateJson, PageJson, SummaryJson } from "./public-json";
export { brandOf, isMaintenance } from "./public-json";
export type { ComponentUptime, UptimeDay } from "./uptime";
