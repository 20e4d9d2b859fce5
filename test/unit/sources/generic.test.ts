import { describe, expect, it } from "vitest";
import { PayloadError } from "../../../worker/errors";
import { fromGeneric } from "../../../worker/sources/generic";

const receivedAt = new Date("2025-11-20T12:00:00.000Z");

function payloadError(payload: unknown): PayloadError {
  try {
    fromGeneric(payload, receivedAt);
  } catch (err) {
    expect(err).toBeInstanceOf(PayloadError);
    return err as PayloadError;
  }
  throw new Error("expected a PayloadError");
}

const trigger = {
  dedup_key: "checkout-5xx",
  action: "trigger",
  severity: "critical",
  summary: "Checkout returns 5xx for 12% of requests",
};

describe("fromGeneric: accepted shapes", () => {
  it("maps a complete event", () => {
    const events = fromGeneric(
      {
        dedup_key: "checkout-5xx",
        action: "trigger",
        severity: "critical",
        summary: "Checkout returns 5xx for 12% of requests",
        details: "Error rate 12.4% over 5 minutes on eu-west.",
        monitor: { id: "synthetics-17", name: "Checkout synthetic" },
        tags: { service: "checkout", region: "eu-west" },
        link: "https://grafana.example.com/d/abc",
        occurred_at: "2025-11-20T10:15:02Z",
        unknown_extra: { ignored: true },
      },
      receivedAt,
    );
    expect(events).toEqual([
      {
        dedupKey: "checkout-5xx",
        action: "trigger",
        severity: "critical",
        summary: "Checkout returns 5xx for 12% of requests",
        details: "Error rate 12.4% over 5 minutes on eu-west.",
        monitor: { id: "synthetics-17", name: "Checkout synthetic" },
        tags: { service: "checkout", region: "eu-west" },
        link: "https://grafana.example.com/d/abc",
        occurredAt: new Date("2025-11-20T10:15:02.000Z"),
      },
    ]);
  });

  it("maps a minimal trigger, with receipt time and no tags", () => {
    expect(fromGeneric(trigger, receivedAt)).toEqual([
      {
        dedupKey: "checkout-5xx",
        action: "trigger",
        severity: "critical",
        summary: "Checkout returns 5xx for 12% of requests",
        tags: {},
        occurredAt: receivedAt,
      },
    ]);
  });

  it("accepts the camelCase spellings", () => {
    const [event] = fromGeneric({ dedupKey: "k1", action: "trigger", severity: "info", summary: "s", occurredAt: "2025-11-20T10:15:02.500+01:00" }, receivedAt);
    expect(event).toMatchObject({ dedupKey: "k1", occurredAt: new Date("2025-11-20T09:15:02.500Z") });
  });

  it.each([
    ["an array", [trigger, { dedup_key: "b", action: "resolve" }]],
    ["{events: [...]}", { events: [trigger, { dedup_key: "b", action: "resolve" }] }],
  ])("accepts %s", (_name, payload) => {
    const events = fromGeneric(payload, receivedAt);
    expect(events.map((e) => [e.dedupKey, e.action])).toEqual([
      ["checkout-5xx", "trigger"],
      ["b", "resolve"],
    ]);
  });

  it("accepts exactly 100 events", () => {
    const events = Array.from({ length: 100 }, (_, i) => ({ ...trigger, dedup_key: `k${i}` }));
    expect(fromGeneric({ events }, receivedAt)).toHaveLength(100);
  });
});

describe("fromGeneric: defaults and leniency", () => {
  it.each([
    ["resolve", { dedup_key: "k", action: "resolve" }, { action: "resolve", severity: "error", summary: "k" }],
    ["acknowledge", { dedup_key: "k", action: "acknowledge" }, { action: "acknowledge", severity: "error", summary: "k" }],
    ["resolve with its own severity", { dedup_key: "k", action: "resolve", severity: "warning" }, { severity: "warning" }],
    ["resolve with a summary", { dedup_key: "k", action: "resolve", summary: "Back up" }, { summary: "Back up" }],
    ["case and spaces in enums", { ...trigger, action: " Trigger ", severity: "ERROR" }, { action: "trigger", severity: "error" }],
    ["dedup key trimmed", { ...trigger, dedup_key: "  k  " }, { dedupKey: "k" }],
    ["multi-line summary as one line", { ...trigger, summary: "Disk\n  full\ton db-1" }, { summary: "Disk full on db-1" }],
    ["a blank severity on resolve", { dedup_key: "k", action: "resolve", severity: "" }, { severity: "error" }],
    ["tags coerced to text", { ...trigger, tags: { attempt: 3, paging: false, team: " core " } }, { tags: { attempt: "3", paging: "false", team: "core" } }],
    ["null tags", { ...trigger, tags: null }, { tags: {} }],
    ["monitor id as a number", { ...trigger, monitor: { id: 17 } }, { monitor: { id: "17" } }],
    ["details trimmed", { ...trigger, details: "\n  stack trace  \n" }, { details: "stack trace" }],
    ["zoneless occurred_at as UTC", { ...trigger, occurred_at: "2025-11-20T10:15:02" }, { occurredAt: new Date("2025-11-20T10:15:02Z") }],
    ["blank occurred_at", { ...trigger, occurred_at: "" }, { occurredAt: receivedAt }],
  ])("%s", (_name, payload, expected) => {
    expect(fromGeneric(payload, receivedAt)[0]).toMatchObject(expected);
  });

  it.each([
    ["a blank link", { link: "" }],
    ["an empty monitor", { monitor: {} }],
    ["blank details", { details: "  " }],
  ])("leaves out %s", (_name, fields) => {
    const [event] = fromGeneric({ ...trigger, ...fields }, receivedAt);
    expect(event).not.toHaveProperty(Object.keys(fields)[0]!);
  });

  it("accepts a summary of exactly 1024 characters", () => {
    expect(fromGeneric({ ...trigger, summary: "s".repeat(1024) }, receivedAt)[0]!.summary).toHaveLength(1024);
  });

  it("clips details to 4000 characters", () => {
    expect(fromGeneric({ ...trigger, details: "d".repeat(5000) }, receivedAt)[0]!.details).toHaveLength(4000);
  });
});

