// The alert → component status → incident state machine (README: How alerts become incidents). Pure: the caller loads the
// working set, calls applyEvents, and persists what it reports as changed in one batch.

import type { AlertEvent } from "./alert-event";
import { type PublicTextSetting, publicOpeningBody, publicRecoveredBody, publicReturnedBody, publicTitle } from "./public-text";
import {
  type ALERT_STATUSES,
  type AlertVisibility,
  type ComponentStatus,
  effectiveStatus,
  type Impact,
  type IncidentPublication,
  type IncidentStatus,
  impactForSeverity,
  type PublicationPolicy,
  type Severity,
  statusForSeverity,
  worstImpact,
  worstStatus,
} from "./status";

export interface ComponentState {
  id: string;
  slug: string;
  name: string;
  autoStatus: ComponentStatus;
  overrideStatus: ComponentStatus | null;
  inMaintenance: boolean;
  status: ComponentStatus;
}

/** Where an alert is routed and the status it asks for there (null: no change, as for info). */
export interface Route {
  componentId: string;
  status: ComponentStatus | null;
}

export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface AlertState {
  id: string;
  integrationId: string;
  dedupKey: string;
  status: AlertStatus;
  severity: Severity;
  summary: string;
  details: string | null;
  monitorId: string | null;
  monitorName: string | null;
  tags: Record<string, string>;
  link: string | null;
  incidentId: string | null;
  firstTriggeredAt: string | null;
  lastEventAt: string;
  lastAction: AlertEvent["action"];
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  routes: Route[];
  /** When a silent alert stops counting (AlertEvent.expiresInSeconds); absent or null: never. */
  expiresAt?: string | null;
  /**
   * Whether it counts in its components' public status: `held` until its incident is
   * published, `private` never (a private integration, or a discarded draft until the alert resolves).
   * Absent: public.
   */
  visibility?: AlertVisibility;
}

/** An open automatic incident: the only kind the state machine touches. */
export interface IncidentState {
  id: string;
  name: string;
  status: IncidentStatus;
  impact: Impact;
  componentIds: string[];
  startedAt: string;
  monitoringAt: string | null;
  resolvedAt: string | null;
  lastAlertAt: string | null;
  /** Absent: published. A draft waits for an operator, a pending incident for its grace period (publishAt). */
  publication?: IncidentPublication;
  /** Pending: when it is published if still firing. */
  publishAt?: string | null;
}

export interface LinkRule {
  id: string;
  matchType: "monitor" | "tag" | "label";
  matchKey: string;
  matchValue: string | null;
  status: ComponentStatus | null;
  componentIds: string[];
}

export interface Routing {
  integrationId: string;
  /** The integration's own components. */
  componentIds: string[];
  links: LinkRule[];
  /** What its alerts publish (domain/public-text.ts); absent: verbatim. */
  publicText?: PublicTextSetting;
  /** What its alerts do in public; absent: published at once. */
  publication?: Publication;
}

export interface Publication {
  policy: PublicationPolicy;
  /** With `publish`: an incident is published once it has fired this long; one that recovers sooner is suppressed. */
  publishAfterSeconds: number | null;
}

export interface WorkingSet {
  /** Every component the delivery could touch. */
  components: Map<string, ComponentState>;
  /** The delivery's known alerts, every unresolved alert routed to those components, every alert of those incidents. */
  alerts: Map<string, AlertState>;
  /** Open automatic incidents on those components or holding those alerts. */
  incidents: Map<string, IncidentState>;
}

export interface AffectedComponent {
  code: string;
  name: string;
  old_status: ComponentStatus;
  new_status: ComponentStatus;
}

export interface IncidentUpdateDraft {
  id: string;
  incidentId: string;
  status: IncidentStatus;
  body: string;
  affectedComponents: AffectedComponent[] | null;
  createdAt: string;
}

export interface StatusChange {
  componentId: string;
  from: ComponentStatus;
  to: ComponentStatus;
  at: string;
}

export type EventOutcome = "applied" | "duplicate" | "stale" | "unrouted" | "ignored";

/**
 * A draft or pending incident made public. Its first update is written again under a new id (the
 * edited body, the public changes publishing made), so the notification outbox, already past the
 * draft's rows, tells it once; an edited name replaces the incident's.
 */
export interface PublishedIncident {
  incidentId: string;
  updateId: string;
  name: string | null;
  body: string | null;
  affectedComponents: AffectedComponent[] | null;
}

export interface Decision {
  outcomes: EventOutcome[];
  /** Alert ids written (new or changed), and those whose routes were replaced. */
  alerts: Set<string>;
  newAlerts: Set<string>;
  routesChanged: Set<string>;
  incidents: Set<string>;
  newIncidents: Set<string>;
  /** [incidentId, componentId] pairs added. */
  incidentComponents: Array<[string, string]>;
  components: Set<string>;
  updates: IncidentUpdateDraft[];
  statusChanges: StatusChange[];
  /** Drafts and pending incidents published by this decision; absent when none. */
  published?: PublishedIncident[];
}

