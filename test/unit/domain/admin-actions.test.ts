import { describe, expect, it } from "vitest";
import {
  alertsForNewLink,
  defaultUpdateBody,
  type IncidentRecord,
  linkMatchOptions,
  manualIncidentImpact,
  patchComponents,
  planIncidentUpdate,
  retriggerEvent,
  type UnroutedAlert,
} from "../../../domain/admin-actions";
import type { ComponentState, LinkRule } from "../../../domain/incidents";
import type { ComponentStatus } from "../../../domain/status";

const NOW = "2026-11-20T10:00:00.000Z";

function flags(...list: Array<Partial<ComponentState> & { id: string }>): Map<string, ComponentState> {
  return new Map(
    list.map((c) => {
      const base: ComponentState = {
        slug: c.id,
        name: c.id.toUpperCase(),
        autoStatus: "operational",
        overrideStatus: null,
        inMaintenance: false,
        status: "operational",
        ...c,
      };
      base.status = c.status ?? base.overrideStatus ?? (base.inMaintenance ? "under_maintenance" : base.autoStatus);
      return [c.id, base];
    }),
  );
}

describe("patchComponents: the visible status follows effectiveStatus, every change recorded", () => {
  it.each<[string, Partial<ComponentState>, { overrideStatus?: ComponentStatus | null; inMaintenance?: boolean }, ComponentStatus, boolean]>([
    ["an override over operational", {}, { overrideStatus: "major_outage" }, "major_outage", true],
    ["an override over firing alerts", { autoStatus: "partial_outage" }, { overrideStatus: "operational" }, "operational", true],
    [
      "clearing the override returns to the alerts",
      { autoStatus: "partial_outage", overrideStatus: "operational" },
      { overrideStatus: null },
      "partial_outage",
      true,
    ],
    ["maintenance over alerts", { autoStatus: "degraded_performance" }, { inMaintenance: true }, "under_maintenance", true],
    ["an override beats maintenance", { overrideStatus: "major_outage" }, { inMaintenance: true }, "major_outage", false],
    [
      "maintenance ends under an override: no visible change",
      { overrideStatus: "major_outage", inMaintenance: true },
      { inMaintenance: false },
      "major_outage",
      false,
    ],
    ["maintenance ends: back to the alerts", { autoStatus: "major_outage", inMaintenance: true }, { inMaintenance: false }, "major_outage", true],
  ])("%s", (_, init, patch, expected, visible) => {
    const f = flags({ id: "api", ...init });
    const before = f.get("api")!.status;
    const out = patchComponents(f, new Map([["api", patch]]), NOW);
    expect(f.get("api")!.status).toBe(expected);
    expect(out.touched).toEqual(["api"]);
    if (visible) {
      expect(out.changes).toEqual([{ componentId: "api", from: before, to: expected, at: NOW }]);
      expect(out.affected).toEqual([{ code: "api", name: "API", old_status: before, new_status: expected }]);
    } else {
      expect(out.changes).toEqual([]);
    }
  });

  it("a patch that changes nothing touches nothing; unknown components are skipped", () => {
    const f = flags({ id: "api", overrideStatus: "major_outage" });
    const out = patchComponents(
      f,
      new Map([
        ["api", { overrideStatus: "major_outage" }],
        ["nope", { overrideStatus: null }],
      ]),
      NOW,
    );
    expect(out).toEqual({ touched: [], changes: [], affected: [] });
  });
});

const incident = (init: Partial<IncidentRecord> = {}): IncidentRecord => ({
  id: "inc1",
  kind: "incident",
  status: "investigating",
  monitoringAt: null,
  resolvedAt: null,
  componentIds: ["api", "web"],
  ...init,
});

describe("planIncidentUpdate: an operator's update on an incident", () => {
  it("identified keeps the incident open and changes no component", () => {
    const plan = planIncidentUpdate(incident(), "identified", {}, new Map(), NOW);
    expect(plan).toMatchObject({ ok: true, status: "identified", resolvedAt: null, monitoringAt: null, addComponentIds: [] });
    expect(plan.ok && [...plan.patches]).toEqual([]);
  });

  it("monitoring sets monitoring_at once; going back to identified clears it", () => {
    const m = planIncidentUpdate(incident(), "monitoring", {}, new Map(), NOW);
    expect(m).toMatchObject({ ok: true, monitoringAt: NOW });
    const again = planIncidentUpdate(incident({ status: "monitoring", monitoringAt: "2026-11-20T09:00:00.000Z" }), "monitoring", {}, new Map(), NOW);
    expect(again).toMatchObject({ monitoringAt: "2026-11-20T09:00:00.000Z" });
    const back = planIncidentUpdate(incident({ status: "monitoring", monitoringAt: "2026-11-20T09:00:00.000Z" }), "identified", {}, new Map(), NOW);
    expect(back).toMatchObject({ monitoringAt: null });
  });

  it("resolved sets resolved_at and clears the overrides on the incident's components, unless set in the update", () => {
    const overrides = new Map<string, ComponentStatus | null>([
      ["api", "major_outage"],
      ["web", "partial_outage"],
      ["db", "degraded_performance"],
    ]);
    const plan = planIncidentUpdate(incident(), "resolved", { web: "degraded_performance" }, overrides, NOW);
    expect(plan).toMatchObject({ ok: true, status: "resolved", resolvedAt: NOW });
    expect(plan.ok && Object.fromEntries(plan.patches)).toEqual({
      api: { overrideStatus: null },
      web: { overrideStatus: "degraded_performance" },
    });
  });

  it("requested statuses become overrides (null clears); components outside the incident join it", () => {
    const plan = planIncidentUpdate(incident(), "identified", { api: "partial_outage", db: null }, new Map(), NOW);
    expect(plan.ok && Object.fromEntries(plan.patches)).toEqual({
      api: { overrideStatus: "partial_outage" },
      db: { overrideStatus: null },
    });
    expect(plan.ok && plan.addComponentIds).toEqual(["db"]);
  });

  it.each([
    ["a resolved incident", incident({ status: "resolved", resolvedAt: NOW }), "identified", 409],
    ["a maintenance status on an incident", incident(), "in_progress", 400],
    ["postmortem", incident(), "postmortem", 400],
  ])("refuses %s", (_, inc, status, code) => {
    expect(planIncidentUpdate(inc, status, {}, new Map(), NOW)).toMatchObject({ ok: false, status: code });
  });
});

