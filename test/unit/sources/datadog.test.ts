import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { PayloadError } from "../../../worker/errors";
import { fromDatadog } from "../../../worker/sources/datadog";
import flatTriggered from "../../fixtures/datadog/flat-triggered.json";
import flatWarn from "../../fixtures/datadog/flat-warn.json";
import ilertRecovered from "../../fixtures/datadog/ilert-recovered.json";
import ilertTriggered from "../../fixtures/datadog/ilert-triggered.json";
import ilertUnquotedNumbers from "../../fixtures/datadog/ilert-unquoted-numbers.json";
import recommended from "../../fixtures/datadog/recommended-triggered.json";
import eventUnsubstituted from "../../fixtures/datadog/stackpulse-event-unsubstituted.json";
import stackpulseNoData from "../../fixtures/datadog/stackpulse-no-data.json";
import stackpulseRecovered from "../../fixtures/datadog/stackpulse-recovered.json";
import stackpulseRenotify from "../../fixtures/datadog/stackpulse-renotify.json";
import stackpulseTriggered from "../../fixtures/datadog/stackpulse-triggered.json";
import { eventsOf } from "./adapt";

const receivedAt = new Date("2025-11-20T12:00:00.000Z");

function one(payload: unknown): AlertEvent {
  const events = eventsOf(fromDatadog(payload, receivedAt));
  expect(events).toHaveLength(1);
  return events[0]!;
}

function payloadError(payload: unknown): PayloadError {
  try {
    fromDatadog(payload, receivedAt);
  } catch (err) {
    expect(err).toBeInstanceOf(PayloadError);
    return err as PayloadError;
  }
  throw new Error("expected a PayloadError");
}

/** A flat template with just what a test needs. */
const flat = (fields: Record<string, unknown>) => ({
  ALERT_TRANSITION: "Triggered",
  ALERT_TYPE: "error",
  ALERT_ID: "111",
  ALERT_SCOPE: "",
  EVENT_TITLE: "[Triggered] Something broke",
  ...fields,
});

/** The StackPulse template with every variable left as typed, as a test from a template editor sends it. */
const unsubstitutedStackpulse = {
  body: "$EVENT_MSG",
  title: "$EVENT_TITLE",
  date: "$DATE",
  id: "$ID",
  metadata: Object.fromEntries(Object.keys(stackpulseTriggered.metadata).map((k) => [k, `$${k}`])),
};

