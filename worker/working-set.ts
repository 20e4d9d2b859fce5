// The Ingestor's working set, held in memory: every integration, routing rule and component, the
// open automatic incidents, and the hot alerts (unresolved, attached to an open incident, or changed
// lately). The Ingestor is the only writer of all of it, so once loaded it stays current through
// its own decisions; a warm delivery reads nothing from D1.
//
// The state machine (domain/incidents.ts) works on a WorkingSet scoped to one delivery, as the D1
// read used to load it; `scope` builds that view from memory with the same objects, so what
// applyEvents mutates is the memory itself, and `absorb` indexes what it added or moved.
import type { IngestState, IntegrationRecord } from "../db/ingest-reads";
import type { AlertEvent } from "../domain/alert-event";
import { type AlertState, type ComponentState, type Decision, type IncidentState, type Routing, setOf, type WorkingSet } from "../domain/incidents";

const key = (integrationId: string, dedupKey: string) => `${integrationId}\u0000${dedupKey}`;

export class MemoryState {
  readonly integrations = new Map<string, IntegrationRecord>();
  readonly routings: Map<string, Routing>;
  readonly components = new Map<string, ComponentState>();
  /** By slug (every page's component with it) and by `<page slug>/<slug>`: what a `service:` tag names. */
  private readonly bySlug = new Map<string, Set<ComponentState>>();
  readonly incidents = new Map<string, IncidentState>();
  readonly alerts = new Map<string, AlertState>();
  /** By (integration, dedup key): one alert per page the key reached. */
  private readonly byKey = new Map<string, Set<AlertState>>();
  private readonly byComponent = new Map<string, Set<AlertState>>();
  private readonly byIncident = new Map<string, Set<AlertState>>();
  /** Where each alert is indexed, to move it when its routes or incident change. */
  private readonly indexed = new Map<string, { components: string[]; incidentId: string | null }>();
  private readonly coldKeys: Set<string>;

  constructor(state: IngestState) {
    for (const i of state.integrations) this.integrations.set(i.keyHash, i);
    this.routings = state.routings;
    for (const c of state.components) {
      this.components.set(c.id, c);
      setOf(this.bySlug, c.slug).add(c);
      setOf(this.bySlug, `${c.pageSlug ?? "main"}/${c.slug}`).add(c);
    }
    for (const i of state.incidents) this.incidents.set(i.id, i);
    for (const a of state.alerts) this.addAlert(a);
    this.coldKeys = new Set(state.coldKeys.map(([i, d]) => key(i, d)));
  }

  get size() {
    return { components: this.components.size, incidents: this.incidents.size, alerts: this.alerts.size, coldAlerts: this.coldKeys.size };
  }

  /** This integration's alert with this dedup key, if it fires on some page (a firing alert is always in memory). */
  firing(integrationId: string, dedupKey: string): AlertState | undefined {
    for (const a of this.byKey.get(key(integrationId, dedupKey)) ?? []) if (a.status !== "resolved") return a;
    return undefined;
  }

  /** Dedup keys of these events that name an alert D1 holds but memory does not. */
  coldDedupKeys(integrationId: string, events: AlertEvent[]): string[] {
    return [...new Set(events.map((e) => e.dedupKey))].filter((d) => this.coldKeys.has(key(integrationId, d)));
  }

  /** Alerts read from D1 for coldDedupKeys: hot from now on. */
  warm(alerts: AlertState[]) {
    for (const a of alerts) {
      this.coldKeys.delete(key(a.integrationId, a.dedupKey));
      if (!this.alerts.has(a.id)) this.addAlert(a);
    }
  }

  /** What the state machine needs for these events, as the D1 scope read chose it (db/ingest-reads.ts SCOPE). */
  scope(routing: Routing, events: AlertEvent[]): WorkingSet {
    const ws: WorkingSet = { components: new Map(), alerts: new Map(), incidents: new Map() };
    const deliveryAlerts: AlertState[] = [];
    for (const e of events) for (const a of this.byKey.get(key(routing.integrationId, e.dedupKey)) ?? []) deliveryAlerts.push(a);
    const candidates = new Set<string>(routing.componentIds);
    for (const l of routing.links) for (const id of l.componentIds) candidates.add(id);
    for (const e of events) {
      const slug = e.tags.service?.toLowerCase();
      for (const c of (slug && this.bySlug.get(slug)) || []) candidates.add(c.id);
    }
    for (const a of deliveryAlerts) for (const r of a.routes) candidates.add(r.componentId);
    for (const id of candidates) {
      const c = this.components.get(id);
      if (c) ws.components.set(id, c);
    }
    const incidentIds = new Set<string>();
    for (const a of deliveryAlerts) if (a.incidentId && this.incidents.has(a.incidentId)) incidentIds.add(a.incidentId);
    for (const i of this.incidents.values()) if (i.componentIds.some((c) => candidates.has(c))) incidentIds.add(i.id);
    for (const id of incidentIds) ws.incidents.set(id, this.incidents.get(id)!);
    for (const a of deliveryAlerts) ws.alerts.set(a.id, a);
    for (const id of candidates) for (const a of this.byComponent.get(id) ?? []) if (a.status !== "resolved") ws.alerts.set(a.id, a);
    for (const id of incidentIds) for (const a of this.byIncident.get(id) ?? []) ws.alerts.set(a.id, a);
    return ws;
  }

  /** After applyEvents on a scope: new alerts and incidents join memory, moved alerts are re-indexed. */
  absorb(ws: WorkingSet, d: Decision) {
    for (const id of d.newIncidents) this.incidents.set(id, ws.incidents.get(id)!);
    for (const id of d.alerts) {
      const a = ws.alerts.get(id)!;
      if (!this.alerts.has(id)) this.addAlert(a);
      else this.reindex(a);
    }
  }

  private addAlert(a: AlertState) {
    this.alerts.set(a.id, a);
    setOf(this.byKey, key(a.integrationId, a.dedupKey)).add(a);
    this.index(a);
  }

  private index(a: AlertState) {
    const components = a.routes.map((r) => r.componentId);
    for (const c of components) setOf(this.byComponent, c).add(a);
    if (a.incidentId) setOf(this.byIncident, a.incidentId).add(a);
    this.indexed.set(a.id, { components, incidentId: a.incidentId });
  }

  private reindex(a: AlertState) {
    const was = this.indexed.get(a.id);
    if (was) {
      for (const c of was.components) this.byComponent.get(c)?.delete(a);
      if (was.incidentId) this.byIncident.get(was.incidentId)?.delete(a);
    }
    this.index(a);
  }
}
