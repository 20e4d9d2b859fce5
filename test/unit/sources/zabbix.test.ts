// The README's Zabbix Webhook media type posts its parameters (Zabbix macros, all strings) as JSON:
// fixtures are what it sends for a problem, its recovery, an acknowledgement and a discovery event.
import { describe, expect, it } from "vitest";
import type { AlertEvent } from "../../../domain/alert-event";
import { PayloadError } from "../../../worker/errors";
import { fromZabbix } from "../../../worker/sources/zabbix";
import ack from "../../fixtures/zabbix/acknowledge-update.json";
import discovery from "../../fixtures/zabbix/discovery.json";
import problem from "../../fixtures/zabbix/problem.json";
import recovery from "../../fixtures/zabbix/recovery.json";
import { eventsOf } from "./adapt";

const receivedAt = new Date("2025-11-20T12:00:00.000Z");
const one = (payload: unknown): AlertEvent => {
  const events = eventsOf(fromZabbix(payload, receivedAt));
  expect(events).toHaveLength(1);
  return events[0]!;
};
function payloadError(payload: unknown): PayloadError {
  try {
    fromZabbix(payload, receivedAt);
  } catch (err) {
    expect(err).toBeInstanceOf(PayloadError);
    return err as PayloadError;
  }
  throw new Error("expected a PayloadError");
}

describe("fromZabbix: the media type's real deliveries", () => {
  it.each<[string, unknown, Partial<AlertEvent>]>([
    [
      "problem → trigger, by {EVENT.ID}, tags from {EVENT.TAGSJSON}",
      problem,
      {
        dedupKey: "5120934",
        action: "trigger",
        severity: "error",
        summary: "High HTTP 5xx rate on api-gw-1",
        tags: { scope: "availability", service: "api", host: "api-gw-1" },
        monitor: { id: "23871", name: "High HTTP 5xx rate on api-gw-1" },
        link: "https://zabbix.acme.test/tr_events.php?triggerid=23871&eventid=5120934",
        occurredAt: new Date("2025-11-20T10:15:02.000Z"),
      },
    ],
    [
      "recovery → resolve of the same problem, at the recovery's time",
      recovery,
      { dedupKey: "5120934", action: "resolve", occurredAt: new Date("2025-11-20T10:25:02.000Z") },
    ],
    [
      "an acknowledging update → acknowledge, tags from {EVENT.TAGS} text, an unresolved {$ZABBIX.URL} gives no link",
      ack,
      {
        dedupKey: "5120934",
        action: "acknowledge",
        tags: { scope: "availability", service: "api", host: "api-gw-1" },
        occurredAt: new Date("2025-11-20T10:15:02.001Z"),
      },
    ],
  ])("%s", (_, payload, expected) => {
    const event = one(payload);
    expect(event).toMatchObject(expected);
    if (payload === ack) expect(event.link).toBeUndefined();
  });

  it("keeps the message as details", () => {
    expect(one(problem).details).toContain("Operational data: 5xx: 12.4%");
  });

  it("an update that is not an acknowledgement re-notifies the open problem", () => {
    expect(one({ ...ack, event_ack_status: "No" })).toMatchObject({ action: "trigger", renotify: true });
  });

  it("discovery, autoregistration and internal events change nothing", () => {
    expect(fromZabbix(discovery, receivedAt)).toEqual([]);
    expect(fromZabbix({ ...problem, event_source: "3" }, receivedAt)).toEqual([]);
  });
});

describe("fromZabbix: severities as Zabbix's own PagerDuty mapping has them", () => {
  it.each([
    ["0", "info"],
    ["1", "info"],
    ["2", "warning"],
    ["3", "warning"],
    ["4", "error"],
    ["5", "critical"],
  ])("{EVENT.NSEVERITY} %s → %s", (nseverity, expected) => {
    expect(one({ ...problem, event_nseverity: nseverity }).severity).toBe(expected);
  });

  it("falls back to the severity's name, then to error", () => {
    expect(one({ ...problem, event_nseverity: "{EVENT.NSEVERITY}", event_severity: "Disaster" }).severity).toBe("critical");
    expect(one({ ...problem, event_nseverity: undefined, event_severity: undefined }).severity).toBe("error");
  });
});

describe("fromZabbix: refused with the field named", () => {
  it.each([
    ["event_id", { ...problem, event_id: undefined }],
    ["event_id", { ...problem, event_id: "{EVENT.ID}" }],
    ["event_value", { ...problem, event_value: "2" }],
    ["event_value", { ...problem, event_value: undefined }],
    ["event_tags", { ...problem, event_tags: "[{not json" }],
    ["body", [problem]],
  ])("%s", (field, payload) => {
    const err = payloadError(payload);
    expect(err.field).toBe(field);
    expect(err.status).toBe(400);
  });
});
