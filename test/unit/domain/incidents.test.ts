import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import {
  type AlertState,
  applyEvents,
  automaticStatus,
  type Decision,
  emptyDecision,
  type IncidentState,
  isFiring,
  type LinkRule,
  linkMatches,
  type Routing,
  routeEvent,
  type WorkingSet,
} from "../../../domain/incidents";
import { type ComponentStatus, type Impact, pageStatus, type Severity } from "../../../domain/status";
import {
  API,
  acknowledge,
  component,
  counter,
  DB,
  INTEGRATION,
  iso,
  later,
  link,
  NOW,
  nothingChanged,
  resolve,
  routing,
  scenario,
  T,
  trigger,
  WEB,
  workingSet,
} from "./helpers";

const snapshot = (ws: WorkingSet) => structuredClone(ws);

describe("severity → component status", () => {
  it.each<[Severity, ComponentStatus]>([
    ["critical", "major_outage"],
    ["error", "partial_outage"],
    ["warning", "degraded_performance"],
  ])("a firing %s alert puts the component in %s", (severity, status) => {
    const s = scenario([API]);
    const d = s.apply([trigger("a", 0, { severity })]);
    expect(d.outcomes).toEqual(["applied"]);
    expect(s.ws.components.get("api")).toMatchObject({ autoStatus: status, status });
    expect(d.statusChanges).toEqual([{ componentId: "api", from: "operational", to: status, at: NOW }]);
    expect(d.components).toEqual(new Set(["api"]));
  });

  it("an info alert changes nothing and opens no incident", () => {
    const s = scenario([API]);
    const d = s.apply([trigger("a", 0, { severity: "info" })]);
    expect(d.outcomes).toEqual(["applied"]);
    expect(s.ws.components.get("api")).toMatchObject({ autoStatus: "operational", status: "operational" });
    expect(d.statusChanges).toEqual([]);
    expect(d.components).toEqual(new Set());
    expect(d.newIncidents).toEqual(new Set());
    expect(d.updates).toEqual([]);
    expect(s.ws.incidents.size).toBe(0);
    // The alert itself is still recorded, routed, firing.
    expect(s.alertByKey("a")).toMatchObject({ status: "firing", incidentId: null, routes: [{ componentId: "api", status: null }] });
    expect(d.newAlerts).toEqual(new Set(["id1"]));
  });

  it.each<[string, Severity, ComponentStatus | undefined, ComponentStatus | null, ComponentStatus]>([
    ["link status beats severity (worse)", "warning", undefined, "major_outage", "major_outage"],
    ["link status beats severity (better)", "critical", undefined, "degraded_performance", "degraded_performance"],
    ["link without status follows severity", "error", undefined, null, "partial_outage"],
    ["link status applies to an info alert", "info", undefined, "partial_outage", "partial_outage"],
    ["event status beats severity", "critical", "under_maintenance", null, "under_maintenance"],
    ["link status beats event status", "info", "under_maintenance", "major_outage", "major_outage"],
  ])("%s", (_, severity, eventStatus, linkStatus, expected) => {
    const s = scenario([API], {
      links: [link({ matchType: "monitor", matchKey: "m1", componentIds: ["api"], status: linkStatus })],
    });
    const d = s.apply([trigger("a", 0, { severity, status: eventStatus, monitor: { id: "m1" } })]);
    expect(s.status("api")).toBe(expected);
    expect(d.statusChanges).toEqual([{ componentId: "api", from: "operational", to: expected, at: NOW }]);
  });

  it("event status (under_maintenance) applies to the integration's own components", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0, { severity: "info", status: "under_maintenance" })]);
    expect(s.ws.components.get("api")).toMatchObject({ autoStatus: "under_maintenance", status: "under_maintenance" });
    expect(s.alertByKey("a").routes).toEqual([{ componentId: "api", status: "under_maintenance" }]);
  });
});

describe("automatic status: worst over the firing alerts routed to a component", () => {
  const alert = (status: AlertState["status"], routes: AlertState["routes"]) => ({ status, routes }) as AlertState;

  it.each<[string, Array<[AlertState["status"], ComponentStatus | null]>, ComponentStatus]>([
    ["operational when none fire", [], "operational"],
    ["one firing alert", [["firing", "partial_outage"]], "partial_outage"],
    [
      "worst of several",
      [
        ["firing", "degraded_performance"],
        ["firing", "major_outage"],
        ["firing", "partial_outage"],
      ],
      "major_outage",
    ],
    [
      "resolved alerts do not count",
      [
        ["resolved", "major_outage"],
        ["firing", "degraded_performance"],
      ],
      "degraded_performance",
    ],
    [
      "acknowledged alerts still fire",
      [
        ["acknowledged", "partial_outage"],
        ["resolved", "major_outage"],
      ],
      "partial_outage",
    ],
    ["routes without a status (info) do not count", [["firing", null]], "operational"],
    [
      "all resolved → operational",
      [
        ["resolved", "major_outage"],
        ["resolved", "partial_outage"],
      ],
      "operational",
    ],
  ])("%s", (_, alerts, expected) => {
    expect(
      automaticStatus(
        "api",
        alerts.map(([st, rs]) => alert(st, [{ componentId: "api", status: rs }])),
      ),
    ).toBe(expected);
  });

  it("only routes to that component count", () => {
    const alerts = [
      alert("firing", [
        { componentId: "web", status: "major_outage" },
        { componentId: "api", status: "degraded_performance" },
      ]),
    ];
    expect(automaticStatus("api", alerts)).toBe("degraded_performance");
    expect(automaticStatus("web", alerts)).toBe("major_outage");
    expect(automaticStatus("db", alerts)).toBe("operational");
  });

  it("isFiring: firing and acknowledged fire, resolved does not", () => {
    expect([isFiring(alert("firing", [])), isFiring(alert("acknowledged", [])), isFiring(alert("resolved", []))]).toEqual([true, true, false]);
  });

  it.each<[Severity[], ComponentStatus]>([
    [["warning", "critical"], "major_outage"],
    [["critical", "warning"], "major_outage"],
    [["warning", "error"], "partial_outage"],
    [["warning", "warning"], "degraded_performance"],
    [["info", "warning"], "degraded_performance"],
    [["info", "info"], "operational"],
  ])("alerts %j on one component → %s", (severities, expected) => {
    const s = scenario([API]);
    s.apply(severities.map((severity, i) => trigger(`a${i}`, i, { severity })));
    expect(s.status("api")).toBe(expected);
  });

  it("follows the alerts as they resolve: worst of the ones still firing, then operational", () => {
    const s = scenario([API]);
    s.apply([trigger("warn", 0, { severity: "warning" }), trigger("crit", 1, { severity: "critical" })]);
    expect(s.status("api")).toBe("major_outage");
    const d1 = s.apply([resolve("crit", 2)], later(1));
    expect(s.status("api")).toBe("degraded_performance");
    expect(d1.statusChanges).toEqual([{ componentId: "api", from: "major_outage", to: "degraded_performance", at: later(1) }]);
    const d2 = s.apply([resolve("warn", 3)], later(2));
    expect(s.status("api")).toBe("operational");
    expect(d2.statusChanges).toEqual([{ componentId: "api", from: "degraded_performance", to: "operational", at: later(2) }]);
  });
});

