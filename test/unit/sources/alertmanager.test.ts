import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { PayloadError } from "../../../worker/errors";
import { fromAlertmanager, labelsFingerprint } from "../../../worker/sources/alertmanager";
import { severityOfLabel } from "../../../worker/sources/common";
import awkward from "../../fixtures/alertmanager/awkward.json";
import firing from "../../fixtures/alertmanager/firing.json";
import mixed from "../../fixtures/alertmanager/mixed-firing-resolved.json";
import resolved from "../../fixtures/alertmanager/resolved.json";
import { eventsOf, testOf } from "./adapt";

const receivedAt = new Date("2026-11-23T11:00:00.000Z");
const adapt = (payload: unknown) => eventsOf(fromAlertmanager(payload, receivedAt));

function payloadError(payload: unknown): PayloadError {
  try {
    adapt(payload);
  } catch (err) {
    expect(err).toBeInstanceOf(PayloadError);
    return err as PayloadError;
  }
  throw new Error("expected a PayloadError");
}

const alert = (extra: Record<string, unknown> = {}) => ({
  status: "firing",
  labels: { alertname: "DiskFull", service: "database" },
  annotations: { summary: "Disk full" },
  startsAt: "2026-11-23T10:55:47Z",
  endsAt: "0001-01-01T00:00:00Z",
  fingerprint: "5d2a58616f19afe3",
  ...extra,
});
const group = (alerts: unknown[], extra: Record<string, unknown> = {}) => ({ ...firing, alerts, ...extra });

describe("fromAlertmanager: deliveries captured from Alertmanager 0.25", () => {
  it("turns a firing group into one trigger per alert, deduplicated by fingerprint", () => {
    expect(adapt(firing)).toEqual<AlertEvent[]>([
      {
        dedupKey: "5d2a58616f19afe3",
        action: "trigger",
        severity: "critical",
        summary: "Disk almost full on db-1",
        details: "Only 2% left on /var/lib/postgresql",
        monitor: { name: "DiskFull" },
        tags: { alertname: "DiskFull", instance: "db-1:9100", service: "database", severity: "critical" },
        link: "http://prometheus.local:9090/graph?g0.expr=x",
        occurredAt: new Date("2026-11-23T10:55:47Z"),
      },
      {
        dedupKey: "158fed66017bb9b3",
        action: "trigger",
        severity: "warning",
        summary: "Disk filling on db-2",
        monitor: { name: "DiskFull" },
        tags: { alertname: "DiskFull", instance: "db-2:9100", service: "database", severity: "warning" },
        occurredAt: new Date("2026-11-23T10:55:47Z"),
      },
    ]);
  });

  it("reads each alert's own status in a mixed group: the group says firing, one alert has resolved", () => {
    expect(mixed.status).toBe("firing");
    const events = adapt(mixed);
    expect(events.map((e) => [e.dedupKey, e.action, e.occurredAt.toISOString()])).toEqual([
      ["5d2a58616f19afe3", "trigger", "2026-11-23T10:55:47.000Z"],
      ["158fed66017bb9b3", "resolve", "2026-11-23T10:57:49.000Z"],
    ]);
  });

  it("resolves at the alert's endsAt", () => {
    expect(adapt(resolved)).toMatchObject([{ dedupKey: "5d2a58616f19afe3", action: "resolve", occurredAt: new Date("2026-11-23T10:57:52Z") }]);
  });

  it("takes the same delivery the same way every time (a retry is a duplicate downstream)", () => {
    expect(adapt(firing)).toEqual(adapt(structuredClone(firing)));
  });
});

