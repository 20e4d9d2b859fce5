// /admin/api through the worker's real fetch handler, real D1 and the real ingestor. Every write is
// checked in the database: the change, the status history and the audit row.
import { describe, expect, it, vi } from "vitest";
import { admin, createComponent, createIntegration, post, rows, unique } from "./helpers";

// Many requests per test through real workerd + D1: generous when the machine is busy.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

type Json = Record<string, any>;

async function json(res: Response, status: number): Promise<any> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

const trigger = (dedup_key: string, extra: Json = {}) => ({
  dedup_key,
  action: "trigger",
  severity: "critical",
  summary: `Down (${dedup_key})`,
  ...extra,
});

/** A component fed by its own generic integration, and an incident a webhook opened on it. */
async function incidentFromWebhook(name = "Checkout") {
  const component = await createComponent(name);
  const integration = await createIntegration("generic", [component.id]);
  const key = unique("alert");
  expect((await post(`/hooks/generic/${integration.key}`, trigger(key))).status).toBe(202);
  const open = (await json(await admin("GET", "/incidents?status=open"), 200)) as Json[];
  const incident = open.find((i) => i.components.some((c: Json) => c.id === component.id))!;
  expect(incident).toBeTruthy();
  return { component, integration, incident, alertKey: key };
}

const component = async (id: string) => json(await admin("GET", `/components/${id}`), 200);
const incidentRow = async (id: string) => (await rows<Json>("SELECT * FROM incidents WHERE id = ?1", id))[0]!;
const auditOf = (targetId: string) => rows<Json>("SELECT * FROM audit_log WHERE target_id = ?1 ORDER BY id", targetId);
const changesOf = (componentId: string) =>
  rows<Json>("SELECT from_status, to_status FROM component_status_changes WHERE component_id = ?1 ORDER BY id", componentId);

describe("components and groups", () => {
  it("creates, renames, describes, reorders and deletes, each with an audit row", async () => {
    const group = await json(await admin("POST", "/groups", { name: unique("Core") }), 201);
    const c = await json(await admin("POST", "/components", { name: "Billing", slug: unique("billing"), group_id: group.id }), 201);
    expect(c).toMatchObject({ name: "Billing", group_id: group.id, status: "operational", override_status: null });

    const patched = await json(await admin("PATCH", `/components/${c.id}`, { name: "Billing API", description: "Invoices", position: 7 }), 200);
    expect(patched).toMatchObject({ name: "Billing API", description: "Invoices", position: 7, group_id: group.id });
    const [created, updated] = await auditOf(c.id);
    expect(created).toMatchObject({ actor: "api", action: "component.create", target_type: "component" });
    expect(updated).toMatchObject({ action: "component.update" });
    expect(JSON.parse(updated!.before)).toEqual({ name: "Billing", description: null, position: c.position });
    expect(JSON.parse(updated!.after)).toEqual({ name: "Billing API", description: "Invoices", position: 7 });

    expect((await json(await admin("PATCH", `/groups/${group.id}`, { name: "Core platform" }), 200)).name).toBe("Core platform");
    expect((await admin("DELETE", `/groups/${group.id}`)).status).toBe(204);
    expect((await component(c.id)).group_id).toBeNull();

    expect((await admin("DELETE", `/components/${c.id}`)).status).toBe(204);
    expect((await admin("GET", `/components/${c.id}`)).status).toBe(404);
    expect((await auditOf(c.id)).map((a) => a.action)).toEqual(["component.create", "component.update", "component.delete"]);
  });

  it("names the field it refuses", async () => {
    const a = await createComponent("Alpha");
    const b = await createComponent("Beta");
    expect(await json(await admin("PATCH", `/components/${b.id}`, { slug: a.slug }), 409)).toMatchObject({ field: "slug" });
    expect(await json(await admin("PATCH", `/components/${b.id}`, { group_id: "nosuchgroup1" }), 400)).toMatchObject({ field: "group_id" });
    expect(await json(await admin("PATCH", `/components/${b.id}`, { position: -1 }), 400)).toMatchObject({ field: "position" });
    expect(await json(await admin("POST", "/groups", { name: "" }), 400)).toMatchObject({ field: "name" });
    expect((await admin("PATCH", "/components/nosuchcomp01", { name: "x" })).status).toBe(404);
    expect((await admin("DELETE", "/components/NOT-AN-ID")).status).toBe(404);
  });
});

