// The PagerDuty Events API (v2, change events, v1) through the real worker and D1, answered in
// PagerDuty's own shapes, so Alertmanager's, Grafana's or Zabbix's PagerDuty integrations work as is.
import { describe, expect, it } from "vitest";
import amResolve from "../fixtures/pagerduty/alertmanager-resolve.json";
import amMixed from "../fixtures/pagerduty/alertmanager-trigger-mixed-severity.json";
import change from "../fixtures/pagerduty/change-event.json";
import checkly from "../fixtures/pagerduty/checkly-trigger.json";
import v1Resolve from "../fixtures/pagerduty/v1-resolve.json";
import v1Trigger from "../fixtures/pagerduty/v1-trigger.json";
import { componentStatus, createComponent, createIntegration, incidentsOn, post, rows, tableCounts } from "./helpers";

const trigger = (key: string, service: string, extra: Record<string, unknown> = {}) => ({
  routing_key: key,
  event_action: "trigger",
  payload: { summary: "Checkout failing", source: "checkout-1", severity: "critical", custom_details: { service } },
  ...extra,
});

describe("POST /v2/enqueue", () => {
  it("trigger → 202 with PagerDuty's body and the dedup key; resolve → monitoring", async () => {
    const payments = await createComponent("Payments");
    const integ = await createIntegration("pagerduty");
    const res = await post("/v2/enqueue", trigger(integ.key, payments.slug, { dedup_key: "checkout-1" }));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "success", message: "Event processed", dedup_key: "checkout-1" });
    expect(await componentStatus(payments.id)).toBe("major_outage");
    const [incident] = await incidentsOn(payments.id);
    expect(incident).toMatchObject({ name: "Checkout failing", status: "investigating" });

    const resolved = await post("/v2/enqueue", { routing_key: integ.key, event_action: "resolve", dedup_key: "checkout-1" });
    expect(resolved.status).toBe(202);
    expect(await resolved.json()).toEqual({ status: "success", message: "Event processed", dedup_key: "checkout-1" });
    expect(await componentStatus(payments.id)).toBe("operational");
    expect(await incidentsOn(payments.id)).toMatchObject([{ id: incident!.id, status: "monitoring" }]);
  });

  it("generates the dedup key of a trigger that has none, and that key resolves it", async () => {
    const comp = await createComponent("Checks");
    const integ = await createIntegration("pagerduty");
    const res = await post("/v2/enqueue", {
      ...checkly,
      routing_key: integ.key,
      payload: { ...checkly.payload, custom_details: { service: comp.slug } },
    });
    expect(res.status).toBe(202);
    const { dedup_key } = (await res.json()) as { dedup_key: string };
    expect(dedup_key).toMatch(/^[0-9a-f]{32}$/);
    expect(await rows("SELECT dedup_key, link FROM alerts WHERE integration_id = ?1", integ.id)).toEqual([
      { dedup_key, link: "https://app.checklyhq.com/checks/9182" },
    ]);
    expect(await componentStatus(comp.id)).toBe("partial_outage");
    await post("/v2/enqueue", { routing_key: integ.key, event_action: "resolve", dedup_key });
    expect(await componentStatus(comp.id)).toBe("operational");
  });

  it("acknowledge is recorded on the alert for operators and changes no public status", async () => {
    const comp = await createComponent("Acked");
    const integ = await createIntegration("pagerduty");
    await post("/v2/enqueue", trigger(integ.key, comp.slug, { dedup_key: "ack-me" }));
    const [incident] = await incidentsOn(comp.id);
    const res = await post("/v2/enqueue", { routing_key: integ.key, event_action: "acknowledge", dedup_key: "ack-me" });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "success", message: "Event processed", dedup_key: "ack-me" });
    const [alert] = await rows<{ status: string; acknowledged_at: string | null }>(
      "SELECT status, acknowledged_at FROM alerts WHERE integration_id = ?1 AND dedup_key = 'ack-me'",
      integ.id,
    );
    expect(alert!.status).toBe("acknowledged");
    expect(alert!.acknowledged_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await componentStatus(comp.id)).toBe("major_outage");
    expect(await incidentsOn(comp.id)).toMatchObject([{ id: incident!.id, status: "investigating", incident_updates: [{}] }]);
  });

  it("Alertmanager's pagerduty receiver: an empty severity is error, the group resolves, any integration's key works", async () => {
    const db = await createComponent("Database");
    const integ = await createIntegration("alertmanager"); // not a pagerduty integration: still accepted
    const details = { ...amMixed.payload.custom_details, service: db.slug };
    const res = await post("/v2/enqueue", { ...amMixed, routing_key: integ.key, payload: { ...amMixed.payload, custom_details: details } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "success", message: "Event processed", dedup_key: amMixed.dedup_key });
    expect(await componentStatus(db.id)).toBe("partial_outage");
    const resolve = {
      ...amResolve,
      routing_key: integ.key,
      payload: { ...amResolve.payload, custom_details: { ...amResolve.payload.custom_details, service: db.slug } },
    };
    expect((await post("/v2/enqueue", resolve)).status).toBe(202);
    expect(await componentStatus(db.id)).toBe("operational");
    expect(await incidentsOn(db.id)).toMatchObject([{ status: "monitoring" }]);
  });

  it("logs the delivery with the routing key redacted and the dedup key kept", async () => {
    const integ = await createIntegration("pagerduty");
    await post("/v2/enqueue", trigger(integ.key, "nowhere", { dedup_key: "logged-key" }));
    const [logged] = await rows<{ payload: string; outcome: string }>("SELECT payload, outcome FROM deliveries WHERE integration_id = ?1", integ.id);
    expect(logged!.outcome).toBe("accepted");
    expect(logged!.payload).not.toContain(integ.key);
    expect(logged!.payload).toContain('"routing_key":"[redacted]"');
    expect(logged!.payload).toContain('"dedup_key":"logged-key"');
  });
});