export interface ApplyOptions {
  /** Processing time, ISO 8601: when incidents change and statuses are recorded. */
  now: string;
  newId: () => string;
}

export function isFiring(alert: AlertState): boolean {
  return alert.status !== "resolved";
}

/**
 * Whether a route shows a disruption. Info (no status) and maintenance change no incident: they
 * neither open, join nor reopen one, nor hold one open (a never-resolving info alert would
 * otherwise keep the incident, and the page indicator, up after every outage has recovered).
 */
export function disrupts(route: Route): boolean {
  return route.status !== null && route.status !== "operational" && route.status !== "under_maintenance";
}

/** The components an event reaches, each with the status it asks for there. */
export function routeEvent(event: AlertEvent, routing: Routing, componentsBySlug: Map<string, ComponentState>): Route[] {
  const fromSeverity = event.status ?? statusForSeverity(event.severity);
  const routes = new Map<string, ComponentStatus | null>();
  const add = (componentId: string, status: ComponentStatus | null) => {
    const prev = routes.get(componentId);
    routes.set(componentId, prev == null ? status : status == null ? prev : worstStatus([prev, status]));
  };
  for (const id of routing.componentIds) add(id, fromSeverity);
  for (const link of routing.links) {
    if (!linkMatches(link, event)) continue;
    for (const id of link.componentIds) add(id, link.status ?? fromSeverity);
  }
  const service = event.tags.service;
  const bySlug = service ? componentsBySlug.get(service.toLowerCase()) : undefined;
  if (bySlug) add(bySlug.id, fromSeverity);
  return [...routes].map(([componentId, status]) => ({ componentId, status }));
}

export function linkMatches(link: LinkRule, event: AlertEvent): boolean {
  if (link.matchType === "monitor") {
    const key = link.matchKey.toLowerCase();
    return event.monitor?.id?.toLowerCase() === key || event.monitor?.name?.toLowerCase() === key;
  }
  const entry = Object.entries(event.tags).find(([k]) => k.toLowerCase() === link.matchKey.toLowerCase());
  if (!entry) return false;
  return link.matchValue == null || entry[1] === link.matchValue;
}

/** Whether the alert counts in public: its integration publishes, or its incident was published. */
export const isPublic = (alert: AlertState) => (alert.visibility ?? "public") === "public";

/**
 * Worst over the unresolved public alerts routed to the component; operational when none fire. A held
 * alert (a draft's, a grace period's) and a private one change no public status until published.
 */
export function automaticStatus(componentId: string, alerts: Iterable<AlertState>): ComponentStatus {
  const asked: ComponentStatus[] = [];
  for (const alert of alerts) {
    if (!isFiring(alert) || !isPublic(alert)) continue;
    for (const r of alert.routes) if (r.componentId === componentId && r.status) asked.push(r.status);
  }
  return worstStatus(asked);
}

export function emptyDecision(): Decision {
  return {
    outcomes: [],
    alerts: new Set(),
    newAlerts: new Set(),
    routesChanged: new Set(),
    incidents: new Set(),
    newIncidents: new Set(),
    incidentComponents: [],
    components: new Set(),
    updates: [],
    statusChanges: [],
  };
}

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

/**
 * Lookups kept beside the working set for one delivery, so a 300-alert delivery stays linear:
 * alerts by dedup key, by component routed to, by incident attached to.
 */
interface Index {
  bySlug: Map<string, ComponentState>;
  byKey: Map<string, AlertState>;
  byComponent: Map<string, Set<AlertState>>;
  byIncident: Map<string, Set<AlertState>>;
}

const alertKey = (integrationId: string, dedupKey: string) => `${integrationId}\u0000${dedupKey}`;

function indexWorkingSet(ws: WorkingSet): Index {
  const idx: Index = {
    bySlug: new Map([...ws.components.values()].map((c) => [c.slug, c])),
    byKey: new Map(),
    byComponent: new Map(),
    byIncident: new Map(),
  };
  for (const a of ws.alerts.values()) addAlert(idx, a);
  return idx;
}

/** The set stored under `key`, added empty when there is none. */
export function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  const found = map.get(key);
  if (found) return found;
  const set = new Set<V>();
  map.set(key, set);
  return set;
}

function addAlert(idx: Index, a: AlertState) {
  idx.byKey.set(alertKey(a.integrationId, a.dedupKey), a);
  for (const r of a.routes) setOf(idx.byComponent, r.componentId).add(a);
  if (a.incidentId) setOf(idx.byIncident, a.incidentId).add(a);
}

function setRoutes(idx: Index, a: AlertState, routes: Route[]) {
  for (const r of a.routes) idx.byComponent.get(r.componentId)?.delete(a);
  a.routes = routes;
  for (const r of routes) setOf(idx.byComponent, r.componentId).add(a);
}

