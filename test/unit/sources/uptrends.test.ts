import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { PayloadError } from "../../../worker/errors";
import { fromUptrends } from "../../../worker/sources/uptrends";
import alert from "../../fixtures/uptrends/alert.json";
import ok from "../../fixtures/uptrends/ok.json";
import reminder from "../../fixtures/uptrends/reminder.json";

const receivedAt = new Date("2025-11-20T12:00:00.000Z");

function one(payload: unknown): AlertEvent {
  const events = fromUptrends(payload, receivedAt);
  expect(events).toHaveLength(1);
  return events[0]!;
}

function payloadError(payload: unknown): PayloadError {
  try {
    fromUptrends(payload, receivedAt);
  } catch (err) {
    expect(err).toBeInstanceOf(PayloadError);
    return err as PayloadError;
  }
  throw new Error("expected a PayloadError");
}

const INCIDENT = "7d1e4c5a-3b2f-4e8d-9a6c-1f0b2e3d4c5a";
const GUID = "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const DESCRIPTION = "HTTP status code 503 (Service Unavailable) returned by https://shop.example.com/checkout";

describe("fromUptrends: the template's real payloads", () => {
  it("Alert → a trigger", () => {
    expect(one(alert)).toEqual({
      dedupKey: INCIDENT,
      action: "trigger",
      severity: "error",
      summary: DESCRIPTION,
      details: DESCRIPTION,
      monitor: { id: GUID, name: "Shop – checkout page" },
      tags: { monitor: "Shop – checkout page", url: "https://shop.example.com/checkout" },
      occurredAt: new Date("2025-11-20T10:15:02.000Z"),
    });
  });

  it("Ok → a resolve of the same incident", () => {
    expect(one(ok)).toEqual({
      dedupKey: INCIDENT,
      action: "resolve",
      severity: "error",
      summary: "Shop – checkout page recovered",
      monitor: { id: GUID, name: "Shop – checkout page" },
      tags: { monitor: "Shop – checkout page", url: "https://shop.example.com/checkout" },
      occurredAt: new Date("2025-11-20T11:15:02.000Z"),
    });
  });

  it("Reminder → a trigger flagged renotify", () => {
    expect(one(reminder)).toMatchObject({
      dedupKey: INCIDENT,
      action: "trigger",
      severity: "error",
      renotify: true,
      occurredAt: new Date("2025-11-20T10:45:02.000Z"),
    });
  });

  it("never sets a link: the url is the monitored site, not the monitor", () => {
    expect(one(alert).link).toBeUndefined();
  });
});

describe("fromUptrends: type", () => {
  it.each([
    ["Alert", "trigger", undefined],
    ["alert", "trigger", undefined],
    ["OK", "resolve", undefined],
    [" Ok ", "resolve", undefined],
    ["Reminder", "trigger", true],
    ["REMINDER", "trigger", true],
  ])("%j → %s", (type, action, renotify) => {
    const event = one({ ...alert, type });
    expect(event.action).toBe(action);
    expect(event.renotify).toBe(renotify);
  });

  it.each(["alertType", "alert_type", "AlertType"])("accepts the spelling %s", (key) => {
    const { type: _type, ...rest } = ok;
    expect(one({ ...rest, [key]: "Ok" }).action).toBe("resolve");
  });
});

describe("fromUptrends: dedup key", () => {
  it.each([
    ["incidentKey", { incidentKey: "inc-1" }, "inc-1"],
    ["incident_key", { incidentKey: undefined, incident_key: "inc-2" }, "inc-2"],
    ["monitorGuid when the key is absent", { incidentKey: undefined }, GUID],
    ["monitorGuid when the key is empty", { incidentKey: "" }, GUID],
    ["monitorGuid when the key is left unsubstituted", { incidentKey: "{{@incident.key}}" }, GUID],
    ["a numeric key as text", { incidentKey: 123456 }, "123456"],
  ])("%s", (_name, fields, dedupKey) => {
    expect(one({ ...alert, ...fields }).dedupKey).toBe(dedupKey);
  });
});

