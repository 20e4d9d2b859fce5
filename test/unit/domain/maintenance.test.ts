import { describe, expect, it } from "vitest";
import {
  dueAutoResolve,
  dueMaintenanceTransitions,
  isTimeZone,
  type MaintenanceWindow,
  maintenanceFlagPatches,
  utcToZonedLocal,
  windowError,
  zonedToUtc,
} from "../../../domain/maintenance";
import type { MaintenanceStatus } from "../../../domain/status";

const at = (h: number, m = 0) => new Date(Date.UTC(2026, 10, 20, h, m)).toISOString();

const w = (id: string, status: MaintenanceStatus, from: number, until: number, componentIds = ["api"]): MaintenanceWindow => ({
  id,
  status,
  scheduledFor: at(from),
  scheduledUntil: at(until),
  componentIds,
});

describe("dueMaintenanceTransitions", () => {
  it.each<[string, MaintenanceWindow, string, Array<{ id: string; to: string }>]>([
    ["before its start: nothing", w("m", "scheduled", 10, 12), at(9, 59), []],
    ["at its start: in progress", w("m", "scheduled", 10, 12), at(10), [{ id: "m", to: "in_progress" }]],
    ["during it, still scheduled (a late cron): in progress", w("m", "scheduled", 10, 12), at(11), [{ id: "m", to: "in_progress" }]],
    ["during it, in progress: nothing", w("m", "in_progress", 10, 12), at(11), []],
    ["at its end: completed", w("m", "in_progress", 10, 12), at(12), [{ id: "m", to: "completed" }]],
    ["verifying at its end: completed", w("m", "verifying", 10, 12), at(12, 1), [{ id: "m", to: "completed" }]],
    ["missed entirely: completed without starting", w("m", "scheduled", 10, 12), at(13), [{ id: "m", to: "completed" }]],
    ["already completed: nothing", w("m", "completed", 10, 12), at(13), []],
  ])("%s", (_, window, now, expected) => {
    expect(dueMaintenanceTransitions([window], now)).toEqual(expected);
  });
});

describe("maintenanceFlagPatches", () => {
  it("a starting window puts its components in maintenance", () => {
    const open = [w("m", "scheduled", 10, 12, ["api", "web"])];
    expect(Object.fromEntries(maintenanceFlagPatches(open, new Map([["m", "in_progress"]])))).toEqual({
      api: { inMaintenance: true },
      web: { inMaintenance: true },
    });
  });

  it("an ending window releases its components, except those another active window still covers", () => {
    const open = [w("a", "in_progress", 10, 12, ["api", "web"]), w("b", "in_progress", 11, 14, ["web"])];
    expect(Object.fromEntries(maintenanceFlagPatches(open, new Map([["a", "completed"]])))).toEqual({
      api: { inMaintenance: false },
      web: { inMaintenance: true },
    });
  });

  it("one ending while another starts on the same component keeps it in maintenance", () => {
    const open = [w("a", "in_progress", 10, 12, ["api"]), w("b", "scheduled", 12, 14, ["api"])];
    const patches = maintenanceFlagPatches(
      open,
      new Map<string, MaintenanceStatus>([
        ["a", "completed"],
        ["b", "in_progress"],
      ]),
    );
    expect(Object.fromEntries(patches)).toEqual({ api: { inMaintenance: true } });
  });

  it("windows that do not change patch nothing", () => {
    expect(maintenanceFlagPatches([w("a", "in_progress", 10, 12)], new Map()).size).toBe(0);
  });
});

describe("dueAutoResolve", () => {
  const inc = (id: string, status: string, monitoringAt: string | null, lastAlertAt: string | null, resolvedAt: string | null = null) => ({
    id,
    status,
    monitoringAt,
    lastAlertAt,
    resolvedAt,
  });

  it("resolves incidents in monitoring quiet for N minutes, counting from the later of the last alert and the move to monitoring", () => {
    const list = [
      inc("quiet", "monitoring", at(9), at(8, 50)),
      inc("recent-alert", "monitoring", at(9), at(9, 45)),
      inc("recent-monitoring", "monitoring", at(9, 40), at(8)),
      inc("investigating", "investigating", null, at(8)),
      inc("resolved", "monitoring", at(8), at(8), at(9)),
      inc("manual", "monitoring", at(9), null),
    ];
    expect(dueAutoResolve(list, 30, at(10))).toEqual(["quiet", "manual"]);
  });

  it("exactly N minutes is due", () => {
    expect(dueAutoResolve([inc("a", "monitoring", at(9, 30), null)], 30, at(10))).toEqual(["a"]);
    expect(dueAutoResolve([inc("a", "monitoring", at(9, 31), null)], 30, at(10))).toEqual([]);
  });

  it.each([null, 0])("is off when the setting is %s", (minutes) => {
    expect(dueAutoResolve([inc("a", "monitoring", at(1), null)], minutes, at(10))).toEqual([]);
  });
});

describe("maintenance windows in the page's time zone", () => {
  it.each([
    ["2026-11-20T09:30", "Etc/UTC", "2026-11-20T09:30:00.000Z"],
    ["2026-11-20T09:30", "Europe/Paris", "2026-11-20T08:30:00.000Z"],
    ["2026-07-20T09:30", "Europe/Paris", "2026-07-20T07:30:00.000Z"],
    ["2026-11-20T09:30", "America/New_York", "2026-11-20T14:30:00.000Z"],
    ["2026-11-20T09:30", "Asia/Kolkata", "2026-11-20T04:00:00.000Z"],
    // The hour that does not exist when Paris springs forward resolves forward.
    ["2026-03-29T02:30", "Europe/Paris", "2026-03-29T01:30:00.000Z"],
  ])("%s in %s is %s", (local, tz, iso) => {
    expect(zonedToUtc(local, tz)?.toISOString()).toBe(iso);
  });

  it("round-trips through the datetime-local form value", () => {
    for (const tz of ["Etc/UTC", "Europe/Paris", "America/New_York", "Australia/Adelaide"])
      expect(zonedToUtc(utcToZonedLocal("2026-11-20T08:30:00.000Z", tz), tz)?.toISOString()).toBe("2026-11-20T08:30:00.000Z");
  });

  it("refuses what is not a wall-clock time", () => {
    expect(zonedToUtc("tomorrow", "Etc/UTC")).toBeNull();
    expect(zonedToUtc("2026-11-20T09:30:00Z", "Etc/UTC")).toBeNull();
  });

  it("checks the window and the zone", () => {
    expect(windowError(at(10), at(12), at(9))).toBeNull();
    expect(windowError(at(12), at(10), at(9))).toMatchObject({ field: "scheduled_until" });
    expect(windowError(at(7), at(8), at(9))).toMatchObject({ field: "scheduled_until" });
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });
});
