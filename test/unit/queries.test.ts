// The uptime arithmetic of the read model (db/uptime.ts), pure: status segments → per-day seconds and
// Statuspage-style weighted uptime (major outage counts fully, partial outage 30 %, the rest is up).
import { describe, expect, it } from "vitest";
import { dailyUptime, uptimeWindowStart, windowUptime } from "../../db/uptime";
import { PARTIAL_OUTAGE_WEIGHT } from "../../domain/status";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const day = (offset: number, time = "00:00:00.000") => {
  const d = new Date(Date.parse(`2026-11-20T${time}Z`) + offset * 86_400_000);
  return d.toISOString();
};

describe("dailyUptime", () => {
  it("90 UTC days ending today, all up without changes", () => {
    const days = dailyUptime({ statusAtStart: "operational", changes: [], now: NOW });
    expect(days).toHaveLength(90);
    expect(days[0]!.date).toBe("2026-08-23");
    expect(days[89]!.date).toBe("2026-11-20");
    expect(days.every((d) => d.uptime === 100 && d.major_outage_seconds === 0)).toBe(true);
    expect(uptimeWindowStart(NOW)).toBe(Date.parse("2026-08-23T00:00:00.000Z"));
  });

  it.each([
    ["major_outage", 3600, 95.83],
    ["partial_outage", 3600, 98.75],
    ["degraded_performance", 3600, 100],
    ["under_maintenance", 3600, 100],
  ] as const)("an hour of %s on a full day", (status, seconds, uptime) => {
    const days = dailyUptime({
      statusAtStart: "operational",
      changes: [
        { at: day(-1, "10:00:00.000"), to: status },
        { at: day(-1, "11:00:00.000"), to: "operational" },
      ],
      now: NOW,
    });
    const d = days[88]!;
    expect(d.date).toBe("2026-11-19");
    expect(d.uptime).toBe(uptime);
    const key = `${status}_seconds` as const;
    if (key in d) expect((d as unknown as Record<string, number>)[key]).toBe(seconds);
    expect(days[87]!.uptime).toBe(100);
    expect(days[89]!.uptime).toBe(100);
  });

  it("an outage across midnight is split between the two days", () => {
    const days = dailyUptime({
      statusAtStart: "operational",
      changes: [
        { at: day(-3, "23:00:00.000"), to: "major_outage" },
        { at: day(-2, "02:00:00.000"), to: "operational" },
      ],
      now: NOW,
    });
    expect(days[86]!.major_outage_seconds).toBe(3600);
    expect(days[87]!.major_outage_seconds).toBe(7200);
  });

  it("an outage still going counts up to now, and today counts only the hours so far", () => {
    const days = dailyUptime({ statusAtStart: "operational", changes: [{ at: day(0, "06:00:00.000"), to: "major_outage" }], now: NOW });
    const today = days[89]!;
    expect(today.major_outage_seconds).toBe(6 * 3600);
    expect(today.uptime).toBe(50); // 6 h down of the 12 h so far
  });

  it("the status before the window carries into it", () => {
    const days = dailyUptime({ statusAtStart: "partial_outage", changes: [{ at: day(-89, "12:00:00.000"), to: "operational" }], now: NOW });
    expect(days[0]!.partial_outage_seconds).toBe(12 * 3600);
    expect(days[0]!.uptime).toBe(Math.floor(100 * (1 - (PARTIAL_OUTAGE_WEIGHT * 12) / 24) * 100) / 100);
  });

  it("days before the component existed have no data; its first day counts from its start", () => {
    const days = dailyUptime({
      statusAtStart: "operational",
      changes: [
        { at: day(-2, "18:00:00.000"), to: "major_outage" },
        { at: day(-2, "21:00:00.000"), to: "operational" },
      ],
      now: NOW,
      since: new Date(day(-2, "12:00:00.000")),
    });
    expect(days.slice(0, 87).every((d) => d.uptime === null)).toBe(true);
    expect(days[87]!.uptime).toBe(75); // 3 h down of 12 h
  });

  it("never rounds a downtime up to 100 %", () => {
    const days = dailyUptime({
      statusAtStart: "operational",
      changes: [
        { at: day(-1, "10:00:00.000"), to: "major_outage" },
        { at: day(-1, "10:00:01.000"), to: "operational" },
      ],
      now: NOW,
    });
    expect(days[88]!.uptime).toBe(99.99);
  });
});

describe("windowUptime", () => {
  it("weights every day by its observed time", () => {
    const days = dailyUptime({
      statusAtStart: "operational",
      changes: [
        { at: day(-10, "00:00:00.000"), to: "major_outage" },
        { at: day(-9, "00:00:00.000"), to: "operational" },
      ],
      now: NOW,
    });
    // One whole day down out of 89.5 observed days.
    expect(windowUptime(days, NOW)).toBe(Math.floor(100 * (1 - 1 / 89.5) * 100) / 100);
  });

  it("is null without any data", () => {
    expect(windowUptime([{ date: "2026-11-20", uptime: null, major_outage_seconds: 0, partial_outage_seconds: 0 }], NOW)).toBeNull();
  });
});
