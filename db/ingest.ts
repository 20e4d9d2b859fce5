// The ingestion's two D1 round trips: one batched read of the working set, one batched write of
// the decision. Raw SQL on purpose: this is the hot path, and bulk writes go through json_each so
// a 300-alert delivery is still a handful of statements.
import type { AlertState, ComponentState, Decision, IncidentState, LinkRule, Publication, Routing, WorkingSet } from "../domain/incidents";
import { type IntegrationOptions, readOptions } from "../domain/integration-options";
import { PUBLIC_TEXT_MODES, type PublicTextMode } from "../domain/public-text";
import { ALERT_VISIBILITIES, type DELIVERY_OUTCOMES, INCIDENT_PUBLICATIONS, PUBLICATION_POLICIES, type PublicationPolicy } from "../domain/status";
import { componentState, insertStatusChanges } from "./components";
import { insertIncidentUpdates } from "./incidents";
import { prepare, type Row, type SqlStatement, sqlOf, str } from "./sql";

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

type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface DeliveryRecord {
  id: string;
  integrationId: string | null;
  source: string;
  receivedAt: string;
  outcome: DeliveryOutcome;
  httpStatus: number;
  eventCount: number;
  summary: Record<string, number> | null;
  error: string | null;
  payload: string | null;
}

/** A statement as data: what the Ingestor's inbox stores and later hands to D1. */

export function insertDelivery(db: D1Database, d: DeliveryRecord): D1PreparedStatement {
  return prepare(db, insertDeliverySql(d));
}

const DELIVERY_COLUMNS = "id, integration_id, source, received_at, outcome, http_status, event_count, summary, error, payload";
const INSERT_DELIVERY = `INSERT INTO deliveries (${DELIVERY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`;
const LAST_DELIVERY = "UPDATE integrations SET last_delivery_at = ?2 WHERE id = ?1";

/** The integration's last test time, written with the delivery of a sender's test notification. */
export const lastTestSql = (integrationId: string, at: string): SqlStatement => ({
  sql: "UPDATE integrations SET last_test_at = ?2 WHERE id = ?1",
  params: [integrationId, at],
});

/**
 * The statements of a group of deliveries, in order, with the delivery-log inserts merged into one
 * and the integrations' last-delivery updates into one per integration, both at the end: nothing
 * else reads or references those rows, so their place in the batch does not matter.
 */
export function coalesceGroup(statements: SqlStatement[]): SqlStatement[] {
  const out: SqlStatement[] = [];
  const logged: unknown[][] = [];
  const lastDelivery = new Map<unknown, unknown>();
  for (const s of statements) {
    if (s.sql === INSERT_DELIVERY) logged.push(s.params);
    else if (s.sql === LAST_DELIVERY) lastDelivery.set(s.params[0], s.params[1]);
    else out.push(s);
  }
  if (logged.length === 1) out.push({ sql: INSERT_DELIVERY, params: logged[0]! });
  else if (logged.length)
    out.push({
      sql: `INSERT INTO deliveries (${DELIVERY_COLUMNS}) SELECT ${Array.from({ length: 10 }, (_, i) => `json_extract(value, '$[${i}]')`).join(", ")} FROM json_each(?1)`,
      params: [JSON.stringify(logged)],
    });
  for (const [id, at] of lastDelivery) out.push({ sql: LAST_DELIVERY, params: [id, at] });
  return out;
}

function insertDeliverySql(d: DeliveryRecord): SqlStatement {
  return {
    sql: INSERT_DELIVERY,
    params: [
      d.id,
      d.integrationId,
      d.source,
      d.receivedAt,
      d.outcome,
      d.httpStatus,
      d.eventCount,
      d.summary ? JSON.stringify(d.summary) : null,
      d.error,
      d.payload,
    ],
  };
}

const ALERT_COLUMNS = [
  "id",
  "integration_id",
  "dedup_key",
  "status",
  "severity",
  "summary",
  "details",
  "monitor_id",
  "monitor_name",
  "tags",
  "link",
  "incident_id",
  "first_triggered_at",
  "last_event_at",
  "last_action",
  "acknowledged_at",
  "resolved_at",
  "expires_at",
  "visibility",
  "created_at",
  "updated_at",
] as const;
const INCIDENT_COLUMNS = [
  "id",
  "kind",
  "name",
  "status",
  "impact",
  "automatic",
  "shortlink",
  "started_at",
  "monitoring_at",
  "resolved_at",
  "last_alert_at",
  "publication",
  "publish_at",
  "created_at",
  "updated_at",
] as const;

/** `INSERT … SELECT … FROM json_each(?1)` upserting every row of a JSON array in one statement. */
function bulkUpsert(table: string, columns: readonly string[], rows: Record<string, unknown>[], keep: string[] = []): SqlStatement {
  const select = columns.map((c) => `json_extract(value, '$.${c}')`).join(", ");
  const updates = columns.filter((c) => c !== "id" && !keep.includes(c)).map((c) => `${c} = excluded.${c}`);
  return {
    sql: `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${select} FROM json_each(?1) WHERE true
       ON CONFLICT(id) DO UPDATE SET ${updates.join(", ")}`,
    params: [JSON.stringify(rows)],
  };
}

/** The one write of a delivery: every statement in one atomic batch, the delivery log included. */
export function decisionStatements(
  db: D1Database,
  ws: WorkingSet,
  d: Decision,
  now: string,
  delivery: DeliveryRecord | DeliveryRecord[],
): D1PreparedStatement[] {
  return decisionSql(ws, d, now, delivery).map((s) => prepare(db, s));
}

