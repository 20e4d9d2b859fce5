// The state machine under random valid event sequences: whatever senders send, in whatever order
// and however often, the working set keeps its invariants (the README's "How alerts become incidents"), and the
// Decision it returns names every change (what is not named is never written to D1).
//
// The universe: five components in four alert groups (a group = the components an alert is routed
// to; groups are disjoint here so "one open incident per group" is well defined), two integrations
// (one routing by `service:` tags and links, one by its own component), alerts of fixed routing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { type AlertState, applyEvents, type ComponentState, type Decision, type Routing, type WorkingSet } from "../../../domain/incidents";
import type { ComponentStatus, Severity } from "../../../domain/status";
import { SEED } from "./helpers";

const COMPONENTS = ["c1", "c2", "c3", "c4", "c5"];
const GROUP: Record<string, string> = { c1: "G1", c2: "G2", c3: "G2", c4: "G3", c5: "G4" };
const GROUPS = ["G1", "G2", "G3", "G4"];

const ROUTING: Record<"A" | "B", Routing> = {
  A: {
    integrationId: "intA",
    componentIds: [],
    links: [
      { id: "l-mon", matchType: "monitor", matchKey: "mon-g2", matchValue: null, status: null, componentIds: ["c2", "c3"] },
      { id: "l-tag", matchType: "tag", matchKey: "team", matchValue: "core", status: "partial_outage", componentIds: ["c4"] },
    ],
  },
  B: { integrationId: "intB", componentIds: ["c5"], links: [] },
};

interface AlertSpec {
  integration: "A" | "B";
  dedupKey: string;
  tags: Record<string, string>;
  monitor?: { name: string };
  /** Where every event of this alert is routed (checked, so the universe is what it claims). */
  components: string[];
}

const ALERTS: AlertSpec[] = [
  { integration: "A", dedupKey: "k1", tags: { service: "s1" }, components: ["c1"] },
  { integration: "A", dedupKey: "k2", tags: { service: "S1", env: "prod" }, components: ["c1"] },
  { integration: "A", dedupKey: "k3", tags: {}, monitor: { name: "mon-g2" }, components: ["c2", "c3"] },
  { integration: "A", dedupKey: "k4", tags: { env: "prod" }, monitor: { name: "MON-G2" }, components: ["c2", "c3"] },
  { integration: "A", dedupKey: "k5", tags: { team: "core" }, components: ["c4"] },
  { integration: "A", dedupKey: "k6", tags: { service: "s4" }, components: ["c4"] },
  { integration: "A", dedupKey: "u1", tags: { service: "nowhere" }, components: [] },
  // The same dedup key in another integration is another alert.
  { integration: "B", dedupKey: "k1", tags: {}, components: ["c5"] },
  { integration: "B", dedupKey: "b2", tags: {}, components: ["c5"] },
];
const ALERTS_OF = { A: ALERTS.filter((a) => a.integration === "A"), B: ALERTS.filter((a) => a.integration === "B") };
const specOf = (alert: AlertState) => ALERTS.find((s) => ROUTING[s.integration].integrationId === alert.integrationId && s.dedupKey === alert.dedupKey)!;

const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);
const minute = (n: number) => new Date(T0 + n * 60_000);
const processedAt = (step: number) => new Date(T0 + 24 * 3600_000 + step * 1000).toISOString();

function freshWorkingSet(): WorkingSet {
  const components = new Map<string, ComponentState>();
  for (const [i, id] of COMPONENTS.entries()) {
    components.set(id, {
      id,
      slug: `s${i + 1}`,
      name: id.toUpperCase(),
      autoStatus: "operational",
      overrideStatus: null,
      inMaintenance: false,
      status: "operational",
    });
  }
  return { components, alerts: new Map(), incidents: new Map() };
}

// ── Arbitraries ────────────────────────────────────────────────────────────────────────────────

interface EventOpts {
  actions: Array<AlertEvent["action"]>;
  renotify: boolean;
  maintenance: boolean;
}

const severity = fc.constantFrom<Severity>("critical", "error", "warning", "info");

