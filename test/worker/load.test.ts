// A regional outage, as senders deliver it: 1,000 webhooks at once for 50 alerts on 20 components,
// then the same burst with every delivery sent twice in shuffled order. Every delivery must be
// answered 2xx and be durably in D1, and D1 must hold exactly what the pure state machine decides:
//  - against the events applied one by one in time order: every alert's final status (that of its
//    latest event), and every component's status (the worst of its firing alerts);
//  - against the events applied in the order the ingestor processed them (the delivery log's insert
//    order): everything, incidents and their history included, and each delivery's outcomes;
//  - and, read from D1 alone: one incident per alert group, never a duplicate open one.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../domain/alert-event";
import { type AlertState, applyEvents, type ComponentState, type LinkRule, type Routing, type WorkingSet } from "../../domain/incidents";
import type { ComponentStatus } from "../../domain/status";
import worker from "../../worker/index";
import { fromGeneric } from "../../worker/sources/generic";
import { admin, BASE, createComponent, createIntegration, rows } from "./helpers";

const COMPONENTS = 20;
const ALERTS = 50;
const DELIVERIES = 1000;
const EVENTS_PER_ALERT = DELIVERIES / ALERTS;
const SEVERITIES = ["critical", "error", "warning"] as const;
/** Long before the run, so every event is in the past whatever the clock says. */
const T0 = Date.UTC(2025, 5, 1, 8, 0, 0);

/** Deterministic: the same bursts on every run (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Page {
  integration: { id: string; key: string };
  components: Array<{ id: string; slug: string; name: string }>;
  /** The monitor name routing alerts of odd components through a link. */
  monitorOf: Map<number, string>;
}

/** 20 components, one generic integration; even components routed by `service:<slug>`, odd ones by monitor links. */
async function createPage(label: string): Promise<Page> {
  const components = await Promise.all(Array.from({ length: COMPONENTS }, (_, j) => createComponent(`${label} component ${j}`)));
  const integration = await createIntegration("generic");
  const monitorOf = new Map<number, string>();
  for (let j = 1; j < COMPONENTS; j += 2) {
    const monitor = `${label}-probe-${j}-${integration.id}`;
    const res = await admin("POST", "/links", { integration_id: integration.id, match: { monitor }, component_ids: [components[j]!.id] });
    if (res.status !== 201) throw new Error(`link: ${res.status} ${await res.text()}`);
    monitorOf.set(j, monitor);
  }
  return { integration, components, monitorOf };
}

interface Sent {
  alert: number;
  body: Record<string, unknown>;
  event: AlertEvent;
}

/** 20 trigger/resolve events per alert, at distinct times, interleaved across alerts in time order. */
function burst(page: Page, seed: number): Sent[] {
  const next = random(seed);
  const out: Sent[] = [];
  for (let e = 0; e < EVENTS_PER_ALERT; e++) {
    for (let alert = 0; alert < ALERTS; alert++) {
      const j = alert % COMPONENTS;
      const action = next() < 0.6 ? "trigger" : "resolve";
      const severity = SEVERITIES[Math.floor(next() * SEVERITIES.length)]!;
      const body: Record<string, unknown> = {
        dedup_key: `alert-${alert}`,
        action,
        severity,
        summary: `Alert ${alert} on component ${j}: ${action} #${e}`,
        occurred_at: new Date(T0 + (e * ALERTS + alert) * 1000).toISOString(),
      };
      if (j % 2 === 0) body.tags = { service: page.components[j]!.slug, wave: String(e) };
      else body.monitor = { name: page.monitorOf.get(j)! };
      // The events exactly as the receiver will see them: through the same adapter.
      out.push({ alert, body, event: fromGeneric(body, new Date())[0]! });
    }
  }
  return out;
}

