// Builders for the pure state machine's tests: a working set of components, a routing, events with
// sensible defaults, and a deterministic id counter so every id in a Decision can be asserted.
import type { AlertEvent } from "../../../domain/alert-event";
import { applyEvents, type ComponentState, type Decision, emptyDecision, type LinkRule, type Routing, type WorkingSet } from "../../../domain/incidents";

export const INTEGRATION = "int1";
/** Processing time of the first delivery; later deliveries pass their own. */
export const NOW = "2025-03-01T12:00:00.000Z";

/** Minute `n` of a fixed morning, before NOW: the events' occurredAt. */
export const T = (n: number) => new Date(Date.UTC(2025, 2, 1, 9, 0, 0) + n * 60_000);
export const iso = (n: number) => T(n).toISOString();
/** Processing time `n` minutes after NOW. */
export const later = (n: number) => new Date(Date.parse(NOW) + n * 60_000).toISOString();

export type ComponentInit = Pick<ComponentState, "id"> & Partial<ComponentState>;

export function component(init: ComponentInit): ComponentState {
  const autoStatus = init.autoStatus ?? "operational";
  return {
    slug: init.id,
    name: init.id.toUpperCase(),
    overrideStatus: null,
    inMaintenance: false,
    status: init.overrideStatus ?? (init.inMaintenance ? "under_maintenance" : autoStatus),
    ...init,
    autoStatus,
  };
}

export function workingSet(components: ComponentInit[]): WorkingSet {
  return {
    components: new Map(components.map((c) => [c.id, component(c)])),
    alerts: new Map(),
    incidents: new Map(),
  };
}

/** "id1", "id2", … in call order. */
export function counter(prefix = "id"): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

export function link(init: Partial<LinkRule> & Pick<LinkRule, "matchType" | "matchKey" | "componentIds">): LinkRule {
  return { id: `link-${init.matchType}-${init.matchKey}`, matchValue: null, status: null, ...init };
}

export function routing(init: Partial<Routing> = {}): Routing {
  return { integrationId: INTEGRATION, componentIds: [], links: [], ...init };
}

export function trigger(dedupKey: string, minute: number, extra: Partial<AlertEvent> = {}): AlertEvent {
  return {
    dedupKey,
    action: "trigger",
    severity: "critical",
    summary: `${dedupKey} is failing`,
    tags: {},
    occurredAt: T(minute),
    ...extra,
  };
}

export const resolve = (dedupKey: string, minute: number, extra: Partial<AlertEvent> = {}): AlertEvent =>
  trigger(dedupKey, minute, { action: "resolve", ...extra });

export const acknowledge = (dedupKey: string, minute: number, extra: Partial<AlertEvent> = {}): AlertEvent =>
  trigger(dedupKey, minute, { action: "acknowledge", ...extra });

/** A working set, a routing and a deterministic `apply` sharing one id counter. */
export function scenario(components: ComponentInit[], route: Partial<Routing> = { componentIds: ["api"] }) {
  const ws = workingSet(components);
  const newId = counter();
  const r = routing(route);
  return {
    ws,
    routing: r,
    newId,
    apply: (events: AlertEvent[], now = NOW, other: Routing = r): Decision => applyEvents(ws, other, events, { now, newId }),
    status: (id: string) => ws.components.get(id)!.status,
    incident: (id: string) => ws.incidents.get(id)!,
    alertByKey: (dedupKey: string) => [...ws.alerts.values()].find((a) => a.dedupKey === dedupKey)!,
  };
}

/** A Decision that changed nothing, with these outcomes. */
export function nothingChanged(outcomes: Decision["outcomes"]): Decision {
  return { ...emptyDecision(), outcomes };
}

export const API = { id: "api", slug: "api", name: "API" } as const;
export const WEB = { id: "web", slug: "web", name: "Website" } as const;
export const DB = { id: "db", slug: "db", name: "Database" } as const;