describe("component overrides", () => {
  it("an override wins over the alerts until cleared; every visible change is recorded with its audit row", async () => {
    const { component: c, integration, alertKey } = await incidentFromWebhook("Search");
    expect((await component(c.id)).status).toBe("major_outage");

    const over = await json(await admin("PUT", `/components/${c.id}/status`, { status: "degraded_performance" }), 200);
    expect(over).toMatchObject({ status: "degraded_performance", override_status: "degraded_performance", auto_status: "major_outage" });
    // The alert recovers: the override still shows.
    await post(`/hooks/generic/${integration.key}`, { dedup_key: alertKey, action: "resolve" });
    expect(await component(c.id)).toMatchObject({ status: "degraded_performance", auto_status: "operational" });

    const cleared = await json(await admin("DELETE", `/components/${c.id}/status`), 200);
    expect(cleared).toMatchObject({ status: "operational", override_status: null });
    expect(await changesOf(c.id)).toEqual([
      { from_status: "operational", to_status: "major_outage" },
      { from_status: "major_outage", to_status: "degraded_performance" },
      { from_status: "degraded_performance", to_status: "operational" },
    ]);
    const audits = (await auditOf(c.id)).filter((a) => a.action.startsWith("component.override"));
    expect(audits.map((a) => [a.action, JSON.parse(a.before).status, JSON.parse(a.after).status])).toEqual([
      ["component.override", "major_outage", "degraded_performance"],
      ["component.override.clear", "degraded_performance", "operational"],
    ]);
  });

  it("refuses an unknown status and an unknown component", async () => {
    const c = await createComponent("Queue");
    expect(await json(await admin("PUT", `/components/${c.id}/status`, { status: "broken" }), 400)).toMatchObject({ field: "status" });
    expect((await admin("PUT", "/components/nosuchcomp01/status", { status: "major_outage" })).status).toBe(404);
    expect(await changesOf(c.id)).toEqual([]);
  });
});