describe("fromGeneric: errors", () => {
  const many = Array.from({ length: 101 }, (_, i) => ({ ...trigger, dedup_key: `k${i}` }));

  it.each([
    ["null", null, "body", "must be a JSON object"],
    ["a string", "trigger", "body", "must be a JSON object"],
    ["an empty array", [], "body", "must hold at least one event"],
    ["101 events", many, "body", "must hold at most 100 events"],
    ["101 wrapped events", { events: many }, "events", "must hold at most 100 events"],
    ["events not an array", { events: { ...trigger } }, "events", "must be an array of events"],
    ["an empty events list", { events: [] }, "events", "must hold at least one event"],
    ["a non-object in an array", [trigger, 5], "[1]", "must be a JSON object"],
    ["a non-object in events", { events: [trigger, null] }, "events[1]", "must be a JSON object"],
    ["no dedup key", { action: "resolve" }, "dedup_key", "is required"],
    ["an empty dedup key", { ...trigger, dedup_key: " " }, "dedup_key", "must not be empty"],
    ["a numeric dedup key", { ...trigger, dedup_key: 42 }, "dedup_key", "must be a string"],
    ["a dedup key over 255", { ...trigger, dedup_key: "k".repeat(256) }, "dedup_key", "must be at most 255 characters"],
    ["an empty dedupKey", { ...trigger, dedup_key: undefined, dedupKey: "" }, "dedupKey", "must not be empty"],
    ["no action", { dedup_key: "k" }, "action", "is required: one of trigger, acknowledge, resolve"],
    ["an unknown action", { ...trigger, action: "fire" }, "action", "must be one of trigger, acknowledge, resolve"],
    ["an empty action", { ...trigger, action: "" }, "action", "is required: one of trigger, acknowledge, resolve"],
    ["an unknown severity", { ...trigger, severity: "fatal" }, "severity", "must be one of critical, error, warning, info"],
    ["a trigger without severity", { ...trigger, severity: undefined }, "severity", "is required for a trigger: one of critical"],
    ["a trigger with a blank severity", { ...trigger, severity: "" }, "severity", "is required for a trigger"],
    ["a trigger without summary", { ...trigger, summary: undefined }, "summary", "is required for a trigger"],
    ["a summary over 1024", { ...trigger, summary: "s".repeat(1025) }, "summary", "must be at most 1024 characters"],
    ["a summary that is an object", { ...trigger, summary: { text: "x" } }, "summary", "must be a string"],
    ["tags as an array", { ...trigger, tags: ["env:prod"] }, "tags", "must be an object whose values are strings"],
    ["a tag value that is an object", { ...trigger, tags: { env: { name: "prod" } } }, "tags.env", "must be a string"],
    ["a tag value that is null", { ...trigger, tags: { env: null } }, "tags.env", "must be a string"],
    ["an odd tag key", { ...trigger, tags: { "team name": [] } }, 'tags["team name"]', "must be a string"],
    ["monitor as a string", { ...trigger, monitor: "db" }, "monitor", "must be an object with id and/or name"],
    ["monitor.name as an object", { ...trigger, monitor: { name: {} } }, "monitor.name", "must be a string"],
    ["a javascript: link", { ...trigger, link: "javascript:alert(1)" }, "link", "must be an http(s) URL"],
    ["a relative link", { ...trigger, link: "/alerts/1" }, "link", "must be an http(s) URL"],
    ["occurred_at not a date", { ...trigger, occurred_at: "yesterday" }, "occurred_at", "must be an ISO 8601 date-time"],
    ["occurred_at impossible", { ...trigger, occurred_at: "2025-02-30T10:00:00Z" }, "occurred_at", "must be an ISO 8601"],
    ["occurred_at as epoch", { ...trigger, occurred_at: 1763633702000 }, "occurred_at", "must be an ISO 8601"],
    ["occurred_at before year 0000 in UTC", { ...trigger, occurred_at: "0000-01-01T00:00:00+01:00" }, "occurred_at", "must be an ISO 8601"],
    ["occurredAt not a date", { ...trigger, occurredAt: "20/11/2025" }, "occurredAt", "must be an ISO 8601"],
    ["a bad field in the third event", { events: [trigger, trigger, { ...trigger, severity: "sev1" }] }, "events[2].severity", "must be one of"],
    ["a bad tag in an array", [trigger, { ...trigger, tags: { a: {} } }], "[1].tags.a", "must be a string"],
  ])("%s → %s", (_name, payload, field, message) => {
    const err = payloadError(payload);
    expect(err.field).toBe(field);
    expect(err.status).toBe(400);
    expect(err.message.startsWith(`\`${field}\` `)).toBe(true);
    expect(err.message).toContain(message);
  });
});