describe("fromAlertmanager: awkward groups", () => {
  const events = adapt(awkward);

  it.each([
    [
      "nanosecond startsAt, empty summary, unrendered description, a number label, unknown fields",
      0,
      {
        dedupKey: "a1b2c3d4e5f60718",
        action: "trigger",
        severity: "critical", // severity="page"
        summary: "ApiLatencyHigh on api-1:8080",
        tags: { alertname: "ApiLatencyHigh", service: "api", severity: "page", instance: "api-1:8080", replica: "2" },
        occurredAt: new Date("2025-11-20T10:15:02.123Z"),
      },
    ],
    [
      "no annotations, no severity, no fingerprint, no generatorURL",
      1,
      {
        dedupKey: labelsFingerprint({ alertname: "ApiLatencyHigh", service: "api", instance: "api-2:8080" }),
        action: "trigger",
        severity: "error",
        summary: "ApiLatencyHigh on api-2:8080",
        occurredAt: new Date("2025-11-20T10:16:00Z"),
      },
    ],
    [
      "no status of its own (the group's counts), a javascript: generatorURL",
      2,
      {
        dedupKey: "ffee000000000003",
        action: "trigger",
        severity: "warning",
        summary: "p99 latency 2.4s on api-3",
        occurredAt: new Date("2025-11-20T10:00:00Z"),
      },
    ],
  ])("%s", (_, index, expected) => {
    expect(events[index]).toMatchObject(expected);
  });

  it("keeps no details from an unrendered template and no non-http link", () => {
    expect(events[0]).not.toHaveProperty("details");
    expect(events[0]).not.toHaveProperty("link");
    expect(events[2]).not.toHaveProperty("link");
  });

  it('labels route: service="api" becomes the service tag', () => {
    expect(events.every((e) => e.tags.service === "api")).toBe(true);
  });

  it("takes a group of 300 alerts, half of them resolved, as 300 events in order", () => {
    const alerts = Array.from({ length: 300 }, (_, i) =>
      alert({
        status: i % 2 ? "resolved" : "firing",
        labels: { alertname: "TargetDown", service: "metrics", instance: `node-${i}:9100` },
        fingerprint: `fp${String(i).padStart(14, "0")}`,
        endsAt: i % 2 ? "2026-11-23T10:58:00Z" : "0001-01-01T00:00:00Z",
      }),
    );
    const out = adapt(group(alerts));
    expect(out).toHaveLength(300);
    expect(new Set(out.map((e) => e.dedupKey)).size).toBe(300);
    expect(out.filter((e) => e.action === "resolve")).toHaveLength(150);
    expect(out[299]).toMatchObject({ dedupKey: "fp00000000000299", action: "resolve", summary: "Disk full" });
  });

  it("derives the same key from the same labels whatever their order, and another from other labels", () => {
    const a = labelsFingerprint({ b: "2", a: "1" });
    expect(a).toBe(labelsFingerprint({ a: "1", b: "2" }));
    expect(a).not.toBe(labelsFingerprint({ a: "1", b: "3" }));
    expect(a).toMatch(/^labels-[0-9a-f]{16}$/);
  });

  it.each([
    ["critical", "critical"],
    ["Page", "critical"],
    ["P1", "critical"],
    ["high", "critical"],
    ["error", "error"],
    ["warning", "warning"],
    ["warn", "warning"],
    ["minor", "warning"],
    ["info", "info"],
    ["none", "info"],
    ["low", "info"],
    [undefined, "error"],
    ["", "error"],
    ["whatever", "error"],
    ["constructor", "error"],
    ["__proto__", "error"],
  ] as const)("severity label %j → %s", (label, severity) => {
    expect(severityOfLabel(label)).toBe(severity);
  });
});

describe("fromAlertmanager: bad input names the field", () => {
  it.each([
    ["not an object", [1, 2], "body"],
    ["no alerts", { ...firing, alerts: undefined }, "alerts"],
    ["alerts not an array", { ...firing, alerts: { a: 1 } }, "alerts"],
    ["an empty group", { ...firing, alerts: [] }, "alerts"],
    ["an alert that is not an object", group([alert(), "oops"]), "alerts[1]"],
    ["an unknown alert status", group([alert(), alert({ status: "exploded" })]), "alerts[1].status"],
    ["no status anywhere", group([alert({ status: undefined })], { status: undefined }), "alerts[0].status"],
    ["an unknown group status used as fallback", group([alert({ status: undefined })], { status: "weird" }), "status"],
    ["labels not an object", group([alert({ labels: "alertname=x" })]), "alerts[0].labels"],
    ["annotations not an object", group([alert({ annotations: ["x"] })]), "alerts[0].annotations"],
    ["no fingerprint and no labels", group([alert({ fingerprint: "", labels: {} })]), "alerts[0].fingerprint"],
  ])("%s", (_, payload, field) => {
    const err = payloadError(payload);
    expect(err.field).toBe(field);
    expect(err.status).toBe(400);
    expect(err.message).toContain(`\`${field}\``);
  });
});

// Grafana's Alertmanager contact point forwards its Test button's alert to Alertmanager, which
// notifies this webhook like any other alert.
describe("fromAlertmanager: Grafana's test notification", () => {
  const testAlert = (labels: Record<string, string>) => ({
    version: "4",
    status: "firing",
    alerts: [
      {
        status: "firing",
        labels,
        annotations: { summary: "Notification test" },
        startsAt: "2025-11-20T10:15:02Z",
        fingerprint: "57c6d9296de2ad39",
      },
    ],
  });

  it("is ignored", () => {
    expect(testOf(fromAlertmanager(testAlert({ alertname: "TestAlert", instance: "Grafana" }), new Date()))).toMatch(/Grafana test/);
  });

  it("is not ignored once it routes somewhere", () => {
    expect(fromAlertmanager(testAlert({ alertname: "TestAlert", instance: "Grafana", service: "api" }), new Date())).toHaveLength(1);
  });
});