describe("planIncidentUpdate: a maintenance", () => {
  const m = (status: string) => incident({ kind: "maintenance", status });
  it.each([
    ["scheduled", "in_progress", "in_progress", null],
    ["in_progress", "verifying", "verifying", null],
    ["in_progress", "completed", "completed", NOW],
    ["scheduled", "completed", "completed", NOW],
  ])("%s → %s", (from, to, transition, resolvedAt) => {
    expect(planIncidentUpdate(m(from), to, {}, new Map(), NOW)).toMatchObject({
      ok: true,
      status: to,
      maintenanceTransition: transition,
      resolvedAt,
    });
  });
  it("an update that keeps the status moves nothing", () => {
    expect(planIncidentUpdate(m("in_progress"), "in_progress", {}, new Map(), NOW)).toMatchObject({
      ok: true,
      maintenanceTransition: null,
    });
  });
  it.each([
    ["a completed maintenance", "completed", "in_progress", 409],
    ["back to scheduled", "in_progress", "scheduled", 409],
    ["an incident status", "scheduled", "resolved", 400],
  ])("refuses %s", (_, from, to, code) => {
    expect(planIncidentUpdate(m(from), to, {}, new Map(), NOW)).toMatchObject({ ok: false, status: code });
  });
});

describe("manual incidents", () => {
  it.each<[Record<string, ComponentStatus | null>, string]>([
    [{}, "minor"],
    [{ a: "operational" }, "minor"],
    [{ a: "degraded_performance" }, "minor"],
    [{ a: "degraded_performance", b: "partial_outage" }, "major"],
    [{ a: "major_outage", b: null }, "critical"],
  ])("impact from %j is %s", (requested, impact) => {
    expect(manualIncidentImpact(requested)).toBe(impact);
  });

  it("every status has a standard update text", () => {
    for (const s of ["investigating", "identified", "monitoring", "resolved", "scheduled", "in_progress", "verifying", "completed"])
      expect(defaultUpdateBody(s)).toMatch(/\w+/);
    expect(defaultUpdateBody("resolved")).toBe("This incident has been resolved.");
  });
});

describe("linking unrouted alerts", () => {
  const alert = (init: Partial<UnroutedAlert> = {}): UnroutedAlert => ({
    id: "al1",
    dedupKey: "k1",
    severity: "critical",
    summary: "Checkout failing",
    details: null,
    monitorId: "42",
    monitorName: "Checkout 5xx",
    tags: { team: "payments", env: "prod" },
    link: null,
    lastEventAt: "2026-11-20T09:59:00.000Z",
    ...init,
  });
  const link = (init: Partial<LinkRule>): LinkRule => ({
    id: "l1",
    matchType: "monitor",
    matchKey: "x",
    matchValue: null,
    status: null,
    componentIds: ["api"],
    ...init,
  });

  it("offers the monitor first, then each tag", () => {
    expect(linkMatchOptions(alert())).toEqual([{ monitor: "Checkout 5xx" }, { tag: "team=payments" }, { tag: "env=prod" }]);
    expect(linkMatchOptions(alert({ monitorName: null }))).toEqual([{ monitor: "42" }, { tag: "team=payments" }, { tag: "env=prod" }]);
    expect(linkMatchOptions(alert({ monitorName: null, monitorId: null, tags: {} }))).toEqual([]);
  });

  it("re-triggers the alert just after its last event, so it is neither stale nor a duplicate", () => {
    const e = retriggerEvent(alert({ lastEventAt: "2026-11-20T10:30:00.000Z" }), NOW);
    expect(e).toMatchObject({
      dedupKey: "k1",
      action: "trigger",
      severity: "critical",
      summary: "Checkout failing",
      monitor: { id: "42", name: "Checkout 5xx" },
    });
    expect(e.occurredAt.toISOString()).toBe("2026-11-20T10:30:00.001Z");
    expect(retriggerEvent(alert(), NOW).occurredAt.toISOString()).toBe(NOW);
  });

  it("picks the alerts the new link matches", () => {
    const alerts = [alert(), alert({ id: "al2", dedupKey: "k2", monitorName: "Search", tags: { team: "search" } })];
    expect(alertsForNewLink(link({ matchKey: "checkout 5xx" }), alerts, NOW).map((a) => a.id)).toEqual(["al1"]);
    expect(alertsForNewLink(link({ matchType: "tag", matchKey: "team", matchValue: "search" }), alerts, NOW).map((a) => a.id)).toEqual(["al2"]);
    expect(alertsForNewLink(link({ matchType: "tag", matchKey: "team", matchValue: null }), alerts, NOW)).toHaveLength(2);
  });
});