/**
 * One delivery through the worker's own fetch handler, in workerd, with the real D1 and ingestor.
 * Not SELF.fetch: in @cloudflare/vitest-pool-workers 0.23 every SELF.fetch costs time proportional
 * to the number made before it in the file (measured: ~10 ms at first, ~200 ms each after 400,
 * ~800 ms after 800), which would turn a 1,000-delivery burst into minutes of harness overhead.
 */
async function deliver(path: string, body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}${path}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body }),
    env,
    ctx,
  );
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return new Response(text, { status: res.status, headers: res.headers });
}

/** Sends every body at once; returns status and outcomes in send order. */
async function sendAll(page: Page, sent: Sent[]) {
  const url = `/hooks/generic/${page.integration.key}`;
  return Promise.all(
    sent.map(async (s) => {
      const res = await deliver(url, JSON.stringify(s.body));
      const text = await res.text();
      let json: { delivery_id?: string; outcomes?: string[] } = {};
      try {
        json = JSON.parse(text);
      } catch {}
      return { status: res.status, text, deliveryId: json.delivery_id, outcomes: json.outcomes };
    }),
  );
}

// ── The model: the pure state machine on an in-memory working set with the same ids ───────────────

async function routingOf(page: Page): Promise<Routing> {
  const links = await rows<{
    id: string;
    match_type: string;
    match_key: string;
    match_value: string | null;
    status: string | null;
    component_ids: string;
  }>(
    `SELECT l.id, l.match_type, l.match_key, l.match_value, l.status,
       (SELECT json_group_array(component_id) FROM link_components WHERE link_id = l.id) AS component_ids
     FROM links l WHERE l.integration_id = ?1`,
    page.integration.id,
  );
  const own = await rows<{ component_id: string }>("SELECT component_id FROM integration_components WHERE integration_id = ?1", page.integration.id);
  return {
    integrationId: page.integration.id,
    componentIds: own.map((r) => r.component_id),
    links: links.map(
      (l): LinkRule => ({
        id: l.id,
        matchType: l.match_type as LinkRule["matchType"],
        matchKey: l.match_key,
        matchValue: l.match_value,
        status: l.status as ComponentStatus | null,
        componentIds: JSON.parse(l.component_ids),
      }),
    ),
  };
}

function model(page: Page) {
  const components = new Map<string, ComponentState>(
    page.components.map((c) => [
      c.id,
      {
        id: c.id,
        slug: c.slug,
        name: c.name,
        autoStatus: "operational",
        overrideStatus: null,
        inMaintenance: false,
        status: "operational",
      },
    ]),
  );
  const ws: WorkingSet = { components, alerts: new Map(), incidents: new Map() };
  let n = 0;
  let clock = Date.now();
  return {
    ws,
    apply: (routing: Routing, event: AlertEvent) =>
      applyEvents(ws, routing, [event], { now: new Date(clock++).toISOString(), newId: () => `model${++n}` }).outcomes,
  };
}

// ── What D1 holds ─────────────────────────────────────────────────────────────────────────────

async function stored(page: Page) {
  const ids = JSON.stringify(page.components.map((c) => c.id));
  const alerts = await rows<{
    id: string;
    dedup_key: string;
    status: string;
    severity: string;
    last_event_at: string;
    last_action: string;
    incident_id: string | null;
  }>("SELECT id, dedup_key, status, severity, last_event_at, last_action, incident_id FROM alerts WHERE integration_id = ?1", page.integration.id);
  const routes = await rows<{ alert_id: string; component_id: string; status: string | null }>(
    "SELECT alert_id, component_id, status FROM alert_components WHERE alert_id IN (SELECT id FROM alerts WHERE integration_id = ?1)",
    page.integration.id,
  );
  const components = await rows<{ id: string; status: string; auto_status: string }>(
    "SELECT id, status, auto_status FROM components WHERE id IN (SELECT value FROM json_each(?1))",
    ids,
  );
  const incidents = await rows<{ id: string; status: string; resolved_at: string | null; component_id: string; updates: number }>(
    `SELECT i.id, i.status, i.resolved_at, ic.component_id,
       (SELECT count(*) FROM incident_updates u WHERE u.incident_id = i.id) AS updates
     FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id
     WHERE ic.component_id IN (SELECT value FROM json_each(?1))`,
    ids,
  );
  const changes = await rows<{ component_id: string; n: number }>(
    "SELECT component_id, count(*) AS n FROM component_status_changes WHERE component_id IN (SELECT value FROM json_each(?1)) GROUP BY component_id",
    ids,
  );
  // The ingestor writes one delivery at a time, so the log's insert order is the processing order.
  const processed = await rows<{ id: string }>(
    "SELECT id FROM deliveries WHERE integration_id = ?1 AND outcome = 'accepted' ORDER BY rowid",
    page.integration.id,
  );
  return { alerts, routes, components, incidents, changes, processed };
}

