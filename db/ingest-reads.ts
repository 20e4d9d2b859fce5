// The ingestion's first D1 round trip: one batched read of the working set (and, for the Ingestor,
// its whole state). Raw SQL on purpose: this is the hot path, and the delivery's scope is one CTE over
// json_each of its dedup keys and slugs, shared by the reads of one batch.
import type { AlertState, ComponentState, IncidentState, LinkRule, Publication, Routing, WorkingSet } from "../domain/incidents";
import { type IntegrationOptions, readOptions } from "../domain/integration-options";
import { PUBLIC_TEXT_MODES, type PublicTextMode } from "../domain/public-text";
import { ALERT_VISIBILITIES, INCIDENT_PUBLICATIONS, PUBLICATION_POLICIES, type PublicationPolicy } from "../domain/status";
import { componentState } from "./components";
import { type Row, str } from "./sql";

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
  publicText: "SELECT public_text, public_template, publication, publish_after_seconds FROM integrations WHERE id = ?1",
  links: `SELECT l.id, l.match_type, l.match_key, l.match_value, l.status,
      (SELECT json_group_array(component_id) FROM link_components WHERE link_id = l.id) AS component_ids
    FROM links l WHERE l.integration_id = ?1`,
  components: `${SCOPE}
    SELECT id, slug, name, auto_status, override_status, in_maintenance, status
    FROM components WHERE id IN (SELECT id FROM candidate)`,
  incidents: `${SCOPE}
    SELECT i.id, i.name, i.status, i.impact, i.started_at, i.monitoring_at, i.resolved_at, i.last_alert_at, i.publication, i.publish_at,
      (SELECT json_group_array(component_id) FROM incident_components WHERE incident_id = i.id) AS component_ids
    FROM incidents i WHERE i.id IN (SELECT id FROM open_incidents)`,
  alerts: `${SCOPE}
    SELECT a.*,
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
  const results = await db.batch<Row>(statements);
  const ws: WorkingSet = { components: new Map(), alerts: new Map(), incidents: new Map() };
  const routings = new Map<string, Routing>();
  requests.forEach((r, i) => {
    const [ic, lk, cs, inc, al, pt] = results.slice(i * 6, i * 6 + 6);
    const text = pt!.results[0];
    routings.set(r.integrationId, {
      integrationId: r.integrationId,
      publicText: {
        mode: (PUBLIC_TEXT_MODES as readonly unknown[]).includes(text?.public_text) ? (text!.public_text as PublicTextMode) : "summary",
        template: str(text?.public_template),
      },
      publication: publicationOf(text),
      componentIds: ic!.results.map((row) => String(row.component_id)),
      links: lk!.results.map(linkRule),
    });
    for (const row of cs!.results) if (!ws.components.has(String(row.id))) ws.components.set(String(row.id), componentState(row));
    for (const row of inc!.results) if (!ws.incidents.has(String(row.id))) ws.incidents.set(String(row.id), incidentState(row));
    for (const row of al!.results) if (!ws.alerts.has(String(row.id))) ws.alerts.set(String(row.id), alertState(row));
  });
  return { ws, routings };
}

function linkRule(r: Row): LinkRule {
  return {
    id: String(r.id),
    matchType: r.match_type as LinkRule["matchType"],
    matchKey: String(r.match_key),
    matchValue: str(r.match_value),
    status: str(r.status) as LinkRule["status"],
    componentIds: JSON.parse(String(r.component_ids)),
  };
}

/** An integration's publication policy; an unknown value is read as the default, publish at once. */
function publicationOf(r: Row | undefined): Publication {
  const policy = (PUBLICATION_POLICIES as readonly unknown[]).includes(r?.publication) ? (r!.publication as PublicationPolicy) : "publish";
  const seconds = Number(r?.publish_after_seconds ?? 0);
  return { policy, publishAfterSeconds: policy === "publish" && seconds > 0 ? seconds : null };
}

function incidentState(r: Row): IncidentState {
  const publication = (INCIDENT_PUBLICATIONS as readonly unknown[]).includes(r.publication) ? (r.publication as IncidentState["publication"]) : "published";
  return {
    id: String(r.id),
    name: String(r.name),
    status: r.status as IncidentState["status"],
    impact: r.impact as IncidentState["impact"],
    componentIds: JSON.parse(String(r.component_ids)),
    startedAt: String(r.started_at),
    monitoringAt: str(r.monitoring_at),
    resolvedAt: str(r.resolved_at),
    lastAlertAt: str(r.last_alert_at),
    // Absent for published incidents, as the state machine makes them.
    ...(publication === "published" ? {} : { publication, publishAt: str(r.publish_at) }),
  };
}

function alertState(r: Row): AlertState {
  return {
    id: String(r.id),
    integrationId: String(r.integration_id),
    dedupKey: String(r.dedup_key),
    status: r.status as AlertState["status"],
    severity: r.severity as AlertState["severity"],
    summary: String(r.summary),
    details: str(r.details),
    monitorId: str(r.monitor_id),
    monitorName: str(r.monitor_name),
    tags: JSON.parse(String(r.tags)),
    link: str(r.link),
    incidentId: str(r.incident_id),
    firstTriggeredAt: str(r.first_triggered_at),
    lastEventAt: String(r.last_event_at),
    lastAction: r.last_action as AlertState["lastAction"],
    acknowledgedAt: str(r.acknowledged_at),
    resolvedAt: str(r.resolved_at),
    routes: JSON.parse(String(r.routes)),
    expiresAt: str(r.expires_at),
    ...(r.visibility !== "public" && (ALERT_VISIBILITIES as readonly unknown[]).includes(r.visibility)
      ? { visibility: r.visibility as AlertState["visibility"] }
      : {}),
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
const ALERT_WITH_ROUTES = `SELECT a.*,
  (SELECT json_group_array(json_object('componentId', component_id, 'status', status))
     FROM alert_components WHERE alert_id = a.id) AS routes
  FROM alerts a`;

export async function loadIngestState(db: D1Database, recentSince: string): Promise<IngestState> {
  const [ints, ic, lk, cs, inc, al, cold, progress] = await db.batch<Row>([
    db.prepare(
      "SELECT id, name, source, key_hash, disabled, signing_secret, options, public_text, public_template, publication, publish_after_seconds FROM integrations",
    ),
    db.prepare("SELECT integration_id, component_id FROM integration_components"),
    db.prepare(`SELECT l.id, l.integration_id, l.match_type, l.match_key, l.match_value, l.status,
        (SELECT json_group_array(component_id) FROM link_components WHERE link_id = l.id) AS component_ids
      FROM links l ORDER BY l.created_at, l.id`),
    db.prepare("SELECT id, slug, name, auto_status, override_status, in_maintenance, status FROM components"),
    db.prepare(`SELECT i.id, i.name, i.status, i.impact, i.started_at, i.monitoring_at, i.resolved_at, i.last_alert_at, i.publication, i.publish_at,
        (SELECT json_group_array(component_id) FROM incident_components WHERE incident_id = i.id) AS component_ids
      FROM incidents i WHERE i.kind = 'incident' AND i.automatic = 1 AND i.resolved_at IS NULL`),
    db.prepare(`${ALERT_WITH_ROUTES} WHERE ${HOT_ALERT}`).bind(recentSince),
    db.prepare(`SELECT a.integration_id, a.dedup_key FROM alerts a WHERE NOT ${HOT_ALERT}`).bind(recentSince),
    db.prepare("SELECT applied_seq FROM ingest_progress WHERE id = 1"),
  ]);
  const integrations = ints!.results.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    source: String(r.source),
    keyHash: String(r.key_hash),
    disabled: !!r.disabled,
    signingSecret: str(r.signing_secret),
    options: readOptions(r.options as string),
  }));
  const routings = new Map<string, Routing>(
    ints!.results.map((r) => [
      String(r.id),
      {
        integrationId: String(r.id),
        publicText: {
          mode: (PUBLIC_TEXT_MODES as readonly unknown[]).includes(r.public_text) ? (r.public_text as PublicTextMode) : "summary",
          template: str(r.public_template),
        },
        publication: publicationOf(r),
        componentIds: [],
        links: [],
      },
    ]),
  );
  for (const r of ic!.results) routings.get(String(r.integration_id))?.componentIds.push(String(r.component_id));
  for (const r of lk!.results) routings.get(String(r.integration_id))?.links.push(linkRule(r));
  return {
    integrations,
    routings,
    components: cs!.results.map(componentState),
    incidents: inc!.results.map(incidentState),
    alerts: al!.results.map(alertState),
    coldKeys: cold!.results.map((r) => [String(r.integration_id), String(r.dedup_key)]),
    appliedSeq: Number(progress!.results[0]?.applied_seq ?? 0),
  };
}

/** Alerts outside the memory's hot set, by key: the one D1 read a (rare) reappearing old alert costs. */
export async function loadAlertsByKey(db: D1Database, integrationId: string, dedupKeys: string[]): Promise<AlertState[]> {
  const { results } = await db
    .prepare(`${ALERT_WITH_ROUTES} WHERE a.integration_id = ?1 AND a.dedup_key IN (SELECT value FROM json_each(?2))`)
    .bind(integrationId, JSON.stringify(dedupKeys))
    .all<Row>();
  return results.map(alertState);
}

/** The position of the last delivery D1 holds (0 before the first). */
export const appliedSeq = async (db: D1Database): Promise<number> =>
  Number((await db.prepare("SELECT applied_seq FROM ingest_progress WHERE id = 1").first<{ applied_seq: number }>())?.applied_seq ?? 0);