function setIncident(idx: Index, a: AlertState, incidentId: string | null) {
  if (a.incidentId) idx.byIncident.get(a.incidentId)?.delete(a);
  a.incidentId = incidentId;
  if (incidentId) setOf(idx.byIncident, incidentId).add(a);
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
  incident = {
    id: opts.newId(),
    name: publicTitle(textOf(routing), event, namesOf(ws, componentIds)),
    status: "investigating",
    impact: impactForSeverity(event.severity),
    componentIds: [],
    startedAt,
    monitoringAt: null,
    resolvedAt: null,
    lastAlertAt: opts.now,
  };
  if (kind !== "published") {
    incident.publication = kind;
    incident.publishAt = kind === "pending" ? new Date(Date.parse(startedAt) + graceOf(policyOf(routing)) * 1000).toISOString() : null;
  }
  ws.incidents.set(incident.id, incident);
  d.newIncidents.add(incident.id);
  d.incidents.add(incident.id);
  attach(ws, idx, incident, alert, componentIds, d);
  addUpdate(d, opts, incident, publicOpeningBody(textOf(routing), event, namesOf(ws, componentIds)), changes, ws);
  return "applied";
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

function recomputeComponents(ws: WorkingSet, idx: Index, componentIds: string[], now: string, d: Decision): AffectedComponent[] {
  const changes: AffectedComponent[] = [];
  for (const id of new Set(componentIds)) {
    const c = ws.components.get(id);
    if (!c) continue;
    const autoStatus = automaticStatus(id, idx.byComponent.get(id) ?? []);
    if (autoStatus === c.autoStatus) continue;
    c.autoStatus = autoStatus;
    d.components.add(id);
    const next = effectiveStatus(c);
    if (next === c.status) continue;
    d.statusChanges.push({ componentId: id, from: c.status, to: next, at: now });
    changes.push({ code: c.id, name: c.name, old_status: c.status, new_status: next });
    c.status = next;
  }
  return changes;
}

function addUpdate(d: Decision, opts: ApplyOptions, incident: IncidentState, body: string, changes: AffectedComponent[], ws: WorkingSet, details?: string) {
  const affected = changes.filter((c) => incident.componentIds.includes(c.code) && ws.components.has(c.code));
  d.updates.push({
    id: opts.newId(),
    incidentId: incident.id,
    status: incident.status,
    body: details ? `${body}\n\n${details}` : body,
    affectedComponents: affected.length ? affected : null,
    createdAt: opts.now,
  });
}

/**
 * One Decision for deliveries applied one after another to the same working set: what to write is
 * the union (rows are written in their final state), updates and status changes in order.
 */
export function mergeDecisions(decisions: Decision[]): Decision {
  const merged = emptyDecision();
  for (const d of decisions) {
    merged.outcomes.push(...d.outcomes);
    for (const key of ["alerts", "newAlerts", "routesChanged", "incidents", "newIncidents", "components"] as const) {
      for (const id of d[key]) merged[key].add(id);
    }
    merged.incidentComponents.push(...d.incidentComponents);
    merged.updates.push(...d.updates);
    merged.statusChanges.push(...d.statusChanges);
    if (d.published?.length) merged.published = [...(merged.published ?? []), ...d.published];
  }
  return merged;
}

// ── Publication ──────────────────────────────────────────────────

const PUBLISH_AT_ONCE: Publication = { policy: "publish", publishAfterSeconds: null };
const policyOf = (routing: Routing) => routing.publication ?? PUBLISH_AT_ONCE;
const graceOf = (p: Publication) => (p.policy === "publish" && p.publishAfterSeconds ? p.publishAfterSeconds : 0);

/** What a new alert (or a new cycle of one) of an integration with this policy counts for in public. */
export function visibilityFor(p: Publication): AlertVisibility {
  if (p.policy === "private") return "private";
  return p.policy === "review" || graceOf(p) > 0 ? "held" : "public";
}

/** The kind of incident a triggering alert opens or joins; null: none. */
function incidentKindFor(alert: AlertState, p: Publication): IncidentPublication | null {
  const visibility = alert.visibility ?? "public";
  if (visibility === "private" || p.policy === "status_only" || p.policy === "private") return null;
  if (visibility === "public") return "published";
  return p.policy === "review" ? "draft" : "pending";
}

/** Absent stays absent for public alerts, so alerts of publishing integrations look as they always did. */
function setVisibility(alert: AlertState, visibility: AlertVisibility) {
  if (visibility === "public" && alert.visibility === undefined) return;
  alert.visibility = visibility;
}

/** Whether operators can still publish or discard it: a draft, or an incident in its grace period. */
export const isUnpublished = (i: Pick<IncidentState, "publication">) => i.publication === "draft" || i.publication === "pending";

function suppress(incident: IncidentState, at: string, d: Decision) {
  incident.publication = "suppressed";
  incident.status = "resolved";
  incident.resolvedAt = at > incident.startedAt ? at : incident.startedAt;
  d.incidents.add(incident.id);
}

/** Makes the incident public: its held alerts count from now on (the components' changes recorded now). */
function publish(ws: WorkingSet, idx: Index, incident: IncidentState, opts: ApplyOptions, d: Decision, edit: PublishEdit = {}) {
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
function publishDue(ws: WorkingSet, idx: Index, opts: ApplyOptions, d: Decision) {
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
