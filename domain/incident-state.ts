// The state machine's vocabulary: the working set it decides on (components, alerts, open incidents,
// routing), the Decision it reports, and the small pure rules around them (routing an event, a
// component's automatic status). The decisions themselves are in incidents.ts and publication.ts.

import type { AlertEvent } from "./alert-event";
import type { IncidentWording } from "./incident-templates";
import type { PublicTextSetting } from "./public-text";
import {
  type ALERT_STATUSES,
  type AlertVisibility,
  type ComponentStatus,
  type Impact,
  type IncidentPublication,
  type IncidentStatus,
  type PublicationPolicy,
  type Severity,
  statusForSeverity,
  worstStatus,
} from "./status";

export interface ComponentState {
  id: string;
  /** The page it is on (absent: page 1) and that page's slug, for `service:<page>/<slug>` tags. */
  page?: number;
  pageSlug?: string;
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
  /** The page whose components it reaches (absent: page 1): one alert row per page an event reaches. */
  page?: number;
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
  /** Absent: page 1. */
  page?: number;
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
  /** The incident template the alerts it matches open incidents with. */
  template?: IncidentWording | null;
}

export interface Routing {
  integrationId: string;
  /** The page this routing was narrowed to (incident-pages.ts): new alerts and incidents are on it. */
  page?: number;
  /** The integration's own components. */
  componentIds: string[];
  links: LinkRule[];
  /** What its alerts publish (domain/public-text.ts); absent: verbatim. */
  publicText?: PublicTextSetting;
  /** What its alerts do in public; absent: published at once. */
  publication?: Publication;
  /** The incident template its alerts open incidents with (a matching link's wins); absent: the public text's words. */
  template?: IncidentWording | null;
  /** Pages with their own wording or publication policy: on those pages they win over the integration's. */
  pagePolicies?: Map<number, PagePolicy>;
}

/** A page's own policy for the incidents alerts open on it; what it leaves out is the integration's. */
export interface PagePolicy {
  publicText?: PublicTextSetting;
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
  // `service:<slug>` reaches that slug on every page, `service:<page>/<slug>` only there (incident-index.ts keys both).
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