describe("incidents", () => {
  it("lists open incidents with their alerts; identified, then resolved: resolved_at, updates and audit rows", async () => {
    const { component: c, integration, incident, alertKey } = await incidentFromWebhook();
    expect(incident).toMatchObject({ status: "investigating", automatic: true, kind: "incident" });
    expect(incident.alerts).toMatchObject([{ dedup_key: alertKey, status: "firing", severity: "critical", component_ids: [c.id] }]);

    const identified = await json(await admin("POST", `/incidents/${incident.id}/updates`, { status: "identified", body: "A bad deploy" }), 201);
    expect(identified).toMatchObject({ incident_id: incident.id, status: "identified", body: "A bad deploy", affected_components: null });
    expect(await incidentRow(incident.id)).toMatchObject({ status: "identified", resolved_at: null });

    const resolved = await json(await admin("POST", `/incidents/${incident.id}/updates`, { status: "resolved", body: "Rolled back" }), 201);
    expect(resolved).toMatchObject({ status: "resolved", body: "Rolled back" });
    const row = await incidentRow(incident.id);
    expect(row).toMatchObject({ status: "resolved" });
    expect(row.resolved_at).toBe(resolved.created_at);
    const after = await json(await admin("GET", `/incidents/${incident.id}`), 200);
    expect(after.incident_updates.map((u: Json) => u.status)).toEqual(["resolved", "identified", "investigating"]);
    expect((await auditOf(incident.id)).map((a) => [a.actor, a.action])).toEqual([
      ["api", "incident.update"],
      ["api", "incident.resolve"],
    ]);
    const open = (await json(await admin("GET", "/incidents"), 200)) as Json[];
    expect(open.some((i) => i.id === incident.id)).toBe(false);
    const done = (await json(await admin("GET", "/incidents?status=resolved"), 200)) as Json[];
    expect(done.some((i) => i.id === incident.id)).toBe(true);

    // An alert never reopens a resolved incident: the still-firing alert opens a new one.
    expect((await post(`/hooks/generic/${integration.key}`, trigger(alertKey, { summary: "Down again" }))).status).toBe(202);
    expect(await incidentRow(incident.id)).toMatchObject({ status: "resolved" });
    expect(await json(await admin("POST", `/incidents/${incident.id}/updates`, { status: "identified" }), 409)).toMatchObject({
      error: "this incident is already resolved",
    });
  });

  it("an update may set component statuses; resolving clears the incident's overrides", async () => {
    const { component: c, integration, incident, alertKey } = await incidentFromWebhook("Payments");
    await post(`/hooks/generic/${integration.key}`, { dedup_key: alertKey, action: "resolve" });
    expect(await incidentRow(incident.id)).toMatchObject({ status: "monitoring" });

    const upd = await json(
      await admin("POST", `/incidents/${incident.id}/updates`, {
        status: "identified",
        body: "Still slow",
        components: { [c.id]: "degraded_performance" },
      }),
      201,
    );
    expect(upd.affected_components).toEqual([{ code: c.id, name: c.name, old_status: "operational", new_status: "degraded_performance" }]);
    expect(await incidentRow(incident.id)).toMatchObject({ status: "identified", monitoring_at: null });

    const res = await json(await admin("POST", `/incidents/${incident.id}/updates`, { status: "resolved" }), 201);
    expect(res).toMatchObject({
      body: "This incident has been resolved.",
      affected_components: [{ code: c.id, old_status: "degraded_performance", new_status: "operational" }],
    });
    expect(await component(c.id)).toMatchObject({ status: "operational", override_status: null });
    expect(await changesOf(c.id)).toEqual([
      { from_status: "operational", to_status: "major_outage" },
      { from_status: "major_outage", to_status: "operational" },
      { from_status: "operational", to_status: "degraded_performance" },
      { from_status: "degraded_performance", to_status: "operational" },
    ]);
  });

  it("refuses bad updates with the field named, and changes nothing", async () => {
    const { incident } = await incidentFromWebhook("Edge");
    expect(await json(await admin("POST", `/incidents/${incident.id}/updates`, { status: "fixed" }), 400)).toMatchObject({
      field: "status",
    });
    expect(await json(await admin("POST", `/incidents/${incident.id}/updates`, { status: "in_progress" }), 400)).toMatchObject({
      field: "status",
    });
    expect(
      await json(await admin("POST", `/incidents/${incident.id}/updates`, { status: "identified", components: { nosuchcomp01: "major_outage" } }), 400),
    ).toMatchObject({ field: "components" });
    expect((await admin("POST", "/incidents/nosuchinc001/updates", { status: "identified" })).status).toBe(404);
    expect(await incidentRow(incident.id)).toMatchObject({ status: "investigating" });
    expect(await auditOf(incident.id)).toEqual([]);
  });

  it("opens a manual incident (automatic = 0) that alerts never attach to", async () => {
    const c = await createComponent("Email");
    const created = await json(
      await admin("POST", "/incidents", {
        name: "Email delays",
        body: "Mails are late",
        component_ids: [c.id],
        components: { [c.id]: "partial_outage" },
      }),
      201,
    );
    expect(created).toMatchObject({ name: "Email delays", status: "investigating", impact: "major", automatic: false, alerts: [] });
    expect(created.incident_updates[0]).toMatchObject({
      body: "Mails are late",
      affected_components: [{ code: c.id, old_status: "operational", new_status: "partial_outage" }],
    });
    expect(await component(c.id)).toMatchObject({ status: "partial_outage", override_status: "partial_outage" });
    expect(await incidentRow(created.id)).toMatchObject({ automatic: 0, kind: "incident" });

    const integ = await createIntegration("generic", [c.id]);
    await post(`/hooks/generic/${integ.key}`, trigger(unique("mail")));
    expect((await json(await admin("GET", `/incidents/${created.id}`), 200)).alerts).toEqual([]);
    const onComponent = await rows<Json>(
      "SELECT i.id, i.automatic FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id WHERE ic.component_id = ?1 ORDER BY i.created_at",
      c.id,
    );
    expect(onComponent).toEqual([
      { id: created.id, automatic: 0 },
      { id: expect.any(String), automatic: 1 },
    ]);
    expect(await json(await admin("POST", "/incidents", { name: "x", component_ids: ["nosuchcomp01"] }), 400)).toMatchObject({
      field: "component_ids",
    });
  });
});

