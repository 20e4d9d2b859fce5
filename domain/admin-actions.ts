// What an operator's action does to incidents and component statuses. Pure: the ingestor loads the
// rows, calls these, and writes what they report in one batch, so an action never interleaves with
// a delivery and every visible status change is recorded.
import type { AlertEvent } from "./alert-event";
import { type AffectedComponent, type AlertState, type ComponentState, type LinkRule, linkMatches, type StatusChange } from "./incidents";
import { type ComponentStatus, effectiveStatus, type Impact, type IncidentStatus, MAINTENANCE_STATUSES, type MaintenanceStatus, worstImpact } from "./status";

/** The statuses an operator may post on an incident (postmortem is not a live status here). */
export const INCIDENT_UPDATE_STATUSES = ["investigating", "identified", "monitoring", "resolved"] as const satisfies readonly IncidentStatus[];

export interface ComponentPatch {
  /** A status to show whatever the alerts say, or null to clear the override. */
  overrideStatus?: ComponentStatus | null;
  inMaintenance?: boolean;
}

/** Requested component statuses: id → override, or null for "back to automatic". */
export type ComponentStatusRequest = Record<string, ComponentStatus | null>;

export interface PatchOutcome {
  /** Components whose stored flags changed (to be written). */
  touched: string[];
  /** Visible status changes, for component_status_changes. */
  changes: StatusChange[];
  /** The same changes as an incident update shows them. */
  affected: AffectedComponent[];
}

/**
 * Applies patches to the components (mutating `flags`), recomputing each visible status with
 * effectiveStatus. Components not in `flags` are skipped: the caller checks that they exist.
 */
export function patchComponents(flags: Map<string, ComponentState>, patches: Map<string, ComponentPatch>, now: string): PatchOutcome {
  const out: PatchOutcome = { touched: [], changes: [], affected: [] };
  for (const [id, patch] of patches) {
    const c = flags.get(id);
    if (!c) continue;
    const overrideStatus = patch.overrideStatus === undefined ? c.overrideStatus : patch.overrideStatus;
    const inMaintenance = patch.inMaintenance ?? c.inMaintenance;
    if (overrideStatus === c.overrideStatus && inMaintenance === c.inMaintenance) continue;
    c.overrideStatus = overrideStatus;
    c.inMaintenance = inMaintenance;
    out.touched.push(id);
    const next = effectiveStatus(c);
    if (next === c.status) continue;
    out.changes.push({ componentId: id, from: c.status, to: next, at: now });
    out.affected.push({ code: id, name: c.name, old_status: c.status, new_status: next });
    c.status = next;
  }
  return out;
}

export interface IncidentRecord {
  id: string;
  kind: "incident" | "maintenance";
  status: string;
  monitoringAt: string | null;
  resolvedAt: string | null;
  componentIds: string[];
}

export type PlanError = { ok: false; status: 400 | 409; error: string; field?: string };

export type UpdatePlan =
  | PlanError
  | {
      ok: true;
      status: string;
      monitoringAt: string | null;
      resolvedAt: string | null;
      /** Override patches: the requested ones, and on resolve the clearing of the incident's overrides. */
      patches: Map<string, ComponentPatch>;
      /** Components named in the request that the incident does not cover yet. */
      addComponentIds: string[];
      /** For maintenances: the status the window moves to, when it changes (drives in_maintenance). */
      maintenanceTransition: MaintenanceStatus | null;
    };

/**
 * An operator's update on an incident or maintenance. Resolving an incident also clears the
 * overrides on its components (unless this update sets them): the incident is over, so the page
 * goes back to what the monitors say, and no forgotten override keeps a component red.
 */
