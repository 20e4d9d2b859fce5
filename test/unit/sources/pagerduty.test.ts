import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { fromPagerDutyChange, fromPagerDutyV1, fromPagerDutyV2, keyIn, PagerDutyEventError, type PagerDutyResult } from "../../../worker/sources/pagerduty";
import acknowledge from "../../fixtures/pagerduty/acknowledge.json";
import amResolve from "../../fixtures/pagerduty/alertmanager-resolve.json";
import amMixed from "../../fixtures/pagerduty/alertmanager-trigger-mixed-severity.json";
import amPartly from "../../fixtures/pagerduty/alertmanager-trigger-partly-resolved.json";
import change from "../../fixtures/pagerduty/change-event.json";
import checkly from "../../fixtures/pagerduty/checkly-trigger.json";
import grafanaTest from "../../fixtures/pagerduty/grafana-test-notification.json";
import grafana from "../../fixtures/pagerduty/grafana-trigger.json";
import v1Resolve from "../../fixtures/pagerduty/v1-resolve.json";
import v1Trigger from "../../fixtures/pagerduty/v1-trigger.json";
import zabbixResolve from "../../fixtures/pagerduty/zabbix-resolve.json";
import zabbixTrigger from "../../fixtures/pagerduty/zabbix-trigger.json";

const receivedAt = new Date("2026-11-23T11:00:00.000Z");
const GENERATED = "0123456789abcdef0123456789abcdef";
const v2 = (payload: unknown) => fromPagerDutyV2(payload, receivedAt, () => GENERATED);
const v1 = (payload: unknown) => fromPagerDutyV1(payload, receivedAt, () => GENERATED);

function refused(run: () => PagerDutyResult): PagerDutyEventError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(PagerDutyEventError);
    return err as PagerDutyEventError;
  }
  throw new Error("expected a PagerDutyEventError");
}

const trigger = (payload: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  routing_key: "demopagerdutykey0000000000000000",
  event_action: "trigger",
  payload: { summary: "Checkout failing", source: "checkout-1", severity: "critical", ...payload },
  ...extra,
});

describe("fromPagerDutyV2: Alertmanager's pagerduty receiver (captured from 0.25)", () => {
  it("keeps the group's dedup key (sha256 of the group key); an empty severity from a mixed group is error", () => {
    const { events, dedupKey } = v2(amMixed);
    expect(dedupKey).toBe("b342c70c85e4a5929af928073d63caeae900d8ad8025d2c3b1713c4bc7e1117f");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      dedupKey,
      action: "trigger",
      severity: "error",
      summary: "[FIRING:2] DiskFull database",
      monitor: { name: "Alertmanager" },
      link: "http://vm:19093/#/alerts?receiver=both",
      occurredAt: receivedAt,
    });
    // details: {service: '{{ .CommonLabels.service }}'} in alertmanager.yml is what routes it.
    expect(events[0]!.tags).toMatchObject({ service: "database", num_firing: "2", num_resolved: "0" });
    expect(events[0]!.tags).not.toHaveProperty("resolved"); // empty
    expect(events[0]!.tags.firing!.length).toBeLessThanOrEqual(512);
  });

  it("a partly resolved group is still a trigger of the same group", () => {
    expect(v2(amPartly).events[0]).toMatchObject({ dedupKey: v2(amMixed).dedupKey, action: "trigger", severity: "error" });
  });

  it("resolves the group", () => {
    expect(v2(amResolve)).toEqual({
      dedupKey: "b342c70c85e4a5929af928073d63caeae900d8ad8025d2c3b1713c4bc7e1117f",
      events: [
        {
          dedupKey: "b342c70c85e4a5929af928073d63caeae900d8ad8025d2c3b1713c4bc7e1117f",
          action: "resolve",
          severity: "error",
          summary: "[RESOLVED] DiskFull database (db-1:9100 critical)",
          tags: {},
          occurredAt: receivedAt,
        },
      ],
    });
  });
});