describe("manual override and maintenance win over the alerts", () => {
  it.each<[string, Partial<ReturnType<typeof component>>, ComponentStatus]>([
    ["an override", { overrideStatus: "degraded_performance" }, "degraded_performance"],
    ["an override to operational", { overrideStatus: "operational" }, "operational"],
    ["maintenance", { inMaintenance: true }, "under_maintenance"],
    ["an override during maintenance", { inMaintenance: true, overrideStatus: "partial_outage" }, "partial_outage"],
  ])("%s: the automatic status moves, the visible status does not", (_, init, visible) => {
    const s = scenario([{ ...API, ...init }]);
    expect(s.status("api")).toBe(visible);
    const d = s.apply([trigger("a", 0, { severity: "critical" })]);
    expect(s.ws.components.get("api")).toMatchObject({ autoStatus: "major_outage", status: visible });
    expect(d.components).toEqual(new Set(["api"])); // autoStatus is persisted…
    expect(d.statusChanges).toEqual([]); // …but nothing visible changed
    // The incident still opens (operators must see it), without affected components.
    expect(d.newIncidents).toEqual(new Set(["id2"]));
    expect(d.updates).toHaveLength(1);
    expect(d.updates[0]!.affectedComponents).toBeNull();

    const r = s.apply([resolve("a", 1)], later(1));
    expect(s.ws.components.get("api")).toMatchObject({ autoStatus: "operational", status: visible });
    expect(r.statusChanges).toEqual([]);
    expect(r.updates.map((u) => [u.status, u.affectedComponents])).toEqual([["monitoring", null]]);
  });
});

describe("first trigger → new incident", () => {
  it("opens an investigating incident with the alert text and the affected components", () => {
    const s = scenario([API]);
    const d = s.apply([trigger("checkout", 0, { summary: "Checkout failing", details: "5xx rate above 20%", monitor: { id: "42", name: "checkout" } })]);
    expect(d).toEqual<Decision>({
      outcomes: ["applied"],
      alerts: new Set(["id1"]),
      newAlerts: new Set(["id1"]),
      routesChanged: new Set(["id1"]),
      incidents: new Set(["id2"]),
      newIncidents: new Set(["id2"]),
      incidentComponents: [["id2", "api"]],
      components: new Set(["api"]),
      updates: [
        {
          id: "id3",
          incidentId: "id2",
          status: "investigating",
          body: "5xx rate above 20%",
          affectedComponents: [{ code: "api", name: "API", old_status: "operational", new_status: "major_outage" }],
          createdAt: NOW,
        },
      ],
      statusChanges: [{ componentId: "api", from: "operational", to: "major_outage", at: NOW }],
    });
    expect(s.incident("id2")).toEqual<IncidentState>({
      id: "id2",
      name: "Checkout failing",
      status: "investigating",
      impact: "critical",
      componentIds: ["api"],
      startedAt: iso(0),
      monitoringAt: null,
      resolvedAt: null,
      lastAlertAt: NOW,
    });
    expect(s.ws.alerts.get("id1")).toEqual<AlertState>({
      id: "id1",
      integrationId: INTEGRATION,
      dedupKey: "checkout",
      status: "firing",
      severity: "critical",
      summary: "Checkout failing",
      details: "5xx rate above 20%",
      monitorId: "42",
      monitorName: "checkout",
      tags: {},
      link: null,
      incidentId: "id2",
      firstTriggeredAt: iso(0),
      lastEventAt: iso(0),
      lastAction: "trigger",
      acknowledgedAt: null,
      resolvedAt: null,
      routes: [{ componentId: "api", status: "major_outage" }],
    });
  });

  it("the first update falls back to the summary when there are no details", () => {
    const s = scenario([API]);
    const d = s.apply([trigger("a", 0, { summary: "API down" })]);
    expect(d.updates.map((u) => u.body)).toEqual(["API down"]);
  });

  it.each<[Severity, Impact, ComponentStatus]>([
    ["critical", "critical", "major_outage"],
    ["error", "major", "partial_outage"],
    ["warning", "minor", "degraded_performance"],
  ])("a %s alert opens an incident with impact %s", (severity, impact, status) => {
    const s = scenario([API]);
    const d = s.apply([trigger("a", 0, { severity })]);
    expect(s.incident("id2")).toMatchObject({ status: "investigating", impact });
    expect(d.updates[0]!.affectedComponents).toEqual([{ code: "api", name: "API", old_status: "operational", new_status: status }]);
  });

  it("starts the incident at processing time when the event claims a later time", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0, { occurredAt: new Date(Date.parse(NOW) + 3_600_000) })]);
    expect(s.incident("id2").startedAt).toBe(NOW);
  });

  it("one alert on several components: one incident covering all of them", () => {
    const s = scenario([API, WEB, DB], { componentIds: ["api", "web"] });
    const d = s.apply([trigger("a", 0, { severity: "error" })]);
    expect(d.newIncidents).toEqual(new Set(["id2"]));
    expect(s.incident("id2").componentIds).toEqual(["api", "web"]);
    expect(d.incidentComponents).toEqual([
      ["id2", "api"],
      ["id2", "web"],
    ]);
    expect(d.updates[0]!.affectedComponents).toEqual([
      { code: "api", name: "API", old_status: "operational", new_status: "partial_outage" },
      { code: "web", name: "Website", old_status: "operational", new_status: "partial_outage" },
    ]);
    expect(s.status("db")).toBe("operational");
  });

  it("alerts on unrelated components open separate incidents", () => {
    const s = scenario([API, WEB], { componentIds: [] });
    const d = s.apply([trigger("a", 0, { tags: { service: "api" } }), trigger("b", 1, { tags: { service: "web" } })]);
    // a: alert id1, incident id2, update id3; b: alert id4, incident id5, update id6
    expect(d.newIncidents).toEqual(new Set(["id2", "id5"]));
    expect(s.incident("id2").componentIds).toEqual(["api"]);
    expect(s.incident("id5").componentIds).toEqual(["web"]);
    expect(s.alertByKey("b").incidentId).toBe("id5");
  });

  it("an info-only trigger opens no incident, even routed", () => {
    const s = scenario([API]);
    const d = s.apply([trigger("a", 0, { severity: "info" }), trigger("b", 1, { severity: "info" })]);
    expect(d.outcomes).toEqual(["applied", "applied"]);
    expect(d.newIncidents).toEqual(new Set());
    expect(d.incidents).toEqual(new Set());
    expect(s.ws.incidents.size).toBe(0);
  });

  it("a renotify never opens an incident, but keeps the alert firing", () => {
    const s = scenario([API]);
    const d = s.apply([trigger("a", 0, { renotify: true, severity: "error" })]);
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.newIncidents).toEqual(new Set());
    expect(s.ws.incidents.size).toBe(0);
    expect(s.alertByKey("a")).toMatchObject({ status: "firing", incidentId: null });
    expect(s.status("api")).toBe("partial_outage");
    expect(d.statusChanges).toEqual([{ componentId: "api", from: "operational", to: "partial_outage", at: NOW }]);
  });
});

