import { describe, expect, it } from "vitest";
import { applyEventsOnPages, pagesReached } from "../../../domain/incident-pages";
import { counter, link, NOW, resolve, routing, trigger, workingSet } from "./helpers";

// The public page's API, the internal page's database and its API of the same slug.
const PUBLIC_API = { id: "api", slug: "api", name: "API" };
const INTERNAL_DB = { id: "db", slug: "db", name: "Database (eu-west-1 primary)", page: 2, pageSlug: "internal" };
const INTERNAL_API = { id: "api2", slug: "api", name: "API (internal)", page: 2, pageSlug: "internal" };

const primary = routing({
  componentIds: [],
  publicText: { mode: "summary", template: null },
  links: [
    link({ matchType: "monitor", matchKey: "primary-db", componentIds: ["db"], status: "major_outage" }),
    link({ matchType: "monitor", matchKey: "primary-db", componentIds: ["api"], status: "degraded_performance" }),
  ],
});
const fromPrimary = (minute: number) => trigger("pg", minute, { monitor: { name: "primary-db" } });

describe("one alert, several pages", () => {
  it("opens one incident per page it reaches, each with that page's components and wording", () => {
    const ws = workingSet([PUBLIC_API, INTERNAL_DB]);
    const d = applyEventsOnPages(ws, primary, [fromPrimary(0)], { now: NOW, newId: counter() });
    expect(d.outcomes).toEqual(["applied"]);
    expect(ws.components.get("db")).toMatchObject({ status: "major_outage" });
    expect(ws.components.get("api")).toMatchObject({ status: "degraded_performance" });
    const alerts = [...ws.alerts.values()];
    expect(alerts.map((a) => [a.page ?? 1, a.routes.map((r) => r.componentId)])).toEqual([
      [1, ["api"]],
      [2, ["db"]],
    ]);
    const incidents = [...ws.incidents.values()];
    expect(incidents.map((i) => [i.page ?? 1, i.componentIds])).toEqual([
      [1, ["api"]],
      [2, ["db"]],
    ]);
    expect(d.updates.map((u) => u.body)).toEqual(["We are investigating issues with API.", "We are investigating issues with Database (eu-west-1 primary)."]);
    expect(new Set(alerts.map((a) => a.incidentId)).size).toBe(2);
  });

  it("dedups and resolves per page: a replay is a duplicate on both, a resolve reaches both", () => {
    const ws = workingSet([PUBLIC_API, INTERNAL_DB]);
    const opts = { now: NOW, newId: counter() };
    applyEventsOnPages(ws, primary, [fromPrimary(0)], opts);
    expect(applyEventsOnPages(ws, primary, [fromPrimary(0)], opts).outcomes).toEqual(["duplicate"]);
    const d = applyEventsOnPages(ws, primary, [resolve("pg", 1)], opts);
    expect(d.outcomes).toEqual(["applied"]);
    expect([...ws.incidents.values()].map((i) => i.status)).toEqual(["monitoring", "monitoring"]);
    expect(ws.components.get("db")).toMatchObject({ status: "operational" });
  });

  it("resolving one page's alert (onlyPage) leaves the other page's as it was", () => {
    const ws = workingSet([PUBLIC_API, INTERNAL_DB]);
    const opts = { now: NOW, newId: counter() };
    applyEventsOnPages(ws, primary, [fromPrimary(0)], opts);
    applyEventsOnPages(ws, primary, [resolve("pg", 1)], opts, 1);
    expect(ws.components.get("api")).toMatchObject({ status: "operational" });
    expect(ws.components.get("db")).toMatchObject({ status: "major_outage" });
  });

  it("a flapping alert reopens only its own page's incident", () => {
    const ws = workingSet([PUBLIC_API, INTERNAL_DB]);
    const opts = { now: NOW, newId: counter() };
    applyEventsOnPages(ws, primary, [fromPrimary(0)], opts);
    applyEventsOnPages(ws, primary, [resolve("pg", 1)], opts, 2);
    const d = applyEventsOnPages(ws, primary, [fromPrimary(2)], opts);
    expect(d.newIncidents.size).toBe(0);
    expect([...ws.incidents.values()].map((i) => [i.page ?? 1, i.status])).toEqual([
      [1, "investigating"],
      [2, "investigating"],
    ]);
  });

  it.each([
    ["api", [1, 2]],
    ["internal/api", [2]],
    ["main/api", [1]],
    ["other/api", []],
  ])("service:%s reaches pages %j", (service, pages) => {
    const ws = workingSet([PUBLIC_API, INTERNAL_API]);
    expect([...pagesReached(trigger("s", 0, { tags: { service } }), routing({ componentIds: [] }), ws.components)].sort()).toEqual(pages);
  });

  it("an alert that reaches no component stays on page 1, as before pages", () => {
    const ws = workingSet([PUBLIC_API, INTERNAL_DB]);
    const d = applyEventsOnPages(ws, routing({ componentIds: [] }), [trigger("nowhere", 0)], { now: NOW, newId: counter() });
    expect(d.outcomes).toEqual(["unrouted"]);
    expect([...ws.alerts.values()].map((a) => a.page ?? 1)).toEqual([1]);
  });
});