describe("fromPagerDutyV2: other senders", () => {
  it("Grafana's PagerDuty contact point: component/group/class as tags, the first link", () => {
    expect(v2(grafana).events[0]).toMatchObject({
      dedupKey: grafana.dedup_key,
      action: "trigger",
      severity: "critical",
      summary: "[FIRING:1] Email queue backlog (email critical)",
      monitor: { name: "grafana-7d9f8c6b5-x2kqv" },
      tags: { component: "Grafana", group: "default", class: "default", num_firing: "1" },
      link: "https://grafana.acme.test/",
    });
  });

  it("Checkly-style: no dedup_key (one is generated), a timestamp, scalar custom_details as tags, unknown fields", () => {
    const { events, dedupKey } = v2(checkly);
    expect(dedupKey).toBe(GENERATED);
    expect(events).toEqual<AlertEvent[]>([
      {
        dedupKey: GENERATED,
        action: "trigger",
        severity: "error",
        summary: "Checkout API check failed in eu-west-1",
        monitor: { name: "Checkly" },
        tags: {
          component: "payments",
          group: "api-checks",
          class: "api",
          service: "payments",
          check_id: "9182",
          response_time_ms: "30012",
          degraded: "false",
        },
        link: "https://app.checklyhq.com/checks/9182",
        // arrival order, as PagerDuty orders events: the sender's clock may run ahead
        occurredAt: receivedAt,
      },
    ]);
  });

  it("acknowledge: only the dedup key matters", () => {
    expect(v2(acknowledge)).toEqual({
      dedupKey: "checkout-api-eu-west-1",
      events: [
        {
          dedupKey: "checkout-api-eu-west-1",
          action: "acknowledge",
          severity: "error",
          summary: "checkout-api-eu-west-1",
          tags: {},
          occurredAt: receivedAt,
        },
      ],
    });
  });

  it.each([
    ["Critical", "critical"],
    [" warning ", "warning"],
    ["", "error"],
  ])("severity %j → %s", (severity, expected) => {
    expect(v2(trigger({ severity })).events[0]!.severity).toBe(expected);
  });

  it("a number as dedup_key is taken as its digits", () => {
    expect(v2(trigger({}, { dedup_key: 4242 })).dedupKey).toBe("4242");
  });

  it("a summary of exactly 1024 characters is kept whole", () => {
    expect(v2(trigger({ summary: "x".repeat(1024) })).events[0]!.summary).toHaveLength(1024);
  });
});

// Alertmanager's `severity: '{{ .CommonLabels.severity }}'` passes any label value through, and a 400
// is never retried: the alert would be lost. So the usual words map, anything else is error.
describe("fromPagerDutyV2: severities read leniently", () => {
  it.each([
    ["critical", "critical"],
    ["ERROR", "error"],
    ["warning", "warning"],
    ["info", "info"],
    ["", "error"],
    ["none", "info"],
    ["page", "critical"],
    ["high", "critical"],
    ["P1", "critical"],
    ["sev1", "critical"],
    ["SEV-2", "error"],
    ["p3", "warning"],
    ["low", "info"],
    ["P5", "info"],
    ["disaster", "critical"],
    ["average", "error"],
    ["Not classified", "info"],
    ["apocalyptic", "error"],
    [3, "error"],
  ])("%j → %s", (severity, expected) => {
    expect(v2(trigger({ severity })).events[0]!.severity).toBe(expected);
  });
});

describe("fromPagerDutyV2: lengths in code points, clipped where senders truncate", () => {
  // Alertmanager and Grafana cut the summary to 1024 runes; in UTF-16 that can be 2048 units.
  const emoji = "🔥".repeat(1024);

  it("a summary of 1024 emoji (2048 UTF-16 units) is kept whole", () => {
    expect(v2(trigger({ summary: emoji })).events[0]!.summary).toBe(emoji);
  });

  it("a longer summary is clipped to 1024 code points, not refused", () => {
    const summary = v2(trigger({ summary: `${emoji}🔥` })).events[0]!.summary;
    expect(Array.from(summary)).toHaveLength(1024);
    expect(summary.endsWith("…")).toBe(true);
    expect(v2(trigger({ summary: "x".repeat(5000) })).events[0]!.summary).toHaveLength(1024);
  });

  it("a dedup_key of 255 emoji is accepted; 256 code points are refused (clipping could merge two alerts)", () => {
    expect(v2(trigger({}, { dedup_key: "🔥".repeat(255) })).dedupKey).toBe("🔥".repeat(255));
    expect(refused(() => v2(trigger({}, { dedup_key: "🔥".repeat(256) }))).errors).toEqual(["`dedup_key` must be at most 255 characters"]);
  });
});

