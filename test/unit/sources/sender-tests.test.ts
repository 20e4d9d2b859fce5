// Each sender's own test notification, as the tool sends it, is recognised by its adapter (a
// SenderTest, never an event), and the events that are not alerts make none.
import { describe, expect, it } from "vitest";
import type { Adapted } from "../../../worker/sources/adapted";
import { fromAlertmanager } from "../../../worker/sources/alertmanager";
import { fromCloudWatch } from "../../../worker/sources/cloudwatch";
import { fromDatadog } from "../../../worker/sources/datadog";
import { fromGoogleCloud } from "../../../worker/sources/google-cloud";
import { fromGrafana } from "../../../worker/sources/grafana";
import { fromNewRelic } from "../../../worker/sources/newrelic";
import { fromPagerDutyV2 } from "../../../worker/sources/pagerduty";
import { fromSentry } from "../../../worker/sources/sentry";
import { fromUptimeKuma } from "../../../worker/sources/uptime-kuma";
import { fromZabbix } from "../../../worker/sources/zabbix";
import cwAlarm from "../../fixtures/cloudwatch/alarm.json";
import ddTriggered from "../../fixtures/datadog/recommended-triggered.json";
import ddTest from "../../fixtures/datadog/test-notification.json";
import gcTest from "../../fixtures/google-cloud/test.json";
import grafanaTest from "../../fixtures/grafana/test-notification.json";
import nrLegacyTest from "../../fixtures/newrelic/legacy-test.json";
import pdGrafanaTest from "../../fixtures/pagerduty/grafana-test-notification.json";
import pdKumaTest from "../../fixtures/pagerduty/uptime-kuma-test.json";
import seEventAlert from "../../fixtures/sentry/event-alert-triggered.json";
import seAssigned from "../../fixtures/sentry/issue-assigned.json";
import seIssueResolved from "../../fixtures/sentry/issue-resolved.json";
import seCreated from "../../fixtures/sentry/zulip-issue-created.json";
import seIgnored from "../../fixtures/sentry/zulip-issue-ignored.json";
import seSampleAlert from "../../fixtures/sentry/zulip-sample-event-alert.json";
import seSamplePlugin from "../../fixtures/sentry/zulip-sample-event-plugin.json";
import kumaCertExpiry from "../../fixtures/uptime-kuma/cert-expiry.json";
import kumaTest from "../../fixtures/uptime-kuma/test-notification.json";
import zbxTest from "../../fixtures/zabbix/media-type-test.json";
import zbxProblem from "../../fixtures/zabbix/problem.json";
import { eventsOf, receivedAt, testOf } from "./adapt";

const pd = (payload: unknown): Adapted => {
  const r = fromPagerDutyV2(payload, receivedAt, () => "generated");
  return r.test !== undefined ? { test: r.test } : r.events;
};

describe("each sender's test notification is recognised, and makes no event", () => {
  it.each<[string, () => Adapted, RegExp]>([
    ["Sentry alert rule's Send Test Notification (sample_event: yes)", () => fromSentry(seSampleAlert, receivedAt), /Sentry sample event/],
    ["Sentry WebHooks plugin's test (the sample event)", () => fromSentry(seSamplePlugin, receivedAt), /Sentry sample event/],
    ["Uptime Kuma webhook's Test button", () => fromUptimeKuma(kumaTest, receivedAt), /Uptime Kuma Test/],
    ["Uptime Kuma's PagerDuty provider's Test button", () => pd(pdKumaTest), /Uptime Kuma Test Button/],
    ["Datadog's Test Notifications ([TEST] title)", () => fromDatadog(ddTest, receivedAt), /Datadog Test Notifications/],
    [
      "Datadog's test, by its message alone",
      () => fromDatadog({ ...ddTriggered, body: "Test notification triggered by ada@example.com." }, receivedAt),
      /Datadog/,
    ],
    ["Grafana's webhook contact point Test", () => fromGrafana(grafanaTest, receivedAt), /Grafana test/],
    ["Grafana's test through an Alertmanager contact point", () => fromAlertmanager(grafanaTest, receivedAt), /Grafana test/],
    ["Grafana's PagerDuty contact point Test", () => pd(pdGrafanaTest), /Grafana test/],
    ["Google Cloud's Send test notification", () => fromGoogleCloud(gcTest, receivedAt), /Cloud Monitoring test/],
    ["New Relic's legacy channel test", () => fromNewRelic(nrLegacyTest, receivedAt), /New Relic channel test/],
    ["Zabbix media type's Test dialog (macros as typed)", () => fromZabbix(zbxTest, receivedAt), /Zabbix media type test/],
    ["SNS's Publish message (plain text)", () => fromCloudWatch({ ...cwAlarm, Message: "hello" }, receivedAt), /SNS message/],
  ])("%s", (_, adapt, how) => {
    const adapted = adapt();
    expect(testOf(adapted)).toMatch(how);
    expect(eventsOf(adapted)).toEqual([]);
  });

  it.each<[string, () => Adapted]>([
    ["a Datadog trigger whose title merely mentions a test", () => fromDatadog({ ...ddTriggered, title: "[Triggered] test-db CPU high" }, receivedAt)],
    ["a real Sentry issue alert", () => fromSentry(seEventAlert, receivedAt)],
    ["a real Zabbix problem", () => fromZabbix(zbxProblem, receivedAt)],
    [
      "a real PagerDuty trigger from Uptime Kuma",
      () => pd({ ...pdKumaTest, dedup_key: "Uptime Kuma/7", payload: { ...pdKumaTest.payload, source: "https://shop" } }),
    ],
  ])("%s is no test", (_, adapt) => {
    const adapted = adapt();
    expect(testOf(adapted)).toBeUndefined();
    expect(eventsOf(adapted)).toHaveLength(1);
  });

  it("Uptime Kuma's certificate and domain expiry notices are neither tests nor events", () => {
    const adapted = fromUptimeKuma(kumaCertExpiry, receivedAt);
    expect(testOf(adapted)).toBeUndefined();
    expect(eventsOf(adapted)).toEqual([]);
  });
});

describe("Sentry events that are not alerts", () => {
  it.each([
    ["created", seCreated],
    ["assigned", seAssigned],
    ["unresolved", { ...seCreated, action: "unresolved" }],
  ])("issue %s opens nothing by default", (_, payload) => {
    expect(eventsOf(fromSentry(payload, receivedAt))).toEqual([]);
    expect(eventsOf(fromSentry(payload, receivedAt, { sentry_issue_events: "ignore" }))).toEqual([]);
  });

  it("issue created and unresolved trigger when the integration's sentry_issue_events is trigger", () => {
    for (const action of ["created", "unresolved"]) {
      expect(eventsOf(fromSentry({ ...seCreated, action }, receivedAt, { sentry_issue_events: "trigger" }))).toMatchObject([
        { dedupKey: "issue:1635244907", action: "trigger", summary: "Exception: Custom exception!" },
      ]);
    }
  });

  it("issue assigned changes nothing even then", () => {
    expect(eventsOf(fromSentry(seAssigned, receivedAt, { sentry_issue_events: "trigger" }))).toEqual([]);
  });

  it.each([
    ["ignored", seIgnored],
    ["resolved", seIssueResolved],
    ["archived", { ...seIgnored, action: "archived" }],
  ])("issue %s resolves the issue alert's alert (no trigger)", (_, payload) => {
    expect(eventsOf(fromSentry(payload, receivedAt))).toMatchObject([{ action: "resolve" }]);
  });
});