describe("fromUptrends: severity", () => {
  it.each([
    [undefined, "error"],
    ["", "error"],
    ["{{@alert.severity}}", "error"],
    ["warning", "warning"],
    ["Critical", "critical"],
    // Free text in a hand-written template is read leniently, never refused.
    ["fatal", "critical"],
    ["P1", "critical"],
    ["none", "info"],
    ["Major", "critical"],
    ["whatever", "error"],
  ])("severity %j → %s", (severity, expected) => {
    expect(one({ ...alert, severity }).severity).toBe(expected);
  });
});

describe("fromUptrends: occurredAt", () => {
  it.each([
    ["timestampUtc without a zone is UTC", { timestampUtc: "2025-11-20T10:15:02" }, "2025-11-20T10:15:02.000Z"],
    ["timestampUtc with fractions", { timestampUtc: "2025-11-20T10:15:02.1234567" }, "2025-11-20T10:15:02.123Z"],
    ["timestampUtc with a zone keeps it", { timestampUtc: "2025-11-20T12:15:02+02:00" }, "2025-11-20T10:15:02.000Z"],
    ["timestampUtc garbage → receipt time", { timestampUtc: "20/11/2025 10:15" }, receivedAt.toISOString()],
    ["timestampUtc impossible → receipt time", { timestampUtc: "2025-02-30T10:15:02" }, receivedAt.toISOString()],
    ["timestampUtc unsubstituted → receipt time", { timestampUtc: "{{@alert.timestampUtc}}" }, receivedAt.toISOString()],
    ["timestamp without a zone is ambiguous", { timestampUtc: undefined, timestamp: "2025-11-20T11:15:02" }, receivedAt.toISOString()],
    ["timestamp with a zone", { timestampUtc: undefined, timestamp: "2025-11-20T11:15:02+01:00" }, "2025-11-20T10:15:02.000Z"],
    ["timestampUtc wins over timestamp", { timestamp: "2025-11-20T11:00:00Z" }, "2025-11-20T10:15:02.000Z"],
    ["firstErrorUtc is not the event's time", { timestampUtc: undefined }, receivedAt.toISOString()],
    ["a zone pushing it past year 9999 → receipt time", { timestampUtc: "9999-12-31T23:59:59-01:00" }, receivedAt.toISOString()],
    ["a zone pulling it before year 0000 → receipt time", { timestampUtc: "0000-01-01T00:00:00+01:00" }, receivedAt.toISOString()],
  ])("%s", (_name, fields, iso) => {
    expect(one({ ...alert, ...fields }).occurredAt.toISOString()).toBe(iso);
  });
});

describe("fromUptrends: summary, details, monitor, tags", () => {
  it.each([
    ["Alert", "Shop – checkout page is down"],
    ["Ok", "Shop – checkout page recovered"],
    ["Reminder", "Shop – checkout page is still down"],
  ])("without a description, a %s reads %j", (type, summary) => {
    expect(one({ ...alert, type, description: "" }).summary).toBe(summary);
  });

  it("names the monitor by guid when it has no name", () => {
    expect(one({ ...alert, description: "", monitorName: "{{@monitor.name}}" }).summary).toBe(`${GUID} is down`);
  });

  it("makes a multi-line description one line", () => {
    expect(one({ ...alert, description: "Error:\n  timeout\r\n" }).summary).toBe("Error: timeout");
  });

  it("prefers errorDescription for the details", () => {
    const event = one({ ...alert, errorDescription: "Connection timed out after 30 s" });
    expect(event.summary).toBe(DESCRIPTION);
    expect(event.details).toBe("Connection timed out after 30 s");
  });

  it("accepts snake_case spellings", () => {
    const event = one({
      type: "Alert",
      incident_key: "inc-9",
      monitor_guid: "g-9",
      monitor_name: "API",
      error_description: "DNS failure",
    });
    expect(event).toMatchObject({
      dedupKey: "inc-9",
      summary: "API is down",
      details: "DNS failure",
      monitor: { id: "g-9", name: "API" },
      tags: { monitor: "API" },
    });
  });

  it("leaves monitor out when neither guid nor name is known", () => {
    expect(one({ type: "Alert", incidentKey: "k" }).monitor).toBeUndefined();
  });

  it("adds the scalar values of a tags object, without overriding monitor or url", () => {
    const event = one({
      ...alert,
      tags: { service: "checkout", region: "eu", attempt: 3, paging: true, monitor: "other", nested: { a: 1 }, blank: "" },
    });
    expect(event.tags).toEqual({
      monitor: "Shop – checkout page",
      url: "https://shop.example.com/checkout",
      service: "checkout",
      region: "eu",
      attempt: "3",
      paging: "true",
    });
  });
});

