// The alert → component status → incident state machine. Pure: the caller loads the
// working set, calls applyEvents, and persists what it reports as changed in one batch.
// Publication (who sees what, and when) is in publication.ts; the working set's types in incident-state.ts.

import type { AlertEvent } from "./alert-event";
import { addAlert, addUpdate, alertKey, type Index, indexWorkingSet, recomputeComponents, setIncident, setRoutes } from "./incident-index";
import {
  type AlertState,
  type ApplyOptions,
  type Decision,
  disrupts,
  type EventOutcome,
  emptyDecision,
  type IncidentState,
  isFiring,
  isPublic,
  linkMatches,
  type Route,
  type Routing,
  routeEvent,
  type WorkingSet,
} from "./incident-state";
import { fillTemplate, type IncidentWording } from "./incident-templates";
import { type PublicTextSetting, publicOpeningBody, publicRecoveredBody, publicReturnedBody, publicTitle } from "./public-text";
import { graceOf, incidentKindFor, policyOf, publish, publishDue, setVisibility, suppress, visibilityFor } from "./publication";
import { type IncidentPublication, impactForSeverity, worstImpact } from "./status";

/**
 * Applies one delivery's events, in order, to the working set (mutating it) and reports what
 * changed. Idempotent (a replayed event is a duplicate) and order-tolerant (an event older than
 * the alert's last applied one is stale).
 */
export function applyEvents(ws: WorkingSet, routing: Routing, events: AlertEvent[], opts: ApplyOptions): Decision {
  const d = emptyDecision();
  const idx = indexWorkingSet(ws);
  // In time order within the delivery (stably), so a delivery that lists an acknowledge before the
  // trigger it follows decides the same the first time as on a replay. Outcomes keep the sender's order.
  const order = events.map((_, i) => i).sort((a, b) => events[a]!.occurredAt.getTime() - events[b]!.occurredAt.getTime() || a - b);
  d.outcomes = new Array(events.length);
  for (const i of order) d.outcomes[i] = applyEvent(ws, idx, routing, events[i]!, opts, d);
  publishDue(ws, idx, opts, d);
  return d;
}