function eventFor(integration: "A" | "B", o: EventOpts): fc.Arbitrary<AlertEvent> {
  return fc
    .record({
      alert: fc.constantFrom(...ALERTS_OF[integration]),
      action: fc.constantFrom(...o.actions),
      severity,
      at: fc.integer({ min: 0, max: 30 }),
      renotify: o.renotify ? fc.boolean() : fc.constant(false),
      maintenance: o.maintenance ? fc.integer({ min: 0, max: 9 }).map((n) => n === 0) : fc.constant(false),
    })
    .map(({ alert, action, severity, at, renotify, maintenance }) => {
      const event: AlertEvent = {
        dedupKey: alert.dedupKey,
        action,
        severity,
        summary: `${alert.dedupKey} at ${at}`,
        tags: { ...alert.tags },
        occurredAt: minute(at),
      };
      if (alert.monitor) event.monitor = { ...alert.monitor };
      if (renotify && action === "trigger") event.renotify = true;
      if (maintenance && action === "trigger") event.status = "under_maintenance";
      return event;
    });
}

interface Delivery {
  integration: "A" | "B";
  events: AlertEvent[];
}

const delivery = (o: EventOpts): fc.Arbitrary<Delivery> =>
  fc
    .constantFrom<"A" | "B">("A", "A", "B")
    .chain((integration) => fc.array(eventFor(integration, o), { minLength: 1, maxLength: 4 }).map((events) => ({ integration, events })));

type Step =
  | { kind: "deliver"; delivery: Delivery }
  | { kind: "replay"; index: number }
  | { kind: "resolve-incident"; index: number }
  | { kind: "override"; component: string; status: ComponentStatus | null }
  | { kind: "maintenance"; component: string; on: boolean };

function steps(o: EventOpts & { operator: boolean }): fc.Arbitrary<Step[]> {
  const options: Array<fc.WeightedArbitrary<Step>> = [
    { weight: 8, arbitrary: delivery(o).map((d) => ({ kind: "deliver" as const, delivery: d })) },
    { weight: 2, arbitrary: fc.nat().map((index) => ({ kind: "replay" as const, index })) },
  ];
  if (o.operator) {
    options.push(
      { weight: 1, arbitrary: fc.nat().map((index) => ({ kind: "resolve-incident" as const, index })) },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant("override" as const),
          component: fc.constantFrom(...COMPONENTS),
          status: fc.constantFrom<ComponentStatus | null>(null, null, "operational", "major_outage", "degraded_performance"),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ kind: fc.constant("maintenance" as const), component: fc.constantFrom(...COMPONENTS), on: fc.boolean() }),
      },
    );
  }
  return fc.array(fc.oneof(...options), { minLength: 1, maxLength: 40 });
}

// ── The model run ──────────────────────────────────────────────────────────────────────────────

const RANK: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};
const disruptive = (s: ComponentStatus | null) => s !== null && s !== "operational" && s !== "under_maintenance";
const firing = (a: AlertState) => a.status !== "resolved";
const firingDisruptive = (a: AlertState) => firing(a) && a.routes.some((r) => disruptive(r.status));

class Run {
  ws = freshWorkingSet();
  delivered: Delivery[] = [];
  step = 0;
  private ids = 0;
  newId = () => `id${++this.ids}`;
  /** Incidents an operator resolved: nothing may ever reopen them. */
  resolvedByOperator = new Set<string>();
  everOpened = new Map<string, Set<string>>(GROUPS.map((g) => [g, new Set()]));

  constructor(readonly operator: boolean) {}

  apply(d: Delivery): Decision {
    const before = structuredClone(this.ws);
    const decision = applyEvents(this.ws, ROUTING[d.integration], d.events, { now: processedAt(++this.step), newId: this.newId });
    expect(decisionViolations(before, this.ws, decision), "the Decision must name every change").toEqual([]);
    for (const i of this.ws.incidents.values()) for (const c of i.componentIds) this.everOpened.get(GROUP[c]!)!.add(i.id);
    return decision;
  }

  run(step: Step) {
    switch (step.kind) {
      case "deliver":
        this.apply(step.delivery);
        this.delivered.push(step.delivery);
        break;
      case "replay": {
        if (!this.delivered.length) return;
        this.apply(this.delivered[step.index % this.delivered.length]!);
        break;
      }
      case "resolve-incident": {
        const open = [...this.ws.incidents.values()].filter((i) => i.status !== "resolved");
        if (!open.length) return;
        const incident = open[step.index % open.length]!;
        incident.status = "resolved";
        incident.resolvedAt = processedAt(++this.step);
        this.resolvedByOperator.add(incident.id);
        break;
      }
      case "override":
      case "maintenance": {
        const c = this.ws.components.get(step.component)!;
        if (step.kind === "override") c.overrideStatus = step.status;
        else c.inMaintenance = step.on;
        c.status = c.overrideStatus ?? (c.inMaintenance ? "under_maintenance" : c.autoStatus);
        break;
      }
    }
    expect(invariantViolations(this), "invariants").toEqual([]);
  }
}