describe("maintenances", () => {
  const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

  it("schedules a window, answered in the public API's shape", async () => {
    const c = await createComponent("Database");
    const m = await json(
      await admin("POST", "/maintenances", {
        name: "DB upgrade",
        body: "Postgres 17",
        scheduled_for: inMinutes(60),
        scheduled_until: inMinutes(120),
        component_ids: [c.id],
      }),
      201,
    );
    expect(m).toMatchObject({
      name: "DB upgrade",
      status: "scheduled",
      impact: "maintenance",
      scheduled_for: expect.stringMatching(/Z$/),
      scheduled_until: expect.any(String),
    });
    expect(m.components.map((x: Json) => x.id)).toEqual([c.id]);
    expect(m.incident_updates).toMatchObject([{ status: "scheduled", body: "Postgres 17" }]);
    expect(await component(c.id)).toMatchObject({ status: "operational", in_maintenance: false });
    expect((await json(await admin("GET", "/maintenances"), 200)).some((x: Json) => x.id === m.id)).toBe(true);
    expect((await auditOf(m.id)).map((a) => a.action)).toEqual(["maintenance.create"]);
  });

  it("a window that has begun starts at once; completing it ends the maintenance", async () => {
    const c = await createComponent("Storage");
    const m = await json(
      await admin("POST", "/maintenances", {
        name: "Disk swap",
        body: "Swapping disks",
        scheduled_for: inMinutes(-1),
        scheduled_until: inMinutes(30),
        component_ids: [c.id],
      }),
      201,
    );
    expect(m.status).toBe("in_progress");
    expect(m.incident_updates.map((u: Json) => u.status)).toEqual(["in_progress", "scheduled"]);
    expect(await component(c.id)).toMatchObject({ status: "under_maintenance", in_maintenance: true });

    const done = await json(await admin("POST", `/incidents/${m.id}/updates`, { status: "completed" }), 201);
    expect(done.affected_components).toEqual([{ code: c.id, name: c.name, old_status: "under_maintenance", new_status: "operational" }]);
    expect(await component(c.id)).toMatchObject({ status: "operational", in_maintenance: false });
    expect(await changesOf(c.id)).toEqual([
      { from_status: "operational", to_status: "under_maintenance" },
      { from_status: "under_maintenance", to_status: "operational" },
    ]);
    expect((await auditOf(m.id)).map((a) => [a.actor, a.action])).toEqual([
      ["api", "maintenance.create"],
      ["api", "maintenance.start"],
      ["api", "maintenance.complete"],
    ]);
  });

  it("refuses a window that ends before it starts, or without components", async () => {
    const c = await createComponent("Cache");
    const base = { name: "x", body: "y", component_ids: [c.id] };
    expect(await json(await admin("POST", "/maintenances", { ...base, scheduled_for: inMinutes(60), scheduled_until: inMinutes(30) }), 400)).toMatchObject({
      field: "scheduled_until",
    });
    expect(await json(await admin("POST", "/maintenances", { ...base, scheduled_for: "tomorrow", scheduled_until: inMinutes(30) }), 400)).toMatchObject({
      field: "scheduled_for",
    });
    expect(
      await json(await admin("POST", "/maintenances", { ...base, component_ids: [], scheduled_for: inMinutes(1), scheduled_until: inMinutes(30) }), 400),
    ).toMatchObject({ field: "component_ids" });
  });
});

