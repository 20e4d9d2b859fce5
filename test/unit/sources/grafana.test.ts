import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { PayloadError } from "../../../worker/errors";
import { fromGrafana } from "../../../worker/sources/grafana";
import firing from "../../fixtures/grafana/firing.json";
import noDataAwkward from "../../fixtures/grafana/no-data-awkward.json";
import resolved from "../../fixtures/grafana/resolved.json";
import testNotification from "../../fixtures/grafana/test-notification.json";
import { eventsOf, testOf } from "./adapt";

const receivedAt = new Date("2025-11-20T12:00:00.000Z");
const adapt = (payload: unknown) => eventsOf(fromGrafana(payload, receivedAt));

describe("fromGrafana: the webhook contact point's payloads", () => {
  it("turns a group into one event per alert by its own status, linking the panel", () => {
    expect(adapt(firing)).toEqual<AlertEvent[]>([
      {
        dedupKey: "2c5ba7a1f0a8e3b9",
        action: "trigger",
        severity: "critical",
        summary: "Search is failing for some users",
        details: "More than 5% of search requests fail.",
        monitor: { name: "Search error rate" },
        tags: { alertname: "Search error rate", grafana_folder: "Production", service: "search", severity: "critical", team: "discovery" },
        link: "https://grafana.acme.test/d/search01?orgId=1&viewPanel=4",
        occurredAt: new Date("2025-11-20T09:15:00Z"),
      },
      {
        dedupKey: "91d0c6e1b2a3f4e5",
        action: "resolve",
        severity: "warning",
        summary: "Search p95 above 800ms",
        monitor: { name: "Search latency" },
        tags: { alertname: "Search latency", grafana_folder: "Production", service: "search", severity: "warning" },
        // no panel or dashboard: the rule's own page
        link: "https://grafana.acme.test/alerting/grafana/cfy7a9b2w/view?orgId=1",
        occurredAt: new Date("2025-11-20T10:10:00Z"),
      },
    ]);
  });

  it("resolves at endsAt, with the zone it was given", () => {
    expect(adapt(resolved)).toMatchObject([{ dedupKey: "2c5ba7a1f0a8e3b9", action: "resolve", occurredAt: new Date("2025-11-20T09:42:00Z") }]);
  });

  it("answers the contact point's test button with no events", () => {
    expect(testOf(fromGrafana(testNotification, receivedAt))).toMatch(/Grafana test/);
  });

  it("a test alert that carries a service label is a real routing test: kept", () => {
    const routed = structuredClone(testNotification);
    (routed.alerts[0]!.labels as Record<string, string>).service = "search";
    expect(adapt(routed)).toHaveLength(1);
  });

  it("no-data alerts, unrendered summary, orgId as text, a bad dashboardURL, unknown fields", () => {
    expect(adapt(noDataAwkward)).toEqual<AlertEvent[]>([
      {
        dedupKey: "0e6f1a2b3c4d5e6f",
        action: "trigger",
        severity: "error",
        summary: "DatasourceNoData",
        monitor: { name: "DatasourceNoData" },
        tags: {
          alertname: "DatasourceNoData",
          datasource_uid: "P1809F7CD0C75ACF3",
          ref_id: "A",
          rulename: "Email queue depth",
          service: "email",
        },
        link: "http://grafana:3000/alerting/grafana/ed1/view",
        occurredAt: new Date("2025-11-20T10:15:00Z"),
      },
    ]);
  });

  it("falls back to the notification title when an alert has no name or summary", () => {
    const bare = { ...firing, alerts: [{ status: "firing", labels: { team: "x" }, fingerprint: "f1" }] };
    expect(adapt(bare)[0]).toMatchObject({ summary: "[FIRING:1, RESOLVED:1] Production (search)", occurredAt: receivedAt });
  });

  it.each([
    ["no alerts (a legacy, pre-unified-alerting body)", { title: "x", ruleId: 1, state: "alerting" }, "alerts"],
    ["an unknown alert status", { ...firing, alerts: [{ ...firing.alerts[0], status: "alerting" }] }, "alerts[0].status"],
    ["values labels as a list", { ...firing, alerts: [{ ...firing.alerts[0], labels: ["a"] }] }, "alerts[0].labels"],
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