/** The invariants of the README's "How alerts become incidents", checked from scratch on the working set. */
function invariantViolations(run: Run): string[] {
  const { ws } = run;
  const out: string[] = [];
  const incidents = [...ws.incidents.values()];
  const alerts = [...ws.alerts.values()];

  for (const alert of alerts) {
    const expected = specOf(alert).components;
    const routed = alert.routes.map((r) => r.componentId).sort();
    if (alert.lastAction !== "resolve" || alert.firstTriggeredAt !== null || routed.length) {
      // A resolve for an unknown alert is remembered unrouted; every other alert is routed as specified.
      if (routed.join() !== [...expected].sort().join()) out.push(`alert ${alert.dedupKey} routed to ${routed} instead of ${expected}`);
    }
    if ((alert.status === "resolved") !== (alert.resolvedAt !== null))
      out.push(`alert ${alert.dedupKey}: status ${alert.status} with resolvedAt ${alert.resolvedAt}`);
    if (alert.incidentId !== null && !ws.incidents.has(alert.incidentId)) out.push(`alert ${alert.dedupKey} attached to an unknown incident`);
  }

  // One open incident per alert group; an incident never spans groups.
  for (const g of GROUPS) {
    const open = incidents.filter((i) => i.status !== "resolved" && i.componentIds.some((c) => GROUP[c] === g));
    if (open.length > 1) out.push(`group ${g} has ${open.length} open incidents: ${open.map((i) => `${i.id} ${i.status}`).join(", ")}`);
    // Without an operator nothing resolves an incident, so a group never gets a second one.
    if (!run.operator && run.everOpened.get(g)!.size > 1) out.push(`group ${g} had ${run.everOpened.get(g)!.size} incidents`);
  }
  for (const i of incidents) {
    const groups = new Set(i.componentIds.map((c) => GROUP[c]));
    if (groups.size !== 1) out.push(`incident ${i.id} spans groups ${[...groups]}`);
    if (run.resolvedByOperator.has(i.id) && i.status !== "resolved") out.push(`resolved incident ${i.id} was reopened (${i.status})`);
    const attached = alerts.filter((a) => a.incidentId === i.id);
    // When every alert of an incident has resolved, the incident is monitoring (or resolved).
    if (attached.length && attached.every((a) => !firing(a)) && i.status !== "monitoring" && i.status !== "resolved") {
      out.push(`incident ${i.id} is ${i.status} though all its alerts resolved`);
    }
  }

  // Every firing alert that disrupts is attached to its group's open, investigating incident.
  for (const a of alerts.filter(firingDisruptive)) {
    const incident = a.incidentId ? ws.incidents.get(a.incidentId) : undefined;
    if (!incident) {
      out.push(`firing alert ${a.integrationId}/${a.dedupKey} has no incident`);
      continue;
    }
    if (run.resolvedByOperator.has(incident.id)) continue;
    if (incident.status !== "investigating") out.push(`firing alert ${a.dedupKey} is in a ${incident.status} incident`);
    for (const r of a.routes) if (!incident.componentIds.includes(r.componentId)) out.push(`incident ${incident.id} lacks ${r.componentId} of ${a.dedupKey}`);
  }

  // Component status: the worst over the firing alerts routed to it; override, then maintenance, win.
  for (const c of ws.components.values()) {
    let worst: ComponentStatus = "operational";
    for (const a of alerts.filter(firing)) {
      for (const r of a.routes) if (r.componentId === c.id && r.status && RANK[r.status] > RANK[worst]) worst = r.status;
    }
    if (c.autoStatus !== worst) out.push(`component ${c.id} auto status ${c.autoStatus}, worst of its firing alerts ${worst}`);
    const shown = c.overrideStatus ?? (c.inMaintenance ? "under_maintenance" : c.autoStatus);
    if (c.status !== shown) out.push(`component ${c.id} shows ${c.status}, expected ${shown}`);
  }
  return out;
}