describe("unrouted events", () => {
  it.each<[string, Partial<AlertEvent>, LinkRule[]]>([
    ["no integration components, no links, no service tag", {}, []],
    ["a service tag naming no component", { tags: { service: "nope" } }, []],
    ["a link that does not match", { monitor: { id: "other" } }, [link({ matchType: "monitor", matchKey: "m1", componentIds: ["api"] })]],
  ])("%s → unrouted, recorded, no incident", (_, extra, links) => {
    const s = scenario([API], { componentIds: [], links });
    const d = s.apply([trigger("a", 0, extra)]);
    expect(d.outcomes).toEqual(["unrouted"]);
    expect(d.newAlerts).toEqual(new Set(["id1"]));
    expect(s.alertByKey("a")).toMatchObject({ status: "firing", routes: [], incidentId: null });
    expect(d.newIncidents).toEqual(new Set());
    expect(d.updates).toEqual([]);
    expect(d.statusChanges).toEqual([]);
    expect(s.status("api")).toBe("operational");
  });

  it("a resolve for an unrouted alert is applied and changes nothing else", () => {
    const s = scenario([API], { componentIds: [] });
    s.apply([trigger("a", 0)]);
    const d = s.apply([resolve("a", 1)], later(1));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.statusChanges).toEqual([]);
    expect(d.updates).toEqual([]);
    expect(s.alertByKey("a").status).toBe("resolved");
  });
});

describe("further triggers attach to the open incident", () => {
  const opened = (severity: Severity = "critical") => {
    const s = scenario([API, WEB]);
    s.apply([trigger("a", 0, { severity })]);
    return s; // alert id1, incident id2, update id3
  };

  it.each<[string, AlertEvent, "applied" | "duplicate"]>([
    ["a re-trigger of the same alert", trigger("a", 5), "applied"],
    ["a renotify", trigger("a", 5, { renotify: true }), "applied"],
    ["a duplicate delivery (same instant)", trigger("a", 0), "duplicate"],
  ])("%s: no new incident, no update, no status change", (_, event, outcome) => {
    const s = opened();
    const d = s.apply([event], later(5));
    expect(d.outcomes).toEqual([outcome]);
    expect(d.newIncidents).toEqual(new Set());
    expect(d.newAlerts).toEqual(new Set());
    expect(d.updates).toEqual([]);
    expect(d.statusChanges).toEqual([]);
    expect(s.ws.incidents.size).toBe(1);
    expect(s.incident("id2")).toMatchObject({ status: "investigating", impact: "critical" });
    expect(s.alertByKey("a").incidentId).toBe("id2");
    expect(s.incident("id2").lastAlertAt).toBe(outcome === "applied" ? later(5) : NOW);
  });

  it("another alert on the same component attaches, and a worse one upgrades the impact", () => {
    const s = opened("warning");
    expect(s.incident("id2").impact).toBe("minor");
    const d = s.apply([trigger("b", 1, { severity: "critical" })], later(1));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.newAlerts).toEqual(new Set(["id4"]));
    expect(d.newIncidents).toEqual(new Set());
    expect(d.incidents).toEqual(new Set(["id2"]));
    expect(d.incidentComponents).toEqual([]);
    expect(s.alertByKey("b").incidentId).toBe("id2");
    expect(s.incident("id2")).toMatchObject({ status: "investigating", impact: "critical", lastAlertAt: later(1) });
    expect(s.status("api")).toBe("major_outage");
    expect(d.statusChanges).toEqual([{ componentId: "api", from: "degraded_performance", to: "major_outage", at: later(1) }]);
  });

  it("a milder alert attaches without lowering the impact", () => {
    const s = opened("critical");
    s.apply([trigger("b", 1, { severity: "warning" })], later(1));
    expect(s.incident("id2").impact).toBe("critical");
    expect(s.ws.incidents.size).toBe(1);
    expect(s.status("api")).toBe("major_outage");
  });

  it("the impact never goes down: a milder alert after the worst one resolved keeps it", () => {
    const s = scenario([API]);
    s.apply([trigger("crit", 0, { severity: "critical" }), trigger("warn", 1, { severity: "warning" })]);
    s.apply([resolve("crit", 2)], later(2));
    s.apply([trigger("warn2", 3, { severity: "warning" })], later(3));
    expect(s.incident("id2")).toMatchObject({ status: "investigating", impact: "critical" });
    s.apply([resolve("warn", 4), resolve("warn2", 4)], later(4));
    s.apply([trigger("warn3", 5, { severity: "warning" })], later(5));
    expect(s.incident("id2")).toMatchObject({ status: "investigating", impact: "critical" });
    expect(s.ws.incidents.size).toBe(1);
  });

  it("an alert reaching two open incidents joins the one still investigating, not the one in monitoring", () => {
    const s = scenario([API, WEB], { componentIds: [] });
    // api: incident id2, opened later (minute 5), now monitoring. web: incident id6, opened at minute 1.
    s.apply([trigger("api-down", 5, { tags: { service: "api" } }), resolve("api-down", 6, { tags: { service: "api" } })]);
    s.apply([trigger("web-down", 1, { tags: { service: "web" } })], later(1));
    expect(s.incident("id2").status).toBe("monitoring");
    expect(s.incident("id6").status).toBe("investigating");
    const d = s.apply([trigger("both", 7)], later(2), routing({ componentIds: ["api", "web"] }));
    expect(d.newIncidents).toEqual(new Set());
    expect(s.alertByKey("both").incidentId).toBe("id6");
    expect(s.incident("id2").status).toBe("monitoring");
    expect(d.updates).toEqual([]);
  });

  it("an alert reaching two investigating incidents joins the most recent one", () => {
    const s = scenario([API, WEB], { componentIds: [] });
    s.apply([trigger("web-down", 1, { tags: { service: "web" } })]); // incident id2, started minute 1
    s.apply([trigger("api-down", 5, { tags: { service: "api" } })], later(1)); // incident id5, started minute 5
    s.apply([trigger("both", 7)], later(2), routing({ componentIds: ["web", "api"] }));
    expect(s.alertByKey("both").incidentId).toBe("id5");
    expect(s.incident("id5").componentIds).toEqual(["api", "web"]);
    expect(s.incident("id2").componentIds).toEqual(["web"]);
  });

  it("an info alert on the same component does not join it", () => {
    const s = opened("error");
    const d = s.apply([trigger("b", 1, { severity: "info" })], later(1));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.incidents).toEqual(new Set());
    expect(s.alertByKey("b").incidentId).toBeNull();
    expect(s.incident("id2")).toMatchObject({ impact: "major", lastAlertAt: NOW });
  });

  it("a still-firing info alert does not hold the incident open once the outage recovers", () => {
    const s = opened("critical");
    s.apply([trigger("chatter", 1, { severity: "info" })], later(1));
    const d = s.apply([resolve("a", 2)], later(2));
    expect(s.incident("id2")).toMatchObject({ status: "monitoring", monitoringAt: later(2) });
    expect(d.updates.map((u) => u.status)).toEqual(["monitoring"]);
    expect(s.alertByKey("chatter").status).toBe("firing");
  });

  it("an info trigger does not reopen an incident in monitoring", () => {
    const s = opened("critical");
    s.apply([resolve("a", 1)], later(1));
    const d = s.apply([trigger("b", 2, { severity: "info" })], later(2));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.updates).toEqual([]);
    expect(s.incident("id2").status).toBe("monitoring");
  });

  it("an attached alert downgraded to info stays attached but no longer holds the incident", () => {
    const s = opened("critical");
    s.apply([trigger("b", 1)], later(1));
    s.apply([trigger("b", 2, { severity: "info" })], later(2));
    expect(s.alertByKey("b")).toMatchObject({ status: "firing", incidentId: "id2" });
    const d = s.apply([resolve("a", 3)], later(3));
    expect(s.incident("id2").status).toBe("monitoring");
    expect(d.updates.map((u) => u.status)).toEqual(["monitoring"]);
  });

  it("a maintenance status (Uptime Kuma) opens no incident and joins none", () => {
    const s = scenario([API]);
    const m = s.apply([trigger("kuma", 0, { severity: "info", status: "under_maintenance" })]);
    expect(m.outcomes).toEqual(["applied"]);
    expect(m.newIncidents).toEqual(new Set());
    expect(s.status("api")).toBe("under_maintenance");
    s.apply([trigger("a", 1)], later(1)); // an outage during the maintenance opens its own incident
    expect([...s.ws.incidents.keys()]).toEqual(["id3"]);
    expect(s.alertByKey("kuma").incidentId).toBeNull();
    s.apply([resolve("a", 2)], later(2));
    expect(s.incident("id3").status).toBe("monitoring");
    expect(s.status("api")).toBe("under_maintenance");
  });

  it("a route to a component missing from the working set is not added to the incident", () => {
    const s = scenario([API], { componentIds: ["api", "ghost"] });
    const d = s.apply([trigger("a", 0)]);
    expect(s.incident("id2").componentIds).toEqual(["api"]);
    expect(d.incidentComponents).toEqual([["id2", "api"]]);
    expect(d.statusChanges.map((c) => c.componentId)).toEqual(["api"]);
  });

  it("a re-trigger with a worse severity upgrades the impact and the component", () => {
    const s = opened("warning");
    const d = s.apply([trigger("a", 3, { severity: "error" })], later(3));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.routesChanged).toEqual(new Set(["id1"]));
    expect(s.incident("id2").impact).toBe("major");
    expect(s.alertByKey("a").routes).toEqual([{ componentId: "api", status: "partial_outage" }]);
    expect(d.statusChanges).toEqual([{ componentId: "api", from: "degraded_performance", to: "partial_outage", at: later(3) }]);
    expect(d.newIncidents).toEqual(new Set());
  });

  it("an alert reaching the incident's component and a new one extends the incident", () => {
    const s = opened();
    const wide = routing({ componentIds: ["api", "web"] });
    const d = s.apply([trigger("b", 1, { severity: "error" })], later(1), wide);
    expect(d.newIncidents).toEqual(new Set());
    expect(s.incident("id2").componentIds).toEqual(["api", "web"]);
    expect(d.incidentComponents).toEqual([["id2", "web"]]);
    expect(s.status("web")).toBe("partial_outage");
    expect(s.status("api")).toBe("major_outage");
  });

  it("many alerts on one component in one delivery (a regional outage) give one incident", () => {
    const s = scenario([API]);
    const events = Array.from({ length: 30 }, (_, i) => trigger(`host-${i}`, 0, { severity: i % 3 === 0 ? "critical" : "warning" }));
    const d = s.apply(events);
    expect(d.outcomes).toEqual(Array(30).fill("applied"));
    expect(d.newIncidents.size).toBe(1);
    expect(s.ws.incidents.size).toBe(1);
    const [incident] = [...s.ws.incidents.values()];
    expect(incident).toMatchObject({ status: "investigating", impact: "critical", componentIds: ["api"] });
    expect(d.updates).toHaveLength(1);
    expect([...s.ws.alerts.values()].every((a) => a.incidentId === incident!.id)).toBe(true);
    expect(d.statusChanges).toEqual([{ componentId: "api", from: "operational", to: "major_outage", at: NOW }]);
  });
});

