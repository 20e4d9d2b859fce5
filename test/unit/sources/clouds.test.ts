// CloudWatch (through SNS), Azure Monitor and Google Cloud Monitoring: the senders' documented
// payloads, as they arrive, through the pure adapters.
import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { ACTIVITY_LOG_EXPIRY_SECONDS, fromAzureMonitor } from "../../../worker/sources/azure-monitor";
import { fromCloudWatch } from "../../../worker/sources/cloudwatch";
import { fromGoogleCloud } from "../../../worker/sources/google-cloud";
import azActivity from "../../fixtures/azure-monitor/activity-log-administrative.json";
import azFired from "../../fixtures/azure-monitor/metric-fired.json";
import azResolved from "../../fixtures/azure-monitor/metric-resolved.json";
import shActive from "../../fixtures/azure-monitor/service-health-active.json";
import shResolved from "../../fixtures/azure-monitor/service-health-resolved.json";
import cwAlarm from "../../fixtures/cloudwatch/alarm.json";
import cwInsufficient from "../../fixtures/cloudwatch/insufficient-data.json";
import cwOk from "../../fixtures/cloudwatch/ok.json";
import cwRaw from "../../fixtures/cloudwatch/raw-alarm.json";
import cwConfirm from "../../fixtures/cloudwatch/subscription-confirmation.json";
import gClosed11 from "../../fixtures/google-cloud/closed-1.1.json";
import gClosed12 from "../../fixtures/google-cloud/closed-1.2.json";
import gOpen11 from "../../fixtures/google-cloud/open-1.1.json";
import gOpen12 from "../../fixtures/google-cloud/open-1.2.json";
import gTest from "../../fixtures/google-cloud/test.json";
import { only, receivedAt, refused, testOf } from "./adapt";

const ARN = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:api-5xx-rate";

describe("fromCloudWatch", () => {
  it.each<[string, unknown, Partial<AlertEvent>]>([
    [
      "ALARM → trigger, Message parsed a second time",
      cwAlarm,
      { dedupKey: ARN, action: "trigger", summary: "api-5xx-rate is in ALARM", occurredAt: new Date("2025-11-20T10:15:02.364Z") },
    ],
    ["OK → resolve of the same alarm", cwOk, { dedupKey: ARN, action: "resolve", occurredAt: new Date("2025-11-20T10:25:02.112Z") }],
    ["raw message delivery: the alarm itself", cwRaw, { dedupKey: ARN, action: "trigger" }],
  ])("%s", (_, payload, expected) => {
    expect(only(fromCloudWatch, payload)).toMatchObject(expected);
  });

  it("keeps the reason, the dimensions and a console link", () => {
    const e = only(fromCloudWatch, cwAlarm);
    expect(e.details).toContain("Threshold Crossed");
    expect(e.tags).toEqual({ namespace: "AWS/ApplicationELB", LoadBalancer: "app/api-prod/50dc6c495c0c9188" });
    expect(e.link).toBe("https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/api-5xx-rate");
  });

  it("INSUFFICIENT_DATA never recovers an alarm (nor raises one)", () => {
    expect(fromCloudWatch(cwInsufficient, receivedAt)).toEqual([]);
  });

  it("a SubscriptionConfirmation carries no events; a plain-text message (SNS's Publish message) is the sender's test", () => {
    expect(fromCloudWatch(cwConfirm, receivedAt)).toEqual([]);
    expect(testOf(fromCloudWatch({ ...cwAlarm, Message: "hello from the SNS console" }, receivedAt))).toMatch(/SNS message/);
  });

  it("refuses what is not SNS or an alarm, naming the field", () => {
    expect(refused(fromCloudWatch, { hello: 1 }).field).toBe("Type");
    expect(refused(fromCloudWatch, { ...cwAlarm, Message: '{"foo":1}' }).field).toBe("Message");
    expect(refused(fromCloudWatch, { ...cwAlarm, Message: JSON.stringify({ AlarmName: "x", NewStateValue: "MAYBE" }) }).field).toBe("Message.NewStateValue");
  });
});