/** What changed between two working sets that the Decision does not report (so would not be written). */
function decisionViolations(before: WorkingSet, after: WorkingSet, d: Decision): string[] {
  const out: string[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  for (const id of before.alerts.keys()) if (!after.alerts.has(id)) out.push(`alert ${id} vanished`);
  for (const [id, a] of after.alerts) {
    const b = before.alerts.get(id);
    if (!b && !(d.newAlerts.has(id) && d.alerts.has(id))) out.push(`new alert ${id} not reported`);
    if (b && !same(a, b) && !d.alerts.has(id)) out.push(`alert ${id} changed but not reported`);
    if (!same(a.routes, b?.routes ?? []) && a.routes.length && !d.routesChanged.has(id)) out.push(`alert ${id} routes changed but not reported`);
  }
  for (const id of before.incidents.keys()) if (!after.incidents.has(id)) out.push(`incident ${id} vanished`);
  for (const [id, i] of after.incidents) {
    const b = before.incidents.get(id);
    if (!b && !(d.newIncidents.has(id) && d.incidents.has(id))) out.push(`new incident ${id} not reported`);
    if (b && !same(i, b) && !d.incidents.has(id)) out.push(`incident ${id} changed but not reported`);
    const added = i.componentIds.filter((c) => !b?.componentIds.includes(c)).sort();
    const reported = d.incidentComponents
      .filter(([inc]) => inc === id)
      .map(([, c]) => c)
      .sort();
    if (!same(added, reported)) out.push(`incident ${id} gained components ${added}, reported ${reported}`);
  }
  for (const u of d.updates) if (!d.incidents.has(u.incidentId)) out.push(`update for unreported incident ${u.incidentId}`);
  for (const [id, c] of after.components) {
    const b = before.components.get(id)!;
    if ((c.autoStatus !== b.autoStatus || c.status !== b.status) && !d.components.has(id)) out.push(`component ${id} changed but not reported`);
    // Folding the recorded status changes over the old status gives the new one: uptime history is whole.
    let shown = b.status;
    for (const change of d.statusChanges.filter((s) => s.componentId === id)) {
      if (change.from !== shown || change.to === change.from) out.push(`component ${id}: change ${change.from}→${change.to} after ${shown}`);
      shown = change.to;
    }
    if (shown !== c.status) out.push(`component ${id} went ${b.status}→${c.status} but its changes end at ${shown}`);
  }
  return out;
}

const nothingWritten = (d: Decision) =>
  d.alerts.size + d.incidents.size + d.components.size + d.updates.length + d.statusChanges.length + d.incidentComponents.length === 0;

const TRIGGER_RESOLVE: EventOpts = { actions: ["trigger", "trigger", "resolve"], renotify: false, maintenance: true };
const WITH_ACK: EventOpts = { actions: ["trigger", "trigger", "acknowledge", "resolve"], renotify: false, maintenance: true };

// ── Properties ─────────────────────────────────────────────────────────────────────────────────

describe("state machine under random valid event sequences", () => {
  it("keeps one open incident per alert group, worst-of statuses, and a Decision naming every change", () => {
    fc.assert(
      fc.property(steps({ ...WITH_ACK, operator: false }), (list) => {
        const run = new Run(false);
        for (const step of list) run.run(step);
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it("with operators resolving incidents, overriding and maintaining components: no resolved incident is reopened", () => {
    fc.assert(
      fc.property(steps({ ...WITH_ACK, operator: true }), (list) => {
        const run = new Run(true);
        for (const step of list) run.run(step);
        // Every delivery so far, replayed: a duplicate never reopens a resolved incident nor opens one.
        for (const d of run.delivered) {
          if (d.events.some((e) => e.action === "acknowledge")) continue;
          const decision = run.apply(d);
          expect(decision.newIncidents.size).toBe(0);
          expect(invariantViolations(run)).toEqual([]);
        }
      }),
      { seed: SEED, numRuns: 600 },
    );
  });

  it("a reminder (renotify) never opens an incident", () => {
    fc.assert(
      fc.property(steps({ ...TRIGGER_RESOLVE, operator: false }), delivery({ ...TRIGGER_RESOLVE, renotify: true }), (list, reminder) => {
        const run = new Run(false);
        for (const step of list) run.run(step);
        const only = { ...reminder, events: reminder.events.map((e) => ({ ...e, action: "trigger" as const, renotify: true })) };
        expect(run.apply(only).newIncidents.size).toBe(0);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it("the same delivery twice changes nothing the second time (triggers and resolves)", () => {
    fc.assert(
      fc.property(steps({ ...TRIGGER_RESOLVE, operator: false }), delivery(TRIGGER_RESOLVE), (list, d) => {
        const run = new Run(false);
        for (const step of list) run.run(step);
        run.apply(d);
        const before = structuredClone(run.ws);
        const again = run.apply(d);
        expect(again.outcomes.filter((o) => o === "applied")).toEqual([]);
        expect(nothingWritten(again)).toBe(true);
        expect(run.ws).toEqual(before);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("the same delivery twice changes nothing the second time (with acknowledgements)", () => {
    fc.assert(
      fc.property(steps({ ...WITH_ACK, operator: false }), delivery(WITH_ACK), (list, d) => {
        const run = new Run(false);
        for (const step of list) run.run(step);
        run.apply(d);
        const before = structuredClone(run.ws);
        const again = run.apply(d);
        expect(
          again.outcomes.filter((o) => o === "applied"),
          `replayed ${JSON.stringify(d.events.map((e) => [e.dedupKey, e.action, e.occurredAt]))}`,
        ).toEqual([]);
        expect(nothingWritten(again)).toBe(true);
        expect(run.ws).toEqual(before);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it("replaying any earlier delivery, however late, changes nothing (triggers and resolves)", () => {
    fc.assert(
      fc.property(steps({ ...TRIGGER_RESOLVE, operator: false }), (list) => {
        const run = new Run(false);
        for (const step of list) run.run(step);
        const before = structuredClone(run.ws);
        for (const d of [...run.delivered].reverse()) expect(nothingWritten(run.apply(d))).toBe(true);
        expect(run.ws).toEqual(before);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("one delivery of many events decides exactly as many deliveries of one event, in time order", () => {
    fc.assert(
      fc.property(fc.array(delivery(WITH_ACK), { minLength: 1, maxLength: 10 }), (deliveries) => {
        const byEvent = { ws: freshWorkingSet(), n: 0 };
        const batched = { ws: freshWorkingSet(), n: 0 };
        const now = processedAt(1);
        for (const d of deliveries) {
          applyEvents(batched.ws, ROUTING[d.integration], d.events, { now, newId: () => `id${++batched.n}` });
          // A delivery is applied in time order (stably), so compare with its events sent one by one in that order.
          const inTimeOrder = d.events.map((e, i) => [e, i] as const).sort(([a, i], [b, j]) => a.occurredAt.getTime() - b.occurredAt.getTime() || i - j);
          for (const [e] of inTimeOrder) applyEvents(byEvent.ws, ROUTING[d.integration], [e], { now, newId: () => `id${++byEvent.n}` });
        }
        expect(byEvent.ws).toEqual(batched.ws);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it("is order-tolerant: any arrival order, with duplicates, ends in the state of the events applied in time order", () => {
    // Triggers and resolves with distinct times per alert, so "time order" is one order.
    const history = fc
      .array(
        fc.record({
          alert: fc.nat(ALERTS.length - 1),
          action: fc.constantFrom<AlertEvent["action"]>("trigger", "trigger", "resolve"),
          severity,
        }),
        { minLength: 1, maxLength: 40 },
      )
      .map((list) =>
        list.map((e, i): Delivery => {
          const spec = ALERTS[e.alert]!;
          const event: AlertEvent = {
            dedupKey: spec.dedupKey,
            action: e.action,
            severity: e.severity,
            summary: `${spec.dedupKey} #${i}`,
            tags: { ...spec.tags },
            occurredAt: minute(i),
          };
          if (spec.monitor) event.monitor = { ...spec.monitor };
          return { integration: spec.integration, events: [event] };
        }),
      );
    fc.assert(
      fc.property(
        history.chain((inOrder) => fc.tuple(fc.constant(inOrder), fc.shuffledSubarray([...inOrder, ...inOrder], { minLength: 2 * inOrder.length }))),
        ([inOrder, arrival]) => {
          const expected = new Run(false);
          for (const d of inOrder) expected.run({ kind: "deliver", delivery: d });
          const actual = new Run(false);
          for (const d of arrival) actual.run({ kind: "deliver", delivery: d });
          expect(finalState(actual.ws)).toEqual(finalState(expected.ws));
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});

/** What must not depend on arrival order: each alert's status (and, while firing, severity and routes), each component's status. */
function finalState(ws: WorkingSet) {
  const alerts = [...ws.alerts.values()]
    .map((a) => ({
      alert: `${a.integrationId}/${a.dedupKey}`,
      status: a.status,
      lastEventAt: a.lastEventAt,
      ...(firing(a) ? { severity: a.severity, routes: [...a.routes].sort((x, y) => x.componentId.localeCompare(y.componentId)) } : {}),
    }))
    .sort((x, y) => x.alert.localeCompare(y.alert));
  const components = [...ws.components.values()].map((c) => ({ id: c.id, auto: c.autoStatus, status: c.status }));
  return { alerts, components };
}