/**
 * The same, as data: the rows are serialised in their state at decision time, so statements of
 * later decisions, applied after these, leave each row in its final state.
 */
export function decisionSql(ws: WorkingSet, d: Decision, now: string, delivery: DeliveryRecord | DeliveryRecord[]): SqlStatement[] {
  const out: SqlStatement[] = [];
  const alertRows = [...d.alerts].map((id) => {
    const a = ws.alerts.get(id)!;
    return {
      id: a.id,
      integration_id: a.integrationId,
      dedup_key: a.dedupKey,
      status: a.status,
      severity: a.severity,
      summary: a.summary,
      details: a.details,
      monitor_id: a.monitorId,
      monitor_name: a.monitorName,
      tags: JSON.stringify(a.tags),
      link: a.link,
      incident_id: a.incidentId,
      first_triggered_at: a.firstTriggeredAt,
      last_event_at: a.lastEventAt,
      last_action: a.lastAction,
      acknowledged_at: a.acknowledgedAt,
      resolved_at: a.resolvedAt,
      expires_at: a.expiresAt ?? null,
      visibility: a.visibility ?? "public",
      created_at: now,
      updated_at: now,
    };
  });
  if (alertRows.length) out.push(bulkUpsert("alerts", ALERT_COLUMNS, alertRows, ["created_at"]));

  const rerouted = [...d.routesChanged];
  if (rerouted.length) {
    out.push(
      { sql: "DELETE FROM alert_components WHERE alert_id IN (SELECT value FROM json_each(?1))", params: [JSON.stringify(rerouted)] },
      sqlOf(
        `INSERT INTO alert_components (alert_id, component_id, status)
           SELECT json_extract(value, '$.a'), json_extract(value, '$.c'), json_extract(value, '$.s') FROM json_each(?1)`,
        JSON.stringify(rerouted.flatMap((id) => ws.alerts.get(id)!.routes.map((r) => ({ a: id, c: r.componentId, s: r.status })))),
      ),
    );
  }

  const incidentRows = [...d.incidents].map((id) => {
    const i = ws.incidents.get(id)!;
    return {
      id: i.id,
      kind: "incident",
      name: i.name,
      status: i.status,
      impact: i.impact,
      automatic: 1,
      shortlink: null,
      started_at: i.startedAt,
      monitoring_at: i.monitoringAt,
      resolved_at: i.resolvedAt,
      last_alert_at: i.lastAlertAt,
      publication: i.publication ?? "published",
      publish_at: i.publishAt ?? null,
      created_at: now,
      updated_at: now,
    };
  });
  // New incidents first: their components and updates reference them.
  if (incidentRows.length) out.push(bulkUpsert("incidents", INCIDENT_COLUMNS, incidentRows, ["created_at", "kind", "automatic", "shortlink", "name"]));
  if (d.incidentComponents.length) {
    out.push(
      sqlOf(
        `INSERT OR IGNORE INTO incident_components (incident_id, component_id)
           SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1)`,
        JSON.stringify(d.incidentComponents),
      ),
    );
  }
  if (d.updates.length) out.push(insertIncidentUpdates(d.updates));
  for (const p of d.published ?? []) out.push(...publishedSql(p, now));
  if (d.components.size) {
    out.push(
      sqlOf(
        `UPDATE components SET
             auto_status = (SELECT json_extract(value, '$.auto') FROM json_each(?1) WHERE json_extract(value, '$.id') = components.id),
             status = (SELECT json_extract(value, '$.status') FROM json_each(?1) WHERE json_extract(value, '$.id') = components.id),
             updated_at = ?2
           WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(?1))`,
        JSON.stringify([...d.components].map((id) => ({ id, auto: ws.components.get(id)!.autoStatus, status: ws.components.get(id)!.status }))),
        now,
      ),
    );
  }
  if (d.statusChanges.length) out.push(insertStatusChanges(d.statusChanges));
  const logged = Array.isArray(delivery) ? delivery : [delivery];
  for (const record of logged) out.push(insertDeliverySql(record));
  const integrationIds = [...new Set(logged.map((r) => r.integrationId).filter((id): id is string => !!id))];
  for (const id of integrationIds) {
    out.push({ sql: LAST_DELIVERY, params: [id, now] });
  }
  return out;
}

/**
 * A draft or pending incident made public: its edited name, and its first update written again under
 * a new id and rowid (edited body, the public changes publishing made), so the notification outbox,
 * already past the draft's rows, tells it once. Its later updates keep their place.
 */
function publishedSql(p: NonNullable<Decision["published"]>[number], now: string): SqlStatement[] {
  const first = "SELECT rowid FROM incident_updates WHERE incident_id = ?1 AND id != ?2 ORDER BY created_at, rowid LIMIT 1";
  return [
    sqlOf("UPDATE incidents SET name = coalesce(?2, name), updated_at = ?3 WHERE id = ?1", p.incidentId, p.name, now),
    sqlOf(
      `INSERT INTO incident_updates (id, incident_id, status, body, affected_components, created_at, display_at)
       SELECT ?2, incident_id, status, coalesce(?3, body), ?4, created_at, display_at FROM incident_updates WHERE rowid = (${first})`,
      p.incidentId,
      p.updateId,
      p.body,
      p.affectedComponents ? JSON.stringify(p.affectedComponents) : null,
    ),
    sqlOf(`DELETE FROM incident_updates WHERE rowid = (${first})`, p.incidentId, p.updateId),
  ];
}

/** Everything the Ingestor keeps in memory, read in one batch (one consistent snapshot). */
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
