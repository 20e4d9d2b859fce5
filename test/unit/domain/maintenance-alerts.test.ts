// Uptime Kuma's maintenance heartbeat, through the real adapter into the state machine: the
// component shows under_maintenance while it lasts, and no incident opens, joins or stays open
// because of it. (The domain needed no change: `disrupts` already excludes under_maintenance.)
import { describe, expect, it } from "vitest";
import { fromUptimeKuma } from "../../../worker/sources/uptime-kuma";
import down from "../../fixtures/uptime-kuma/down.json";
import maintenance from "../../fixtures/uptime-kuma/maintenance.json";
import up from "../../fixtures/uptime-kuma/up.json";
import { eventsOf } from "../sources/adapt";
import { API, later, resolve, scenario, trigger } from "./helpers";

const kuma = (payload: unknown) => eventsOf(fromUptimeKuma(payload, new Date("2025-11-20T12:00:00Z")));
/** The fixture with its heartbeat time moved to minute `n` of the test morning. */
const at = <T extends { heartbeat: { time: string } }>(payload: T, n: number): T => ({
  ...payload,
  heartbeat: { ...payload.heartbeat, time: new Date(Date.UTC(2025, 10, 20, 9, n)).toISOString() },
});

describe("maintenance alerts (Uptime Kuma status 3)", () => {
  it("show under_maintenance, open no incident, and clear on up", () => {
    const s = scenario([API]);
    const d = s.apply(kuma(at(maintenance, 0)));
    expect(d.outcomes).toEqual(["applied"]);
    expect(d.newIncidents.size).toBe(0);
    expect(d.updates).toEqual([]);
    expect(s.status("api")).toBe("under_maintenance");
    expect(s.alertByKey("monitor-12")).toMatchObject({ status: "firing", incidentId: null });

    const after = s.apply(kuma(at(up, 30)), later(30));
    expect(after.newIncidents.size).toBe(0);
    expect(after.updates).toEqual([]);
    expect(s.status("api")).toBe("operational");
    expect(s.ws.incidents.size).toBe(0);
  });

  it("a down once maintenance is over opens an incident as usual", () => {
    const s = scenario([API]);
    s.apply(kuma(at(maintenance, 0)));
    const d = s.apply(kuma(at(down, 30)), later(30));
    expect(d.newIncidents.size).toBe(1);
    expect(s.status("api")).toBe("major_outage");
  });

  it("does not join the open incident of another alert on the component, nor keep it open", () => {
    const s = scenario([API]);
    s.apply([trigger("checkout", 0)]);
    const [incidentId] = [...s.ws.incidents.keys()];
    s.apply(kuma(at(maintenance, 1)), later(1));
    expect(s.alertByKey("monitor-12").incidentId).toBeNull();
    expect(s.status("api")).toBe("major_outage"); // the outage is worse than the maintenance
    s.apply([resolve("checkout", 2)], later(2));
    expect(s.incident(incidentId!).status).toBe("monitoring");
    expect(s.status("api")).toBe("under_maintenance");
  });

  it("a replayed maintenance heartbeat is a duplicate", () => {
    const s = scenario([API]);
    s.apply(kuma(at(maintenance, 0)));
    expect(s.apply(kuma(at(maintenance, 0)), later(1)).outcomes).toEqual(["duplicate"]);
  });
});
