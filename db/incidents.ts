// Incidents and maintenances (one table, `kind` tells them apart) and their updates, as the state
// machine and the operators' actions write them.
import type { IncidentRecord } from "../domain/admin-actions";
import type { AffectedComponent } from "../domain/incidents";
import type { MaintenanceWindow } from "../domain/maintenance";
import type { Impact, IncidentPublication, IncidentStatus, MaintenanceStatus } from "../domain/status";
import { columnsOf, type SqlRow } from "./columns";
import { OPEN_MAINTENANCES } from "./incident-filters";
import { ALERT_SELECT } from "./integrations";
import { rowsOf } from "./reads";
import { incidents } from "./schema";
import { type Row, type SqlStatement, sqlOf } from "./sql";

/** An incident's fields as raw SQL reads them here, with its components (a JSON array). */
type IncidentRow<K extends keyof typeof incidents.$inferSelect> = SqlRow<typeof incidents, K> & { componentIds: string };

/** An incident update to write: automatic (the state machine) or an operator's. */
export interface IncidentUpdateRecord {
  id: string;
  incidentId: string;
  status: string;
  body: string;
  affectedComponents: AffectedComponent[] | null;
  createdAt: string;
  /** false: written without telling subscribers and channels (Statuspage's deliver_notifications). */
  deliverNotifications?: boolean;
}

/** Incident updates, shown at the time they were made: one statement for any number of them. */
export function insertIncidentUpdates(updates: IncidentUpdateRecord[]): SqlStatement {
  return sqlOf(
    `INSERT INTO incident_updates (id, incident_id, status, body, affected_components, created_at, display_at, deliver_notifications)
     SELECT json_extract(value, '$.id'), json_extract(value, '$.incidentId'), json_extract(value, '$.status'),
       json_extract(value, '$.body'), json_extract(value, '$.affected'), json_extract(value, '$.createdAt'),
       json_extract(value, '$.createdAt'), json_extract(value, '$.notify')
     FROM json_each(?1)`,
    JSON.stringify(
      updates.map((u) => ({
        id: u.id,
        incidentId: u.incidentId,
        status: u.status,
        body: u.body,
        affected: u.affectedComponents ? JSON.stringify(u.affectedComponents) : null,
        createdAt: u.createdAt,
        notify: u.deliverNotifications === false ? 0 : 1,
      })),
    ),
  );
}

/** Adds components to an incident (those already on it stay). */
export const insertIncidentComponents = (incidentId: string, componentIds: string[]): SqlStatement =>
  sqlOf("INSERT OR IGNORE INTO incident_components (incident_id, component_id) SELECT ?1, value FROM json_each(?2)", incidentId, JSON.stringify(componentIds));

/** The alerts of these incidents (newest first), and each incident's kind and whether alerts opened it. */
const KIND_FIELDS = ["id", "page", "kind", "automatic", "publication", "publishAt"] as const;

export async function incidentAlerts(
  db: D1Database,
  incidentIds: string[],
): Promise<{ alerts: Row[]; kinds: SqlRow<typeof incidents, (typeof KIND_FIELDS)[number]>[] }> {
  const ids = JSON.stringify(incidentIds);
  const [alerts, kinds] = await db.batch([
    db.prepare(`${ALERT_SELECT} WHERE a.incident_id IN (SELECT value FROM json_each(?1)) ORDER BY a.last_event_at DESC`).bind(ids),
    db.prepare(`SELECT ${columnsOf(incidents, "i", KIND_FIELDS)} FROM incidents i WHERE i.id IN (SELECT value FROM json_each(?1))`).bind(ids),
  ]);
  return { alerts: rowsOf<Row>(alerts), kinds: rowsOf(kinds) };
}

// ── Read inside the Ingestor, for the operators' commands and the cron ──────

const WITH_COMPONENT_IDS = `(SELECT json_group_array(component_id) FROM incident_components WHERE incident_id = i.id) AS componentIds`;

const RECORD_FIELDS = ["id", "name", "publication", "kind", "status", "monitoringAt", "resolvedAt"] as const;

export async function loadIncident(db: D1Database, id: string): Promise<(IncidentRecord & { name: string; publication: IncidentPublication }) | null> {
  const r = await db
    .prepare(`SELECT ${columnsOf(incidents, "i", RECORD_FIELDS)}, ${WITH_COMPONENT_IDS} FROM incidents i WHERE i.id = ?1`)
    .bind(id)
    .first<IncidentRow<(typeof RECORD_FIELDS)[number]>>();
  if (!r) return null;
  return {
    id: r.id,
    name: r.name,
    publication: r.publication ?? "published",
    kind: r.kind === "maintenance" ? "maintenance" : "incident",
    status: r.status,
    monitoringAt: r.monitoringAt,
    resolvedAt: r.resolvedAt,
    componentIds: JSON.parse(r.componentIds),
  };
}