describe("resolution → monitoring", () => {
  it("when its only alert resolves: components back to operational, incident monitoring with an update", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0, { summary: "API down" })]);
    const d = s.apply([resolve("a", 10)], later(10));
    expect(d).toEqual<Decision>({
      ...emptyDecision(),
      outcomes: ["applied"],
      alerts: new Set(["id1"]),
      incidents: new Set(["id2"]),
      components: new Set(["api"]),
      updates: [
        {
          id: "id4",
          incidentId: "id2",
          status: "monitoring",
          body: "API down has recovered. We are monitoring the results.",
          affectedComponents: [{ code: "api", name: "API", old_status: "major_outage", new_status: "operational" }],
          createdAt: later(10),
        },
      ],
      statusChanges: [{ componentId: "api", from: "major_outage", to: "operational", at: later(10) }],
    });
    expect(s.incident("id2")).toMatchObject({ status: "monitoring", monitoringAt: later(10), resolvedAt: null, impact: "critical" });
    expect(s.alertByKey("a")).toMatchObject({ status: "resolved", resolvedAt: iso(10), lastEventAt: iso(10), lastAction: "resolve" });
    expect(s.status("api")).toBe("operational");
  });

  it("a resolve while other alerts of the incident still fire keeps it investigating", () => {
    const s = scenario([API]);
    s.apply([trigger("crit", 0, { severity: "critical" }), trigger("warn", 1, { severity: "warning" })]);
    const d = s.apply([resolve("crit", 2)], later(2));
    expect(d.outcomes).toEqual(["applied"]);
    expect(s.incident("id2")).toMatchObject({ status: "investigating", monitoringAt: null });
    expect(d.updates).toEqual([]);
    expect(d.incidents).toEqual(new Set());
    expect(s.status("api")).toBe("degraded_performance");

    const last = s.apply([resolve("warn", 3)], later(3));
    expect(s.incident("id2")).toMatchObject({ status: "monitoring", monitoringAt: later(3) });
    expect(last.updates.map((u) => [u.status, u.body, u.affectedComponents])).toEqual([
      [
        "monitoring",
        "warn is failing has recovered. We are monitoring the results.",
        [{ code: "api", name: "API", old_status: "degraded_performance", new_status: "operational" }],
      ],
    ]);
  });

  it("an acknowledged alert still holds the incident open", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0), trigger("b", 1), acknowledge("b", 2)]);
    s.apply([resolve("a", 3)], later(3));
    expect(s.incident("id2").status).toBe("investigating");
    s.apply([resolve("b", 4)], later(4));
    expect(s.incident("id2").status).toBe("monitoring");
  });

  it("a component returns to the worst of the alerts still firing on it", () => {
    const s = scenario([API, WEB], { componentIds: [] });
    s.apply([trigger("web-down", 0, { tags: { service: "web" }, severity: "critical" })]);
    const wideRouting = routing({ componentIds: ["api", "web"] });
    s.apply([trigger("both", 1, { severity: "warning" })], later(1), wideRouting);
    expect(s.ws.incidents.size).toBe(1);
    const d = s.apply([resolve("both", 2)], later(2), wideRouting);
    expect(s.status("api")).toBe("operational");
    expect(s.status("web")).toBe("major_outage"); // web-down still fires
    expect(d.statusChanges).toEqual([{ componentId: "api", from: "degraded_performance", to: "operational", at: later(2) }]);
    expect(s.incident("id2").status).toBe("investigating"); // web-down belongs to it
  });

  it("a resolve for an unknown alert is ignored but remembered", () => {
    const s = scenario([API]);
    const d = s.apply([resolve("a", 5)]);
    expect(d.outcomes).toEqual(["ignored"]);
    expect(d.newAlerts).toEqual(new Set(["id1"]));
    expect(s.alertByKey("a")).toMatchObject({ status: "resolved", resolvedAt: iso(5), lastEventAt: iso(5), routes: [], incidentId: null });
    expect(d.statusChanges).toEqual([]);
    expect(d.updates).toEqual([]);
    expect(s.ws.incidents.size).toBe(0);
  });

  it("a second, later resolve of a resolved alert is a duplicate", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0), resolve("a", 1)]);
    const d = s.apply([resolve("a", 2)], later(2));
    expect(d.outcomes).toEqual(["duplicate"]);
    expect(d.updates).toEqual([]);
    expect(d.statusChanges).toEqual([]);
    expect(s.incident("id2").monitoringAt).toBe(NOW);
  });
});