describe("fromUptrends: errors", () => {
  it.each([null, [alert], "Alert", 1])("refuses a body that is not an object: %j", (payload) => {
    const err = payloadError(payload);
    expect(err.field).toBe("body");
    expect(err.status).toBe(400);
  });

  it.each([
    ["missing", { ...alert, type: undefined }, "type"],
    ["empty", { ...alert, type: "" }, "type"],
    ["unsubstituted", { ...alert, type: "{{@alert.type}}" }, "type"],
    ["unknown", { ...alert, type: "Down" }, "type"],
    ["unknown, under another spelling", { ...alert, type: undefined, alert_type: "Warning" }, "alert_type"],
  ])("refuses a %s type", (_name, payload, field) => {
    const err = payloadError(payload);
    expect(err.field).toBe(field);
    expect(err.status).toBe(400);
    expect(err.message).toContain("must be one of Alert, Ok, Reminder");
  });

  it.each([
    ["neither key nor guid", { ...alert, incidentKey: undefined, monitorGuid: undefined }, "incidentKey"],
    ["both unsubstituted", { ...alert, incidentKey: "{{@incident.key}}", monitorGuid: "{{@monitor.monitorGuid}}" }, "incidentKey"],
    ["snake_case key empty", { ...alert, incidentKey: undefined, incident_key: "", monitorGuid: "" }, "incident_key"],
  ])("refuses an event with no dedup key: %s", (_name, payload, field) => {
    const err = payloadError(payload);
    expect(err.field).toBe(field);
    expect(err.status).toBe(400);
    expect(err.message).toContain("is required");
  });
});

// The README's template before it was fixed wrote bare `@alert.type`: Uptrends sends that as it is.
describe("fromUptrends: variables without double curly braces", () => {
  const bare = {
    type: "@alert.type",
    incidentKey: "@incident.key",
    monitorGuid: "@monitor.monitorGuid",
    monitorName: "@monitor.name",
    description: "@alert.description",
    timestampUtc: "@alert.timestampUtc",
    url: "@monitor.url",
  };

  it("refuses the old template's delivery with a 400 that says how to fix it", () => {
    const err = payloadError(bare);
    expect(err.status).toBe(400);
    expect(err.field).toBe("type");
    expect(err.message).toContain("double curly braces");
    expect(err.message).toContain("{{@alert.type}}");
    expect(err.message).toContain("JsonEncode");
  });

  it.each([
    ["incidentKey", { ...alert, incidentKey: "@incident.key" }],
    ["monitorName", { ...alert, monitorName: " @monitor.name " }],
    ["description", { ...alert, description: "@alert.description" }],
  ])("names the field that holds one: %s", (field, payload) => {
    const err = payloadError(payload);
    expect(err.field).toBe(field);
    expect(err.message).toContain(`{{${String(payload[field as keyof typeof payload]).trim()}}}`);
  });

  it("accepts text that merely starts with @", () => {
    expect(one({ ...alert, monitorName: "@home page", description: "@channel the shop is down" }).monitor?.name).toBe("@home page");
  });

  it("accepts the JsonEncode'd values Uptrends produces: escaped quotes and line breaks", () => {
    // `"monitorName": "{{@JsonEncode({{@monitor.name}})}}"` with a monitor named `Shop "EU"`.
    const delivered = JSON.parse(`{"type":"Alert","incidentKey":"${INCIDENT}","monitorName":"Shop \\"EU\\"","description":"503\\nService Unavailable"}`);
    const event = one(delivered);
    expect(event.monitor?.name).toBe('Shop "EU"');
    expect(event.summary).toBe("503 Service Unavailable");
  });
});
