// The ingestion's second D1 round trip: one batched write of the decision, with the deliveries it
// decided. Raw SQL on purpose: this is the hot path, and bulk writes go through json_each so a
// 300-alert delivery is still a handful of statements.
import type { Decision, WorkingSet } from "../domain/incidents";
import type { DELIVERY_OUTCOMES } from "../domain/status";
import { insertStatusChanges } from "./components";
import { insertIncidentUpdates } from "./incidents";
import { prepare, type SqlStatement, sqlOf } from "./sql";

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
 * The statements of a group of deliveries as few statements as give the same end state:
 * - the alert and incident upserts become one upsert per table, each row once in its last state
 *   (with the columns an upsert keeps, such as `created_at`, from its first). They go first: the
 *   statements between them only reference those rows (alert_components, incident_components,
 *   incident_updates) and none reads their columns. A statement that does read or change them
 *   otherwise (a publication's name and first update) ends a run: what was merged before it is
 *   written before it.
 * - the delivery-log inserts become one, and the integrations' last-delivery updates one per
 *   integration, both at the end: nothing else reads or references those rows.
 * The rest keeps its order.
 */
export function coalesceGroup(statements: SqlStatement[]): SqlStatement[] {
  const out: SqlStatement[] = [];
  const logged: unknown[][] = [];
  const lastDelivery = new Map<unknown, unknown>();
  let run: SqlStatement[] = [];
  const alerts = new Rows(ALERT_KEEP);
  const incidents = new Rows(INCIDENT_KEEP);
  const endRun = () => {
    if (incidents.size) out.push(upsertSql(INCIDENT_UPSERT, incidents.take()));
    if (alerts.size) out.push(upsertSql(ALERT_UPSERT, alerts.take()));
    out.push(...run);
    run = [];
  };
  for (const s of statements) {
    if (s.sql === INSERT_DELIVERY) logged.push(s.params);
    else if (s.sql === LAST_DELIVERY) lastDelivery.set(s.params[0], s.params[1]);
    else if (s.sql === ALERT_UPSERT) alerts.add(s.params[0]);
    else if (s.sql === INCIDENT_UPSERT) incidents.add(s.params[0]);
    else if (TOUCHES_ROWS.test(s.sql)) {
      endRun();
      out.push(s);
    } else run.push(s);
  }
  endRun();
  if (logged.length === 1) out.push({ sql: INSERT_DELIVERY, params: logged[0]! });
  else if (logged.length)
    out.push({
      sql: `INSERT INTO deliveries (${DELIVERY_COLUMNS}) SELECT ${Array.from({ length: 10 }, (_, i) => `json_extract(value, '$[${i}]')`).join(", ")} FROM json_each(?1)`,
      params: [JSON.stringify(logged)],
    });
  for (const [id, at] of lastDelivery) out.push({ sql: LAST_DELIVERY, params: [id, at] });
  return out;
}

/** A statement that reads or writes alerts or incidents other than through the merged upserts. */
const TOUCHES_ROWS = /\b(alerts|incidents)\b/;

/** Upserted rows by id, in first-seen order: the last state, with the kept columns of the first. */
class Rows {
  private rows = new Map<unknown, Record<string, unknown>>();
  /** One statement's rows, unparsed, when nothing was merged into them. */
  private single: unknown = null;

  constructor(private readonly keep: readonly string[]) {}

  get size() {
    return this.single !== null ? 1 : this.rows.size;
  }

  add(json: unknown) {
    if (this.single === null && !this.rows.size) {
      this.single = json;
      return;
    }
    if (this.single !== null) {
      this.merge(this.single);
      this.single = null;
    }
    this.merge(json);
  }

  private merge(json: unknown) {
    for (const row of JSON.parse(String(json)) as Record<string, unknown>[]) {
      const first = this.rows.get(row.id);
      if (first) for (const c of this.keep) row[c] = first[c];
      this.rows.set(row.id, row);
    }
  }

  /** The rows as the upsert's parameter, and empties the set. */
  take(): string {
    const json = this.single !== null ? String(this.single) : JSON.stringify([...this.rows.values()]);
    this.single = null;
    this.rows = new Map();
    return json;
  }
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
  "page",
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
  "page",
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
function bulkUpsertSql(table: string, columns: readonly string[], keep: readonly string[]): string {
  const select = columns.map((c) => `json_extract(value, '$.${c}')`).join(", ");
  const updates = columns.filter((c) => c !== "id" && !keep.includes(c)).map((c) => `${c} = excluded.${c}`);
  return `INSERT INTO ${table} (${columns.join(", ")}) SELECT ${select} FROM json_each(?1) WHERE true
       ON CONFLICT(id) DO UPDATE SET ${updates.join(", ")}`;
}

/** The columns an upsert leaves as the row was first written. */
const ALERT_KEEP = ["created_at"] as const;
const INCIDENT_KEEP = ["created_at", "kind", "automatic", "shortlink", "name"] as const;
const ALERT_UPSERT = bulkUpsertSql("alerts", ALERT_COLUMNS, ALERT_KEEP);
const INCIDENT_UPSERT = bulkUpsertSql("incidents", INCIDENT_COLUMNS, INCIDENT_KEEP);
const upsertSql = (sql: string, rows: string): SqlStatement => ({ sql, params: [rows] });

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
      page: a.page ?? 1,
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
  if (alertRows.length) out.push(upsertSql(ALERT_UPSERT, JSON.stringify(alertRows)));

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
      page: i.page ?? 1,
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
  if (incidentRows.length) out.push(upsertSql(INCIDENT_UPSERT, JSON.stringify(incidentRows)));
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

/**
 * The projection's position, moved from `from` to `to` in the batch that applies the group: when D1
 * holds another position (a stale group), json() of plain text fails and takes the whole batch with it.
 */
export const advanceProgress = (from: number | null, to: number): SqlStatement =>
  sqlOf(
    "UPDATE ingest_progress SET applied_seq = CASE WHEN applied_seq = ?1 THEN ?2 ELSE json('ingest_progress moved: stale projection batch refused') END WHERE id = 1",
    from,
    to,
  );
