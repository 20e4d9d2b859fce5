// What a webhook costs in CPU inside the worker, without I/O: parse, adapt, decide, build the batch.
import { decisionStatements } from "../db/ingest";
import { READS } from "../db/ingest-reads";
import type { AlertEvent } from "../domain/alert-event";
import { newId } from "../domain/ids";
import { applyEvents, type ComponentState, type Routing, type WorkingSet } from "../domain/incidents";
import { redactPayload } from "../worker/delivery";
import { HOOK_ADAPTERS } from "../worker/sources/registry";

export { HOOK_ADAPTERS, READS };

/** Statements are only built, never run: a sink with D1's prepare/bind shape. */
const sink = {
  prepare(sql: string) {
    return {
      sql,
      bind(...args: unknown[]) {
        return { sql, args };
      },
    };
  },
} as unknown as D1Database;

export function workingSet(components: number): { ws: WorkingSet; routing: Routing } {
  const map = new Map<string, ComponentState>();
  for (let i = 0; i < components; i++) {
    const id = `cmp${String(i).padStart(9, "0")}`;
    map.set(id, {
      id,
      slug: `c${i}`,
      name: `Component ${i}`,
      autoStatus: "operational",
      overrideStatus: null,
      inMaintenance: false,
      status: "operational",
    });
  }
  return {
    ws: { components: map, alerts: new Map(), incidents: new Map() },
    routing: { integrationId: "integ0000001", componentIds: [...map.keys()].slice(0, 1), links: [] },
  };
}

/** One delivery's CPU path; returns the event count so nothing is optimised away. */
export function processDelivery(source: string, text: string, ws: WorkingSet, routing: Routing): number {
  const adapt = (HOOK_ADAPTERS as Record<string, (p: unknown, d: Date) => AlertEvent[]>)[source]!;
  const events = adapt(JSON.parse(text), new Date());
  const now = new Date().toISOString();
  const decision = applyEvents(ws, routing, events, { now, newId });
  const statements = decisionStatements(sink, ws, decision, now, {
    id: newId(),
    integrationId: routing.integrationId,
    source,
    receivedAt: now,
    outcome: "accepted",
    httpStatus: 202,
    eventCount: events.length,
    summary: null,
    error: null,
    payload: redactPayload(text),
  });
  return events.length + statements.length;
}
