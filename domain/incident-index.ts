// Lookups kept beside the working set for one decision, and the steps every decision shares: an
// alert moved between components or incidents, components' automatic statuses recomputed, an update added.
import {
  type AffectedComponent,
  type AlertState,
  type ApplyOptions,
  automaticStatus,
  type ComponentState,
  type Decision,
  type IncidentState,
  type Route,
  type WorkingSet,
} from "./incident-state";
import { effectiveStatus } from "./status";

/**
 * Lookups kept beside the working set for one delivery, so a 300-alert delivery stays linear:
 * alerts by dedup key, by component routed to, by incident attached to.
 */
export interface Index {
  bySlug: Map<string, ComponentState>;
  byKey: Map<string, AlertState>;
  byComponent: Map<string, Set<AlertState>>;
  byIncident: Map<string, Set<AlertState>>;
}

export const alertKey = (integrationId: string, dedupKey: string) => `${integrationId}\u0000${dedupKey}`;

export function indexWorkingSet(ws: WorkingSet): Index {
  const idx: Index = {
    bySlug: new Map([...ws.components.values()].flatMap((c) => [[c.slug, c] as const, [`${c.pageSlug ?? "main"}/${c.slug}`, c] as const])),
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

export function addAlert(idx: Index, a: AlertState) {
  idx.byKey.set(alertKey(a.integrationId, a.dedupKey), a);
  for (const r of a.routes) setOf(idx.byComponent, r.componentId).add(a);
  if (a.incidentId) setOf(idx.byIncident, a.incidentId).add(a);
}

export function setRoutes(idx: Index, a: AlertState, routes: Route[]) {
  for (const r of a.routes) idx.byComponent.get(r.componentId)?.delete(a);
  a.routes = routes;
  for (const r of routes) setOf(idx.byComponent, r.componentId).add(a);
}

export function setIncident(idx: Index, a: AlertState, incidentId: string | null) {
  if (a.incidentId) idx.byIncident.get(a.incidentId)?.delete(a);
  a.incidentId = incidentId;
  if (incidentId) setOf(idx.byIncident, incidentId).add(a);
}

export function recomputeComponents(ws: WorkingSet, idx: Index, componentIds: string[], now: string, d: Decision): AffectedComponent[] {
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

export function addUpdate(
  d: Decision,
  opts: ApplyOptions,
  incident: IncidentState,
  body: string,
  changes: AffectedComponent[],
  ws: WorkingSet,
  details?: string,
) {
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