describe("fromDatadog: the senders' real payloads", () => {
  it.each([
    {
      name: "StackPulse triggered",
      payload: stackpulseTriggered,
      expected: {
        dedupKey: "7402958713645320912",
        action: "trigger",
        severity: "error",
        summary: "CPU high on web-1",
        monitor: { id: "12345678", name: "CPU high on web-1" },
        tags: { env: "prod", service: "api", team: "core", host: "web-1" },
        link: "https://app.datadoghq.com/event/event?id=8264390174520713285",
        occurredAt: new Date("2025-11-20T10:15:02.000Z"),
      },
    },
    {
      name: "StackPulse recovered (same cycle key)",
      payload: stackpulseRecovered,
      expected: {
        dedupKey: "7402958713645320912",
        action: "resolve",
        summary: "CPU high on web-1",
        tags: { env: "prod", service: "api", team: "core", host: "web-1" },
        occurredAt: new Date("2025-11-20T10:45:02.000Z"),
      },
    },
    {
      name: "StackPulse renotify",
      payload: stackpulseRenotify,
      expected: {
        dedupKey: "7402958713645320912",
        action: "trigger",
        severity: "error",
        renotify: true,
        occurredAt: new Date("2025-11-20T11:15:02.000Z"),
      },
    },
    {
      name: "StackPulse no data",
      payload: stackpulseNoData,
      expected: {
        dedupKey: "7402958713645301877",
        action: "trigger",
        severity: "error",
        summary: "Disk usage on db-1",
        tags: { env: "prod", service: "db", team: "storage", host: "db-1" },
        occurredAt: new Date("2025-11-20T09:00:00.000Z"),
      },
    },
    {
      name: "event monitor: empty transition, unsubstituted cycle key, empty scope",
      payload: eventUnsubstituted,
      expected: {
        dedupKey: "67890123",
        action: "trigger",
        severity: "error",
        summary: "Deploy failed: checkout-service",
        details: "Deployment of checkout-service v2.14.0 failed on prod. @webhook-statuspage",
        tags: { env: "prod", service: "checkout" },
        occurredAt: new Date("2025-11-20T10:21:47.000Z"),
      },
    },
    {
      name: "iLert triggered",
      payload: ilertTriggered,
      expected: {
        dedupKey: "56789012:service:search",
        action: "trigger",
        severity: "error",
        summary: "Search error rate above 5%",
        monitor: { id: "56789012", name: "Search error rate above 5%" },
        // The group of this multi-alert monitor, from the title: the iLert template has no $ALERT_SCOPE.
        tags: { service: "search" },
        link: "https://app.datadoghq.com/event/event?id=8264390174520722478",
        occurredAt: new Date("2025-11-20T10:21:47.000Z"),
      },
    },
    {
      name: "iLert recovered (same alert id)",
      payload: ilertRecovered,
      expected: { dedupKey: "56789012:service:search", action: "resolve", summary: "Search error rate above 5%" },
    },
    {
      name: "iLert with $DATE and $ALERT_ID unquoted (JSON numbers)",
      payload: ilertUnquotedNumbers,
      expected: {
        dedupKey: "56789012:service:search",
        action: "trigger",
        monitor: { id: "56789012", name: "Search error rate above 5%" },
        occurredAt: new Date("2025-11-20T10:21:47.000Z"),
      },
    },
    {
      name: "flat UPPER_CASE template, no cycle key",
      payload: flatTriggered,
      expected: {
        dedupKey: "45678901:host:api-2,env:prod",
        action: "trigger",
        severity: "error",
        summary: "API health check failing",
        tags: { env: "prod", service: "api", team: "core", check_url: "https://api.example.com/health", host: "api-2" },
        details: "The API health check on api-2 failed 3 times in a row. @webhook-statuspage",
        occurredAt: new Date("2025-11-20T10:21:47.000Z"),
      },
    },
    {
      name: "flat lower_case template, Warn",
      payload: flatWarn,
      expected: {
        dedupKey: "7402958713645334456",
        action: "trigger",
        severity: "warning",
        summary: "Checkout latency p95 elevated",
        tags: { env: "prod", service: "checkout", team: "payments", monitor: "" },
      },
    },
  ])("$name", ({ payload, expected }) => {
    expect(one(payload)).toMatchObject(expected);
  });

  it("keeps the message body without Datadog's %%% markers", () => {
    const { details } = one(stackpulseTriggered);
    expect(details).toMatch(/^CPU usage on web-1 has been above 90% for 5 minutes\./);
    expect(details).toMatch(/\[View web-1\]\(https:\/\/app\.datadoghq\.com\/infrastructure\?hostname=web-1\)\]$/);
    expect(details).not.toContain("%%%");
  });

  it("gives the trigger and its recovery the same dedup key", () => {
    expect(one(stackpulseRecovered).dedupKey).toBe(one(stackpulseTriggered).dedupKey);
    expect(one(ilertRecovered).dedupKey).toBe(one(ilertTriggered).dedupKey);
  });

  it("sets no renotify flag on ordinary triggers", () => {
    expect(one(stackpulseTriggered)).not.toHaveProperty("renotify");
  });
});