describe("POST /v2/change/enqueue", () => {
  it("answers 202, records the delivery and changes no state", async () => {
    const integ = await createIntegration("pagerduty");
    const before = await tableCounts();
    const res = await post("/v2/change/enqueue", { ...change, routing_key: integ.key });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "success", message: "Change event processed" });
    expect(await tableCounts()).toEqual(before);
    const [logged] = await rows<{ outcome: string; event_count: number; payload: string }>(
      "SELECT outcome, event_count, payload FROM deliveries WHERE integration_id = ?1",
      integ.id,
    );
    expect(logged).toMatchObject({ outcome: "accepted", event_count: 0 });
    expect(logged!.payload).toContain("Deployed api v2.14.0 to production");
  });
});

describe("POST /generic/2010-04-15/create_event.json (Events API v1)", () => {
  it("trigger → 200 with the incident key; resolve recovers", async () => {
    const web = await createComponent("Web");
    const integ = await createIntegration("pagerduty");
    const res = await post("/generic/2010-04-15/create_event.json", {
      ...v1Trigger,
      service_key: integ.key,
      details: { service: web.slug },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "success", message: "Event processed", incident_key: "srv01/HTTP" });
    expect(await componentStatus(web.id)).toBe("partial_outage");
    const done = await post("/generic/2010-04-15/create_event.json", { ...v1Resolve, service_key: integ.key });
    expect(done.status).toBe(200);
    expect(await componentStatus(web.id)).toBe("operational");
  });
});

describe("PagerDuty errors, in PagerDuty's shape, with nothing written", () => {
  it.each<[string, string, unknown, string[]]>([
    [
      "a severity that is not text",
      "/v2/enqueue",
      { payload: { summary: "x", source: "y", severity: { level: "fatal" } } },
      ["`payload.severity` must be one of critical, error, warning, info"],
    ],
    ["a trigger without payload", "/v2/enqueue", { payload: undefined }, ["`payload` is required for a trigger: {summary, source, severity}"]],
    ["resolve without dedup_key", "/v2/enqueue", { event_action: "resolve", payload: undefined }, ["`dedup_key` is required to resolve an alert"]],
    [
      "two bad fields",
      "/v2/enqueue",
      { event_action: "poke", dedup_key: "d".repeat(300) },
      ["`event_action` must be one of trigger, acknowledge, resolve", "`dedup_key` must be at most 255 characters"],
    ],
    ["a change event without summary", "/v2/change/enqueue", { payload: { source: "ci" } }, ["`payload.summary` is required"]],
    [
      "a v1 event without event_type",
      "/generic/2010-04-15/create_event.json",
      { event_type: undefined },
      ["`event_type` is required: one of trigger, acknowledge, resolve"],
    ],
  ])("400 for %s", async (_, path, change, errors) => {
    const integ = await createIntegration("pagerduty");
    const base = path.startsWith("/generic") ? { ...v1Trigger, service_key: integ.key } : trigger(integ.key, "x");
    const before = await tableCounts();
    const res = await post(path, { ...base, ...(change as object) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ status: "invalid event", message: "Event object is invalid", errors });
    expect(await tableCounts()).toEqual(before);
    const [logged] = await rows<{ outcome: string; http_status: number }>("SELECT outcome, http_status FROM deliveries WHERE integration_id = ?1", integ.id);
    expect(logged).toMatchObject({ outcome: "rejected", http_status: 400 });
  });

  it.each([
    ["malformed JSON", '{"routing_key": ', "`body` is not valid JSON"],
    ["an empty body", "", "`body` is empty"],
    ["an array", "[]", "`body` must be a JSON object (one event)"],
    ["no routing_key", JSON.stringify({ event_action: "trigger", payload: { summary: "x", source: "y", severity: "info" } }), "`routing_key` is required"],
  ])("400 for %s", async (_, body, error) => {
    const before = await tableCounts();
    const res = await post("/v2/enqueue", body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { status: string; errors: string[] };
    expect(json.status).toBe("invalid event");
    expect(json.errors[0]).toContain(error);
    expect(await tableCounts()).toEqual(before);
  });

  it.each(["/v2/enqueue", "/v2/change/enqueue", "/generic/2010-04-15/create_event.json"])("401 for an unknown key on %s", async (path) => {
    const key = "u".repeat(32);
    const body = path.startsWith("/generic")
      ? { ...v1Trigger, service_key: key }
      : path.includes("change")
        ? { ...change, routing_key: key }
        : trigger(key, "x");
    const before = await tableCounts();
    const res = await post(path, body);
    expect(res.status).toBe(401);
    const json = (await res.json()) as { status: string; errors: string[] };
    expect(json.errors[0]).toMatch(/`(routing|service)_key` is not the key of an enabled integration/);
    expect(JSON.stringify(json)).not.toContain(key);
    expect(await tableCounts()).toEqual(before);
  });

  it("413 for a body over 512 KB", async () => {
    const integ = await createIntegration("pagerduty");
    const before = await tableCounts();
    const res = await post("/v2/enqueue", trigger(integ.key, "x", { padding: "x".repeat(520 * 1024) }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ status: "invalid event", errors: ["`body` is larger than 512 KB"] });
    expect(await tableCounts()).toEqual(before);
  });
});
