// Publication: what an integration's policy (publish, at once or after a grace period; review;
// status_only; private) makes of its alerts and incidents, and the operator's and the cron's turns
// (publish a draft or a pending incident, discard it, publish those whose grace period is over).
import { type Index, indexWorkingSet, recomputeComponents } from "./incident-index";
import {
  type AlertState,
  type ApplyOptions,
  type Decision,
  emptyDecision,
  type IncidentState,
  isFiring,
  type Publication,
  type Routing,
  type WorkingSet,
} from "./incident-state";
import type { AlertVisibility, IncidentPublication } from "./status";

const PUBLISH_AT_ONCE: Publication = { policy: "publish", publishAfterSeconds: null };
export const policyOf = (routing: Routing) => routing.publication ?? PUBLISH_AT_ONCE;
export const graceOf = (p: Publication) => (p.policy === "publish" && p.publishAfterSeconds ? p.publishAfterSeconds : 0);

/** What a new alert (or a new cycle of one) of an integration with this policy counts for in public. */
export function visibilityFor(p: Publication): AlertVisibility {
  if (p.policy === "private") return "private";
  return p.policy === "review" || graceOf(p) > 0 ? "held" : "public";
}

/** The kind of incident a triggering alert opens or joins; null: none. */
export function incidentKindFor(alert: AlertState, p: Publication): IncidentPublication | null {
  const visibility = alert.visibility ?? "public";
  if (visibility === "private" || p.policy === "status_only" || p.policy === "private") return null;
  if (visibility === "public") return "published";
  return p.policy === "review" ? "draft" : "pending";
}

/** Absent stays absent for public alerts, so alerts of publishing integrations look as they always did. */
export function setVisibility(alert: AlertState, visibility: AlertVisibility) {
  if (visibility === "public" && alert.visibility === undefined) return;
  alert.visibility = visibility;
}

/** Whether operators can still publish or discard it: a draft, or an incident in its grace period. */
export const isUnpublished = (i: Pick<IncidentState, "publication">) => i.publication === "draft" || i.publication === "pending";

export function suppress(incident: IncidentState, at: string, d: Decision) {
  incident.publication = "suppressed";
  incident.status = "resolved";
  incident.resolvedAt = at > incident.startedAt ? at : incident.startedAt;
  d.incidents.add(incident.id);
}

/** Makes the incident public: its held alerts count from now on (the components' changes recorded now). */
export function publish(ws: WorkingSet, idx: Index, incident: IncidentState, opts: ApplyOptions, d: Decision, edit: PublishEdit = {}) {
  incident.publication = "published";
  incident.publishAt = null;
  if (edit.name) incident.name = edit.name;
  d.incidents.add(incident.id);
  const componentIds = new Set(incident.componentIds);
  for (const a of idx.byIncident.get(incident.id) ?? []) {
    if (a.visibility !== "held") continue;
    a.visibility = "public";
    d.alerts.add(a.id);
    for (const r of a.routes) componentIds.add(r.componentId);
  }
  const changes = recomputeComponents(ws, idx, [...componentIds], opts.now, d);
  const affected = changes.filter((c) => incident.componentIds.includes(c.code));
  d.published = d.published ?? [];
  d.published.push({
    incidentId: incident.id,
    updateId: opts.newId(),
    name: edit.name ?? null,
    body: edit.body ?? null,
    affectedComponents: affected.length ? affected : null,
  });
}

/** Pending incidents whose grace period is over: still firing (a recovered one was suppressed), so published. */
export function publishDue(ws: WorkingSet, idx: Index, opts: ApplyOptions, d: Decision) {
  for (const incident of ws.incidents.values()) {
    if (incident.publication === "pending" && incident.status !== "resolved" && incident.publishAt! <= opts.now) publish(ws, idx, incident, opts, d);
  }
}

/** What an operator may change while publishing a draft: its name and its first update's body. */
export interface PublishEdit {
  name?: string | null;
  body?: string | null;
}

/** The cron's turn: every pending incident in the working set whose grace period is over is published. */
export function publishDueIncidents(ws: WorkingSet, opts: ApplyOptions): Decision {
  const d = emptyDecision();
  publishDue(ws, indexWorkingSet(ws), opts, d);
  return d;
}

/** An operator publishes a draft (or a pending incident before its time), optionally with a new name and first update. */
export function publishIncident(ws: WorkingSet, incidentId: string, opts: ApplyOptions, edit: PublishEdit = {}): Decision | null {
  const incident = ws.incidents.get(incidentId);
  if (!incident || !isUnpublished(incident)) return null;
  const d = emptyDecision();
  publish(ws, indexWorkingSet(ws), incident, opts, d, edit);
  return d;
}

/**
 * An operator discards a draft (or a pending incident): closed, never public. Its alerts still firing
 * become private until they resolve, so their reminders open no new draft; their next cycle follows
 * the integration's policy again.
 */
export function discardIncident(ws: WorkingSet, incidentId: string, opts: ApplyOptions): Decision | null {
  const incident = ws.incidents.get(incidentId);
  if (!incident || !isUnpublished(incident)) return null;
  const d = emptyDecision();
  incident.publication = "discarded";
  incident.status = "resolved";
  incident.resolvedAt = opts.now;
  incident.publishAt = null;
  d.incidents.add(incident.id);
  for (const a of indexWorkingSet(ws).byIncident.get(incident.id) ?? []) {
    if (!isFiring(a) || a.visibility !== "held") continue;
    a.visibility = "private";
    d.alerts.add(a.id);
  }
  return d;
}