describe("fromDatadog: ALERT_TRANSITION", () => {
  it.each([
    ["Triggered", "error", "trigger", "error", undefined],
    ["Re-Triggered", "error", "trigger", "error", undefined],
    ["No Data", "error", "trigger", "error", undefined],
    ["Re-No Data", "error", "trigger", "error", undefined],
    ["Warn", "warning", "trigger", "warning", undefined],
    ["Re-Warn", "warning", "trigger", "warning", undefined],
    ["Warn", "error", "trigger", "warning", undefined],
    ["Recovered", "success", "resolve", "error", undefined],
    ["Warn Recovered", "success", "resolve", "warning", undefined],
    ["Renotify", "error", "trigger", "error", true],
    ["Renotify", "warning", "trigger", "warning", true],
    ["Triggered", "warning", "trigger", "warning", undefined],
    ["Triggered", "info", "trigger", "info", undefined],
    ["Triggered", "", "trigger", "error", undefined],
    ["Triggered", "$ALERT_TYPE", "trigger", "error", undefined],
    // spelling variants
    ["re-triggered", "error", "trigger", "error", undefined],
    ["Retriggered", "error", "trigger", "error", undefined],
    ["RE TRIGGERED", "error", "trigger", "error", undefined],
    ["warn recovered", "success", "resolve", "warning", undefined],
    ["  Recovered ", "success", "resolve", "error", undefined],
    ["NoData", "error", "trigger", "error", undefined],
  ])("%j with ALERT_TYPE %j → %s %s", (transition, alertType, action, severity, renotify) => {
    const event = one(flat({ ALERT_TRANSITION: transition, ALERT_TYPE: alertType }));
    expect(event.action).toBe(action);
    expect(event.severity).toBe(severity);
    expect(event.renotify).toBe(renotify);
  });

  it.each(["constructor", "toString", "__proto__"])("refuses %j, a name Object.prototype has, as an unknown transition", (transition) => {
    expect(payloadError(flat({ ALERT_TRANSITION: transition })).field).toBe("ALERT_TRANSITION");
  });

  it.each([
    ["", "success", "resolve", "error"],
    ["", "error", "trigger", "error"],
    ["", "warning", "trigger", "warning"],
    ["$ALERT_TRANSITION", "success", "resolve", "error"],
    ["$ALERT_TRANSITION", "ERROR", "trigger", "error"],
  ])("empty transition %j falls back to ALERT_TYPE %j → %s %s", (transition, alertType, action, severity) => {
    const event = one(flat({ ALERT_TRANSITION: transition, ALERT_TYPE: alertType }));
    expect(event.action).toBe(action);
    expect(event.severity).toBe(severity);
  });
});

describe("fromDatadog: dedup key", () => {
  it.each([
    ["ALERT_CYCLE_KEY wins", { ALERT_CYCLE_KEY: "999", ALERT_ID: "111", ALERT_SCOPE: "host:a" }, "999"],
    ["ALERT_ID and ALERT_SCOPE", { ALERT_ID: "111", ALERT_SCOPE: "host:a,env:prod" }, "111:host:a,env:prod"],
    ["ALERT_ID alone when the scope is empty", { ALERT_ID: "111", ALERT_SCOPE: "" }, "111"],
    ["ALERT_ID alone when the scope is unsubstituted", { ALERT_ID: "111", ALERT_SCOPE: "$ALERT_SCOPE" }, "111"],
    ["cycle key unsubstituted", { ALERT_CYCLE_KEY: "$ALERT_CYCLE_KEY", ALERT_ID: "111" }, "111"],
    ["ALERT_ID as a number", { ALERT_ID: 111 }, "111"],
    ["AGGREG_KEY when there is no ALERT_ID", { ALERT_ID: "", AGGREG_KEY: "ab12cd" }, "ab12cd"],
    ["trimmed", { ALERT_CYCLE_KEY: "  999 " }, "999"],
  ])("%s", (_name, fields, dedupKey) => {
    expect(one(flat(fields)).dedupKey).toBe(dedupKey);
  });

  it("reads keys case-insensitively, preferring metadata over the top level", () => {
    const event = one({
      alert_cycle_key: "top",
      metadata: { Alert_Cycle_Key: "meta", alert_transition: "Triggered" },
    });
    expect(event.dedupKey).toBe("meta");
  });
});

