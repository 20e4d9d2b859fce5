// Recurring maintenance rules (domain/recurrence.ts) and reminders before a maintenance (domain/maintenance.ts).
import { describe, expect, it } from "vitest";
import { dueReminders } from "../../../domain/maintenance";
import { occurrences, type RecurrenceRule, ruleError } from "../../../domain/recurrence";

const weekly = (over: Partial<RecurrenceRule> = {}): RecurrenceRule => ({
  frequency: "weekly",
  weekdays: [2, 4],
  intervalDays: null,
  startTime: "03:30",
  startsOn: "2026-12-01",
  endsOn: null,
  durationMinutes: 60,
  ...over,
});

describe("occurrences", () => {
  it("weekly on given days at a wall-clock time in the page's zone, across a DST change", () => {
    // 2027-03-28: Europe/Paris moves from +01:00 to +02:00.
    const got = occurrences(weekly({ weekdays: [1] }), "Europe/Paris", "2027-03-20T00:00:00.000Z", "2027-04-06T00:00:00.000Z");
    expect(got).toEqual([
      { scheduledFor: "2027-03-22T02:30:00.000Z", scheduledUntil: "2027-03-22T03:30:00.000Z" },
      { scheduledFor: "2027-03-29T01:30:00.000Z", scheduledUntil: "2027-03-29T02:30:00.000Z" },
      { scheduledFor: "2027-04-05T01:30:00.000Z", scheduledUntil: "2027-04-05T02:30:00.000Z" },
    ]);
  });

  it("Tuesdays and Thursdays in UTC, only from starts_on and until ends_on, within [from, to)", () => {
    const got = occurrences(weekly({ startsOn: "2026-12-03", endsOn: "2026-12-15" }), "Etc/UTC", "2026-11-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z");
    expect(got.map((o) => o.scheduledFor)).toEqual([
      "2026-12-03T03:30:00.000Z",
      "2026-12-08T03:30:00.000Z",
      "2026-12-10T03:30:00.000Z",
      "2026-12-15T03:30:00.000Z",
    ]);
    // `to` is exclusive, `from` inclusive.
    expect(occurrences(weekly(), "Etc/UTC", "2026-12-03T03:30:00.000Z", "2026-12-08T03:30:00.000Z").map((o) => o.scheduledFor)).toEqual([
      "2026-12-03T03:30:00.000Z",
    ]);
  });

  it("every N days from the first day, in a zone west of UTC", () => {
    const rule = weekly({ frequency: "interval", intervalDays: 3, weekdays: [], startTime: "22:00", startsOn: "2026-12-01" });
    const got = occurrences(rule, "America/New_York", "2026-12-01T00:00:00.000Z", "2026-12-10T12:00:00.000Z");
    expect(got.map((o) => o.scheduledFor)).toEqual(["2026-12-02T03:00:00.000Z", "2026-12-05T03:00:00.000Z", "2026-12-08T03:00:00.000Z"]);
  });
});

describe("ruleError", () => {
  it.each([
    [weekly({ weekdays: [] }), "weekdays"],
    [weekly({ frequency: "interval", intervalDays: null }), "interval_days"],
    [weekly({ endsOn: "2026-11-30" }), "ends_on"],
    [weekly({ weekdays: [2, 3], durationMinutes: 1441 }), "duration_minutes"],
    [weekly({ weekdays: [7, 1], durationMinutes: 1441 }), "duration_minutes"],
    [weekly({ weekdays: [3], durationMinutes: 7 * 1440 + 1 }), "duration_minutes"],
  ])("refuses %j naming %s", (rule, field) => {
    expect(ruleError(rule)?.field).toBe(field);
  });
  it("accepts a window as long as the gap", () => {
    expect(ruleError(weekly({ weekdays: [1, 4], durationMinutes: 3 * 1440 }))).toBeNull();
  });
});

describe("dueReminders", () => {
  const w = (over: Partial<Parameters<typeof dueReminders>[0][number]> = {}) => ({
    id: "m",
    status: "scheduled" as const,
    scheduledFor: "2026-12-01T12:00:00.000Z",
    createdAt: "2026-12-01T09:00:00.000Z",
    remindMinutes: null,
    ...over,
  });
  it("from the reminder time until the start, with the page's minutes or the window's own", () => {
    expect(dueReminders([w()], 60, "2026-12-01T10:59:00.000Z")).toEqual([]);
    expect(dueReminders([w()], 60, "2026-12-01T11:00:00.000Z")).toEqual(["m"]);
    expect(dueReminders([w()], 60, "2026-12-01T11:59:59.000Z")).toEqual(["m"]);
    expect(dueReminders([w()], 60, "2026-12-01T12:00:00.000Z")).toEqual([]);
    expect(dueReminders([w({ remindMinutes: 15 })], 60, "2026-12-01T11:00:00.000Z")).toEqual([]);
    expect(dueReminders([w({ remindMinutes: 15 })], 60, "2026-12-01T11:45:00.000Z")).toEqual(["m"]);
  });
  it("none when off, when scheduled inside its reminder time, or once begun", () => {
    expect(dueReminders([w({ remindMinutes: 0 })], 60, "2026-12-01T11:30:00.000Z")).toEqual([]);
    expect(dueReminders([w()], 0, "2026-12-01T11:30:00.000Z")).toEqual([]);
    expect(dueReminders([w({ createdAt: "2026-12-01T11:10:00.000Z" })], 60, "2026-12-01T11:30:00.000Z")).toEqual([]);
    expect(dueReminders([w({ status: "in_progress" as never })], 60, "2026-12-01T11:30:00.000Z")).toEqual([]);
  });
});