type Stored = Awaited<ReturnType<typeof stored>>;

const byComponent = <T extends { component_id: string }>(list: T[], id: string) => list.filter((r) => r.component_id === id);

/** Per component: its status and auto status, its incidents' statuses and update counts, its status changes. */
function componentView(page: Page, d: Stored) {
  return page.components.map((c, j) => {
    const row = d.components.find((r) => r.id === c.id)!;
    return {
      component: j,
      status: row.status,
      auto: row.auto_status,
      incidents: byComponent(d.incidents, c.id)
        .map((i) => `${i.status}/${i.updates} updates`)
        .sort(),
      statusChanges: byComponent(d.changes, c.id)[0]?.n ?? 0,
    };
  });
}

function modelComponentView(page: Page, ws: WorkingSet, statusChanges: Map<string, number>, updates: Map<string, number>) {
  return page.components.map((c, j) => {
    const comp = ws.components.get(c.id)!;
    return {
      component: j,
      status: comp.status,
      auto: comp.autoStatus,
      incidents: [...ws.incidents.values()]
        .filter((i) => i.componentIds.includes(c.id))
        .map((i) => `${i.status}/${updates.get(i.id) ?? 0} updates`)
        .sort(),
      statusChanges: statusChanges.get(c.id) ?? 0,
    };
  });
}

/** Per alert: status, last event, and while firing its severity and routes. */
function alertView(d: Stored) {
  return d.alerts
    .map((a) => ({
      alert: a.dedup_key,
      status: a.status,
      lastEventAt: a.last_event_at,
      ...(a.status !== "resolved"
        ? {
            severity: a.severity,
            routes: d.routes
              .filter((r) => r.alert_id === a.id)
              .map((r) => `${r.component_id}:${r.status}`)
              .sort(),
          }
        : {}),
    }))
    .sort((x, y) => x.alert.localeCompare(y.alert));
}

function modelAlertView(ws: WorkingSet) {
  return [...ws.alerts.values()]
    .map((a: AlertState) => ({
      alert: a.dedupKey,
      status: a.status,
      lastEventAt: a.lastEventAt,
      ...(a.status !== "resolved" ? { severity: a.severity, routes: a.routes.map((r) => `${r.componentId}:${r.status}`).sort() } : {}),
    }))
    .sort((x, y) => x.alert.localeCompare(y.alert));
}

const RANK: Record<string, number> = { operational: 0, under_maintenance: 1, degraded_performance: 2, partial_outage: 3, major_outage: 4 };