describe("fromDatadog: tags", () => {
  it.each([
    ["key:value pairs", "env:prod,service:api", { env: "prod", service: "api" }],
    ["bare keys have an empty value", "monitor,env:prod", { monitor: "", env: "prod" }],
    ["values keep their colons", "url:https://x.example:8443/a", { url: "https://x.example:8443/a" }],
    ["spaces trimmed, empty pieces skipped", " env : prod , ,team:core,", { env: "prod", team: "core" }],
    ["keys keep their case", "Env:Prod", { Env: "Prod" }],
    ["the first of a repeated key wins", "role:web,role:db", { role: "web" }],
    ["an unsubstituted $TAGS is no tags", "$TAGS", {}],
    ["an empty TAGS is no tags", "", {}],
  ])("%s", (_name, tags, expected) => {
    expect(one(flat({ TAGS: tags })).tags).toEqual(expected);
  });

  it.each([
    ["scope adds missing keys", "env:prod", "host:web-1,env:staging", { env: "prod", host: "web-1" }],
    ["scope '*' adds nothing", "env:prod", "*", { env: "prod" }],
    ["scope alone", "", "host:web-1", { host: "web-1" }],
  ])("%s", (_name, tags, scope, expected) => {
    expect(one(flat({ TAGS: tags, ALERT_SCOPE: scope })).tags).toEqual(expected);
  });

  it("accepts TAGS sent as a JSON array", () => {
    expect(one(flat({ TAGS: ["env:prod", "team:core"] })).tags).toEqual({ env: "prod", team: "core" });
  });

  it("does not add HOSTNAME as a tag", () => {
    expect(one(flat({ TAGS: "env:prod", HOSTNAME: "web-1" })).tags).toEqual({ env: "prod" });
  });

  it("keeps a __proto__ tag as a plain tag", () => {
    const tags = one(flat({ TAGS: "__proto__:x" })).tags;
    expect(Object.getPrototypeOf(tags)).toBe(Object.prototype);
    expect(Object.entries(tags)).toEqual([["__proto__", "x"]]);
  });
});

describe("fromDatadog: occurredAt", () => {
  it.each([
    ["DATE as epoch ms text", { DATE: "1763633702000" }, "2025-11-20T10:15:02.000Z"],
    ["DATE as a number", { DATE: 1763633702000 }, "2025-11-20T10:15:02.000Z"],
    ["DATE in seconds", { DATE: "1763633702" }, "2025-11-20T10:15:02.000Z"],
    ["DATE wins over LAST_UPDATED", { DATE: "1763633702000", LAST_UPDATED: "2025-11-20T09:00:00Z" }, "2025-11-20T10:15:02.000Z"],
    ["LAST_UPDATED when DATE is unsubstituted", { DATE: "$DATE", LAST_UPDATED: "2025-11-20T09:00:00Z" }, "2025-11-20T09:00:00.000Z"],
    ["LAST_UPDATED when DATE is garbage", { DATE: "soon", LAST_UPDATED: "2025-11-20T11:00:00+01:00" }, "2025-11-20T10:00:00.000Z"],
    ["LAST_UPDATED when DATE is implausible", { DATE: "0", LAST_UPDATED: "2025-11-20T09:00:00Z" }, "2025-11-20T09:00:00.000Z"],
    ["LAST_UPDATED in RFC 2822 form", { LAST_UPDATED: "Thu, 20 Nov 2025 09:00:00 GMT" }, "2025-11-20T09:00:00.000Z"],
    ["receipt time when neither is valid", { DATE: "", LAST_UPDATED: "yesterday" }, receivedAt.toISOString()],
    ["receipt time when both are absent", {}, receivedAt.toISOString()],
  ])("%s", (_name, fields, iso) => {
    expect(one(flat(fields)).occurredAt.toISOString()).toBe(iso);
  });
});

