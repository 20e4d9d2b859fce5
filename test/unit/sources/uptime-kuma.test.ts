import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { PayloadError } from "../../../worker/errors";
import { fromUptimeKuma } from "../../../worker/sources/uptime-kuma";
import certExpiry from "../../fixtures/uptime-kuma/cert-expiry.json";
import domainExpiry from "../../fixtures/uptime-kuma/domain-expiry.json";
import down from "../../fixtures/uptime-kuma/down.json";
import downStrings from "../../fixtures/uptime-kuma/down-strings-no-monitor.json";
import maintenance from "../../fixtures/uptime-kuma/maintenance.json";
import pending from "../../fixtures/uptime-kuma/pending.json";
import testNotification from "../../fixtures/uptime-kuma/test-notification.json";
import up from "../../fixtures/uptime-kuma/up.json";
import { eventsOf } from "./adapt";

const receivedAt = new Date("2025-11-20T12:00:00.000Z");
const adapt = (payload: unknown) => eventsOf(fromUptimeKuma(payload, receivedAt));
const tags = { service: "search", production: "", monitor_type: "http" };

describe("fromUptimeKuma: notifications without a heartbeat (Notification.send(config, msg))", () => {
  it.each([
    ["the Test button", testNotification],
    ["a TLS certificate expiry notice", certExpiry],
    ["a domain expiry notice", domainExpiry],
  ])("%s: accepted, nothing to apply", (_, payload) => {
    expect(adapt(payload)).toEqual([]);
  });
});

describe("fromUptimeKuma: the webhook notification's payloads", () => {
  it("down → a trigger for the monitor, its Kuma tags as tags (service routes)", () => {
    expect(adapt(down)).toEqual<AlertEvent[]>([
      {
        dedupKey: "monitor-12",
        action: "trigger",
        severity: "critical",
        summary: "Search API is down",
        details: "Request failed with status code 503",
        monitor: { id: "12", name: "Search API" },
        tags,
        link: "https://search.acme.test/health",
        occurredAt: new Date("2025-11-20T10:15:02.481Z"),
      },
    ]);
  });

  it("up → a resolve of the same alert", () => {
    expect(adapt(up)).toEqual<AlertEvent[]>([
      {
        dedupKey: "monitor-12",
        action: "resolve",
        severity: "critical",
        summary: "Search API is up",
        monitor: { id: "12", name: "Search API" },
        tags,
        link: "https://search.acme.test/health",
        occurredAt: new Date("2025-11-20T10:32:02.113Z"),
      },
    ]);
  });

  it("maintenance → a trigger asking for under_maintenance, severity info (no incident)", () => {
    expect(adapt(maintenance)).toEqual([
      expect.objectContaining({
        dedupKey: "monitor-12",
        action: "trigger",
        severity: "info",
        status: "under_maintenance",
        summary: "Search API is under maintenance",
      }),
    ]);
    expect(adapt(maintenance)[0]).not.toHaveProperty("details");
  });

  it.each([
    ["pending (Kuma is still retrying)", pending],
    ["the test notification (heartbeat and monitor null)", testNotification],
    ["a test notification without the nulls", { msg: "Testing" }],
  ])("%s → no events", (_, payload) => {
    expect(adapt(payload)).toEqual([]);
  });

  it("numbers as strings, an ISO time, an empty msg, no monitor object, unknown fields", () => {
    expect(adapt(downStrings)).toEqual<AlertEvent[]>([
      {
        dedupKey: "monitor-7",
        action: "trigger",
        severity: "critical",
        summary: "Monitor 7 is down",
        monitor: { id: "7", name: "Monitor 7" },
        tags: {},
        occurredAt: new Date("2025-11-20T10:15:02Z"),
      },
    ]);
  });

  it("a severity tag on the monitor sets the severity of its downs", () => {
    const tagged = structuredClone(down);
    tagged.monitor.tags.push({ id: 9, monitor_id: 12, tag_id: 5, value: "warning", name: "severity", color: "#000" });
    expect(adapt(tagged)[0]!.severity).toBe("warning");
  });

  it("an unparseable heartbeat time falls back to receipt time", () => {
    const odd = { ...down, heartbeat: { ...down.heartbeat, time: "yesterday" } };
    expect(adapt(odd)[0]!.occurredAt).toEqual(receivedAt);
  });

  it.each([
    ["a body that is not an object", "down", "body"],
    ["heartbeat not an object", { heartbeat: "down", monitor: null }, "heartbeat"],
    ["a monitor without its heartbeat", { heartbeat: null, monitor: down.monitor }, "heartbeat"],
    ["no status", { ...down, heartbeat: { ...down.heartbeat, status: undefined } }, "heartbeat.status"],
    ["an unknown status", { ...down, heartbeat: { ...down.heartbeat, status: 7 } }, "heartbeat.status"],
    ["no monitor id anywhere", { heartbeat: { status: 0 }, monitor: { name: "x" } }, "heartbeat.monitorID"],
    // Not Kuma's webhook at all (or its form-data preset): nothing says what happened.
    ["an empty object", {}, "heartbeat"],
    ["null heartbeat and monitor without msg", { heartbeat: null, monitor: null }, "heartbeat"],
    ["an empty msg alone", { msg: "  " }, "heartbeat"],
  ])("refuses %s naming the field", (_, payload, field) => {
    let caught: unknown;
    try {
      adapt(payload);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PayloadError);
    expect((caught as PayloadError).field).toBe(field);
  });
});

// Down → maintenance, maintenance → up and pausing send nothing: with Kuma's "Resend Notification if
// Down X times consecutively", a down that stops being repeated has ended.
describe("fromUptimeKuma: a down expires when Kuma stops repeating it", () => {
  const withResend = (resendInterval: unknown, interval: unknown = 60) => ({
    ...down,
    monitor: { ...down.monitor, resendInterval, interval },
  });

  it.each<[unknown, unknown, number | undefined]>([
    [10, 60, 2 * 600 + 120],
    ["3", "20", 2 * 60 + 40],
    [0, 60, undefined], // Kuma's default: no resend, nothing to go by
    [10, 0, undefined],
    [null, 60, undefined],
  ])("resendInterval %j, interval %j → expires after %j s", (resend, interval, expected) => {
    expect(adapt(withResend(resend, interval))[0]!.expiresInSeconds).toBe(expected);
  });

  it("only downs expire", () => {
    expect(adapt({ ...up, monitor: { ...up.monitor, resendInterval: 10 } })[0]!.expiresInSeconds).toBeUndefined();
  });
});
