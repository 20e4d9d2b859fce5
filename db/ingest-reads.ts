// The ingestion's first D1 round trip: one batched read of the working set (and, for the Ingestor,
// its whole state). Raw SQL on purpose: this is the hot path, and the delivery's scope is one CTE over
// json_each of its dedup keys and slugs, shared by the reads of one batch.
import type { IncidentWording } from "../domain/incident-templates";
import type { AlertState, ComponentState, IncidentState, LinkRule, PagePolicy, Publication, Routing, WorkingSet } from "../domain/incidents";
import { type IntegrationOptions, readOptions } from "../domain/integration-options";
import { PUBLIC_TEXT_MODES, type PublicTextMode } from "../domain/public-text";
import { ALERT_VISIBILITIES, INCIDENT_PUBLICATIONS, PUBLICATION_POLICIES, type PublicationPolicy } from "../domain/status";
import { columnsOf, type SqlRow } from "./columns";
import { COMPONENT_STATE_COLUMNS, type ComponentStateRow, componentState } from "./components";
import { rowsOf } from "./reads";
import { alerts, incidents, integrations, links } from "./schema";

// The fields each read takes, named once: the SQL's column lists and the rows' types both come from them.
const ROUTING_FIELDS = ["publicText", "publicTemplate", "publication", "publishAfterSeconds"] as const;
/** With its incident template's words, a JSON object (null: none). */
type RoutingRow = SqlRow<typeof integrations, (typeof ROUTING_FIELDS)[number]> & { template: string | null };
/** The incident template an integration or a link names, as `{title, body}` JSON. */
const templateOf = (column: string) => `(SELECT json_object('title', t.title, 'body', t.body) FROM incident_templates t WHERE t.id = ${column}) AS template`;
const INTEGRATION_FIELDS = ["id", "name", "source", "keyHash", "disabled", "signingSecret", "options", ...ROUTING_FIELDS] as const;
type IntegrationStateRow = SqlRow<typeof integrations, (typeof INTEGRATION_FIELDS)[number]> & { template: string | null };
const LINK_FIELDS = ["id", "integrationId", "matchType", "matchKey", "matchValue", "status"] as const;
/** With its components, a JSON array, and its incident template's words. */
type LinkRow = SqlRow<typeof links, (typeof LINK_FIELDS)[number]> & { componentIds: string; template: string | null };
const INCIDENT_FIELDS = [
  "id",
  "page",
  "name",
  "status",
  "impact",
  "startedAt",
  "monitoringAt",
  "resolvedAt",
  "lastAlertAt",
  "publication",
  "publishAt",
] as const;
/** With its components, a JSON array. */
type IncidentStateRow = SqlRow<typeof incidents, (typeof INCIDENT_FIELDS)[number]> & { componentIds: string };
/** With its routes, a JSON array of {componentId, status}. */
type AlertRow = SqlRow<typeof alerts> & { routes: string };

export interface IntegrationRecord {
  id: string;
  name: string;
  source: string;
  keyHash: string;
  disabled: boolean;
  signingSecret: string | null;
  options: IntegrationOptions;
}

// ?1 integration id, ?2 JSON array of the delivery's dedup keys, ?3 JSON array of `service:` slugs.
const SCOPE = `
WITH delivery_alerts AS (
  SELECT id FROM alerts WHERE integration_id = ?1 AND dedup_key IN (SELECT value FROM json_each(?2))
),
candidate AS (
  SELECT component_id AS id FROM integration_components WHERE integration_id = ?1
  UNION SELECT lc.component_id FROM link_components lc JOIN links l ON l.id = lc.link_id WHERE l.integration_id = ?1
  UNION SELECT id FROM components WHERE slug IN (SELECT value FROM json_each(?3))
  UNION SELECT c.id FROM components c LEFT JOIN page_settings p ON p.id = c.page
    WHERE coalesce(p.slug, 'main') || '/' || c.slug IN (SELECT value FROM json_each(?3))
  UNION SELECT component_id FROM alert_components WHERE alert_id IN (SELECT id FROM delivery_alerts)
),
open_incidents AS (
  SELECT id FROM incidents
  WHERE kind = 'incident' AND automatic = 1 AND resolved_at IS NULL
    AND (id IN (SELECT incident_id FROM incident_components WHERE component_id IN (SELECT id FROM candidate))
      OR id IN (SELECT incident_id FROM alerts WHERE id IN (SELECT id FROM delivery_alerts)))
)`;