describe("monitoring → reopened, never a new incident", () => {
  it("a trigger for the incident's alert reopens it", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0, { summary: "API down" }), resolve("a", 1)]);
    expect(s.incident("id2").status).toBe("monitoring");
    const d = s.apply([trigger("a", 2, { summary: "API down", details: "again" })], later(2));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.newIncidents).toEqual(new Set());
    expect(d.incidents).toEqual(new Set(["id2"]));
    expect(s.incident("id2")).toMatchObject({ status: "investigating", monitoringAt: null, lastAlertAt: later(2) });
    expect(d.updates).toEqual([
      {
        id: "id5",
        incidentId: "id2",
        status: "investigating",
        body: "The issue has returned: API down\n\nagain",
        affectedComponents: [{ code: "api", name: "API", old_status: "operational", new_status: "major_outage" }],
        createdAt: later(2),
      },
    ]);
    expect(s.alertByKey("a")).toMatchObject({ status: "firing", firstTriggeredAt: iso(2), resolvedAt: null });
  });

  it("another alert on the same components reopens it too", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0), resolve("a", 1)]);
    const d = s.apply([trigger("b", 2, { severity: "warning" })], later(2));
    expect(d.newIncidents).toEqual(new Set());
    expect(s.alertByKey("b").incidentId).toBe("id2");
    expect(s.incident("id2").status).toBe("investigating");
    expect(d.updates.map((u) => [u.incidentId, u.status, u.body])).toEqual([["id2", "investigating", "The issue has returned: b is failing"]]);
  });

  it("an incident an operator set to identified is treated as open", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0)]);
    s.incident("id2").status = "identified";
    const again = s.apply([trigger("b", 1)], later(1));
    expect(again.newIncidents).toEqual(new Set());
    expect(s.incident("id2").status).toBe("identified");
    s.apply([resolve("a", 2), resolve("b", 2)], later(2));
    expect(s.incident("id2").status).toBe("monitoring");
  });

  it("a flapping monitor (20 trigger/resolve cycles) gives exactly one incident", () => {
    const s = scenario([API]);
    let statusChanges = 0;
    let updates = 0;
    const newIncidents = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const d = s.apply([trigger("flappy", 2 * i), resolve("flappy", 2 * i + 1)], later(2 * i));
      expect(d.outcomes).toEqual(["applied", "applied"]);
      for (const id of d.newIncidents) newIncidents.add(id);
      statusChanges += d.statusChanges.length;
      updates += d.updates.length;
    }
    expect(newIncidents).toEqual(new Set(["id2"]));
    expect(s.ws.incidents.size).toBe(1);
    expect(s.incident("id2")).toMatchObject({ status: "monitoring", monitoringAt: later(38) });
    expect(s.status("api")).toBe("operational");
    expect(s.ws.alerts.size).toBe(1);
    expect(statusChanges).toBe(40); // down and up, every cycle
    expect(updates).toBe(40); // opened + 19 reopened, 20 monitoring
  });

  it("flapping across separate deliveries also gives one incident", () => {
    const s = scenario([API]);
    for (let i = 0; i < 20; i++) {
      s.apply([trigger("flappy", 2 * i)], later(2 * i));
      s.apply([resolve("flappy", 2 * i + 1)], later(2 * i + 1));
    }
    expect([...s.ws.incidents.keys()]).toEqual(["id2"]);
    expect(s.incident("id2").status).toBe("monitoring");
    expect(s.status("api")).toBe("operational");
  });
});

describe("a resolved incident is never reopened", () => {
  const resolvedIncident = () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0)]);
    Object.assign(s.incident("id2"), { status: "resolved", resolvedAt: later(1) });
    return s;
  };

  it("a duplicate trigger changes nothing", () => {
    const s = resolvedIncident();
    const before = snapshot(s.ws);
    const d = s.apply([trigger("a", 0)], later(2));
    expect(d).toEqual(nothingChanged(["duplicate"]));
    expect(s.ws).toEqual(before);
  });

  it("a new trigger of its still-firing alert opens a new incident", () => {
    const s = resolvedIncident();
    const d = s.apply([trigger("a", 5)], later(5));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.newIncidents).toEqual(new Set(["id4"]));
    expect(s.incident("id2")).toMatchObject({ status: "resolved", resolvedAt: later(1) });
    expect(s.incident("id4")).toMatchObject({ status: "investigating", componentIds: ["api"] });
    expect(s.alertByKey("a").incidentId).toBe("id4");
  });

  it("a trigger after the alert resolved opens a new incident", () => {
    const s = resolvedIncident();
    s.apply([resolve("a", 2)], later(2));
    expect(s.incident("id2").status).toBe("resolved"); // no monitoring update on a resolved incident
    const d = s.apply([trigger("a", 3)], later(3));
    expect(d.newIncidents).toEqual(new Set(["id4"]));
    expect(s.incident("id2").status).toBe("resolved");
    expect(d.updates.map((u) => [u.incidentId, u.status])).toEqual([["id4", "investigating"]]);
  });

  it("another alert on its components opens a new incident", () => {
    const s = resolvedIncident();
    const d = s.apply([trigger("b", 2)], later(2));
    expect(d.newIncidents).toEqual(new Set(["id5"])); // alert id4, incident id5
    expect(s.alertByKey("b").incidentId).toBe("id5");
    expect(s.incident("id2").status).toBe("resolved");
  });

  it("the resolve of its alert posts no update", () => {
    const s = resolvedIncident();
    const d = s.apply([resolve("a", 2)], later(2));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.updates).toEqual([]);
    expect(d.incidents).toEqual(new Set());
    expect(s.status("api")).toBe("operational");
  });

  it("an info re-trigger of its alert detaches the alert from it and opens nothing", () => {
    const s = resolvedIncident();
    const d = s.apply([trigger("a", 5, { severity: "info" })], later(5));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.newIncidents).toEqual(new Set());
    expect(s.alertByKey("a").incidentId).toBeNull();
    expect(s.status("api")).toBe("operational");
  });

  it("a renotify of its still-firing alert opens nothing", () => {
    const s = resolvedIncident();
    const d = s.apply([trigger("a", 5, { renotify: true })], later(5));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.newIncidents).toEqual(new Set());
    expect(s.ws.incidents.size).toBe(1);
  });
});