describe("fromPagerDutyV2: blank texts from a template are kept, not refused", () => {
  it("a blank summary (annotations that differ across a group) becomes a stand-in", () => {
    expect(v2(trigger({ summary: "  " })).events[0]!.summary).toBe("Alert from checkout-1");
  });

  it("a blank source falls back to the client", () => {
    expect(v2(trigger({ source: "", summary: "" }, { client: "Alertmanager" })).events[0]).toMatchObject({
      summary: "Alert from Alertmanager",
      monitor: { name: "Alertmanager" },
    });
  });

  it("a v1 trigger with a blank description is named by its incident key", () => {
    expect(v1({ ...v1Trigger, description: " " }).events[0]!.summary).toBe(v1Trigger.incident_key);
  });
});

describe("fromPagerDutyV2: Grafana's PagerDuty contact point", () => {
  it("its Test button (TestAlert on Grafana, a trigger never resolved) is accepted and ignored", () => {
    expect(v2(grafanaTest)).toEqual({ events: [], test: expect.stringMatching(/Grafana test/), dedupKey: grafanaTest.dedup_key });
  });

  it("a test with the details overridden is still recognised by its default summary", () => {
    const custom = { ...grafanaTest, payload: { ...grafanaTest.payload, custom_details: { note: "x" } } };
    expect(v2(custom).events).toEqual([]);
  });

  it("a real alert is not taken for the test", () => {
    expect(v2(grafana).events).toHaveLength(1);
    const named = {
      ...grafanaTest,
      payload: {
        ...grafanaTest.payload,
        summary: "[FIRING:1] TestAlert Grafana (api)",
        custom_details: {
          firing: grafanaTest.payload.custom_details.firing.replace(" - instance = Grafana\n", " - instance = Grafana\n - service = api\n"),
        },
      },
    };
    expect(v2(named).events).toHaveLength(1);
  });

  it("a test that is otherwise invalid is still refused", () => {
    expect(refused(() => v2({ ...grafanaTest, routing_key: undefined })).errors).toEqual(["`routing_key` is required: the integration key"]);
  });
});

describe("fromPagerDutyV2: Zabbix's official PagerDuty media type", () => {
  it("its `Event tags` text becomes tags, so service:api routes", () => {
    const [event] = v2(zabbixTrigger).events;
    expect(event).toMatchObject({
      dedupKey: "5120934",
      action: "trigger",
      severity: "error",
      summary: "Problem: High HTTP 5xx rate on api-gw-1",
      monitor: { name: "api-gw-1 : 10.0.4.21" },
      link: "https://zabbix.acme.test/tr_events.php?triggerid=23871&eventid=5120934",
    });
    expect(event!.tags).toMatchObject({ service: "api", scope: "availability", "Event host": "api-gw-1" });
  });

  it("its resolve carries only the key", () => {
    expect(v2(zabbixResolve).events[0]).toMatchObject({ dedupKey: "5120934", action: "resolve" });
  });

  it("a tag in custom_details wins over the same name in `Event tags`", () => {
    const payload = { ...zabbixTrigger.payload, custom_details: { ...zabbixTrigger.payload.custom_details, service: "web" } };
    expect(v2({ ...zabbixTrigger, payload }).events[0]!.tags.service).toBe("web");
  });
});