function applyEvent(ws: WorkingSet, idx: Index, routing: Routing, event: AlertEvent, opts: ApplyOptions, d: Decision): EventOutcome {
  const at = event.occurredAt.toISOString();
  let alert = idx.byKey.get(alertKey(routing.integrationId, event.dedupKey));

  if (alert) {
    if (at < alert.lastEventAt) return "stale";
    // Same instant: only a resolve after a non-resolve counts (a resolve wins ties). Anything else
    // would make a replay of [acknowledge, trigger] at one instant apply the acknowledge the second time.
    if (at === alert.lastEventAt && !(event.action === "resolve" && alert.lastAction !== "resolve")) return "duplicate";
  }

  if (event.action === "acknowledge") {
    if (!alert || !isFiring(alert)) return "ignored";
    alert.status = "acknowledged";
    alert.acknowledgedAt = at;
    touch(alert, event, at, d);
    return "applied";
  }

  if (event.action === "resolve") {
    if (!alert) {
      // Remember it, so that an older trigger arriving late is recognised as stale.
      alert = newAlert(event, routing, at, opts, []);
      alert.status = "resolved";
      alert.resolvedAt = at;
      ws.alerts.set(alert.id, alert);
      addAlert(idx, alert);
      d.newAlerts.add(alert.id);
      touch(alert, event, at, d);
      return "ignored";
    }
    const wasFiring = isFiring(alert);
    alert.status = "resolved";
    alert.resolvedAt = at;
    touch(alert, event, at, d);
    if (!wasFiring) return "duplicate";
    const changes = recomputeComponents(
      ws,
      idx,
      alert.routes.map((r) => r.componentId),
      opts.now,
      d,
    );
    const incident = alert.incidentId ? ws.incidents.get(alert.incidentId) : undefined;
    if (incident && incident.status !== "monitoring" && incident.status !== "resolved") {
      const attached = [...(idx.byIncident.get(incident.id) ?? [])];
      if (attached.every((a) => !isFiring(a) || !a.routes.some(disrupts))) {
        if (incident.publication === "pending") {
          // Recovered within the grace period: a blip, dropped (operators still see it). Past it, it was
          // still firing when it was due: published, then recovering as any incident.
          if (at < incident.publishAt!) {
            suppress(incident, at, d);
            return "applied";
          }
          publish(ws, idx, incident, opts, d);
        }
        incident.status = "monitoring";
        incident.monitoringAt = opts.now;
        d.incidents.add(incident.id);
        addUpdate(d, opts, incident, publicRecoveredBody(textOf(routing), alert, namesOf(ws, incident.componentIds)), changes, ws);
      }
    }
    return "applied";
  }

  // trigger
  const routes = routeEvent(event, routing, idx.bySlug);
  let formerComponentIds: string[] = [];
  if (!alert) {
    alert = newAlert(event, routing, at, opts, routes);
    ws.alerts.set(alert.id, alert);
    addAlert(idx, alert);
    d.newAlerts.add(alert.id);
    d.routesChanged.add(alert.id);
  } else {
    if (!isFiring(alert)) {
      alert.status = "firing";
      alert.firstTriggeredAt = at;
      alert.resolvedAt = null;
      alert.acknowledgedAt = null;
      // A new cycle follows the policy in force (a discarded draft's alert is private only until it resolves).
      setVisibility(alert, visibilityFor(policyOf(routing)));
    }
    if (!sameRoutes(alert.routes, routes)) {
      // Components it no longer reaches must be recomputed too.
      formerComponentIds = alert.routes.map((r) => r.componentId);
      setRoutes(idx, alert, routes);
      d.routesChanged.add(alert.id);
    }
    alert.severity = event.severity;
    alert.summary = event.summary;
    alert.details = event.details ?? alert.details;
    alert.monitorId = event.monitor?.id ?? alert.monitorId;
    alert.monitorName = event.monitor?.name ?? alert.monitorName;
    alert.tags = event.tags;
    alert.link = event.link ?? alert.link;
  }
  touch(alert, event, at, d);
  const componentIds = alert.routes.map((r) => r.componentId);
  const disruptive = alert.routes.some(disrupts);
  let incident = alert.incidentId ? ws.incidents.get(alert.incidentId) : undefined;
  if (disruptive && incident && incident.status !== "resolved") {
    // Returning to its open published incident (a flapping monitor reopening it): public with it. A public
    // alert (its integration now publishes) never waits in a draft: it looks for a published incident.
    if ((incident.publication ?? "published") === "published") setVisibility(alert, "public");
    else if (isPublic(alert)) incident = undefined;
  }
  const changes = recomputeComponents(ws, idx, [...componentIds, ...formerComponentIds], opts.now, d);
  if (!disruptive) {
    if (!incident || incident.status === "resolved") setIncident(idx, alert, null);
    return alert.routes.length === 0 ? "unrouted" : "applied";
  }
  // Which kind of incident it opens or joins: public alerts the published ones, held alerts a draft or
  // a pending one; status_only, private and discarded alerts none.
  let kind: IncidentPublication | null = "published";
  if (!incident || incident.status === "resolved") {
    kind = incidentKindFor(alert, policyOf(routing));
    if (!kind) {
      const { policy } = policyOf(routing);
      if (policy === "status_only" || policy === "private") setIncident(idx, alert, null);
      return "applied";
    }
    incident = openIncidentOn(ws, componentIds, kind);
  }
  if (incident) {
    attach(ws, idx, incident, alert, componentIds, d);
    incident.lastAlertAt = opts.now;
    d.incidents.add(incident.id);
    if (incident.status === "monitoring") {
      incident.status = "investigating";
      incident.monitoringAt = null;
      const returned = publicReturnedBody(textOf(routing), event, namesOf(ws, incident.componentIds));
      addUpdate(d, opts, incident, returned.body, changes, ws, returned.details);
    }
    return "applied";
  }
  setIncident(idx, alert, null);
  if (event.renotify) return "applied";

  const startedAt = at < opts.now ? at : opts.now;
  const names = namesOf(ws, componentIds);
  const wording = wordingFor(routing, event);
  const words = wording ? templateWords(wording, textOf(routing), event, names) : null;
  incident = {
    id: opts.newId(),
    name: words?.title || publicTitle(textOf(routing), event, names),
    status: "investigating",
    impact: impactForSeverity(event.severity),
    componentIds: [],
    startedAt,
    monitoringAt: null,
    resolvedAt: null,
    lastAlertAt: opts.now,
    ...(routing.page ? { page: routing.page } : {}),
  };
  if (kind !== "published") {
    incident.publication = kind;
    incident.publishAt = kind === "pending" ? new Date(Date.parse(startedAt) + graceOf(policyOf(routing)) * 1000).toISOString() : null;
  }
  ws.incidents.set(incident.id, incident);
  d.newIncidents.add(incident.id);
  d.incidents.add(incident.id);
  attach(ws, idx, incident, alert, componentIds, d);
  addUpdate(d, opts, incident, words?.body || publicOpeningBody(textOf(routing), event, names), changes, ws);
  return "applied";
}