describe("fromDatadog: summary, details, monitor, link", () => {
  it.each([
    ["[Triggered on {host:web-1}] CPU high", "CPU high"],
    ["[Re-Triggered on {host:web-1,env:prod}] CPU high", "CPU high"],
    ["[Recovered] CPU high", "CPU high"],
    ["[Warn Recovered on {service:api}] Latency", "Latency"],
    ["[No Data on {host:db-1}] Disk", "Disk"],
    ["[P1] [Triggered on {service:search}] Errors", "Errors"],
    ["[prod] API down", "[prod] API down"],
    ["CPU high\non web-1", "CPU high on web-1"],
  ])("title %j → %j", (title, summary) => {
    expect(one(flat({ EVENT_TITLE: title })).summary).toBe(summary);
  });

  it("prefers ALERT_TITLE over EVENT_TITLE and title", () => {
    expect(one(flat({ ALERT_TITLE: "From alert title", EVENT_TITLE: "From event", title: "Top" })).summary).toBe("From alert title");
  });

  it.each([
    ["no title", { EVENT_TITLE: "" }, "Datadog monitor 111"],
    ["an unsubstituted title", { EVENT_TITLE: "$EVENT_TITLE" }, "Datadog monitor 111"],
    ["a title that is only a prefix", { EVENT_TITLE: "[Triggered on {host:a}]" }, "Datadog monitor 111"],
    ["no title and no ALERT_ID", { EVENT_TITLE: "", ALERT_ID: "", AGGREG_KEY: "ab12" }, "Datadog alert ab12"],
  ])("falls back for %s", (_name, fields, summary) => {
    expect(one(flat(fields)).summary).toBe(summary);
  });

  it("clips a long title to 1024 characters", () => {
    const summary = one(flat({ EVENT_TITLE: "x".repeat(3000) })).summary;
    expect(summary).toHaveLength(1024);
    expect(summary.endsWith("…")).toBe(true);
  });

  it.each([
    ["EVENT_MSG", { EVENT_MSG: "%%%\nBody text\n%%%", TEXT_ONLY_MSG: "plain" }, "Body text"],
    ["body (iLert)", { body: "  Top body  " }, "Top body"],
    ["TEXT_ONLY_MSG when EVENT_MSG is empty", { EVENT_MSG: "", TEXT_ONLY_MSG: "plain" }, "plain"],
    ["nothing", { EVENT_MSG: "$EVENT_MSG" }, undefined],
  ])("details from %s", (_name, fields, details) => {
    expect(one(flat(fields)).details).toBe(details);
  });

  it("clips details to 4000 characters", () => {
    expect(one(flat({ EVENT_MSG: "y".repeat(5000) })).details).toHaveLength(4000);
  });

  it.each([
    ["https://app.datadoghq.com/event/event?id=1", "https://app.datadoghq.com/event/event?id=1"],
    ["http://dd.internal/x", "http://dd.internal/x"],
    ["javascript:alert(1)", undefined],
    ["/event/event?id=1", undefined],
    ["$LINK", undefined],
  ])("link %j → %j", (link, expected) => {
    expect(one(flat({ LINK: link })).link).toBe(expected);
  });

  it("names the monitor by ALERT_ID and summary", () => {
    expect(one(flat({ ALERT_ID: "42", EVENT_TITLE: "Disk full" })).monitor).toEqual({ id: "42", name: "Disk full" });
    expect(one(flat({ ALERT_ID: "", AGGREG_KEY: "k", EVENT_TITLE: "Disk full" })).monitor).toEqual({ name: "Disk full" });
  });
});

