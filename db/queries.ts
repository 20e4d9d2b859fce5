// The read model, shared by the worker's public API and the site build. Shapes follow Atlassian
// Statuspage's public v2 API so existing widgets and clients work unchanged.
import {
  type ComponentStatus,
  type Impact,
  type Indicator,
  pageStatus,
  worstStatus,
} from "../worker/domain/status";
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

export async function getPage(db: D1Database, baseUrl: string): Promise<PageJson> {
  const row = await db
    .prepare(
      `SELECT p.page_id, p.name, p.url, p.time_zone,
         max(p.updated_at, coalesce((SELECT max(updated_at) FROM components), ''), coalesce((SELECT max(updated_at) FROM incidents), '')) AS updated_at
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

/** Components and groups in display order: each group followed by its members, as Statuspage lists them. */
export async function getComponents(db: D1Database, pageId: string): Promise<ComponentJson[]> {
  const [groups, comps] = await db.batch<Row>([
    db.prepare("SELECT * FROM component_groups ORDER BY position, name"),
    db.prepare("SELECT * FROM components ORDER BY position, name"),
  ]);
  const toJson = (r: Row): ComponentJson => ({
    id: String(r.id),
    name: String(r.name),
    status: r.status as ComponentStatus,
    created_at: String(r.created_at),
    updated_at: String(r.updated_at),
    position: Number(r.position),
    description: s(r.description),
    showcase: !!r.showcase,
    start_date: s(r.start_date),
    group_id: s(r.group_id),
    page_id: pageId,
    group: false,
    only_show_if_degraded: !!r.only_show_if_degraded,
  });
  const members = comps!.results.map(toJson);
  const top: Array<{ position: number; items: ComponentJson[] }> = [];
  for (const g of groups!.results) {
    const inGroup = members.filter((m) => m.group_id === g.id);
    top.push({
      position: Number(g.position),
      items: [
        {
          id: String(g.id),
          name: String(g.name),
          status: worstStatus(inGroup.map((m) => m.status)),
          created_at: String(g.created_at),
          updated_at: [String(g.updated_at), ...inGroup.map((m) => m.updated_at)].sort().at(-1)!,
          position: Number(g.position),
          description: s(g.description),
          showcase: false,
          start_date: null,
          group_id: null,
          page_id: pageId,
          group: true,
          only_show_if_degraded: false,
          components: inGroup.map((m) => m.id),
        },
        ...inGroup,
      ],
    });
  }
  for (const m of members) if (!m.group_id) top.push({ position: m.position, items: [m] });
  return top.sort((a, b) => a.position - b.position).flatMap((t) => t.items);
}

/** Incidents (or maintenances) matching `where`, newest first, each with its updates and components. */
export async function getIncidents(
  db: D1Database,
  pageId: string,
  baseUrl: string,
  where: string,
  params: unknown[] = [],
  limit = 50,
): Promise<IncidentJson[]> {
  const { results } = await db
    .prepare(
      `SELECT i.*,
         (SELECT json_group_array(json_object('id', u.id, 'status', u.status, 'body', u.body, 'created_at', u.created_at,
             'display_at', u.display_at, 'affected_components', json(u.affected_components)))
          FROM (SELECT * FROM incident_updates WHERE incident_id = i.id ORDER BY created_at DESC, rowid DESC) u) AS updates,
         (SELECT json_group_array(json_object('id', c.id, 'name', c.name, 'status', c.status, 'created_at', c.created_at,
             'updated_at', c.updated_at, 'position', c.position, 'description', c.description, 'showcase', c.showcase,
             'start_date', c.start_date, 'group_id', c.group_id, 'only_show_if_degraded', c.only_show_if_degraded))
          FROM incident_components ic JOIN components c ON c.id = ic.component_id WHERE ic.incident_id = i.id) AS comps
       FROM incidents i WHERE ${where}
       ORDER BY coalesce(i.scheduled_for, i.started_at) DESC, i.created_at DESC LIMIT ${limit}`,
    )
    .bind(...params)
    .all<Row>();
  return results.map((r) => incidentJson(r, pageId, baseUrl));
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
    components: comps.map((c) => ({
      id: String(c.id),
      name: String(c.name),
      status: c.status as ComponentStatus,
      created_at: String(c.created_at),
      updated_at: String(c.updated_at),
      position: Number(c.position),
      description: s(c.description),
      showcase: !!c.showcase,
      start_date: s(c.start_date),
      group_id: s(c.group_id),
      page_id: pageId,
      group: false,
      only_show_if_degraded: !!c.only_show_if_degraded,
    })),
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
    getIncidents(db, page.id, baseUrl, OPEN_MAINTENANCES),
  ]);
  const status = pageStatus(
    components.filter((c) => !c.group).map((c) => c.status),
    incidents.filter((i) => i.status !== "monitoring").map((i) => i.impact),
    scheduled_maintenances.some((m) => m.status === "in_progress"),
  );
  return { page, components, incidents, scheduled_maintenances, status };
}