/** The template an alert opens its incident with: the first matching link's that has one, else its integration's. */
function wordingFor(routing: Routing, event: AlertEvent): IncidentWording | null {
  for (const link of routing.links) if (link.template && linkMatches(link, event)) return link.template;
  return routing.template ?? null;
}

function templateWords(wording: IncidentWording, text: PublicTextSetting, event: AlertEvent, names: string[]) {
  const alert = {
    summary: event.summary,
    details: event.details ?? null,
    severity: event.severity,
    monitorName: event.monitor?.name ?? null,
    tags: event.tags,
  };
  return { title: fillTemplate(wording.title, text, alert, names).slice(0, 255), body: fillTemplate(wording.body, text, alert, names) };
}

const VERBATIM: PublicTextSetting = { mode: "full", template: null };
const textOf = (routing: Routing) => routing.publicText ?? VERBATIM;
const namesOf = (ws: WorkingSet, ids: string[]) => ids.flatMap((id) => (ws.components.get(id) ? [ws.components.get(id)!.name] : []));

function newAlert(event: AlertEvent, routing: Routing, at: string, opts: ApplyOptions, routes: Route[]): AlertState {
  const visibility = visibilityFor(policyOf(routing));
  return {
    id: opts.newId(),
    integrationId: routing.integrationId,
    dedupKey: event.dedupKey,
    status: "firing",
    severity: event.severity,
    summary: event.summary,
    details: event.details ?? null,
    monitorId: event.monitor?.id ?? null,
    monitorName: event.monitor?.name ?? null,
    tags: event.tags,
    link: event.link ?? null,
    incidentId: null,
    firstTriggeredAt: event.action === "trigger" ? at : null,
    lastEventAt: at,
    lastAction: event.action,
    acknowledgedAt: null,
    resolvedAt: null,
    routes,
    ...(visibility === "public" ? {} : { visibility }),
    ...(routing.page ? { page: routing.page } : {}),
  };
}

function touch(alert: AlertState, event: AlertEvent, at: string, d: Decision) {
  alert.lastEventAt = at;
  alert.lastAction = event.action;
  // A trigger sets (or clears) the deadline for its next confirmation; an acknowledgement keeps it.
  if (event.action === "resolve" || (event.action === "trigger" && !event.expiresInSeconds)) {
    if (alert.expiresAt) alert.expiresAt = null;
  } else if (event.action === "trigger") {
    alert.expiresAt = new Date(Date.parse(at) + event.expiresInSeconds! * 1000).toISOString();
  }
  d.alerts.add(alert.id);
}

function sameRoutes(a: Route[], b: Route[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((r) => b.some((n) => n.componentId === r.componentId && n.status === r.status));
}

/** The open automatic incident of this kind already covering any of these components, the most recent first. */
function openIncidentOn(ws: WorkingSet, componentIds: string[], kind: IncidentPublication): IncidentState | undefined {
  const open = [...ws.incidents.values()].filter(
    (i) => i.status !== "resolved" && (i.publication ?? "published") === kind && i.componentIds.some((c) => componentIds.includes(c)),
  );
  open.sort((a, b) => (a.status === "monitoring" ? 1 : 0) - (b.status === "monitoring" ? 1 : 0) || (a.startedAt < b.startedAt ? 1 : -1));
  return open[0];
}

function attach(ws: WorkingSet, idx: Index, incident: IncidentState, alert: AlertState, componentIds: string[], d: Decision) {
  setIncident(idx, alert, incident.id);
  for (const id of componentIds) {
    if (incident.componentIds.includes(id) || !ws.components.has(id)) continue;
    incident.componentIds.push(id);
    d.incidentComponents.push([incident.id, id]);
  }
  // Impact only rises: the impacts of the alerts attached earlier are already in it.
  incident.impact = worstImpact([incident.impact, impactForSeverity(alert.severity)]);
}

export { setOf } from "./incident-index";
export * from "./incident-state";
export { discardIncident, isUnpublished, publishDueIncidents, publishIncident } from "./publication";