describe("idempotency: the same delivery twice changes nothing the second time", () => {
  // Each case: events applied first (setup), then the delivery that is replayed.
  const cases: Array<[string, AlertEvent[], AlertEvent[], Partial<{ componentIds: string[] }>]> = [
    ["a first trigger", [], [trigger("a", 0)], {}],
    ["triggers of several alerts", [], [trigger("a", 0), trigger("b", 0, { severity: "warning" }), trigger("c", 1, { severity: "info" })], {}],
    ["a resolve", [trigger("a", 0)], [resolve("a", 1)], {}],
    ["a resolve of one of two alerts", [trigger("a", 0), trigger("b", 0)], [resolve("a", 1)], {}],
    ["an acknowledge", [trigger("a", 0)], [acknowledge("a", 1)], {}],
    ["a re-trigger reopening a monitoring incident", [trigger("a", 0), resolve("a", 1)], [trigger("a", 2)], {}],
    ["a renotify", [], [trigger("a", 0, { renotify: true })], {}],
    ["a resolve for an unknown alert", [], [resolve("a", 0)], {}],
    ["an unrouted trigger", [], [trigger("a", 0)], { componentIds: [] }],
  ];

  it.each(cases)("%s", (_, setup, delivery, route) => {
    const s = scenario([API, WEB], { componentIds: ["api"], ...route });
    if (setup.length) s.apply(setup, later(0));
    const first = s.apply(delivery, later(1));
    expect(first.outcomes.every((o) => o !== "duplicate")).toBe(true);
    const before = snapshot(s.ws);
    const second = s.apply(delivery, later(2));
    expect(second).toEqual(nothingChanged(delivery.map(() => "duplicate")));
    expect(s.ws).toEqual(before);
  });

  it("a delivery with a trigger and its resolve, replayed: nothing changes (the trigger is now older than the resolve)", () => {
    const s = scenario([API]);
    const delivery = [trigger("a", 0), resolve("a", 1)];
    s.apply(delivery);
    const before = snapshot(s.ws);
    const second = s.apply(delivery, later(1));
    expect(second).toEqual(nothingChanged(["stale", "duplicate"]));
    expect(s.ws).toEqual(before);
  });
});

describe("order tolerance", () => {
  it("an event older than the alert's last applied event is stale, recorded and ignored", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 5)]);
    const before = snapshot(s.ws);
    const d = s.apply([resolve("a", 4)], later(1));
    expect(d).toEqual(nothingChanged(["stale"]));
    expect(s.ws).toEqual(before);
    expect(s.status("api")).toBe("major_outage");
    expect(s.incident("id2").status).toBe("investigating");
  });

  it.each<[string, AlertEvent]>([
    ["an older trigger", trigger("a", 1, { severity: "warning" })],
    ["an older acknowledge", acknowledge("a", 1)],
    ["an older resolve", resolve("a", 1)],
  ])("%s after a resolve is stale", (_, late) => {
    const s = scenario([API]);
    s.apply([trigger("a", 0), resolve("a", 2)]);
    const before = snapshot(s.ws);
    expect(s.apply([late], later(1))).toEqual(nothingChanged(["stale"]));
    expect(s.ws).toEqual(before);
  });

  it("a resolve arriving before its trigger: the late, older trigger is stale", () => {
    const s = scenario([API]);
    const first = s.apply([resolve("a", 5)]);
    expect(first.outcomes).toEqual(["ignored"]);
    const d = s.apply([trigger("a", 4)], later(1));
    expect(d).toEqual(nothingChanged(["stale"]));
    expect(s.status("api")).toBe("operational");
    expect(s.ws.incidents.size).toBe(0);
    expect(s.alertByKey("a").status).toBe("resolved");
  });

  it("a resolve listed before its older trigger in the same delivery: applied in time order", () => {
    const s = scenario([API]);
    const d = s.apply([resolve("a", 5), trigger("a", 4)]);
    // Outcomes in the sender's order; the trigger (4) was applied first, then the resolve (5).
    expect(d.outcomes).toEqual(["applied", "applied"]);
    expect(s.alertByKey("a")).toMatchObject({ status: "resolved", resolvedAt: iso(5) });
    expect(s.status("api")).toBe("operational");
    expect(d.statusChanges.map((c) => c.to)).toEqual(["major_outage", "operational"]);
  });

  it("a resolve before its trigger in separate deliveries: the late, older trigger is stale", () => {
    const s = scenario([API]);
    expect(s.apply([resolve("a", 5)]).outcomes).toEqual(["ignored"]);
    const d = s.apply([trigger("a", 4)], later(1));
    expect(d.outcomes).toEqual(["stale"]);
    expect(d.newIncidents).toEqual(new Set());
    expect(d.statusChanges).toEqual([]);
  });

  it("a newer trigger after an early resolve fires the alert normally", () => {
    const s = scenario([API]);
    s.apply([resolve("a", 5)]);
    const d = s.apply([trigger("a", 6)], later(1));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.routesChanged).toEqual(new Set(["id1"]));
    expect(d.newIncidents).toEqual(new Set(["id2"]));
    expect(s.alertByKey("a")).toMatchObject({ status: "firing", firstTriggeredAt: iso(6), resolvedAt: null });
    expect(s.status("api")).toBe("major_outage");
  });

  it("a trigger and a resolve at the same instant, in that order: the resolve wins", () => {
    const s = scenario([API]);
    const d = s.apply([trigger("a", 3), resolve("a", 3)]);
    expect(d.outcomes).toEqual(["applied", "applied"]);
    expect(s.alertByKey("a").status).toBe("resolved");
    expect(s.status("api")).toBe("operational");
    expect(s.incident("id2").status).toBe("monitoring");
  });

  it("a resolve and a trigger at the same instant, in that order: the resolve still wins", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0)]);
    const d = s.apply([resolve("a", 3), trigger("a", 3)], later(1));
    expect(d.outcomes).toEqual(["applied", "duplicate"]);
    expect(s.alertByKey("a").status).toBe("resolved");
    expect(s.status("api")).toBe("operational");
    expect(s.incident("id2").status).toBe("monitoring");
  });

  it.each<[string, AlertEvent, AlertEvent, Array<"applied" | "duplicate">]>([
    ["trigger then acknowledge", trigger("a", 3), acknowledge("a", 3), ["applied", "duplicate"]],
    ["acknowledge then trigger", acknowledge("a", 3), trigger("a", 3), ["applied", "duplicate"]],
    ["acknowledge then resolve", acknowledge("a", 3), resolve("a", 3), ["applied", "applied"]],
    ["resolve then acknowledge", resolve("a", 3), acknowledge("a", 3), ["applied", "duplicate"]],
  ])("same instant, %s: only a resolve after a non-resolve counts", (_, x, y, outcomes) => {
    const s = scenario([API]);
    s.apply([trigger("a", 0)]);
    expect(s.apply([x, y], later(1)).outcomes).toEqual(outcomes);
  });
});

describe("acknowledge", () => {
  it("is recorded on the alert without changing any status", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0)]);
    const d = s.apply([acknowledge("a", 2)], later(2));
    expect(d).toEqual<Decision>({ ...emptyDecision(), outcomes: ["applied"], alerts: new Set(["id1"]) });
    expect(s.alertByKey("a")).toMatchObject({
      status: "acknowledged",
      acknowledgedAt: iso(2),
      lastEventAt: iso(2),
      lastAction: "acknowledge",
    });
    expect(s.status("api")).toBe("major_outage");
    expect(s.incident("id2").status).toBe("investigating");
  });

  it("for an unknown alert is ignored and not recorded", () => {
    const s = scenario([API]);
    const d = s.apply([acknowledge("a", 0)]);
    expect(d).toEqual(nothingChanged(["ignored"]));
    expect(s.ws.alerts.size).toBe(0);
  });

  it("for a resolved alert is ignored", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0), resolve("a", 1)]);
    const before = snapshot(s.ws);
    expect(s.apply([acknowledge("a", 2)], later(1))).toEqual(nothingChanged(["ignored"]));
    expect(s.ws).toEqual(before);
  });

  it("a re-trigger keeps an acknowledged alert acknowledged", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0), acknowledge("a", 1)]);
    s.apply([trigger("a", 2, { renotify: true })], later(1));
    expect(s.alertByKey("a")).toMatchObject({ status: "acknowledged", acknowledgedAt: iso(1) });
  });

  it("a trigger after the acknowledged alert resolved clears the acknowledgement", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 0), acknowledge("a", 1), resolve("a", 2)]);
    s.apply([trigger("a", 3)], later(1));
    expect(s.alertByKey("a")).toMatchObject({ status: "firing", acknowledgedAt: null, resolvedAt: null });
  });
});