describe("integrations and links", () => {
  it("lists without the key; disable refuses deliveries, enable accepts them; its own components change routing", async () => {
    const a = await createComponent("Web");
    const b = await createComponent("Mobile");
    const integ = await createIntegration("generic", [a.id]);
    const listed = ((await json(await admin("GET", "/integrations"), 200)) as Json[]).find((i) => i.id === integ.id)!;
    expect(listed).toMatchObject({ source: "generic", key_prefix: integ.key.slice(0, 6), component_ids: [a.id], disabled: false });
    expect(listed.webhook_url_template).toBe(`https://status.test/hooks/generic/${integ.key.slice(0, 6)}…`);
    expect(JSON.stringify(listed)).not.toContain(integ.key);

    expect((await json(await admin("PATCH", `/integrations/${integ.id}`, { disabled: true }), 200)).disabled).toBe(true);
    expect((await post(`/hooks/generic/${integ.key}`, trigger(unique("d")))).status).toBe(401);
    expect((await json(await admin("PATCH", `/integrations/${integ.id}`, { disabled: false, component_ids: [b.id] }), 200)).component_ids).toEqual([b.id]);
    expect((await post(`/hooks/generic/${integ.key}`, trigger(unique("d")))).status).toBe(202);
    expect((await component(b.id)).status).toBe("major_outage");
    expect((await component(a.id)).status).toBe("operational");
    expect((await auditOf(integ.id)).map((x) => x.action)).toEqual(["integration.create", "integration.disable", "integration.update"]);
  });

  it("rotates the key: the new one works at once, the old one is refused", async () => {
    const c = await createComponent("Rotor");
    const integ = await createIntegration("generic", [c.id]);
    const rotated = await json(await admin("POST", `/integrations/${integ.id}/rotate`), 200);
    expect(rotated).toMatchObject({ id: integ.id, source: "generic", key: expect.stringMatching(/^[a-z0-9]{32}$/) });
    expect(rotated.webhook_url).toBe(`https://status.test/hooks/generic/${rotated.key}`);
    expect(rotated.key).not.toBe(integ.key);
    expect((await post(`/hooks/generic/${integ.key}`, trigger(unique("r")))).status).toBe(401);
    expect((await post(`/hooks/generic/${rotated.key}`, trigger(unique("r")))).status).toBe(202);
    const [, rotation] = await auditOf(integ.id);
    expect(rotation).toMatchObject({ action: "integration.rotate" });
    expect(JSON.parse(rotation!.after)).toEqual({ key_prefix: rotated.key.slice(0, 6) });
  });

  it("lists and deletes links", async () => {
    const c = await createComponent("Linked");
    const integ = await createIntegration("generic");
    const link = await json(await admin("POST", "/links", { integration_id: integ.id, match: { tag: "team=core" }, component_ids: [c.id] }), 201);
    expect(link).toMatchObject({
      match: { tag: "team=core" },
      match_type: "tag",
      match_key: "team",
      match_value: "core",
      component_ids: [c.id],
      status: null,
    });
    expect(await json(await admin("GET", `/links?integration_id=${integ.id}`), 200)).toMatchObject([{ id: link.id }]);
    expect((await admin("DELETE", `/links/${link.id}`)).status).toBe(204);
    expect(await json(await admin("GET", `/links?integration_id=${integ.id}`), 200)).toEqual([]);
    expect((await auditOf(link.id)).map((a) => a.action)).toEqual(["link.create", "link.delete"]);
    expect((await admin("DELETE", `/links/${link.id}`)).status).toBe(404);
  });
});

