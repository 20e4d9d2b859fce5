// The read model, shared by the worker's public API and the site build. Shapes follow Atlassian
// Statuspage's public v2 API so existing widgets and clients work unchanged.

import { KeyMasker, type KeyRecord } from "../domain/mask";
import { type ComponentStatus, type Impact, type Indicator, pageStatus, weightedDowntime, worstStatus } from "../domain/status";
import type { AffectedComponent } from "./schema";

export interface PageJson {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface ComponentJson {
  id: string;
  name: string;
  status: ComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
  components?: string[];
}

export interface IncidentUpdateJson {
  id: string;
  status: string;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: AffectedComponent[] | null;
  deliver_notifications: boolean;
  custom_tweet: null;
  tweet_id: null;
}

export interface IncidentJson {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: Impact;
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: IncidentUpdateJson[];
  components: ComponentJson[];
  scheduled_for?: string | null;
  scheduled_until?: string | null;
}

export interface SummaryJson {
  page: PageJson;
  components: ComponentJson[];
  incidents: IncidentJson[];
  scheduled_maintenances: IncidentJson[];
  status: { indicator: Indicator; description: string };
}

type Row = Record<string, unknown>;
const s = (v: unknown) => (v == null ? null : String(v));
/** Statuspage shows a component's start_date as a date (`2026-01-31`); admin rows may hold a full timestamp. */
const dateOnly = (v: unknown) => (v == null || v === "" ? null : String(v).slice(0, 10));

export async function getPage(db: D1Database, baseUrl: string): Promise<PageJson> {
  const row = await db
    .prepare(
      `SELECT p.page_id, p.name, p.url, p.time_zone,
         max(p.updated_at, coalesce((SELECT max(updated_at) FROM components), ''),
           coalesce((SELECT max(updated_at) FROM incidents WHERE publication = 'published'), '')) AS updated_at
       FROM page_settings p WHERE p.id = 1`,
    )
    .first<Row>();
  return {
    id: s(row?.page_id) ?? "page00000000",
    name: s(row?.name) ?? "Status",
    url: s(row?.url) || baseUrl,
    time_zone: s(row?.time_zone) ?? "Etc/UTC",
    updated_at: s(row?.updated_at) ?? new Date(0).toISOString(),
  };
}

/** The page's own look and words (not part of Statuspage's shapes): what its settings set. */
export interface BrandJson {
  language: string;
  logo_url: string | null;
  favicon_url: string | null;
  brand_color: string | null;
  header_links: { label: string; url: string }[];
  support_url: string | null;
  footer_text: string | null;
}

export function brandOf(row: Record<string, unknown> | null | undefined): BrandJson {
  let links: unknown = [];
  try {
    links = JSON.parse(String(row?.header_links ?? "[]"));
  } catch {
    links = [];
  }
  return {
    language: s(row?.language) ?? "en",
    logo_url: s(row?.logo_url),
    favicon_url: s(row?.favicon_url),
    brand_color: s(row?.brand_color),
    header_links: Array.isArray(links) ? (links as BrandJson["header_links"]) : [],
    support_url: s(row?.support_url),
    footer_text: s(row?.footer_text),
  };
}

export async function getBrand(db: D1Database): Promise<BrandJson> {
  return brandOf(
    await db
      .prepare("SELECT language, logo_url, favicon_url, brand_color, header_links, support_url, footer_text FROM page_settings WHERE id = 1")
      .first<Row>(),
  );
}

/** A component row (or an incident's component, as JSON) in the public API's shape. */
function componentJson(r: Row, pageId: string): ComponentJson {
  return {
    id: String(r.id),
    name: String(r.name),
    status: r.status as ComponentStatus,
    created_at: String(r.created_at),
    updated_at: String(r.updated_at),
    position: Number(r.position),
    description: s(r.description),
    showcase: !!r.showcase,
    start_date: dateOnly(r.start_date),
    group_id: s(r.group_id),
    page_id: pageId,
    group: false,
    only_show_if_degraded: !!r.only_show_if_degraded,
  };
}

/** Components and groups in display order: each group followed by its members, as Statuspage lists them. */
export async function getComponents(db: D1Database, pageId: string): Promise<ComponentJson[]> {
  const [groups, comps] = await db.batch<Row>([
    db.prepare("SELECT * FROM component_groups ORDER BY position, name"),
    db.prepare("SELECT * FROM components ORDER BY position, name"),
  ]);
  const members = comps!.results.map((r) => componentJson(r, pageId));
  const groupRows = groups!.results.map((row) => ({ row, id: String(row.id), position: Number(row.position) }));
  return displayOrder(groupRows, members).flatMap(({ group: g, members: inGroup }) =>
    g
      ? [
          {
            id: g.id,
            name: String(g.row.name),
            status: worstStatus(inGroup.map((m) => m.status)),
            created_at: String(g.row.created_at),
            updated_at: [String(g.row.updated_at), ...inGroup.map((m) => m.updated_at)].sort().at(-1)!,
            position: g.position,
            description: s(g.row.description),
            showcase: false,
            start_date: null,
            group_id: null,
            page_id: pageId,
            group: true,
            only_show_if_degraded: false,
            components: inGroup.map((m) => m.id),
          },
          ...inGroup,
        ]
      : inGroup,
  );
}

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

/**
 * What readers may see: published incidents only. Drafts, incidents in their grace period,
 * suppressed blips and discarded drafts are for operators; every public surface reads through here.
 */
export const PUBLISHED = "i.publication = 'published'";

/**
 * Incidents (or maintenances) matching `where` (a constant SQL condition on `i`; values go in
 * `params`), newest first unless told otherwise, each with its updates (newest first) and components.
 * Published ones only, unless `audience` is operators (the admin, whose `where` says which it wants).
 */
export async function getIncidents(
  db: D1Database,
  pageId: string,
  baseUrl: string,
  where: string,
  params: unknown[] = [],
  limit = 50,
  order: keyof typeof ORDER = "newest",
  audience: "public" | "operators" = "public",
): Promise<IncidentJson[]> {
  const [{ results }, keys] = await db.batch<Row>([
    db
      .prepare(
        `SELECT i.*,
         (SELECT json_group_array(json_object('id', u.id, 'status', u.status, 'body', u.body, 'created_at', u.created_at,
             'display_at', u.display_at, 'affected_components', json(u.affected_components)))
          FROM (SELECT * FROM incident_updates WHERE incident_id = i.id ORDER BY created_at DESC, rowid DESC) u) AS updates,
         (SELECT json_group_array(json_object('id', c.id, 'name', c.name, 'status', c.status, 'created_at', c.created_at,
             'updated_at', c.updated_at, 'position', c.position, 'description', c.description, 'showcase', c.showcase,
             'start_date', c.start_date, 'group_id', c.group_id, 'only_show_if_degraded', c.only_show_if_degraded))
          FROM (SELECT c.* FROM incident_components ic JOIN components c ON c.id = ic.component_id
                WHERE ic.incident_id = i.id ORDER BY c.position, c.name) c) AS comps
       FROM incidents i WHERE ${audience === "public" ? `${PUBLISHED} AND ` : ""}(${where})
       ORDER BY ${ORDER[order]} LIMIT ${Math.max(1, Math.floor(limit))}`,
      )
      .bind(...params),
    db.prepare("SELECT key_prefix, key_hash FROM integrations"),
  ]);
  const incidents = results.map((r) => incidentJson(r, pageId, baseUrl));
  return maskIncidents(incidents, keys!.results as unknown as KeyRecord[]);
}

/**
 * Public text never shows an integration key, wherever a sender echoed it (a webhook URL in an error
 * message): titles and update bodies are masked here, where every public surface reads them.
 */
async function maskIncidents(incidents: IncidentJson[], keys: KeyRecord[]): Promise<IncidentJson[]> {
  if (!keys.length || !incidents.length) return incidents;
  const masker = await new KeyMasker(keys).prepare(incidents.flatMap((i) => [i.name, ...i.incident_updates.map((u) => u.body)]));
  for (const i of incidents) {
    i.name = masker.mask(i.name);
    for (const u of i.incident_updates) u.body = masker.mask(u.body);
  }
  return incidents;
}

function incidentJson(r: Row, pageId: string, baseUrl: string): IncidentJson {
  const id = String(r.id);
  const updates = JSON.parse(String(r.updates)) as Row[];
  const comps = JSON.parse(String(r.comps)) as Row[];
  const json: IncidentJson = {
    id,
    name: String(r.name),
    status: String(r.status),
    created_at: String(r.created_at),
    updated_at: String(r.updated_at),
    monitoring_at: s(r.monitoring_at),
    resolved_at: s(r.resolved_at),
    impact: r.impact as Impact,
    shortlink: s(r.shortlink) ?? `${baseUrl}/incidents/${id}`,
    started_at: String(r.started_at),
    page_id: pageId,
    incident_updates: updates.map((u) => ({
      id: String(u.id),
      status: String(u.status),
      body: String(u.body),
      incident_id: id,
      created_at: String(u.created_at),
      updated_at: String(u.created_at),
      display_at: String(u.display_at),
      affected_components: (u.affected_components as AffectedComponent[] | null) ?? null,
      deliver_notifications: true,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: comps.map((c) => componentJson(c, pageId)),
  };
  if (r.kind === "maintenance") {
    json.scheduled_for = s(r.scheduled_for);
    json.scheduled_until = s(r.scheduled_until);
  }
  return json;
}

export const UNRESOLVED_INCIDENTS = "i.kind = 'incident' AND i.resolved_at IS NULL";
export const OPEN_MAINTENANCES = "i.kind = 'maintenance' AND i.status IN ('scheduled', 'in_progress', 'verifying')";

export async function getSummary(db: D1Database, baseUrl: string): Promise<SummaryJson> {
  const page = await getPage(db, baseUrl);
  const [components, incidents, scheduled_maintenances] = await Promise.all([
    getComponents(db, page.id),
    getIncidents(db, page.id, baseUrl, UNRESOLVED_INCIDENTS),
    getIncidents(db, page.id, baseUrl, OPEN_MAINTENANCES, [], 50, "soonest"),
  ]);
  const status = pageStatus(
    components.filter((c) => !c.group).map((c) => c.status),
    incidents.filter((i) => i.status !== "monitoring").map((i) => i.impact),
    scheduled_maintenances.some((m) => m.status === "in_progress"),
  );
  return { page, components, incidents, scheduled_maintenances, status };
}

// ── The other Statuspage v2 documents ───────────────────────────────────────

export const ALL_INCIDENTS = "i.kind = 'incident'";
export const ALL_MAINTENANCES = "i.kind = 'maintenance'";
export const UPCOMING_MAINTENANCES = "i.kind = 'maintenance' AND i.status = 'scheduled'";
export const ACTIVE_MAINTENANCES = "i.kind = 'maintenance' AND i.status IN ('in_progress', 'verifying')";

/** status.json: the page and its overall indicator, computed exactly as summary.json does. */
export async function getStatus(db: D1Database, baseUrl: string): Promise<Pick<SummaryJson, "page" | "status">> {
  const { page, status } = await getSummary(db, baseUrl);
  return { page, status };
}

/** components.json */
export async function getComponentList(db: D1Database, baseUrl: string): Promise<{ page: PageJson; components: ComponentJson[] }> {
  const page = await getPage(db, baseUrl);
  return { page, components: await getComponents(db, page.id) };
}

/** incidents.json (the 50 most recent, resolved ones included) and incidents/unresolved.json. */
export async function getIncidentList(db: D1Database, baseUrl: string, which: "all" | "unresolved"): Promise<{ page: PageJson; incidents: IncidentJson[] }> {
  const page = await getPage(db, baseUrl);
  const where = which === "all" ? ALL_INCIDENTS : UNRESOLVED_INCIDENTS;
  return { page, incidents: await getIncidents(db, page.id, baseUrl, where) };
}

/**
 * scheduled-maintenances.json (the 50 most recent, completed ones included, newest first),
 * /upcoming.json (still `scheduled`) and /active.json (`in_progress` or `verifying`), soonest first.
 */
export async function getMaintenanceList(
  db: D1Database,
  baseUrl: string,
  which: "all" | "upcoming" | "active",
): Promise<{ page: PageJson; scheduled_maintenances: IncidentJson[] }> {
  const page = await getPage(db, baseUrl);
  const scheduled_maintenances =
    which === "all"
      ? await getIncidents(db, page.id, baseUrl, ALL_MAINTENANCES)
      : await getIncidents(db, page.id, baseUrl, which === "upcoming" ? UPCOMING_MAINTENANCES : ACTIVE_MAINTENANCES, [], 50, "soonest");
  return { page, scheduled_maintenances };
}

/** Maintenances carry scheduled_for/scheduled_until; incidents do not. */
export const isMaintenance = (i: IncidentJson) => i.scheduled_for !== undefined;

/** One incident or maintenance by id, for its permalink page; null when there is none. */
export async function getIncident(db: D1Database, baseUrl: string, id: string): Promise<{ page: PageJson; incident: IncidentJson } | null> {
  const page = await getPage(db, baseUrl);
  const [incident] = await getIncidents(db, page.id, baseUrl, "i.id = ?1", [id], 1);
  return incident ? { page, incident } : null;
}

/**
 * Incidents and maintenances that have begun (upcoming maintenance too with `upcoming`), newest
 * first: the history page, the recent-history list and the feeds.
 */
export async function getHistory(
  db: D1Database,
  baseUrl: string,
  limit = 50,
  opts: { upcoming?: boolean; since?: string } = {},
): Promise<{ page: PageJson; incidents: IncidentJson[] }> {
  const page = await getPage(db, baseUrl);
  let where = opts.upcoming ? "1 = 1" : "(i.kind = 'incident' OR i.status != 'scheduled')";
  // Only those that began (or are scheduled to begin) at or after `since`.
  if (opts.since) where += " AND coalesce(i.scheduled_for, i.started_at) >= ?1";
  return { page, incidents: await getIncidents(db, page.id, baseUrl, where, opts.since ? [opts.since] : [], limit) };
}

// ── Uptime ──────────────────────────────────────────────────────────────────
//
// Daily uptime per component, from component_status_changes, the way Statuspage's uptime showcase
// counts it: time in `major_outage` is downtime, time in `partial_outage` counts as 30 % downtime
// (most users still get through), and `degraded_performance` and `under_maintenance` count as up.
// Days are UTC days; the current day counts up to now; days before the component's start_date (or
// creation) have no data.

export const UPTIME_DAYS = 90;

export interface UptimeIncident {
  id: string;
  name: string;
  impact: Impact;
}

export interface UptimeDay {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  /** Percent, two decimals, never rounded up; null when the component did not exist yet. */
  uptime: number | null;
  major_outage_seconds: number;
  partial_outage_seconds: number;
  degraded_performance_seconds: number;
  /** Incidents affecting the component that were open at some time that day. */
  incidents: UptimeIncident[];
}

export interface ComponentUptime {
  component_id: string;
  /** Over the whole window, same weighting; null when there is no data at all. */
  uptime: number | null;
  days: UptimeDay[];
}

export interface StatusChange {
  at: string;
  to: ComponentStatus;
}

const DAY_MS = 86_400_000;
const floor2 = (x: number) => Math.floor(x * 100 + 1e-9) / 100;
const utcMidnight = (t: number) => Math.floor(t / DAY_MS) * DAY_MS;

/** The first day of an n-day window ending today (UTC), as a timestamp. */
export function uptimeWindowStart(now: Date, days = UPTIME_DAYS): number {
  return utcMidnight(now.getTime()) - (days - 1) * DAY_MS;
}

/**
 * Pure: per-day seconds in each status and the weighted uptime, from the status at the start of the
 * window and the changes inside it (ascending).
 */
export function dailyUptime(input: {
  statusAtStart: ComponentStatus;
  changes: StatusChange[];
  now: Date;
  days?: number;
  /** When the component began to exist; days before it have no data. */
  since?: Date | null;
}): Omit<UptimeDay, "incidents">[] {
  const days = input.days ?? UPTIME_DAYS;
  const now = input.now.getTime();
  const start = uptimeWindowStart(input.now, days);
  const since = input.since ? Math.max(start, input.since.getTime()) : start;
  // Status segments [from, to) covering the window.
  const segments: Array<{ from: number; to: number; status: ComponentStatus }> = [];
  let cursor = start;
  let status = input.statusAtStart;
  for (const ch of input.changes) {
    const at = Math.min(Math.max(Date.parse(ch.at), start), now);
    if (at > cursor) segments.push({ from: cursor, to: at, status });
    cursor = Math.max(cursor, at);
    status = ch.to;
  }
  if (now > cursor) segments.push({ from: cursor, to: now, status });

  const out: Omit<UptimeDay, "incidents">[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY_MS;
    const from = Math.max(dayStart, since);
    const to = Math.min(dayStart + DAY_MS, now);
    const secs: Record<ComponentStatus, number> = {
      operational: 0,
      under_maintenance: 0,
      degraded_performance: 0,
      partial_outage: 0,
      major_outage: 0,
    };
    for (const seg of segments) {
      const overlap = Math.min(seg.to, to) - Math.max(seg.from, from);
      if (overlap > 0) secs[seg.status] = (secs[seg.status] ?? 0) + overlap / 1000;
    }
    const observed = Math.max(0, (to - from) / 1000);
    const down = weightedDowntime(secs.major_outage, secs.partial_outage);
    out.push({
      date: new Date(dayStart).toISOString().slice(0, 10),
      uptime: observed > 0 ? floor2(100 * (1 - down / observed)) : null,
      major_outage_seconds: Math.round(secs.major_outage),
      partial_outage_seconds: Math.round(secs.partial_outage),
      degraded_performance_seconds: Math.round(secs.degraded_performance),
    });
  }
  return out;
}

/** Weighted uptime over several days, from their seconds (null when no day has data). */
export function windowUptime(
  days: Array<Pick<UptimeDay, "date" | "uptime" | "major_outage_seconds" | "partial_outage_seconds">>,
  now: Date,
  since?: Date | null,
): number | null {
  let observed = 0;
  let down = 0;
  const nowMs = now.getTime();
  for (const d of days) {
    if (d.uptime === null) continue;
    const dayStart = Date.parse(`${d.date}T00:00:00.000Z`);
    const from = Math.max(dayStart, since?.getTime() ?? dayStart);
    observed += Math.max(0, (Math.min(dayStart + DAY_MS, nowMs) - from) / 1000);
    down += weightedDowntime(d.major_outage_seconds, d.partial_outage_seconds);
  }
  return observed > 0 ? floor2(100 * (1 - down / observed)) : null;
}

/**
 * Daily uptime of every component over the last `days` days, with each day's incidents. Two indexed
 * reads: per component, the last change before the window and the changes inside it (both on
 * status_changes_component_at_idx), and the incidents open during the window.
 */
export async function getUptime(db: D1Database, opts: { now?: Date; days?: number } = {}): Promise<Record<string, ComponentUptime>> {
  const now = opts.now ?? new Date();
  const days = opts.days ?? UPTIME_DAYS;
  const startIso = new Date(uptimeWindowStart(now, days)).toISOString();
  const nowIso = now.toISOString();
  const [comps, incs, keys] = await db.batch<Row>([
    db
      .prepare(
        `SELECT c.id, c.status, c.start_date, c.created_at,
           (SELECT to_status FROM component_status_changes WHERE component_id = c.id AND at < ?1 ORDER BY at DESC, id DESC LIMIT 1) AS before_status,
           (SELECT json_group_array(json_array(at, from_status, to_status)) FROM
              (SELECT at, from_status, to_status FROM component_status_changes
               WHERE component_id = c.id AND at >= ?1 AND at <= ?2 ORDER BY at, id)) AS changes
         FROM components c`,
      )
      .bind(startIso, nowIso),
    db
      .prepare(
        `SELECT ic.component_id, i.id, i.name, i.impact, i.started_at, coalesce(i.resolved_at, ?2) AS ended_at
         FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id
         WHERE i.kind = 'incident' AND ${PUBLISHED} AND i.started_at <= ?2 AND (i.resolved_at IS NULL OR i.resolved_at >= ?1)
         ORDER BY i.started_at`,
      )
      .bind(startIso, nowIso),
    db.prepare("SELECT key_prefix, key_hash FROM integrations"),
  ]);
  const masker = await new KeyMasker(keys!.results as unknown as KeyRecord[]).prepare(incs!.results.map((r) => String(r.name)));
  const out: Record<string, ComponentUptime> = {};
  for (const r of comps!.results) {
    const raw = JSON.parse(String(r.changes)) as [string, ComponentStatus, ComponentStatus][];
    const changes = raw.map(([at, , to]): StatusChange => ({ at, to }));
    // Before the window: the last change's new status; else the first change's old one; else now's.
    const statusAtStart = (s(r.before_status) ?? raw[0]?.[1] ?? String(r.status)) as ComponentStatus;
    const sinceRaw = s(r.start_date) || s(r.created_at);
    const sinceMs = sinceRaw ? Date.parse(sinceRaw) : NaN;
    const since = Number.isNaN(sinceMs) ? null : new Date(sinceMs);
    const daysOut = dailyUptime({ statusAtStart, changes, now, days, since }).map((d) => ({ ...d, incidents: [] as UptimeIncident[] }));
    out[String(r.id)] = { component_id: String(r.id), uptime: windowUptime(daysOut, now, since), days: daysOut };
  }
  const start = uptimeWindowStart(now, days);
  for (const r of incs!.results) {
    const u = out[String(r.component_id)];
    if (!u) continue;
    const first = Math.max(0, Math.floor((utcMidnight(Date.parse(String(r.started_at))) - start) / DAY_MS));
    const last = Math.min(days - 1, Math.floor((Date.parse(String(r.ended_at)) - start) / DAY_MS));
    for (let d = first; d <= last; d++) {
      u.days[d]!.incidents.push({ id: String(r.id), name: masker.mask(String(r.name)), impact: r.impact as Impact });
    }
  }
  return out;
}
