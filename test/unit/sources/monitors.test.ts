// Sentry, UptimeRobot, New Relic, Better Stack, Checkly and Pingdom: the senders' documented or
// published payloads through the pure adapters.
import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { fromBetterStack } from "../../../worker/sources/betterstack";
import { fromCheckly } from "../../../worker/sources/checkly";
import { fromNewRelic } from "../../../worker/sources/newrelic";
import { fromPingdom } from "../../../worker/sources/pingdom";
import { fromSentry } from "../../../worker/sources/sentry";
import { fromUptimeRobot } from "../../../worker/sources/uptimerobot";
import bsAck from "../../fixtures/betterstack/acknowledged.json";
import bsPaused from "../../fixtures/betterstack/monitor-paused.json";
import bsResolved from "../../fixtures/betterstack/resolved.json";
import bsStarted from "../../fixtures/betterstack/started.json";
import ckDegraded from "../../fixtures/checkly/native-degraded.json";
import ckFailure from "../../fixtures/checkly/native-failure.json";
import ckRecovery from "../../fixtures/checkly/native-recovery.json";
import nrAck from "../../fixtures/newrelic/acknowledged.json";
import nrActivated from "../../fixtures/newrelic/activated.json";
import nrClosed from "../../fixtures/newrelic/closed.json";
import nrLegacyOpen from "../../fixtures/newrelic/legacy-open.json";
import pdDownUp from "../../fixtures/pingdom/http-down-to-up.json";
import pdUpDown from "../../fixtures/pingdom/http-up-to-down.json";
import pdImap from "../../fixtures/pingdom/imap-down-to-up.json";
import pdTransaction from "../../fixtures/pingdom/transaction-failing.json";
import seEventAlert from "../../fixtures/sentry/event-alert-triggered.json";
import seAssigned from "../../fixtures/sentry/issue-assigned.json";
import seIssueResolved from "../../fixtures/sentry/issue-resolved.json";
import seCritical from "../../fixtures/sentry/metric-critical.json";
import seResolved from "../../fixtures/sentry/metric-resolved.json";
import seWarning from "../../fixtures/sentry/metric-warning.json";
import urDown from "../../fixtures/uptimerobot/down.json";
import urUp from "../../fixtures/uptimerobot/up.json";
import urZulipDown from "../../fixtures/uptimerobot/zulip-template-down.json";
import urZulipUp from "../../fixtures/uptimerobot/zulip-template-up.json";
import { type Adapt, only, receivedAt, refused } from "./adapt";

type Case = [string, Adapt, unknown, Partial<AlertEvent>];

describe.each<[string, Case[]]>([
  [
    "Sentry",
    [
      [
        "metric critical → critical trigger",
        fromSentry,
        seCritical,
        { dedupKey: "metric-alert:53", action: "trigger", severity: "critical", summary: "Critical: Too many errors" },
      ],
      ["metric warning → warning, same incident", fromSentry, seWarning, { dedupKey: "metric-alert:53", action: "trigger", severity: "warning" }],
      [
        "metric resolved → resolve at date_closed",
        fromSentry,
        seResolved,
        { dedupKey: "metric-alert:53", action: "resolve", occurredAt: new Date("2025-11-20T10:35:00.000Z") },
      ],
      [
        "issue alert triggered → trigger by issue, level → severity, tags kept",
        fromSentry,
        seEventAlert,
        {
          dedupKey: "issue:1170820242",
          action: "trigger",
          severity: "error",
          monitor: { name: "Checkout errors to the status page" },
          occurredAt: new Date("2025-11-20T10:15:02.123Z"),
        },
      ],
      ["issue resolved → resolve of the issue alert", fromSentry, seIssueResolved, { dedupKey: "issue:1170820242", action: "resolve" }],
    ],
  ],
  [
    "UptimeRobot",
    [
      [
        "alertType 1 → trigger, *alertDateTime* epoch seconds",
        fromUptimeRobot,
        urDown,
        {
          dedupKey: "monitor-793245871",
          action: "trigger",
          severity: "critical",
          summary: "API is down",
          occurredAt: new Date(1763633702000),
        },
      ],
      ["alertType 2 → resolve", fromUptimeRobot, urUp, { dedupKey: "monitor-793245871", action: "resolve", summary: "API is up" }],
      [
        "snake_case keys (Zulip's template), no monitor id: by URL",
        fromUptimeRobot,
        urZulipDown,
        { dedupKey: "monitor-server1.example.com", action: "trigger", summary: "Web Server is down" },
      ],
      ["… and its up", fromUptimeRobot, urZulipUp, { dedupKey: "monitor-server1.example.com", action: "resolve" }],
    ],
  ],
  [
    "New Relic",
    [
      [
        "ACTIVATED → trigger, CRITICAL priority",
        fromNewRelic,
        nrActivated,
        { dedupKey: "c5faa7e6-7b54-402d-af79-f99601e0278c", action: "trigger", severity: "critical", monitor: { name: "API error rate" } },
      ],
      ["ACKNOWLEDGED → acknowledge", fromNewRelic, nrAck, { dedupKey: "c5faa7e6-7b54-402d-af79-f99601e0278c", action: "acknowledge" }],
      ["CLOSED → resolve at updatedAt", fromNewRelic, nrClosed, { action: "resolve", occurredAt: new Date(1763634302000) }],
      [
        "legacy channel: current_state open → trigger by incident",
        fromNewRelic,
        nrLegacyOpen,
        { dedupKey: "incident-1234", action: "trigger", summary: "Server Down (New Relic Alert - Test Policy)" },
      ],
    ],
  ],
  [
    "Better Stack",
    [
      [
        "started → trigger with its cause",
        fromBetterStack,
        bsStarted,
        {
          dedupKey: "incident-987654",
          action: "trigger",
          summary: "Checkout homepage: Status 500",
          monitor: { id: "4", name: "Checkout homepage" },
        },
      ],
      [
        "acknowledged → acknowledge",
        fromBetterStack,
        bsAck,
        { dedupKey: "incident-987654", action: "acknowledge", occurredAt: new Date("2025-11-20T10:17:45.768Z") },
      ],
      [
        "resolved → resolve at resolved_at",
        fromBetterStack,
        bsResolved,
        { dedupKey: "incident-987654", action: "resolve", occurredAt: new Date("2025-11-20T10:25:02.000Z") },
      ],
    ],
  ],
  [
    "Checkly",
    [
      [
        "ALERT_FAILURE → critical trigger, tags from TAGS",
        fromCheckly,
        ckFailure,
        {
          dedupKey: "check-8a1f7c2e-4b3d-4e5f-9a6b-7c8d9e0f1a2b",
          action: "trigger",
          severity: "critical",
          tags: { service: "payments", prod: "", check_type: "API", location: "Frankfurt" },
        },
      ],
      [
        "ALERT_DEGRADED → warning trigger on the same check",
        fromCheckly,
        ckDegraded,
        {
          dedupKey: "check-8a1f7c2e-4b3d-4e5f-9a6b-7c8d9e0f1a2b",
          action: "trigger",
          severity: "warning",
          summary: "Checkout API is degraded",
        },
      ],
      ["ALERT_RECOVERY → resolve", fromCheckly, ckRecovery, { dedupKey: "check-8a1f7c2e-4b3d-4e5f-9a6b-7c8d9e0f1a2b", action: "resolve" }],
    ],
  ],
  [
    "Pingdom",
    [
      [
        "UP → DOWN: trigger at state_changed_timestamp",
        fromPingdom,
        pdUpDown,
        {
          dedupKey: "check-2048467",
          action: "trigger",
          severity: "critical",
          summary: "Test check is down: DNS error",
          occurredAt: new Date(1457939434000),
        },
      ],
      ["DOWN → UP: resolve", fromPingdom, pdDownUp, { dedupKey: "check-2048467", action: "resolve" }],
      ["an IMAP check up", fromPingdom, pdImap, { dedupKey: "check-2051859", action: "resolve", tags: { check_type: "IMAP" } }],
      [
        "a transaction check FAILING → trigger, its service tag routes",
        fromPingdom,
        pdTransaction,
        { dedupKey: "check-12345", action: "trigger", tags: { service: "checkout", check_type: "TRANSACTION" } },
      ],
    ],
  ],
])("%s", (_, cases) => {
  it.each(cases)("%s", (_, adapt, payload, expected) => {
    expect(only(adapt, payload)).toMatchObject(expected);
  });
});