/** The invariants, read from D1 alone: worst-of statuses and one incident per alert group. */
function invariantViolations(page: Page, d: Stored): string[] {
  const out: string[] = [];
  for (const [j, c] of page.components.entries()) {
    const firing = d.alerts.filter((a) => a.status !== "resolved" && d.routes.some((r) => r.alert_id === a.id && r.component_id === c.id));
    const worst = d.routes
      .filter((r) => r.component_id === c.id && r.status && firing.some((a) => a.id === r.alert_id))
      .reduce((w, r) => (RANK[r.status!]! > RANK[w]! ? r.status! : w), "operational");
    const row = d.components.find((r) => r.id === c.id)!;
    if (row.status !== worst || row.auto_status !== worst)
      out.push(`component ${j} is ${row.status}/${row.auto_status}, worst of its firing alerts is ${worst}`);
    const incidents = byComponent(d.incidents, c.id);
    // Nobody resolves incidents here, so an alert group never needs a second one.
    if (incidents.length > 1) out.push(`component ${j} has ${incidents.length} incidents: ${incidents.map((i) => i.status)}`);
    if (firing.length) {
      if (incidents.length !== 1 || incidents[0]!.status !== "investigating")
        out.push(`component ${j} has firing alerts but incidents ${incidents.map((i) => i.status)}`);
      for (const a of firing) if (a.incident_id !== incidents[0]?.id) out.push(`firing ${a.dedup_key} is not attached to component ${j}'s incident`);
    } else if (incidents.length && incidents[0]!.status !== "monitoring") {
      out.push(`component ${j} has no firing alert but its incident is ${incidents[0]!.status}`);
    }
  }
  return out;
}

/** Checks one burst end to end; returns the final state for comparison across bursts. */
async function verify(page: Page, sent: Sent[], results: Awaited<ReturnType<typeof sendAll>>) {
  // Every delivery answered 2xx, with a delivery id and one outcome.
  const refused = results.map((r, i) => ({ i, ...r })).filter((r) => r.status !== 202 || !r.deliveryId || r.outcomes?.length !== 1);
  expect(
    refused.slice(0, 5).map((r) => `#${r.i}: ${r.status} ${r.text.slice(0, 200)}`),
    `${refused.length} deliveries not accepted`,
  ).toEqual([]);

  const d = await stored(page);
  // Every delivery durably in D1, and processed exactly once.
  expect(d.processed).toHaveLength(sent.length);
  expect(new Set(d.processed.map((p) => p.id))).toEqual(new Set(results.map((r) => r.deliveryId)));

  // Every alert present, its final status that of its latest event.
  expect(d.alerts).toHaveLength(ALERTS);
  const latest = new Map<string, Sent>();
  for (const s of sent) {
    const prev = latest.get(s.event.dedupKey);
    if (!prev || s.event.occurredAt > prev.event.occurredAt) latest.set(s.event.dedupKey, s);
  }
  for (const a of d.alerts) {
    const last = latest.get(a.dedup_key)!.event;
    expect({ alert: a.dedup_key, status: a.status, lastEventAt: a.last_event_at }).toEqual({
      alert: a.dedup_key,
      status: last.action === "trigger" ? "firing" : "resolved",
      lastEventAt: last.occurredAt.toISOString(),
    });
  }

  const routing = await routingOf(page);

  // The state machine, events one by one in time order: the same alerts and component statuses.
  const inTimeOrder = model(page);
  for (const s of [...sent].sort((x, y) => x.event.occurredAt.getTime() - y.event.occurredAt.getTime())) inTimeOrder.apply(routing, s.event);
  expect(alertView(d)).toEqual(modelAlertView(inTimeOrder.ws));
  const statuses = (view: Array<{ component: number; status: string; auto: string }>) =>
    view.map(({ component, status, auto }) => ({ component, status, auto }));
  expect(statuses(componentView(page, d))).toEqual(statuses(modelComponentView(page, inTimeOrder.ws, new Map(), new Map())));

  // The state machine, events in the order the ingestor processed them: everything, outcomes included.
  const sentByDelivery = new Map(results.map((r, i) => [r.deliveryId!, { sent: sent[i]!, outcomes: r.outcomes! }]));
  const inProcessingOrder = model(page);
  const statusChanges = new Map<string, number>();
  const updates = new Map<string, number>();
  const outcomeMismatches: string[] = [];
  for (const { id } of d.processed) {
    const { sent: s, outcomes } = sentByDelivery.get(id)!;
    const decision = applyEvents(inProcessingOrder.ws, routing, [s.event], {
      now: new Date().toISOString(),
      newId: () => crypto.randomUUID(),
    });
    for (const c of decision.statusChanges) statusChanges.set(c.componentId, (statusChanges.get(c.componentId) ?? 0) + 1);
    for (const u of decision.updates) updates.set(u.incidentId, (updates.get(u.incidentId) ?? 0) + 1);
    if (decision.outcomes.join() !== outcomes.join())
      outcomeMismatches.push(`${s.body.dedup_key} ${s.body.action} ${s.body.occurred_at}: worker ${outcomes}, model ${decision.outcomes}`);
  }
  expect(outcomeMismatches.slice(0, 5), `${outcomeMismatches.length} outcomes differ from the state machine's`).toEqual([]);
  expect(alertView(d)).toEqual(modelAlertView(inProcessingOrder.ws));
  expect(componentView(page, d)).toEqual(modelComponentView(page, inProcessingOrder.ws, statusChanges, updates));

  // From D1 alone.
  expect(invariantViolations(page, d)).toEqual([]);
  // An alert group has its incident exactly when one of its triggers was applied.
  for (const [j, c] of page.components.entries()) {
    const applied = results.some((r, i) => sent[i]!.alert % COMPONENTS === j && sent[i]!.event.action === "trigger" && r.outcomes?.[0] === "applied");
    expect({ component: j, incidents: byComponent(d.incidents, c.id).length }).toEqual({ component: j, incidents: applied ? 1 : 0 });
  }

  return {
    alerts: alertView(d).map(({ alert, status, severity }) => ({ alert, status, severity })),
    components: componentView(page, d).map(({ component, status }) => ({ component, status })),
  };
}