describe("fromDatadog: errors", () => {
  it.each([null, [], "Triggered", 42, true])("refuses a body that is not an object: %j", (payload) => {
    const err = payloadError(payload);
    expect(err.field).toBe("body");
    expect(err.status).toBe(400);
  });

  it.each([
    ["StackPulse", { ...stackpulseTriggered, metadata: { ...stackpulseTriggered.metadata, ALERT_TRANSITION: "Exploded" } }, "metadata.ALERT_TRANSITION"],
    ["iLert", { ...ilertTriggered, alert_transition: "Exploded" }, "alert_transition"],
    ["flat", flat({ ALERT_TRANSITION: "Exploded" }), "ALERT_TRANSITION"],
  ])("refuses an unknown transition (%s), listing the allowed ones", (_name, payload, field) => {
    const err = payloadError(payload);
    expect(err.field).toBe(field);
    expect(err.status).toBe(400);
    expect(err.message).toContain("must be one of Triggered, Re-Triggered, Warn, Re-Warn, No Data, Re-No Data, Recovered, Warn Recovered, Renotify");
  });

  it.each([
    [
      "StackPulse, empty transition, ALERT_TYPE info",
      { ...eventUnsubstituted, metadata: { ...eventUnsubstituted.metadata, ALERT_TYPE: "info" } },
      "metadata.ALERT_TRANSITION",
    ],
    ["iLert, unsubstituted transition", { ...ilertTriggered, alert_transition: "$ALERT_TRANSITION" }, "alert_transition"],
    ["flat, no transition or type at all", { ALERT_ID: "1" }, "alert_transition"],
    ["the StackPulse template left unsubstituted", unsubstitutedStackpulse, "metadata.ALERT_TRANSITION"],
  ])("refuses an event with no action: %s", (_name, payload, field) => {
    const err = payloadError(payload);
    expect(err.field).toBe(field);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/is required: must be one of Triggered, /);
  });

  it.each([
    [
      "StackPulse",
      {
        ...stackpulseTriggered,
        metadata: { ...stackpulseTriggered.metadata, ALERT_CYCLE_KEY: "", ALERT_ID: "$ALERT_ID", AGGREG_KEY: "" },
      },
      "metadata.ALERT_ID",
    ],
    ["iLert", { ...ilertTriggered, alert_id: "" }, "alert_id"],
    ["flat without the key at all", { ALERT_TRANSITION: "Triggered" }, "alert_id"],
  ])("refuses an event with no dedup key (%s)", (_name, payload, field) => {
    const err = payloadError(payload);
    expect(err.field).toBe(field);
    expect(err.status).toBe(400);
    expect(err.message).toContain("is required");
  });
});

// The iLert template, pasted verbatim, carries neither $ALERT_SCOPE nor $ALERT_CYCLE_KEY: in a
// monitor grouped by host, only the title's `on {…}` tells host A's alert from host B's.
describe("fromDatadog: multi-alert groups from the title", () => {
  const ilert = (title: string, transition: string) => ({ ...ilertTriggered, title, alert_transition: transition });

  it("host A and host B of one monitor are two alerts; A's recovery is A's", () => {
    const a = one(ilert("[Triggered on {host:a}] CPU high", "Triggered"));
    const b = one(ilert("[Triggered on {host:b}] CPU high", "Triggered"));
    const aRecovered = one(ilert("[Recovered on {host:a}] CPU high", "Recovered"));
    expect(a.dedupKey).toBe("56789012:host:a");
    expect(b.dedupKey).toBe("56789012:host:b");
    expect(aRecovered).toMatchObject({ dedupKey: a.dedupKey, action: "resolve" });
    expect(b.tags).toMatchObject({ host: "b" });
  });

  it.each([
    ["[P2] [Warn on {host:a,env:prod}] CPU high", "56789012:host:a,env:prod"],
    ["[Re-Triggered on {host:a, env:prod}] CPU high", "56789012:host:a,env:prod"],
    ["[Triggered] CPU high", "56789012"],
    ["CPU high on {host:a}", "56789012"], // not Datadog's bracket: part of the monitor's own name
  ])("%s → %s", (title, key) => {
    expect(one(ilert(title, "Triggered")).dedupKey).toBe(key);
  });

  it("ALERT_SCOPE, when the template has it, wins over the title", () => {
    expect(one({ ...ilert("[Triggered on {host:a}] CPU high", "Triggered"), alert_scope: "host:z" }).dedupKey).toBe("56789012:host:z");
  });
});

describe("fromDatadog: the README's recommended template", () => {
  it("dedups by $ALERT_CYCLE_KEY, takes the severity from $ALERT_TYPE and the tags from $TAGS", () => {
    expect(one(recommended)).toMatchObject({
      dedupKey: "7418529630147258369",
      action: "trigger",
      severity: "error",
      summary: "CPU high on web-2",
      tags: { env: "prod", host: "web-2", service: "web" },
      occurredAt: new Date("2025-11-20T10:15:02.000Z"),
    });
    expect(one({ ...recommended, alert_transition: "Warn", alert_type: "warning" }).severity).toBe("warning");
    expect(one({ ...recommended, alert_transition: "Recovered", alert_type: "success" }).action).toBe("resolve");
  });
});
