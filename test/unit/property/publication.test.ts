// Property-based tests of the publication policies: random deliveries from five integrations
// sharing two components (publish, review, a 60-second grace period, status_only, private), with
// operators publishing and discarding drafts and the cron ticking, between random amounts of time.
// After every step: a component's public status counts only public alerts, held alerts wait in a draft
// or pending incident and public ones never do, and the recorded status changes add up.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import {
  type AlertState,
  applyEvents,
  type ComponentState,
  type Decision,
  discardIncident,
  type IncidentState,
  publishDueIncidents,
  publishIncident,
  type Routing,
  type WorkingSet,
} from "../../../domain/incidents";
import { type ComponentStatus, type Severity, worstStatus } from "../../../domain/status";
import { SEED } from "./helpers";

type Name = "P" | "R" | "G" | "S" | "X";
const ROUTING: Record<Name, Routing> = {
  P: { integrationId: "P", componentIds: ["c1"], links: [] },
  R: { integrationId: "R", componentIds: ["c1", "c2"], links: [], publication: { policy: "review", publishAfterSeconds: null } },
  G: { integrationId: "G", componentIds: ["c2"], links: [], publication: { policy: "publish", publishAfterSeconds: 60 } },
  S: { integrationId: "S", componentIds: ["c2"], links: [], publication: { policy: "status_only", publishAfterSeconds: null } },
  X: { integrationId: "X", componentIds: ["c1"], links: [], publication: { policy: "private", publishAfterSeconds: null } },
};
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);

function freshWorkingSet(): WorkingSet {
  const components = new Map<string, ComponentState>();
  for (const id of ["c1", "c2"]) {
    components.set(id, { id, slug: id, name: id.toUpperCase(), autoStatus: "operational", overrideStatus: null, inMaintenance: false, status: "operational" });
  }
  return { components, alerts: new Map(), incidents: new Map() };
}

type Step =
  | { kind: "deliver"; integration: Name; events: Array<{ key: string; action: AlertEvent["action"]; severity: Severity }>; wait: number }
  | { kind: "publish" | "discard"; index: number; wait: number }
  | { kind: "cron"; wait: number }
  /** An operator switches R between review and publish, G's grace period between 60 s and none. */
  | { kind: "policy"; integration: "R" | "G"; on: boolean; wait: number };