let firstBurst: Awaited<ReturnType<typeof verify>> | undefined;

describe("load: a burst of concurrent deliveries", () => {
  it("1,000 concurrent deliveries for 50 alerts on 20 components: all 2xx, all in D1, as the state machine decides", async () => {
    const page = await createPage("burst");
    const sent = burst(page, 7);
    expect(sent).toHaveLength(DELIVERIES);
    const started = Date.now();
    const results = await sendAll(page, sent);
    console.log(`load: ${DELIVERIES} concurrent deliveries answered in ${Date.now() - started} ms`);
    firstBurst = await verify(page, sent, results);
    // The burst is not trivial: alerts end both ways, statuses are mixed.
    expect(new Set(firstBurst.alerts.map((a) => a.status))).toEqual(new Set(["firing", "resolved"]));
    expect(new Set(firstBurst.components.map((c) => c.status)).size).toBeGreaterThan(2);
  }, 60_000);

  it("the same burst with every delivery sent twice, in shuffled order: the same final state", async () => {
    const page = await createPage("replayed");
    const once = burst(page, 7);
    const next = random(99);
    const twice = [...once, ...once];
    for (let i = twice.length - 1; i > 0; i--) {
      const k = Math.floor(next() * (i + 1));
      [twice[i], twice[k]] = [twice[k]!, twice[i]!];
    }
    const started = Date.now();
    const results = await sendAll(page, twice);
    console.log(`load: ${twice.length} shuffled deliveries (each twice) answered in ${Date.now() - started} ms`);
    const final = await verify(page, twice, results);

    // Idempotent: of the two copies of one event, at most one was applied.
    const applied = new Map<Sent, number>();
    results.forEach((r, i) => {
      if (r.outcomes?.[0] === "applied") applied.set(twice[i]!, (applied.get(twice[i]!) ?? 0) + 1);
    });
    expect([...applied.values()].filter((n) => n > 1)).toEqual([]);

    // The same final state as the first burst (same events, other components), when it ran.
    if (firstBurst) expect(final).toEqual(firstBurst);
  }, 90_000);
});