/** Exported for the benchmarks, which show their query plans. */
export const READS = {
  integrationComponents: "SELECT component_id FROM integration_components WHERE integration_id = ?1",
  publicText: `SELECT ${columnsOf(integrations, "i", ROUTING_FIELDS)}, ${templateOf("i.incident_template_id")} FROM integrations i WHERE i.id = ?1`,
  links: `SELECT ${columnsOf(links, "l", LINK_FIELDS)},
      (SELECT json_group_array(component_id) FROM link_components WHERE link_id = l.id) AS componentIds, ${templateOf("l.incident_template_id")}
    FROM links l WHERE l.integration_id = ?1`,
  components: `${SCOPE}
    SELECT ${COMPONENT_STATE_COLUMNS}
    FROM components c WHERE c.id IN (SELECT id FROM candidate)`,
  incidents: `${SCOPE}
    SELECT ${columnsOf(incidents, "i", INCIDENT_FIELDS)},
      (SELECT json_group_array(component_id) FROM incident_components WHERE incident_id = i.id) AS componentIds
    FROM incidents i WHERE i.id IN (SELECT id FROM open_incidents)`,
  alerts: `${SCOPE}
    SELECT ${columnsOf(alerts, "a")},
      (SELECT json_group_array(json_object('componentId', component_id, 'status', status))
         FROM alert_components WHERE alert_id = a.id) AS routes
    FROM alerts a
    WHERE a.id IN (SELECT id FROM delivery_alerts)
      OR (a.status != 'resolved' AND a.id IN (SELECT alert_id FROM alert_components WHERE component_id IN (SELECT id FROM candidate)))
      OR a.incident_id IN (SELECT id FROM open_incidents)`,
};

/** One round trip: everything the state machine needs for this delivery. */
export async function loadWorkingSet(
  db: D1Database,
  integrationId: string,
  dedupKeys: string[],
  serviceSlugs: string[],
): Promise<{ ws: WorkingSet; routing: Routing }> {
  const { ws, routings } = await loadWorkingSets(db, [{ integrationId, dedupKeys, serviceSlugs }]);
  return { ws, routing: routings.get(integrationId)! };
}

export interface WorkingSetRequest {
  integrationId: string;
  dedupKeys: string[];
  serviceSlugs: string[];
}

/**
 * Still one round trip for a group of deliveries from several integrations: one batch of reads,
 * merged by id into one working set (the batch reads one consistent snapshot).
 */
export async function loadWorkingSets(db: D1Database, requests: WorkingSetRequest[]): Promise<{ ws: WorkingSet; routings: Map<string, Routing> }> {
  const statements = requests.flatMap((r) => {
    const params = [r.integrationId, JSON.stringify(r.dedupKeys), JSON.stringify(r.serviceSlugs)];
    const bind = (sql: string) => db.prepare(sql).bind(...(sql.includes("?3") ? params : [r.integrationId]));
    return [READS.integrationComponents, READS.links, READS.components, READS.incidents, READS.alerts, READS.publicText].map(bind);
  });
  const results = await db.batch([...statements, db.prepare(PAGE_POLICIES)]);
  const policies = pagePolicies(rowsOf<PagePolicyRow>(results.at(-1)));
  const ws: WorkingSet = { components: new Map(), alerts: new Map(), incidents: new Map() };
  const routings = new Map<string, Routing>();
  requests.forEach((r, i) => {
    const [ic, lk, cs, inc, al, pt] = results.slice(i * 6, i * 6 + 6);
    routings.set(r.integrationId, {
      ...routingOf(r.integrationId, rowsOf<RoutingRow>(pt)[0]),
      ...(policies.size ? { pagePolicies: policies } : {}),
      componentIds: rowsOf<{ component_id: string }>(ic).map((row) => row.component_id),
      links: rowsOf<LinkRow>(lk).map(linkRule),
    });
    for (const row of rowsOf<ComponentStateRow>(cs)) if (!ws.components.has(row.id)) ws.components.set(row.id, componentState(row));
    for (const row of rowsOf<IncidentStateRow>(inc)) if (!ws.incidents.has(row.id)) ws.incidents.set(row.id, incidentState(row));
    for (const row of rowsOf<AlertRow>(al)) if (!ws.alerts.has(row.id)) ws.alerts.set(row.id, alertState(row));
  });
  return { ws, routings };
}

function linkRule(r: LinkRow): LinkRule {
  return {
    id: r.id,
    matchType: r.matchType,
    matchKey: r.matchKey,
    matchValue: r.matchValue,
    status: r.status,
    componentIds: JSON.parse(r.componentIds),
    ...(r.template ? { template: wordingOf(r.template) } : {}),
  };
}