describe("unrouted alerts", () => {
  it("are listed with the ways to link them; linking one routes it at once, without a delivery row", async () => {
    const c = await createComponent("Orphanage");
    const integ = await createIntegration("generic");
    const monitor = unique("Orphan monitor");
    const res = await post(`/hooks/generic/${integ.key}`, trigger(unique("o"), { monitor: { name: monitor }, tags: { env: "prod" } }));
    expect(await res.json()).toMatchObject({ outcomes: ["unrouted"] });
    const unrouted = ((await json(await admin("GET", "/alerts?unrouted=1&firing=1"), 200)) as Json[]).find((a) => a.integration_id === integ.id)!;
    expect(unrouted).toMatchObject({ status: "firing", component_ids: [], match_options: [{ monitor }, { tag: "env=prod" }] });

    const deliveries = (await rows("SELECT id FROM deliveries")).length;
    const link = await json(await admin("POST", `/alerts/${unrouted.id}/link`, { component_ids: [c.id] }), 201);
    expect(link).toMatchObject({ match: { monitor }, alerts_routed: 1, component_ids: [c.id] });
    expect((await rows("SELECT id FROM deliveries")).length).toBe(deliveries);
    expect(await component(c.id)).toMatchObject({ status: "major_outage" });
    const [incident] = await rows<Json>("SELECT i.* FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id WHERE ic.component_id = ?1", c.id);
    expect(incident).toMatchObject({ status: "investigating", automatic: 1 });
    expect(((await json(await admin("GET", "/alerts?unrouted=1"), 200)) as Json[]).some((a) => a.id === unrouted.id)).toBe(false);
    const [audit] = await auditOf(link.id);
    expect(JSON.parse(audit!.after)).toMatchObject({ from_alert_id: unrouted.id, alerts_routed: 1, match_type: "monitor" });
    expect(await changesOf(c.id)).toEqual([{ from_status: "operational", to_status: "major_outage" }]);
  });

  it("an alert with nothing to match by needs a match", async () => {
    const c = await createComponent("Nothing");
    const integ = await createIntegration("generic");
    await post(`/hooks/generic/${integ.key}`, trigger(unique("bare")));
    const alert = ((await json(await admin("GET", "/alerts?unrouted=1"), 200)) as Json[]).find((a) => a.integration_id === integ.id)!;
    expect(alert.match_options).toEqual([]);
    expect(await json(await admin("POST", `/alerts/${alert.id}/link`, { component_ids: [c.id] }), 400)).toMatchObject({ field: "match" });
  });
});

describe("delivery log and audit log", () => {
  it("filters deliveries by integration and outcome, newest first", async () => {
    const c = await createComponent("Logged");
    const integ = await createIntegration("generic", [c.id]);
    await post(`/hooks/generic/${integ.key}`, trigger(unique("ok")));
    await post(`/hooks/generic/${integ.key}`, { action: "explode" });
    const all = (await json(await admin("GET", `/deliveries?integration_id=${integ.id}`), 200)) as Json[];
    expect(all.map((d) => d.outcome)).toEqual(["rejected", "accepted"]);
    expect(all[1]).toMatchObject({
      integration_id: integ.id,
      integration_name: expect.any(String),
      event_count: 1,
      http_status: 202,
      summary: { applied: 1 },
    });
    expect(all[0]).toMatchObject({ http_status: 400, error: expect.stringContaining("`") });
    const rejected = (await json(await admin("GET", `/deliveries?integration_id=${integ.id}&outcome=rejected`), 200)) as Json[];
    expect(rejected).toHaveLength(1);
    expect(await json(await admin("GET", "/deliveries?outcome=exploded"), 400)).toMatchObject({ field: "outcome" });
    expect(await json(await admin("GET", "/deliveries?limit=0"), 400)).toMatchObject({ field: "limit" });
  });

  it("reads the audit log newest first, by target", async () => {
    const c = await createComponent("Audited");
    await admin("PATCH", `/components/${c.id}`, { name: "Audited 2" });
    const log = (await json(await admin("GET", `/audit?target_id=${c.id}`), 200)) as Json[];
    expect(log.map((e) => e.action)).toEqual(["component.update", "component.create"]);
    expect(log[0]).toMatchObject({ actor: "api", target_type: "component", before: { name: "Audited" }, after: { name: "Audited 2" } });
    const page = (await json(await admin("GET", `/audit?target_id=${c.id}&before=${log[0].id}`), 200)) as Json[];
    expect(page.map((e) => e.action)).toEqual(["component.create"]);
  });
});