describe("fromPagerDutyV2: PagerDuty's 400, every bad field named", () => {
  it.each<[string, unknown, string[]]>([
    ["not an object", [trigger()], ["`body` must be a JSON object (one event)"]],
    ["no routing_key", { ...trigger(), routing_key: undefined }, ["`routing_key` is required: the integration key"]],
    ["a numeric routing_key", { ...trigger(), routing_key: 12 }, ["`routing_key` must be a string"]],
    ["no event_action", { ...trigger(), event_action: undefined }, ["`event_action` is required: one of trigger, acknowledge, resolve"]],
    ["an unknown event_action", { ...trigger(), event_action: "explode" }, ["`event_action` must be one of trigger, acknowledge, resolve"]],
    ["a severity that is an object", trigger({ severity: { level: 1 } }), ["`payload.severity` must be one of critical, error, warning, info"]],
    ["a missing severity", trigger({ severity: undefined }), ["`payload.severity` is required: one of critical, error, warning, info"]],
    ["a missing payload on trigger", { ...trigger(), payload: undefined }, ["`payload` is required for a trigger: {summary, source, severity}"]],
    ["a payload that is a string", { ...trigger(), payload: "down" }, ["`payload` must be an object"]],
    ["a numeric summary", trigger({ summary: 5 }), ["`payload.summary` must be a string"]],
    ["no source", trigger({ source: undefined }), ["`payload.source` is required"]],
    ["a bad timestamp", trigger({ timestamp: "yesterday" }), ["`payload.timestamp` must be an ISO 8601 date-time, e.g. 2025-11-20T10:15:02.000Z"]],
    ["a dedup_key over 255 characters", trigger({}, { dedup_key: "k".repeat(256) }), ["`dedup_key` must be at most 255 characters"]],
    ["a dedup_key that is an object", trigger({}, { dedup_key: { a: 1 } }), ["`dedup_key` must be a string"]],
    ["resolve without dedup_key", { routing_key: "k", event_action: "resolve" }, ["`dedup_key` is required to resolve an alert"]],
    ["acknowledge with a string payload", { routing_key: "k", event_action: "acknowledge", dedup_key: "d", payload: "x" }, ["`payload` must be an object"]],
    [
      "everything wrong at once",
      { event_action: "trigger", payload: { severity: ["bad"], timestamp: 5 } },
      [
        "`routing_key` is required: the integration key",
        "`payload.summary` is required",
        "`payload.source` is required",
        "`payload.severity` must be one of critical, error, warning, info",
        "`payload.timestamp` must be an ISO 8601 date-time, e.g. 2025-11-20T10:15:02.000Z",
      ],
    ],
  ])("%s", (_, payload, errors) => {
    const err = refused(() => v2(payload));
    expect(err.errors).toEqual(errors);
    expect(err.status).toBe(400);
    expect(err.field).toBe(/`([^`]+)`/.exec(errors[0]!)![1]);
  });
});

describe("change events and Events API v1", () => {
  it("a change event is validated and yields no alert event", () => {
    expect(fromPagerDutyChange(change)).toEqual({ events: [] });
  });

  it.each<[string, unknown, string[]]>([
    ["no payload", { routing_key: "k" }, ["`payload` is required: {summary, timestamp?, source?, custom_details?}"]],
    ["no summary, no key", { payload: { source: "ci" } }, ["`routing_key` is required: the integration key", "`payload.summary` is required"]],
  ])("a change event with %s is refused", (_, payload, errors) => {
    expect(refused(() => fromPagerDutyChange(payload)).errors).toEqual(errors);
  });

  it("v1 trigger: incident_key, description, client and client_url, scalar details as tags", () => {
    expect(v1(v1Trigger)).toEqual({
      dedupKey: "srv01/HTTP",
      events: [
        {
          dedupKey: "srv01/HTTP",
          action: "trigger",
          severity: "error",
          summary: "FAILURE for production/HTTP on machine srv01.acme.test",
          monitor: { name: "Zabbix" },
          tags: { service: "web", "ping time": "1500ms", "load avg": "0.75" },
          link: "https://zabbix.acme.test/tr_events.php?triggerid=13512",
          occurredAt: receivedAt,
        },
      ],
    });
  });

  it("v1 resolve, and a trigger without incident_key gets one", () => {
    expect(v1(v1Resolve).events[0]).toMatchObject({ dedupKey: "srv01/HTTP", action: "resolve" });
    expect(v1({ ...v1Trigger, incident_key: undefined }).dedupKey).toBe(GENERATED);
  });

  it.each<[string, unknown, string[]]>([
    ["no service_key", { ...v1Trigger, service_key: undefined }, ["`service_key` is required: the integration key"]],
    ["an unknown event_type", { ...v1Trigger, event_type: "page" }, ["`event_type` must be one of trigger, acknowledge, resolve"]],
    ["a trigger without description", { ...v1Trigger, description: undefined }, ["`description` is required"]],
    ["resolve without incident_key", { ...v1Resolve, incident_key: undefined }, ["`incident_key` is required to resolve an incident"]],
    ["details that are a string", { ...v1Trigger, details: "x" }, ["`details` must be an object"]],
  ])("v1 with %s is refused", (_, payload, errors) => {
    expect(refused(() => v1(payload)).errors).toEqual(errors);
  });

  it.each([
    [{ routing_key: " abc " }, "routing_key", "abc"],
    [{ routing_key: 5 }, "routing_key", null],
    [{ service_key: "k" }, "routing_key", null],
    [{ service_key: "k" }, "service_key", "k"],
    ["x", "routing_key", null],
  ] as const)("keyIn(%j, %s) = %j", (payload, field, key) => {
    expect(keyIn(payload, field)).toBe(key);
  });
});
