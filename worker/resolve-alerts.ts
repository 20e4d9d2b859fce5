// Resolving alerts on an operator's word, for the states no monitor will ever clear: an alert whose
// integration was disabled or deleted (its resolve is refused), an alert the operator dismisses, the
// alerts still firing on an incident the operator resolves. Each alert gets a resolve event through
// the state machine, exactly as if its monitor had sent it, so components go back to their automatic
// status and every visible change is recorded. Called inside the Ingestor, in turn with deliveries.
import type { FiringAlert } from "../db/alerts";
import { decisionStatements } from "../db/ingest";
import { loadWorkingSets } from "../db/ingest-reads";
import type { AlertEvent } from "../domain/alert-event";
import { newId } from "../domain/ids";
import { applyEventsOnPages } from "../domain/incident-pages";
import { type Decision, mergeDecisions, type WorkingSet } from "../domain/incidents";

export interface Resolution {
  statements: D1PreparedStatement[];
  ws: WorkingSet;
  decision: Decision;
  count: number;
}

/**
 * The statements that resolve `alerts` through the state machine (no delivery log row: the audit row
 * the caller writes records it). `keepIncident`: an incident the caller is resolving itself, whose
 * automatic "monitoring" step is left out.
 */
export async function resolveAlerts(db: D1Database, alerts: FiringAlert[], now: string, keepIncident?: string): Promise<Resolution> {
  if (!alerts.length)
    return {
      statements: [],
      ws: { components: new Map(), alerts: new Map(), incidents: new Map() },
      decision: mergeDecisions([]),
      count: 0,
    };
  const byIntegration = new Map<string, FiringAlert[]>();
  for (const a of alerts) byIntegration.set(a.integrationId, [...(byIntegration.get(a.integrationId) ?? []), a]);
  // Each alert on its own page: resolving one page's alert leaves the same key's alerts on other pages firing.
  const byPage = new Map<string, FiringAlert[]>();
  for (const a of alerts) byPage.set(`${a.integrationId}\u0000${a.page}`, [...(byPage.get(`${a.integrationId}\u0000${a.page}`) ?? []), a]);
  const { ws, routings } = await loadWorkingSets(
    db,
    [...byIntegration].map(([integrationId, list]) => ({
      integrationId,
      dedupKeys: list.map((a) => a.dedupKey),
      serviceSlugs: [...new Set(list.map((a) => a.tags.service?.toLowerCase()).filter((s): s is string => !!s))],
    })),
  );
  const decisions = [...byPage.values()].map((list) =>
    applyEventsOnPages(
      ws,
      routings.get(list[0]!.integrationId)!,
      list.map(
        (a): AlertEvent => ({
          dedupKey: a.dedupKey,
          action: "resolve",
          severity: a.severity,
          summary: a.summary,
          tags: a.tags,
          // Later than its last event, so the state machine neither ignores it as stale nor as a duplicate.
          occurredAt: new Date(Math.max(Date.parse(now), Date.parse(a.lastEventAt) + 1)),
        }),
      ),
      { now, newId },
      list[0]!.page,
    ),
  );
  const decision = mergeDecisions(decisions);
  if (keepIncident) {
    decision.incidents.delete(keepIncident);
    decision.updates = decision.updates.filter((u) => u.incidentId !== keepIncident);
  }
  return { statements: decisionStatements(db, ws, decision, now, []), ws, decision, count: alerts.length };
}