describe("what is ignored", () => {
  it.each<[string, Adapt, unknown]>([
    ["Sentry issue assigned", fromSentry, seAssigned],
    ["Sentry installation created", fromSentry, { action: "created", data: { installation: { uuid: "a8e5d37a" } }, installation: { uuid: "a8e5d37a" } }],
    ["a Better Stack monitor webhook", fromBetterStack, bsPaused],
    ["Pingdom UNCONFIRMED_DOWN", fromPingdom, { ...pdUpDown, current_state: "UNCONFIRMED_DOWN" }],
  ])("%s", (_, adapt, payload) => {
    expect(adapt(payload, receivedAt)).toEqual([]);
  });
});

describe("quirks", () => {
  it("UptimeRobot: an unsubstituted *variable* counts as absent", () => {
    expect(only(fromUptimeRobot, { ...urDown, alertDetails: "*alertDetails*" }).details).toBeUndefined();
    expect(only(fromUptimeRobot, urDown).details).toBe("Connection Timeout");
  });
  it("UptimeRobot: a number where the template had no quotes", () => {
    expect(only(fromUptimeRobot, { ...urDown, alertType: 1, monitorID: 793245871 })).toMatchObject({
      action: "trigger",
      dedupKey: "monitor-793245871",
    });
  });
  it("New Relic: ACTIVATED with trigger ACKNOWLEDGED is an acknowledgement", () => {
    expect(only(fromNewRelic, { ...nrActivated, trigger: "ACKNOWLEDGED" }).action).toBe("acknowledge");
  });
  it("Checkly: TAGS as Checkly's {{TAGS}} text and as stringify's JSON text", () => {
    expect(only(fromCheckly, { ...ckFailure, tags: "service:payments,prod" }).tags).toMatchObject({ service: "payments" });
    expect(only(fromCheckly, { ...ckFailure, tags: '["service:payments"]' }).tags).toMatchObject({ service: "payments" });
  });
});

describe("refusals name the field", () => {
  it.each<[string, Adapt, unknown, string]>([
    ["Sentry metric action", fromSentry, { ...seCritical, action: "maybe" }, "action"],
    ["Sentry unknown shape", fromSentry, { action: "x", data: {} }, "data"],
    ["UptimeRobot alertType", fromUptimeRobot, { monitorID: "1" }, "alertType"],
    ["New Relic state", fromNewRelic, { ...nrActivated, state: "SLEEPING" }, "state"],
    ["Better Stack event", fromBetterStack, { event: "exploded", data: { id: "1", type: "incident", attributes: {} } }, "event"],
    ["Checkly alert_type", fromCheckly, { ...ckFailure, alert_type: "ALERT_WHATEVER" }, "alert_type"],
    ["Pingdom check_id", fromPingdom, { current_state: "DOWN" }, "check_id"],
  ])("%s", (_, adapt, payload, field) => {
    expect(refused(adapt, payload).field).toBe(field);
  });
});