function wordingOf(json: string | null): IncidentWording | null {
  if (!json) return null;
  const w = JSON.parse(json) as IncidentWording;
  return typeof w.title === "string" && typeof w.body === "string" ? { title: w.title, body: w.body } : null;
}

/** An integration's routing but its components and links: how its alerts read in public, and its publication policy. */
function routingOf(integrationId: string, r: RoutingRow | undefined): Routing {
  return {
    integrationId,
    publicText: {
      mode: (PUBLIC_TEXT_MODES as readonly unknown[]).includes(r?.publicText) ? (r!.publicText as PublicTextMode) : "summary",
      template: r?.publicTemplate ?? null,
    },
    publication: publicationOf(r),
    template: wordingOf(r?.template ?? null),
    componentIds: [],
    links: [],
  };
}

/** The pages that set their own wording or publication policy (the rest take each integration's). */
const PAGE_POLICIES =
  "SELECT id, public_text AS publicText, public_template AS publicTemplate, publication, publish_after_seconds AS publishAfterSeconds FROM page_settings WHERE public_text IS NOT NULL OR publication IS NOT NULL";
type PagePolicyRow = { id: number; publicText: string | null; publicTemplate: string | null; publication: string | null; publishAfterSeconds: number | null };

function pagePolicies(rows: PagePolicyRow[]): Map<number, PagePolicy> {
  const out = new Map<number, PagePolicy>();
  for (const r of rows) {
    const policy: PagePolicy = {};
    if ((PUBLIC_TEXT_MODES as readonly unknown[]).includes(r.publicText))
      policy.publicText = { mode: r.publicText as PublicTextMode, template: r.publicTemplate };
    if ((PUBLICATION_POLICIES as readonly unknown[]).includes(r.publication)) policy.publication = publicationOf(r as unknown as RoutingRow);
    if (policy.publicText || policy.publication) out.set(r.id, policy);
  }
  return out;
}

/** An integration's publication policy; an unknown value is read as the default, publish at once. */
function publicationOf(r: RoutingRow | undefined): Publication {
  const policy = (PUBLICATION_POLICIES as readonly unknown[]).includes(r?.publication) ? (r!.publication as PublicationPolicy) : "publish";
  const seconds = Number(r?.publishAfterSeconds ?? 0);
  return { policy, publishAfterSeconds: policy === "publish" && seconds > 0 ? seconds : null };
}

function incidentState(r: IncidentStateRow): IncidentState {
  const publication = (INCIDENT_PUBLICATIONS as readonly unknown[]).includes(r.publication) ? r.publication : "published";
  return {
    id: r.id,
    ...(r.page !== 1 ? { page: r.page } : {}),
    name: r.name,
    status: r.status as IncidentState["status"],
    impact: r.impact as IncidentState["impact"],
    componentIds: JSON.parse(r.componentIds),
    startedAt: r.startedAt,
    monitoringAt: r.monitoringAt,
    resolvedAt: r.resolvedAt,
    lastAlertAt: r.lastAlertAt,
    // Absent for published incidents, as the state machine makes them.
    ...(publication === "published" ? {} : { publication, publishAt: r.publishAt }),
  };
}

function alertState(r: AlertRow): AlertState {
  return {
    id: r.id,
    integrationId: r.integrationId,
    dedupKey: r.dedupKey,
    ...(r.page !== 1 ? { page: r.page } : {}),
    status: r.status,
    severity: r.severity,
    summary: r.summary,
    details: r.details,
    monitorId: r.monitorId,
    monitorName: r.monitorName,
    tags: JSON.parse(r.tags),
    link: r.link,
    incidentId: r.incidentId,
    firstTriggeredAt: r.firstTriggeredAt,
    lastEventAt: r.lastEventAt,
    lastAction: r.lastAction as AlertState["lastAction"],
    acknowledgedAt: r.acknowledgedAt,
    resolvedAt: r.resolvedAt,
    routes: JSON.parse(r.routes),
    expiresAt: r.expiresAt,
    ...(r.visibility !== "public" && (ALERT_VISIBILITIES as readonly unknown[]).includes(r.visibility) ? { visibility: r.visibility } : {}),
  };
}

export interface IngestState {
  integrations: IntegrationRecord[];
  routings: Map<string, Routing>;
  components: ComponentState[];
  /** Open automatic incidents. */
  incidents: IncidentState[];
  /** Unresolved alerts, alerts of open incidents, and those changed since `recentSince`. */
  alerts: AlertState[];
  /** (integration id, dedup key) of every other alert: known to exist, read from D1 when they reappear. */
  coldKeys: Array<[string, string]>;
  /** The last inbox sequence number D1 holds. */
  appliedSeq: number;
}