export async function loadOpenMaintenances(db: D1Database): Promise<MaintenanceWindow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${columnsOf(incidents, "i", ["id", "status", "scheduledFor", "scheduledUntil"])}, ${WITH_COMPONENT_IDS}
       FROM incidents i WHERE ${OPEN_MAINTENANCES}`,
    )
    .all<IncidentRow<"id" | "status" | "scheduledFor" | "scheduledUntil">>();
  return results.map((r) => ({
    id: r.id,
    status: r.status as MaintenanceStatus,
    scheduledFor: String(r.scheduledFor),
    scheduledUntil: String(r.scheduledUntil),
    componentIds: JSON.parse(r.componentIds),
  }));
}

/** The alerts of these incidents, as keys the working-set read takes (resolved ones too). */
export async function incidentAlertKeys(
  db: D1Database,
  incidentIds: string[],
): Promise<Array<{ integrationId: string; dedupKey: string; service: string | null }>> {
  const { results } = await db
    .prepare("SELECT integration_id, dedup_key, json_extract(tags, '$.service') AS service FROM alerts WHERE incident_id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(incidentIds))
    .all<{ integration_id: string; dedup_key: string; service: string | null }>();
  return results.map((r) => ({ integrationId: r.integration_id, dedupKey: r.dedup_key, service: r.service }));
}

/** Incidents whose grace period ran out by `now`, still open: the cron publishes them. */
export async function duePendingIncidents(db: D1Database, now: string): Promise<string[]> {
  const { results } = await db
    .prepare("SELECT id FROM incidents WHERE publication = 'pending' AND resolved_at IS NULL AND publish_at <= ?1 ORDER BY publish_at LIMIT 200")
    .bind(now)
    .all<{ id: string }>();
  return results.map((r) => r.id);
}

/** The body of an incident's first update (what publishing a draft may replace). */
export const firstUpdateBody = async (db: D1Database, incidentId: string): Promise<string | null> =>
  (await db.prepare("SELECT body FROM incident_updates WHERE incident_id = ?1 ORDER BY created_at, rowid LIMIT 1").bind(incidentId).first<{ body: string }>())
    ?.body ?? null;

/** Incidents in `monitoring`: the cron's candidates for auto-resolve. */
export async function monitoringIncidents(db: D1Database): Promise<Array<IncidentRecord & { lastAlertAt: string | null; page: number }>> {
  const { results } = await db
    .prepare(
      `SELECT ${columnsOf(incidents, "i", ["id", "page", "status", "monitoringAt", "resolvedAt", "lastAlertAt"])}, ${WITH_COMPONENT_IDS}
       FROM incidents i WHERE i.kind = 'incident' AND i.publication = 'published' AND i.status = 'monitoring' AND i.resolved_at IS NULL`,
    )
    .all<IncidentRow<"id" | "page" | "status" | "monitoringAt" | "resolvedAt" | "lastAlertAt">>();
  return results.map((r) => ({
    id: r.id,
    page: r.page,
    kind: "incident" as const,
    status: r.status,
    monitoringAt: r.monitoringAt,
    resolvedAt: r.resolvedAt,
    lastAlertAt: r.lastAlertAt,
    componentIds: JSON.parse(r.componentIds) as string[],
  }));
}

// ── Written by the operators' commands and the cron ─────────────────────────

/** An operator's incident: automatic = 0, so the state machine never attaches alerts to it. */
export const insertManualIncident = (i: { id: string; name: string; status: IncidentStatus; impact: Impact; page?: number }, now: string) =>
  sqlOf(
    `INSERT INTO incidents (id, page, kind, name, status, impact, automatic, started_at, monitoring_at, created_at, updated_at)
     VALUES (?1, ?7, 'incident', ?2, ?3, ?4, 0, ?5, ?6, ?5, ?5)`,
    i.id,
    i.name,
    i.status,
    i.impact,
    now,
    i.status === "monitoring" ? now : null,
    i.page ?? 1,
  );

/** A maintenance: by hand, or an occurrence of a recurring rule (`ruleId`); `remindMinutes` null: the page's setting. */
export const insertMaintenance = (
  m: {
    id: string;
    name: string;
    scheduledFor: string;
    scheduledUntil: string;
    page?: number;
    remindMinutes?: number | null;
    ruleId?: string | null;
  },
  now: string,
) =>
  sqlOf(
    `INSERT INTO incidents (id, page, kind, name, status, impact, automatic, started_at, scheduled_for, scheduled_until, created_at, updated_at, remind_minutes, rule_id)
     VALUES (?1, ?6, 'maintenance', ?2, 'scheduled', 'maintenance', 0, ?3, ?3, ?4, ?5, ?5, ?7, ?8)`,
    m.id,
    m.name,
    m.scheduledFor,
    m.scheduledUntil,
    now,
    m.page ?? 1,
    m.remindMinutes ?? null,
    m.ruleId ?? null,
  );

/** An incident's (or maintenance's) status and the times it reached monitoring and resolved. */
export const setIncidentProgress = (id: string, p: { status: string; monitoringAt: string | null; resolvedAt: string | null }, now: string) =>
  sqlOf(
    "UPDATE incidents SET status = ?2, monitoring_at = ?3, resolved_at = ?4, updated_at = ?5 WHERE id = ?1",
    id,
    p.status,
    p.monitoringAt,
    p.resolvedAt,
    now,
  );

/** A maintenance window starting or ending (resolved when completed). */
export const setMaintenanceStatus = (id: string, status: MaintenanceStatus, now: string) =>
  sqlOf("UPDATE incidents SET status = ?2, resolved_at = ?3, updated_at = ?4 WHERE id = ?1", id, status, status === "completed" ? now : null, now);

/** The cron resolves a quiet incident (unless something resolved it first). */
export const autoResolveIncident = (id: string, now: string) =>
  sqlOf("UPDATE incidents SET status = 'resolved', resolved_at = ?2, updated_at = ?2 WHERE id = ?1 AND resolved_at IS NULL", id, now);