export function planIncidentUpdate(
  incident: IncidentRecord,
  status: string,
  requested: ComponentStatusRequest,
  overrides: Map<string, ComponentStatus | null>,
  now: string,
): UpdatePlan {
  const patches = new Map<string, ComponentPatch>();
  for (const [id, s] of Object.entries(requested)) patches.set(id, { overrideStatus: s });
  const addComponentIds = Object.keys(requested).filter((id) => !incident.componentIds.includes(id));

  if (incident.kind === "maintenance") {
    if (!(MAINTENANCE_STATUSES as readonly string[]).includes(status))
      return {
        ok: false,
        status: 400,
        error: `\`status\` must be one of ${MAINTENANCE_STATUSES.join(", ")} for a maintenance`,
        field: "status",
      };
    if (incident.status === "completed") return { ok: false, status: 409, error: "this maintenance is already completed" };
    if (status === "scheduled" && incident.status !== "scheduled")
      return { ok: false, status: 409, error: "a maintenance that has started cannot go back to scheduled", field: "status" };
    return {
      ok: true,
      status,
      monitoringAt: incident.monitoringAt,
      resolvedAt: status === "completed" ? now : null,
      patches,
      addComponentIds,
      maintenanceTransition: status !== incident.status ? (status as MaintenanceStatus) : null,
    };
  }

  if (!(INCIDENT_UPDATE_STATUSES as readonly string[]).includes(status))
    return { ok: false, status: 400, error: `\`status\` must be one of ${INCIDENT_UPDATE_STATUSES.join(", ")}`, field: "status" };
  if (incident.resolvedAt) return { ok: false, status: 409, error: "this incident is already resolved" };
  if (status === "resolved") {
    for (const id of incident.componentIds) {
      if (!patches.has(id) && overrides.get(id)) patches.set(id, { overrideStatus: null });
    }
  }
  return {
    ok: true,
    status,
    monitoringAt:
      status === "monitoring" ? (incident.status === "monitoring" ? incident.monitoringAt : now) : status === "resolved" ? incident.monitoringAt : null,
    resolvedAt: status === "resolved" ? now : null,
    patches,
    addComponentIds,
    maintenanceTransition: null,
  };
}

const IMPACT_FOR_STATUS: Record<ComponentStatus, Impact> = {
  operational: "none",
  under_maintenance: "none",
  degraded_performance: "minor",
  partial_outage: "major",
  major_outage: "critical",
};

/** A manual incident's impact when the operator gives none: from the statuses it sets, at least minor. */
export function manualIncidentImpact(requested: ComponentStatusRequest): Impact {
  const fromStatuses = worstImpact(Object.values(requested).flatMap((s) => (s ? [IMPACT_FOR_STATUS[s]] : [])));
  return fromStatuses === "none" ? "minor" : fromStatuses;
}

/** The text an update gets when the operator writes none (one-click actions). */
const DEFAULT_UPDATE_BODIES: Record<string, string> = {
  investigating: "We are investigating this issue.",
  identified: "The issue has been identified and a fix is being implemented.",
  monitoring: "A fix has been implemented and we are monitoring the results.",
  resolved: "This incident has been resolved.",
  scheduled: "Maintenance is scheduled.",
  in_progress: "Scheduled maintenance is currently in progress. We will provide updates as necessary.",
  verifying: "Maintenance is being verified.",
  completed: "The scheduled maintenance has been completed.",
};

export const defaultUpdateBody = (status: string): string => (Object.hasOwn(DEFAULT_UPDATE_BODIES, status) ? DEFAULT_UPDATE_BODIES[status]! : "Update.");

// ── Linking unrouted alerts ─────────────────────────────────────────────────

/** What an unrouted alert carries that a link can match on. */
export type UnroutedAlert = Pick<
  AlertState,
  "id" | "dedupKey" | "severity" | "summary" | "details" | "monitorId" | "monitorName" | "tags" | "link" | "lastEventAt"
>;

export type LinkMatch = { monitor: string } | { tag: string } | { label: string };

/** The ways a link could match this alert, the most specific first: its monitor, then each tag. */
export function linkMatchOptions(alert: Pick<UnroutedAlert, "monitorId" | "monitorName" | "tags">): LinkMatch[] {
  const out: LinkMatch[] = [];
  if (alert.monitorName) out.push({ monitor: alert.monitorName });
  else if (alert.monitorId) out.push({ monitor: alert.monitorId });
  for (const [k, v] of Object.entries(alert.tags)) out.push({ tag: v ? `${k}=${v}` : k });
  return out;
}

/**
 * The alert as a trigger again, so that the state machine routes it through a new link at once
 * instead of waiting for the monitor to send it again. Later than its last event, so it is neither
 * stale nor a duplicate.
 */
export function retriggerEvent(alert: UnroutedAlert, now: string): AlertEvent {
  const monitor = alert.monitorId || alert.monitorName ? { id: alert.monitorId ?? undefined, name: alert.monitorName ?? undefined } : undefined;
  return {
    dedupKey: alert.dedupKey,
    action: "trigger",
    severity: alert.severity,
    summary: alert.summary,
    ...(alert.details ? { details: alert.details } : {}),
    ...(monitor ? { monitor } : {}),
    tags: alert.tags,
    ...(alert.link ? { link: alert.link } : {}),
    occurredAt: new Date(Math.max(Date.parse(now), Date.parse(alert.lastEventAt) + 1)),
  };
}

/** The unrouted firing alerts a new link now routes. */
export function alertsForNewLink(link: LinkRule, alerts: UnroutedAlert[], now: string): UnroutedAlert[] {
  return alerts.filter((a) => linkMatches(link, retriggerEvent(a, now)));
}