const HOT_ALERT = `(a.status != 'resolved' OR a.updated_at >= ?1 OR a.incident_id IN (
  SELECT id FROM incidents WHERE kind = 'incident' AND automatic = 1 AND resolved_at IS NULL))`;
const ALERT_WITH_ROUTES = `SELECT ${columnsOf(alerts, "a")},
  (SELECT json_group_array(json_object('componentId', component_id, 'status', status))
     FROM alert_components WHERE alert_id = a.id) AS routes
  FROM alerts a`;

export async function loadIngestState(db: D1Database, recentSince: string): Promise<IngestState> {
  const [ints, ic, lk, cs, inc, al, cold, progress, pp] = await db.batch([
    db.prepare(`SELECT ${columnsOf(integrations, "i", INTEGRATION_FIELDS)}, ${templateOf("i.incident_template_id")} FROM integrations i`),
    db.prepare("SELECT integration_id, component_id FROM integration_components"),
    db.prepare(`SELECT ${columnsOf(links, "l", LINK_FIELDS)},
        (SELECT json_group_array(component_id) FROM link_components WHERE link_id = l.id) AS componentIds, ${templateOf("l.incident_template_id")}
      FROM links l ORDER BY l.created_at, l.id`),
    db.prepare(`SELECT ${COMPONENT_STATE_COLUMNS} FROM components c`),
    db.prepare(`SELECT ${columnsOf(incidents, "i", INCIDENT_FIELDS)},
        (SELECT json_group_array(component_id) FROM incident_components WHERE incident_id = i.id) AS componentIds
      FROM incidents i WHERE i.kind = 'incident' AND i.automatic = 1 AND i.resolved_at IS NULL`),
    db.prepare(`${ALERT_WITH_ROUTES} WHERE ${HOT_ALERT}`).bind(recentSince),
    db.prepare(`SELECT a.integration_id, a.dedup_key FROM alerts a WHERE NOT ${HOT_ALERT}`).bind(recentSince),
    db.prepare("SELECT applied_seq FROM ingest_progress WHERE id = 1"),
    db.prepare(PAGE_POLICIES),
  ]);
  const rows = rowsOf<IntegrationStateRow>(ints);
  const policies = pagePolicies(rowsOf<PagePolicyRow>(pp));
  const integrationRecords = rows.map((r) => ({
    id: r.id,
    name: r.name,
    source: r.source,
    keyHash: r.keyHash,
    disabled: !!r.disabled,
    signingSecret: r.signingSecret,
    options: readOptions(r.options),
  }));
  const routings = new Map<string, Routing>(rows.map((r) => [r.id, { ...routingOf(r.id, r), ...(policies.size ? { pagePolicies: policies } : {}) }]));
  for (const r of rowsOf<{ integration_id: string; component_id: string }>(ic)) routings.get(r.integration_id)?.componentIds.push(r.component_id);
  for (const r of rowsOf<LinkRow>(lk)) routings.get(r.integrationId)?.links.push(linkRule(r));
  return {
    integrations: integrationRecords,
    routings,
    components: rowsOf<ComponentStateRow>(cs).map(componentState),
    incidents: rowsOf<IncidentStateRow>(inc).map(incidentState),
    alerts: rowsOf<AlertRow>(al).map(alertState),
    coldKeys: rowsOf<{ integration_id: string; dedup_key: string }>(cold).map((r) => [r.integration_id, r.dedup_key]),
    appliedSeq: Number(rowsOf<{ applied_seq: number }>(progress)[0]?.applied_seq ?? 0),
  };
}

/** Alerts outside the memory's hot set, by key: the one D1 read a (rare) reappearing old alert costs. */
export async function loadAlertsByKey(db: D1Database, integrationId: string, dedupKeys: string[]): Promise<AlertState[]> {
  const { results } = await db
    .prepare(`${ALERT_WITH_ROUTES} WHERE a.integration_id = ?1 AND a.dedup_key IN (SELECT value FROM json_each(?2))`)
    .bind(integrationId, JSON.stringify(dedupKeys))
    .all<AlertRow>();
  return results.map(alertState);
}

/** The position of the last delivery D1 holds (0 before the first). */
export const appliedSeq = async (db: D1Database): Promise<number> =>
  Number((await db.prepare("SELECT applied_seq FROM ingest_progress WHERE id = 1").first<{ applied_seq: number }>())?.applied_seq ?? 0);