describe("routing", () => {
  const ev = (extra: Partial<AlertEvent> = {}) => trigger("a", 0, extra);

  describe("linkMatches", () => {
    it.each<[string, Partial<LinkRule> & Pick<LinkRule, "matchType" | "matchKey">, Partial<AlertEvent>, boolean]>([
      ["monitor id", { matchType: "monitor", matchKey: "12345" }, { monitor: { id: "12345" } }, true],
      ["monitor id, case-insensitive", { matchType: "monitor", matchKey: "ABC-1" }, { monitor: { id: "abc-1" } }, true],
      ["monitor name", { matchType: "monitor", matchKey: "checkout latency" }, { monitor: { id: "9", name: "checkout latency" } }, true],
      ["monitor name, case-insensitive", { matchType: "monitor", matchKey: "Checkout Latency" }, { monitor: { name: "CHECKOUT LATENCY" } }, true],
      ["another monitor", { matchType: "monitor", matchKey: "12345" }, { monitor: { id: "1234", name: "12" } }, false],
      ["no monitor", { matchType: "monitor", matchKey: "12345" }, {}, false],
      ["tag key=value", { matchType: "tag", matchKey: "env", matchValue: "prod" }, { tags: { env: "prod" } }, true],
      ["tag key, case-insensitive", { matchType: "tag", matchKey: "Env", matchValue: "prod" }, { tags: { ENV: "prod" } }, true],
      ["tag with another value", { matchType: "tag", matchKey: "env", matchValue: "prod" }, { tags: { env: "staging" } }, false],
      ["tag key, any value", { matchType: "tag", matchKey: "team" }, { tags: { team: "payments" } }, true],
      ["tag key, any value, empty value", { matchType: "tag", matchKey: "team" }, { tags: { team: "" } }, true],
      ["tag key absent", { matchType: "tag", matchKey: "team" }, { tags: { env: "prod" } }, false],
      ["tag value is not a key", { matchType: "tag", matchKey: "prod" }, { tags: { env: "prod" } }, false],
      ["label key=value", { matchType: "label", matchKey: "alertname", matchValue: "HighLatency" }, { tags: { alertname: "HighLatency" } }, true],
      ["label with another value", { matchType: "label", matchKey: "alertname", matchValue: "HighLatency" }, { tags: { alertname: "Down" } }, false],
      ["label key, any value", { matchType: "label", matchKey: "job" }, { tags: { job: "api" } }, true],
      ["monitor link ignores tags", { matchType: "monitor", matchKey: "12345" }, { tags: { monitor: "12345" } }, false],
    ])("%s → %s", (_, rule, extra, matches) => {
      expect(linkMatches(link({ componentIds: ["api"], ...rule }), ev(extra))).toBe(matches);
    });
  });

  describe("routeEvent", () => {
    const components = new Map([API, WEB, DB].map((c) => [c.slug, component(c)]));

    it.each<[string, Partial<Routing>, Partial<AlertEvent>, Array<[string, ComponentStatus | null]>]>([
      ["nothing", {}, {}, []],
      [
        "the integration's own components",
        { componentIds: ["api", "web"] },
        { severity: "error" },
        [
          ["api", "partial_outage"],
          ["web", "partial_outage"],
        ],
      ],
      ["info: routed, no status", { componentIds: ["api"] }, { severity: "info" }, [["api", null]]],
      ["event status", { componentIds: ["api"] }, { status: "under_maintenance" }, [["api", "under_maintenance"]]],
      [
        "a matching link to several components",
        { links: [link({ matchType: "monitor", matchKey: "m1", componentIds: ["api", "db"] })] },
        { monitor: { id: "m1" }, severity: "warning" },
        [
          ["api", "degraded_performance"],
          ["db", "degraded_performance"],
        ],
      ],
      [
        "a link with its own status",
        { links: [link({ matchType: "tag", matchKey: "env", matchValue: "prod", componentIds: ["web"], status: "major_outage" })] },
        { tags: { env: "prod" }, severity: "warning" },
        [["web", "major_outage"]],
      ],
      [
        "integration components and links together",
        { componentIds: ["api"], links: [link({ matchType: "label", matchKey: "job", componentIds: ["db"] })] },
        { tags: { job: "postgres" } },
        [
          ["api", "major_outage"],
          ["db", "major_outage"],
        ],
      ],
      ["a service:<slug> tag", {}, { tags: { service: "web" } }, [["web", "major_outage"]]],
      ["a service:<slug> tag, case-insensitive value", {}, { tags: { service: "WEB" } }, [["web", "major_outage"]]],
      ["a service tag naming no component", {}, { tags: { service: "billing" } }, []],
      [
        "one component reached twice: the worst status",
        { componentIds: ["api"], links: [link({ matchType: "monitor", matchKey: "m1", componentIds: ["api"], status: "major_outage" })] },
        { monitor: { id: "m1" }, severity: "warning" },
        [["api", "major_outage"]],
      ],
      [
        "one component reached twice: a status beats none",
        { componentIds: ["api"], links: [link({ matchType: "monitor", matchKey: "m1", componentIds: ["api"], status: "partial_outage" })] },
        { monitor: { id: "m1" }, severity: "info" },
        [["api", "partial_outage"]],
      ],
      [
        "one component reached twice: the worst status, whatever the order",
        {
          componentIds: ["api"],
          links: [link({ matchType: "monitor", matchKey: "m1", componentIds: ["api"], status: "degraded_performance" })],
        },
        { monitor: { id: "m1" }, severity: "critical" },
        [["api", "major_outage"]],
      ],
      [
        "one component reached twice: a status is kept over a later none",
        { links: [link({ matchType: "monitor", matchKey: "m1", componentIds: ["api"], status: "partial_outage" })] },
        { monitor: { id: "m1" }, tags: { service: "api" }, severity: "info" },
        [["api", "partial_outage"]],
      ],
      [
        "two matching links",
        {
          links: [
            link({ matchType: "monitor", matchKey: "m1", componentIds: ["api"], status: "degraded_performance" }),
            link({ matchType: "tag", matchKey: "env", componentIds: ["api", "web"] }),
          ],
        },
        { monitor: { name: "M1" }, tags: { env: "x" }, severity: "error" },
        [
          ["api", "partial_outage"],
          ["web", "partial_outage"],
        ],
      ],
      [
        "a non-matching link adds nothing",
        { componentIds: ["api"], links: [link({ matchType: "monitor", matchKey: "m2", componentIds: ["db"] })] },
        { monitor: { id: "m1" } },
        [["api", "major_outage"]],
      ],
      [
        "integration component and service tag",
        { componentIds: ["api"] },
        { tags: { service: "api" }, severity: "warning" },
        [["api", "degraded_performance"]],
      ],
    ])("%s", (_, route, extra, expected) => {
      const routes = routeEvent(ev(extra), routing(route), components);
      expect(routes.map((r) => [r.componentId, r.status])).toEqual(expected);
    });
  });

  it("one monitor updates several components, each with its own link status", () => {
    const s = scenario([API, WEB, DB], {
      links: [
        link({ matchType: "monitor", matchKey: "edge", componentIds: ["api", "web"] }),
        link({ id: "l2", matchType: "monitor", matchKey: "edge", componentIds: ["db"], status: "degraded_performance" }),
      ],
    });
    const d = s.apply([trigger("a", 0, { monitor: { name: "Edge" }, severity: "error" })]);
    expect([s.status("api"), s.status("web"), s.status("db")]).toEqual(["partial_outage", "partial_outage", "degraded_performance"]);
    expect(d.statusChanges.map((c) => [c.componentId, c.to])).toEqual([
      ["api", "partial_outage"],
      ["web", "partial_outage"],
      ["db", "degraded_performance"],
    ]);
    expect(s.incident("id2").componentIds).toEqual(["api", "web", "db"]);
  });

  it("one component fed by several monitors: worst of them, one incident", () => {
    const s = scenario([API], {
      links: [
        link({ matchType: "monitor", matchKey: "latency", componentIds: ["api"] }),
        link({ matchType: "tag", matchKey: "check", matchValue: "http", componentIds: ["api"] }),
      ],
    });
    s.apply([trigger("lat", 0, { monitor: { id: "latency" }, severity: "warning" }), trigger("http", 1, { tags: { check: "http" }, severity: "critical" })]);
    expect(s.status("api")).toBe("major_outage");
    expect(s.ws.incidents.size).toBe(1);
    expect(s.incident("id2").impact).toBe("critical");
    s.apply([resolve("http", 2, { tags: { check: "http" } })], later(1));
    expect(s.status("api")).toBe("degraded_performance");
    expect(s.incident("id2").status).toBe("investigating");
  });

  it("a re-trigger that no longer reaches a component recomputes that component", () => {
    const s = scenario([API, WEB], { componentIds: [] });
    s.apply([trigger("a", 0, { tags: { service: "api" } })]);
    expect(s.status("api")).toBe("major_outage");
    const d = s.apply([trigger("a", 1, { tags: { service: "web" } })], later(1));
    expect(d.routesChanged).toEqual(new Set(["id1"]));
    expect(s.status("api")).toBe("operational");
    expect(s.status("web")).toBe("major_outage");
    expect(d.statusChanges.map((c) => [c.componentId, c.from, c.to])).toEqual([
      ["web", "operational", "major_outage"],
      ["api", "major_outage", "operational"],
    ]);
  });

  it("alerts are matched per integration: the same dedup key elsewhere is another alert", () => {
    const s = scenario([API]);
    s.apply([trigger("a", 5)]);
    const other = routing({ integrationId: "int2", componentIds: ["api"] });
    const d = s.apply([trigger("a", 1)], later(1), other);
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.newAlerts).toEqual(new Set(["id4"]));
    expect(s.ws.alerts.get("id4")).toMatchObject({ integrationId: "int2", incidentId: "id2" });
  });
});