describe("fromAzureMonitor", () => {
  const alertId = azFired.data.essentials.alertId;
  it.each<[string, unknown, Partial<AlertEvent>]>([
    [
      "metric Fired → trigger, Sev1 → error",
      azFired,
      {
        dedupKey: alertId,
        action: "trigger",
        severity: "error",
        summary: "api-cpu-high on api-vm-1",
        occurredAt: new Date("2025-11-20T10:15:02.123Z"),
      },
    ],
    [
      "metric Resolved → resolve of the same alertId, at resolvedDateTime",
      azResolved,
      { dedupKey: alertId, action: "resolve", occurredAt: new Date("2025-11-20T10:25:02.765Z") },
    ],
    ["Service Health: one tracking id, Active → trigger", shActive, { dedupKey: "service-health:VT8X-5Q8", action: "trigger" }],
    ["Service Health: stage Resolved → resolve, though monitorCondition says Fired", shResolved, { dedupKey: "service-health:VT8X-5Q8", action: "resolve" }],
  ])("%s", (_, payload, expected) => {
    expect(only(fromAzureMonitor, payload)).toMatchObject(expected);
  });

  it("an activity-log alert never resolves: it expires, and the incident waits for an operator", () => {
    const e = only(fromAzureMonitor, azActivity);
    expect(e).toMatchObject({ action: "trigger", severity: "info", expiresInSeconds: ACTIVITY_LOG_EXPIRY_SECONDS });
    expect(only(fromAzureMonitor, azFired).expiresInSeconds).toBeUndefined();
  });

  it.each([
    ["Sev0", "critical"],
    ["Sev1", "error"],
    ["Sev2", "warning"],
    ["Sev3", "info"],
    ["Sev4", "info"],
  ])("%s → %s", (sev, expected) => {
    const payload = structuredClone(azFired);
    payload.data.essentials.severity = sev;
    expect(only(fromAzureMonitor, payload).severity).toBe(expected);
  });

  it("refuses the old schema and unknown conditions, naming the field", () => {
    expect(refused(fromAzureMonitor, { schemaId: "Microsoft.Insights/activityLogs", data: {} }).field).toBe("schemaId");
    const bad = structuredClone(azFired);
    bad.data.essentials.monitorCondition = "Maybe";
    expect(refused(fromAzureMonitor, bad).field).toBe("data.essentials.monitorCondition");
  });
});

describe("fromGoogleCloud", () => {
  it.each<[string, unknown, Partial<AlertEvent>]>([
    [
      "1.2 open → trigger, severity Critical",
      gOpen12,
      { dedupKey: "0.opqiw61fsv7p", action: "trigger", severity: "critical", occurredAt: new Date(1763633702000) },
    ],
    ["1.2 closed → resolve at ended_at", gClosed12, { dedupKey: "0.opqiw61fsv7p", action: "resolve", occurredAt: new Date(1763634302000) }],
    ["1.1 open → trigger (no severity: error)", gOpen11, { dedupKey: "f2e08c333dc64cb09f75eaab355393bz", action: "trigger", severity: "error" }],
    ["1.1 closed → resolve", gClosed11, { dedupKey: "f2e08c333dc64cb09f75eaab355393bz", action: "resolve" }],
  ])("%s", (_, payload, expected) => {
    expect(only(fromGoogleCloud, payload)).toMatchObject(expected);
  });

  it("keeps the summary, user labels as tags (service routes), documentation and the console link", () => {
    const e = only(fromGoogleCloud, gOpen12);
    expect(e.summary).toContain("CPU utilization for acme-prod api-vm-1");
    expect(e.tags).toMatchObject({ team: "platform", service: "api", resource_type: "gce_instance" });
    expect(e.details).toBe("The API VM is saturated; see the runbook.");
    expect(e.link).toContain("console.cloud.google.com/monitoring/alerting/incidents/0.opqiw61fsv7p");
  });

  it("the test notification (version test) is ignored", () => {
    expect(testOf(fromGoogleCloud(gTest, receivedAt))).toMatch(/test notification/);
  });

  it("refuses an unknown state, naming the field", () => {
    expect(refused(fromGoogleCloud, { ...gOpen11, incident: { ...gOpen11.incident, state: "acked" } }).field).toBe("incident.state");
    expect(refused(fromGoogleCloud, { version: "1.2" }).field).toBe("incident");
  });
});
