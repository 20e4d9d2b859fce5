// One alert, several pages. An event reaches components on one or more pages (an integration's own
// components, its links, a `service:` tag); each page it reaches gets its own alert row and so its own
// incident, worded and damped on that page alone. The state machine (incidents.ts) decides one page at
// a time on the part of the working set that is on that page; this file splits and merges.
import type { AlertEvent } from "./alert-event";
import {
  type AlertState,
  type ApplyOptions,
  type ComponentState,
  type Decision,
  type EventOutcome,
  linkMatches,
  mergeDecisions,
  type Routing,
  type WorkingSet,
} from "./incident-state";
import { applyEvents } from "./incidents";

const pageOf = (x: { page?: number }) => x.page ?? 1;

/** The pages an event reaches through this routing (a `service:` tag: that slug on every page, or `<page>/<slug>` on one). */
export function pagesReached(event: AlertEvent, routing: Routing, components: Map<string, ComponentState>): Set<number> {
  const pages = new Set<number>();
  const add = (id: string) => {
    const c = components.get(id);
    if (c) pages.add(pageOf(c));
  };
  for (const id of routing.componentIds) add(id);
  for (const link of routing.links) if (linkMatches(link, event)) for (const id of link.componentIds) add(id);
  const service = event.tags.service?.toLowerCase();
  if (service) {
    for (const c of components.values()) if (c.slug === service || `${c.pageSlug ?? "main"}/${c.slug}` === service) pages.add(pageOf(c));
  }
  return pages;
}

/** The routing with the page's own wording and publication policy, where the page sets them (page settings). */
function withPagePolicy(routing: Routing, page: number): Routing {
  const policy = routing.pagePolicies?.get(page);
  if (!policy) return routing;
  return { ...routing, ...(policy.publicText ? { publicText: policy.publicText } : {}), ...(policy.publication ? { publication: policy.publication } : {}) };
}

/** The routing as one page sees it: its own components only, new alerts and incidents on it, and its own policy. */
function routingOn(routing: Routing, page: number, components: Map<string, ComponentState>): Routing {
  const onPage = (id: string) => {
    const c = components.get(id);
    return !!c && pageOf(c) === page;
  };
  return {
    ...withPagePolicy(routing, page),
    page,
    componentIds: routing.componentIds.filter(onPage),
    links: routing.links.map((l) => ({ ...l, componentIds: l.componentIds.filter(onPage) })).filter((l) => l.componentIds.length > 0),
  };
}

/** The part of the working set on one page: the same objects, so what the state machine changes is the whole set's. */
function workingSetOn(ws: WorkingSet, page: number): WorkingSet {
  const on = <T extends { page?: number }>(m: Map<string, T>) => new Map([...m].filter(([, v]) => pageOf(v) === page));
  return { components: on(ws.components), alerts: on(ws.alerts), incidents: on(ws.incidents) };
}

/** Of two outcomes for one event on two pages, the one that says most. */
const RANK: Record<EventOutcome, number> = { applied: 4, unrouted: 3, ignored: 2, duplicate: 1, stale: 0 };

/**
 * applyEvents for an install of several pages: each event on every page it reaches and every page
 * where its alert already is (an alert not routed anywhere stays on page 1). `onlyPage` keeps the events to
 * one page (an operator resolving one page's alert). With everything on one page, it is applyEvents itself.
 */
export function applyEventsOnPages(ws: WorkingSet, routing: Routing, events: AlertEvent[], opts: ApplyOptions, onlyPage?: number): Decision {
  const known = new Map<string, Set<number>>();
  for (const a of ws.alerts.values()) {
    if (a.integrationId !== routing.integrationId) continue;
    const pages = known.get(a.dedupKey) ?? new Set<number>();
    pages.add(pageOf(a));
    known.set(a.dedupKey, pages);
  }
  const eventPages = events.map((e) => {
    if (onlyPage !== undefined) return new Set([onlyPage]);
    const pages = pagesReached(e, routing, ws.components);
    for (const p of known.get(e.dedupKey) ?? []) pages.add(p);
    if (!pages.size) pages.add(1);
    return pages;
  });
  const all = new Set(eventPages.flatMap((p) => [...p]));
  const pages = [...all].sort((a, b) => a - b);
  if (pages.length === 1 && !hasOtherPages(ws, pages[0]!)) {
    const only = withPagePolicy(routing, pages[0]!);
    return applyEvents(ws, pages[0] === 1 ? only : { ...only, page: pages[0] }, events, opts);
  }
  const outcomes: EventOutcome[] = new Array(events.length).fill("stale");
  const decisions = pages.map((page) => {
    const indexes = events.flatMap((_, i) => (eventPages[i]!.has(page) ? [i] : []));
    const part = workingSetOn(ws, page);
    const d = applyEvents(
      part,
      routingOn(routing, page, ws.components),
      indexes.map((i) => events[i]!),
      opts,
    );
    for (const id of d.newAlerts) ws.alerts.set(id, part.alerts.get(id) as AlertState);
    for (const id of d.newIncidents) ws.incidents.set(id, part.incidents.get(id)!);
    indexes.forEach((i, n) => {
      const o = d.outcomes[n]!;
      if (RANK[o] > RANK[outcomes[i]!] || outcomes[i] === undefined) outcomes[i] = o;
    });
    return d;
  });
  const merged = mergeDecisions(decisions);
  merged.outcomes = outcomes;
  return merged;
}

/** Whether anything in the working set is on another page than `page`. */
function hasOtherPages(ws: WorkingSet, page: number): boolean {
  for (const m of [ws.components, ws.alerts, ws.incidents] as Map<string, { page?: number }>[]) for (const v of m.values()) if (pageOf(v) !== page) return true;
  return false;
}