describe("status changes: every visible change, and only then", () => {
  it("records each step of a delivery, at processing time", () => {
    const s = scenario([API]);
    const d = s.apply(
      [
        trigger("warn", 0, { severity: "warning" }),
        trigger("warn2", 1, { severity: "warning" }), // same status: no change
        trigger("crit", 2, { severity: "critical" }),
        acknowledge("crit", 3), // no change
        resolve("crit", 4),
        resolve("warn", 5), // warn2 still fires: no change
        resolve("warn2", 6),
      ],
      later(7),
    );
    expect(d.outcomes).toEqual(Array(7).fill("applied"));
    expect(d.statusChanges).toEqual([
      { componentId: "api", from: "operational", to: "degraded_performance", at: later(7) },
      { componentId: "api", from: "degraded_performance", to: "major_outage", at: later(7) },
      { componentId: "api", from: "major_outage", to: "degraded_performance", at: later(7) },
      { componentId: "api", from: "degraded_performance", to: "operational", at: later(7) },
    ]);
    expect(s.incident("id2").status).toBe("monitoring");
  });

  it.each<[string, AlertEvent[]]>([
    ["a duplicate", [trigger("a", 0)]],
    ["a re-trigger", [trigger("a", 1)]],
    ["a renotify", [trigger("a", 1, { renotify: true })]],
    ["an acknowledge", [acknowledge("a", 1)]],
    ["a second alert of the same severity", [trigger("b", 1)]],
    ["a milder second alert", [trigger("b", 1, { severity: "warning" })]],
    ["an info alert", [trigger("b", 1, { severity: "info" })]],
    ["a stale resolve", [resolve("a", -1)]],
    ["an unrouted alert", [trigger("b", 1, { tags: { service: "nope" } })]],
  ])("none for %s", (_, events) => {
    const s = scenario([API]);
    s.apply([trigger("a", 0)]);
    const d = s.apply(events, later(1), routing({ componentIds: events[0]!.tags.service ? [] : ["api"] }));
    expect(d.statusChanges).toEqual([]);
    expect(d.components).toEqual(new Set());
    expect(s.status("api")).toBe("major_outage");
  });
});

describe("page status over the working set", () => {
  const page = (ws: WorkingSet) =>
    pageStatus(
      [...ws.components.values()].map((c) => c.status),
      [...ws.incidents.values()].filter((i) => i.status !== "monitoring" && i.status !== "resolved").map((i) => i.impact),
    );

  it("follows the incident through its life; a monitoring incident does not raise it", () => {
    const s = scenario([API, WEB]);
    expect(page(s.ws)).toEqual({ indicator: "none", description: "All Systems Operational" });
    s.apply([trigger("a", 0, { severity: "warning" })]);
    expect(page(s.ws)).toEqual({ indicator: "minor", description: "Minor Service Outage" });
    s.apply([trigger("b", 1, { severity: "error" })], later(1));
    expect(page(s.ws)).toEqual({ indicator: "major", description: "Partial System Outage" });
    s.apply([trigger("c", 2, { severity: "critical" })], later(2));
    expect(page(s.ws)).toEqual({ indicator: "critical", description: "Major Service Outage" });
    s.apply([resolve("a", 3), resolve("b", 3), resolve("c", 3)], later(3));
    expect(s.incident("id2")).toMatchObject({ status: "monitoring", impact: "critical" });
    expect(page(s.ws)).toEqual({ indicator: "none", description: "All Systems Operational" });
  });

  it("a component in maintenance shows it", () => {
    const s = scenario([API, { ...WEB, inMaintenance: true }], { componentIds: ["web"] });
    expect(page(s.ws)).toEqual({ indicator: "maintenance", description: "Service Under Maintenance" });
    s.apply([trigger("a", 0, { severity: "info" })]);
    expect(page(s.ws)).toEqual({ indicator: "maintenance", description: "Service Under Maintenance" });
  });
});

describe("applyEvents bookkeeping", () => {
  it("an empty delivery decides nothing", () => {
    const ws = workingSet([API]);
    expect(applyEvents(ws, routing({ componentIds: ["api"] }), [], { now: NOW, newId: counter() })).toEqual(nothingChanged([]));
  });

  it("ids come only from newId, in order: alert, incident, update", () => {
    const ws = workingSet([API]);
    const d = applyEvents(ws, routing({ componentIds: ["api"] }), [trigger("a", 0)], { now: NOW, newId: counter("x") });
    expect([...ws.alerts.keys(), ...ws.incidents.keys(), ...d.updates.map((u) => u.id)]).toEqual(["x1", "x2", "x3"]);
  });

  it("startedAt uses occurredAt and updates use processing time", () => {
    const s = scenario([API]);
    const d = s.apply([trigger("a", 0)], later(30));
    expect(s.incident("id2").startedAt).toBe(T(0).toISOString());
    expect(d.updates[0]!.createdAt).toBe(later(30));
  });
});
