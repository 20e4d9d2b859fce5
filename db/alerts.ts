// Alerts as the operators' actions read them inside the Ingestor: those still firing, to resolve.
import type { Severity } from "../domain/status";
import type { Row } from "./sql";

export interface FiringAlert {
  id: string;
  integrationId: string;
  dedupKey: string;
  /** The page whose components it reaches. */
  page: number;
  severity: Severity;
  summary: string;
  tags: Record<string, string>;
  lastEventAt: string;
}

const FIRING_SELECT = "SELECT id, integration_id, dedup_key, page, severity, summary, tags, last_event_at FROM alerts";

const firing = (r: Row): FiringAlert => ({
  id: String(r.id),
  integrationId: String(r.integration_id),
  dedupKey: String(r.dedup_key),
  page: Number(r.page ?? 1),
  severity: r.severity as Severity,
  summary: String(r.summary),
  tags: JSON.parse(String(r.tags ?? "{}")),
  lastEventAt: String(r.last_event_at),
});

/** Alerts not resolved, by `where` (a constant condition on the alerts table; values in `params`). */
export async function firingAlerts(db: D1Database, where: string, ...params: unknown[]): Promise<FiringAlert[]> {
  const { results } = await db
    .prepare(`${FIRING_SELECT} WHERE status != 'resolved' AND (${where})`)
    .bind(...params)
    .all<Row>();
  return results.map(firing);
}

/** Whether an alert with this id exists (resolved or not). */
export const alertExists = async (db: D1Database, id: string) => !!(await db.prepare("SELECT 1 FROM alerts WHERE id = ?1").bind(id).first());

/** An integration's firing alerts that reached no component, oldest first (at most 500). */
export async function unroutedFiringAlertRows(db: D1Database, integrationId: string): Promise<Row[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM alerts a WHERE a.integration_id = ?1 AND a.status != 'resolved'
         AND NOT EXISTS (SELECT 1 FROM alert_components ac WHERE ac.alert_id = a.id)
       ORDER BY a.last_event_at LIMIT 500`,
    )
    .bind(integrationId)
    .all<Row>();
  return results;
}
