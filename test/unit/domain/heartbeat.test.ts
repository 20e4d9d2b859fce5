// Heartbeats, pure: Healthchecks.io's signals read from a path, the record each signal leaves, when a
// heartbeat is late, and the alert it fires through the state machine.
import { describe, expect, it } from "vitest";
import { dueAt, heartbeatResolve, heartbeatSettings, heartbeatTrigger, NEW_HEARTBEAT, recordSignal, signalOf } from "../../../domain/heartbeat";
import { API, scenario } from "./helpers";

const at = (minute: number) => new Date(Date.UTC(2026, 11, 6, 3, minute)).toISOString();
const s = heartbeatSettings({ heartbeat_period_seconds: 600, heartbeat_grace_seconds: 120 });

describe("signalOf", () => {
  it.each([
    [undefined, "success"],
    ["", "success"],
    ["start", "start"],
    ["fail", "fail"],
    ["log", "log"],
    ["0", "success"],
    ["1", "fail"],
    ["255", "fail"],
    ["256", null],
    ["-1", null],
    ["stop", null],
    ["0x1", null],
  ])("%s → %s", (segment, signal) => expect(signalOf(segment)).toBe(signal));
});

describe("dueAt", () => {
  it("is null while new, and counts period + grace from the last success", () => {
    expect(dueAt(NEW_HEARTBEAT, s)).toBeNull();
    expect(dueAt(recordSignal(NEW_HEARTBEAT, "log", at(0)), s)).toBeNull();
    expect(dueAt(recordSignal(NEW_HEARTBEAT, "fail", at(0)), s)).toBeNull();
    expect(dueAt(recordSignal(NEW_HEARTBEAT, "success", at(0)), s)).toBe(at(12));
  });

  it("after a start, is the grace from the start (or the success's deadline, if sooner); the success clears the start", () => {
    const ok = recordSignal(NEW_HEARTBEAT, "success", at(0));
    const started = recordSignal(ok, "start", at(5));
    expect(started.startedAt).toBe(at(5));
    expect(dueAt(started, s)).toBe(at(7));
    expect(dueAt(recordSignal(ok, "start", at(11)), s)).toBe(at(12));
    expect(dueAt(recordSignal(NEW_HEARTBEAT, "start", at(0)), s)).toBe(at(2));
    const done = recordSignal(started, "success", at(6));
    expect(done).toMatchObject({ startedAt: null, lastSuccessAt: at(6), lastSignal: "success" });
    expect(dueAt(done, s)).toBe(at(18));
    expect(recordSignal(started, "fail", at(6)).startedAt).toBeNull();
  });

  it("uses the defaults: 60 s, 60 s of grace, critical, the integration's components", () => {
    expect(heartbeatSettings({})).toEqual({ periodSeconds: 60, graceSeconds: 60, severity: "critical", scope: "components" });
  });
});

describe("the heartbeat's alert through the state machine", () => {
  it("a late heartbeat opens an incident on the integration's components; its recovery moves it to monitoring", () => {
    const sc = scenario([API]);
    const late = heartbeatTrigger("Nightly backup", s, { late: at(12) });
    expect(late).toMatchObject({ dedupKey: "heartbeat", action: "trigger", severity: "critical", summary: "Nightly backup stopped arriving" });
    sc.apply([late]);
    expect(sc.status("api")).toBe("major_outage");
    const [incident] = [...sc.ws.incidents.values()];
    expect(incident!.status).toBe("investigating");
    sc.apply([heartbeatResolve("Nightly backup", at(20))]);
    expect(sc.status("api")).toBe("operational");
    expect(sc.incident(incident!.id).status).toBe("monitoring");
  });

  it("a Watchdog's alert has its own key and carries its alertname", () => {
    const e = heartbeatTrigger("Prometheus", s, { late: at(12) }, "Watchdog");
    expect(e).toMatchObject({ dedupKey: "watchdog:Watchdog", tags: { alertname: "Watchdog" }, summary: "Alertmanager's Watchdog alert stopped arriving" });
    expect(heartbeatTrigger("Job", s, { failedAt: at(3) }).summary).toBe("Job reported a failure");
  });
});
