// The custom receiver: Opsgenie's outgoing webhook through the README's mapping, with no code; and
// the mapping's validation naming the bad part.
import { describe, expect, it } from "vitest";
import { customMapping } from "../../../domain/custom-mapping";
import { PayloadError } from "../../../worker/errors";
import { formatPath } from "../../../worker/sources/common";
import { fromMapping, valueAt } from "../../../worker/sources/mapping";
import ack from "../../fixtures/custom/opsgenie-acknowledge.json";
import note from "../../fixtures/custom/opsgenie-addnote.json";
import close from "../../fixtures/custom/opsgenie-close.json";
import create from "../../fixtures/custom/opsgenie-create.json";
import { OPSGENIE_MAPPING } from "../../fixtures/custom/opsgenie-mapping";

const receivedAt = new Date("2025-11-20T12:00:00.000Z");
const mapping = customMapping.parse(OPSGENIE_MAPPING);
const ALERT = "ec03dad6-62c8-4c94-b38b-d88f398e900f";

describe("Opsgenie through a custom mapping", () => {
  it.each([
    [
      "Create → trigger, P1 → critical, tags from the tag list",
      create,
      {
        dedupKey: ALERT,
        action: "trigger",
        severity: "critical",
        summary: "Checkout API 5xx rate above 5%",
        details: "Error rate 7.2% over 5 minutes",
        monitor: { id: "checkout-5xx", name: "Server" },
        tags: { vip: "", service: "checkout" },
        occurredAt: new Date(1763633702288),
      },
    ],
    ["Acknowledge → acknowledge, no priority → the default", ack, { dedupKey: ALERT, action: "acknowledge", severity: "error" }],
    ["Close → resolve", close, { dedupKey: ALERT, action: "resolve" }],
  ])("%s", (_, payload, expected) => {
    const events = fromMapping(mapping, payload, receivedAt);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject(expected);
  });

  it("an action the mapping does not list (AddNote) is ignored, unless a default says otherwise", () => {
    expect(fromMapping(mapping, note, receivedAt)).toEqual([]);
    const withDefault = customMapping.parse({ ...OPSGENIE_MAPPING, action: { ...OPSGENIE_MAPPING.action, default: "trigger" } });
    expect(fromMapping(withDefault, note, receivedAt)[0]).toMatchObject({ action: "trigger", dedupKey: ALERT });
  });

  it("a priority sent as a number matches a list that holds numbers", () => {
    const m = customMapping.parse({ ...OPSGENIE_MAPPING, severity: { from: "alert.priority", default: "info", warning: [3, "P3"] } });
    expect(fromMapping(m, { ...create, alert: { ...create.alert, priority: 3 } }, receivedAt)[0]!.severity).toBe("warning");
  });

  it("without its dedup key, the delivery is refused naming the path", () => {
    expect(() => fromMapping(mapping, { action: "Create", alert: { message: "x" } }, receivedAt)).toThrow(PayloadError);
    try {
      fromMapping(mapping, { action: "Create", alert: {} }, receivedAt);
    } catch (e) {
      expect((e as PayloadError).field).toBe("alert.alertId");
    }
  });

  it("an integration without a mapping refuses with what to do", () => {
    expect(() => fromMapping(undefined, create, receivedAt)).toThrow(/mapping/);
  });
});

describe("valueAt", () => {
  it("reads dotted paths, array indexes both ways, and never the prototype", () => {
    const doc = { a: { b: [{ c: 1 }, { c: 2 }] } };
    expect(valueAt(doc, "a.b[1].c")).toBe(2);
    expect(valueAt(doc, "a.b.0.c")).toBe(1);
    expect(valueAt(doc, "a.constructor")).toBeUndefined();
    expect(valueAt(doc, "__proto__")).toBeUndefined();
    expect(valueAt(doc, "a.missing.deeper")).toBeUndefined();
  });
});

describe("the mapping is validated when saved, naming the bad part", () => {
  const issueAt = (value: unknown) => {
    const parsed = customMapping.safeParse(value);
    expect(parsed.success).toBe(false);
    const issue = parsed.error!.issues[0]!;
    return formatPath(issue.path);
  };
  it.each<[string, unknown, string]>([
    ["no dedup_key", { ...OPSGENIE_MAPPING, dedup_key: undefined }, "dedup_key"],
    ["a path with spaces", { ...OPSGENIE_MAPPING, summary: "alert message" }, "summary"],
    ["an unknown severity default", { ...OPSGENIE_MAPPING, severity: { ...OPSGENIE_MAPPING.severity, default: "sev9" } }, "severity.default"],
    ["an action missing its resolve list", { ...OPSGENIE_MAPPING, action: { from: "action", trigger: ["Create"] } }, "action.resolve"],
    ["a word in trigger and resolve both", { ...OPSGENIE_MAPPING, action: { from: "action", trigger: ["Close"], resolve: ["close"] } }, "action.resolve"],
    ["an unknown key", { ...OPSGENIE_MAPPING, script: "return 1" }, ""],
  ])("%s", (_, value, path) => {
    expect(issueAt(value)).toBe(path);
  });
});
