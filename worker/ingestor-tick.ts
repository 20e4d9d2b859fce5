// The cron's work inside the Ingestor: recurring maintenance's occurrences created ahead of time and
// reminders before maintenance starts (ingestor-maintenance.ts), incidents whose grace period ran out
// published, maintenance windows that start or end, and monitoring incidents quiet for the page's
// auto-resolve minutes.
import { audit } from "../db/audit";
import { loadComponentStates } from "../db/components";
import { autoResolveIncident, duePendingIncidents, loadOpenMaintenances, monitoringIncidents } from "../db/incidents";
import { decisionStatements } from "../db/ingest";
import { autoResolveByPage } from "../db/pages";
import { prepare } from "../db/sql";
import { type IncidentRecord, planIncidentUpdate } from "../domain/admin-actions";
import { newId, nowIso } from "../domain/ids";
import { publishDueIncidents } from "../domain/incidents";
import { dueAutoResolve, dueMaintenanceTransitions } from "../domain/maintenance";
import type { Env } from "./env";
import { applyMaintenanceTransitions, Batch, incidentsWorkingSet, uniq } from "./ingestor-batch";
import { createDueOccurrences, remindDue } from "./ingestor-maintenance";

export interface TickResult {
  started: string[];
  completed: string[];
  autoResolved: string[];
  /** Incidents whose grace period ran out while they still fired. */
  published: string[];
  /** Occurrences of recurring maintenance created ahead of time. */
  scheduled: string[];
  /** Maintenances whose reminder was written for the outbox to tell. */
  reminded: string[];
}

/** Pending incidents whose grace period is over, still firing: published, in their own batch, before the rest of the tick. */
async function publishDue(db: D1Database, now: string): Promise<string[]> {
  const due = await duePendingIncidents(db, now);
  if (!due.length) return [];
  const ws = await incidentsWorkingSet(db, due);
  const decision = publishDueIncidents(ws, { now, newId });
  const published = (decision.published ?? []).map((p) => p.incidentId);
  if (!published.length) return [];
  await db.batch([
    ...decisionStatements(db, ws, decision, now, []),
    ...published.map((id) =>
      audit(
        db,
        "cron",
        "incident.publish",
        "incident",
        id,
        { publication: "pending" },
        { publication: "published", reason: "still firing after its grace period" },
        now,
      ),
    ),
  ]);
  return published;
}

/**
 * The cron's work at `now`: maintenance windows that start or end, and monitoring incidents quiet
 * for the page's auto-resolve minutes. One batch; called only through the Ingestor's serialize chain.
 */
export async function runTick(env: Env, now = nowIso()): Promise<TickResult> {
  const db = env.DB;
  const actor = "cron";
  const scheduled = await createDueOccurrences(db, now);
  const reminded = await remindDue(db, now);
  const published = await publishDue(db, now);
  const [open, minutesByPage] = await Promise.all([loadOpenMaintenances(db), autoResolveByPage(db)]);
  const transitions = dueMaintenanceTransitions(open, now);
  const quiet: Array<IncidentRecord & { lastAlertAt: string | null; minutes: number }> = [];
  // Each page's incidents by that page's setting.
  if ([...minutesByPage.values()].some((m) => m)) {
    const candidates = await monitoringIncidents(db);
    for (const [page, minutes] of minutesByPage) {
      if (!minutes) continue;
      const onPage = candidates.filter((c) => c.page === page);
      const due = new Set(dueAutoResolve(onPage, minutes, now));
      quiet.push(...onPage.filter((c) => due.has(c.id)).map((c) => ({ ...c, minutes })));
    }
  }
  const result: TickResult = {
    started: transitions.filter((t) => t.to === "in_progress").map((t) => t.id),
    completed: transitions.filter((t) => t.to === "completed").map((t) => t.id),
    autoResolved: quiet.map((q) => q.id),
    published,
    scheduled,
    reminded,
  };
  if (!transitions.length && !quiet.length) return result;

  const flags = await loadComponentStates(db, uniq([...open.flatMap((w) => w.componentIds), ...quiet.flatMap((q) => q.componentIds)]));
  const b = new Batch(db, flags, now);
  applyMaintenanceTransitions(b, open, transitions, actor);
  for (const incident of quiet) {
    const overrides = new Map(incident.componentIds.map((id) => [id, flags.get(id)?.overrideStatus ?? null]));
    const plan = planIncidentUpdate(incident, "resolved", {}, overrides, now);
    if (!plan.ok) continue;
    b.add(prepare(db, autoResolveIncident(incident.id, now)));
    const affected = b.patch(plan.patches);
    const body = `This incident has been resolved: no alerts for ${incident.minutes} minutes.`;
    b.update(incident.id, "resolved", body, affected);
    b.add(audit(db, actor, "incident.auto_resolve", "incident", incident.id, { status: "monitoring" }, { status: "resolved", body }, now));
  }
  await db.batch(b.finish());
  return result;
}