const wait = fc.integer({ min: 0, max: 90 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("deliver" as const),
      integration: fc.constantFrom<Name>("P", "R", "G", "G", "S", "X"),
      events: fc.array(
        fc.record({
          key: fc.constantFrom("k1", "k2", "k3"),
          action: fc.constantFrom<AlertEvent["action"]>("trigger", "trigger", "resolve", "acknowledge"),
          severity: fc.constantFrom<Severity>("critical", "error", "warning", "info"),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      wait,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom("publish" as const, "discard" as const), index: fc.nat(), wait }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cron" as const), wait }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("policy" as const), integration: fc.constantFrom<"R" | "G">("R", "G"), on: fc.boolean(), wait }) },
);

const firing = (a: AlertState) => a.status !== "resolved";
const disrupts = (s: ComponentStatus | null) => s !== null && s !== "operational" && s !== "under_maintenance";
const open = (i: IncidentState | undefined) => !!i && i.status !== "resolved";
const unpublished = (i: IncidentState | undefined) => i?.publication === "draft" || i?.publication === "pending";

class Run {
  ws = freshWorkingSet();
  routing: Record<Name, Routing> = structuredClone(ROUTING);
  clock = T0;
  private ids = 0;
  newId = () => `id${++this.ids}`;

  run(s: Step) {
    this.clock += s.wait * 1000;
    const now = new Date(this.clock).toISOString();
    const before = structuredClone(this.ws);
    let d: Decision | null = null;
    if (s.kind === "deliver") {
      const events = s.events.map(
        (e, i): AlertEvent => ({
          dedupKey: e.key,
          action: e.action,
          severity: e.severity,
          summary: `${e.key} ${e.action}`,
          tags: {},
          occurredAt: new Date(this.clock + i),
        }),
      );
      d = applyEvents(this.ws, this.routing[s.integration], events, { now, newId: this.newId });
    } else if (s.kind === "policy") {
      this.routing[s.integration].publication =
        s.integration === "R"
          ? { policy: s.on ? "review" : "publish", publishAfterSeconds: null }
          : { policy: "publish", publishAfterSeconds: s.on ? 60 : null };
    } else if (s.kind === "cron") {
      d = publishDueIncidents(this.ws, { now, newId: this.newId });
      const late = [...this.ws.incidents.values()].filter((i) => i.publication === "pending" && open(i) && i.publishAt! <= now);
      expect(
        late.map((i) => i.id),
        "pending past their time after the cron",
      ).toEqual([]);
    } else {
      const candidates = [...this.ws.incidents.values()].filter((i) => unpublished(i) && open(i));
      if (candidates.length) {
        const id = candidates[s.index % candidates.length]!.id;
        const opts = { now, newId: this.newId };
        d = s.kind === "publish" ? publishIncident(this.ws, id, opts) : discardIncident(this.ws, id, opts);
        expect(d, `${s.kind} of an open draft`).not.toBeNull();
      }
    }
    if (d) expect(statusHistoryViolations(before, this.ws, d)).toEqual([]);
    expect(invariantViolations(this.ws)).toEqual([]);
  }
}

function invariantViolations(ws: WorkingSet): string[] {
  const out: string[] = [];
  const alerts = [...ws.alerts.values()];
  for (const c of ws.components.values()) {
    const publicStatuses = alerts
      .filter((a) => firing(a) && (a.visibility ?? "public") === "public")
      .flatMap((a) => a.routes.filter((r) => r.componentId === c.id && r.status).map((r) => r.status!));
    if (c.autoStatus !== worstStatus(publicStatuses)) out.push(`component ${c.id} is ${c.autoStatus}, its public alerts say ${worstStatus(publicStatuses)}`);
  }
  for (const a of alerts) {
    const incident = a.incidentId ? ws.incidents.get(a.incidentId) : undefined;
    const disruptive = firing(a) && a.routes.some((r) => disrupts(r.status));
    if ((a.integrationId === "S" || a.integrationId === "X") && a.incidentId) out.push(`${a.integrationId}/${a.dedupKey} is attached to an incident`);
    if (a.integrationId === "X" && a.visibility !== "private") out.push(`private alert ${a.dedupKey} is ${a.visibility ?? "public"}`);
    if (a.visibility === "held" && disruptive && !(open(incident) && unpublished(incident)))
      out.push(`held alert ${a.integrationId}/${a.dedupKey} waits in ${incident?.id} (${incident?.publication}, ${incident?.status})`);
    if ((a.visibility ?? "public") === "public" && disruptive && open(incident) && unpublished(incident))
      out.push(`public alert ${a.integrationId}/${a.dedupKey} is in the unpublished ${incident!.id}`);
  }
  for (const i of ws.incidents.values()) {
    if (i.publication === "pending" && !open(i)) out.push(`pending incident ${i.id} is closed`);
    if ((i.publication === "suppressed" || i.publication === "discarded") && open(i)) out.push(`${i.publication} incident ${i.id} is open`);
  }
  return out;
}

/** Folding the recorded changes over each component's old status gives its new one: public uptime history is whole. */
function statusHistoryViolations(before: WorkingSet, after: WorkingSet, d: Decision): string[] {
  const out: string[] = [];
  for (const [id, c] of after.components) {
    let shown = before.components.get(id)!.status;
    for (const change of d.statusChanges.filter((s) => s.componentId === id)) {
      if (change.from !== shown) out.push(`component ${id}: change from ${change.from} after ${shown}`);
      shown = change.to;
    }
    if (shown !== c.status) out.push(`component ${id} is ${c.status} but its changes end at ${shown}`);
  }
  for (const p of d.published ?? []) if (after.incidents.get(p.incidentId)?.publication !== "published") out.push(`published ${p.incidentId} is not`);
  return out;
}

describe("publication policies under random sequences", () => {
  it("public status counts only public alerts; held alerts wait in drafts and pending incidents; history adds up", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const run = new Run();
        for (const s of steps) run.run(s);
      }),
      { seed: SEED, numRuns: 4000 },
    );
  });
});
