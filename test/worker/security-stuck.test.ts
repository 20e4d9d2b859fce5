// Stuck states: a disabled or deleted integration, a dismissed alert,
// a resolved incident whose alert still fires, a component deleted while in use. Each hostile or
// careless step, the answer, and what the database holds afterwards.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, BASE, componentStatus, createComponent, createIntegration, post, rows, unique } from "./helpers";

type Json = Record<string, any>;
const json = async (res: Response, status: number): Promise<any> => {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
};

async function firingOn(componentName: string) {
  const component = await createComponent(componentName);
  const integration = await createIntegration("generic", [component.id]);
  const dedup = unique("stuck");
  const trigger = { dedup_key: dedup, action: "trigger", severity: "critical", summary: `${componentName} down` };
  expect((await post(`/hooks/generic/${integration.key}`, trigger)).status).toBe(202);
  expect(await componentStatus(component.id)).toBe("major_outage");
  const [alert] = await rows<{ id: string; incident_id: string }>("SELECT id, incident_id FROM alerts WHERE integration_id = ?1", integration.id);
  return { component, integration, dedup, trigger, alert: alert! };
}

describe("disabling an integration while its alert fires", () => {
  it("resolves the alert (audit row), so the component is not left in outage for good", async () => {
    const { component, integration, dedup, alert } = await firingOn("Disabled feed");
    const res = await json(await admin("PATCH", `/integrations/${integration.id}`, { disabled: true }), 200);
    expect(res.disabled).toBe(true);
    expect(await componentStatus(component.id)).toBe("operational");
    expect(await rows("SELECT status FROM alerts WHERE id = ?1", alert.id)).toEqual([{ status: "resolved" }]);
    const [audit] = await rows<{ after: string }>("SELECT after FROM audit_log WHERE action = 'integration.disable' AND target_id = ?1", integration.id);
    expect(JSON.parse(audit!.after)).toEqual({ disabled: true, alerts_resolved: [alert.id] });
    // The incident moved on with it: its alerts are all resolved.
    expect(await rows("SELECT status FROM incidents WHERE id = ?1", alert.incident_id)).toEqual([{ status: "monitoring" }]);
    // The monitor's own resolve is still refused (the key is disabled), and harmless now.
    expect((await post(`/hooks/generic/${integration.key}`, { dedup_key: dedup, action: "resolve", severity: "critical", summary: "ok" })).status).toBe(401);
  });
});

describe("DELETE /admin/api/integrations/:id", () => {
  it("resolves its firing alerts, deletes it with its links, and its key stops working", async () => {
    const { component, integration, trigger, alert } = await firingOn("Deleted feed");
    const other = await createComponent("Linked elsewhere");
    await json(await admin("POST", "/links", { integration_id: integration.id, match: { tag: "team:x" }, component_ids: [other.id] }), 201);
    const res = await json(await admin("DELETE", `/integrations/${integration.id}`), 200);
    expect(res).toEqual({ id: integration.id, deleted: true, alerts_resolved: 1 });
    expect(await componentStatus(component.id)).toBe("operational");
    expect(await rows("SELECT id FROM integrations WHERE id = ?1", integration.id)).toEqual([]);
    expect(await rows("SELECT id FROM links WHERE integration_id = ?1", integration.id)).toEqual([]);
    expect(await rows("SELECT id FROM alerts WHERE id = ?1", alert.id)).toEqual([]);
    const [audit] = await rows<Json>("SELECT before, after FROM audit_log WHERE action = 'integration.delete' AND target_id = ?1", integration.id);
    expect(JSON.parse(audit!.after)).toEqual({ alerts_resolved: [alert.id] });
    expect((await post(`/hooks/generic/${integration.key}`, trigger)).status).toBe(401);
    expect((await admin("DELETE", `/integrations/${integration.id}`)).status).toBe(404);
  });
});

describe("POST /admin/api/alerts/:id/resolve", () => {
  it("an operator dismisses a firing alert: the component returns to its automatic status; twice is a 409", async () => {
    const { component, alert } = await firingOn("Dismissed");
    const res = await json(await admin("POST", `/alerts/${alert.id}/resolve`), 200);
    expect(res).toMatchObject({ id: alert.id, status: "resolved" });
    expect(await componentStatus(component.id)).toBe("operational");
    expect(await rows("SELECT actor FROM audit_log WHERE action = 'alert.resolve' AND target_id = ?1", alert.id)).toEqual([{ actor: "api" }]);
    const again = await admin("POST", `/alerts/${alert.id}/resolve`);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: "this alert is already resolved" });
    expect((await admin("POST", "/alerts/nosuchalert1/resolve")).status).toBe(404);
  });
});

describe("resolving an incident while its alert still fires", () => {
  it("resolves the alert, so the component is back to automatic; a newer trigger opens a new incident", async () => {
    const { component, integration, trigger, alert } = await firingOn("Resolved early");
    const update = await json(await admin("POST", `/incidents/${alert.incident_id}/updates`, { status: "resolved", body: "Fixed." }), 201);
    expect(update.affected_components).toEqual([{ code: component.id, name: component.name, old_status: "major_outage", new_status: "operational" }]);
    expect(await componentStatus(component.id)).toBe("operational");
    expect(await rows("SELECT status, resolved_at IS NOT NULL AS done FROM incidents WHERE id = ?1", alert.incident_id)).toEqual([
      { status: "resolved", done: 1 },
    ]);
    expect(await rows("SELECT status FROM alerts WHERE id = ?1", alert.id)).toEqual([{ status: "resolved" }]);
    // One update from the operator, no automatic "monitoring" step in between.
    expect(
      (await rows<{ status: string }>("SELECT status FROM incident_updates WHERE incident_id = ?1 ORDER BY created_at", alert.incident_id)).map(
        (u) => u.status,
      ),
    ).toEqual(["investigating", "resolved"]);
    // The monitor fires again later: a new incident.
    expect((await post(`/hooks/generic/${integration.key}`, trigger)).status).toBe(202);
    expect(await componentStatus(component.id)).toBe("major_outage");
    const open = await rows<{ id: string }>("SELECT incident_id AS id FROM alerts WHERE id = ?1", alert.id);
    expect(open[0]!.id).not.toBe(alert.incident_id);
  });
});

describe("deleting a component in use", () => {
  it("is a 409 naming the open incident, the maintenance and the link, and changes nothing; ?force=true detaches it, recorded", async () => {
    const { component, integration, alert } = await firingOn("In use");
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const later = new Date(Date.now() + 7_200_000).toISOString();
    const m = await json(
      await admin("POST", "/maintenances", { name: "Upgrade", scheduled_for: soon, scheduled_until: later, component_ids: [component.id] }),
      201,
    );
    const link = await json(await admin("POST", "/links", { integration_id: integration.id, match: { monitor: "m" }, component_ids: [component.id] }), 201);
    const refused = await admin("DELETE", `/components/${component.id}`);
    expect(refused.status).toBe(409);
    const { error } = (await refused.json()) as { error: string };
    for (const id of [alert.incident_id, m.id, link.id, integration.id]) expect(error).toContain(id);
    expect(await rows("SELECT id FROM components WHERE id = ?1", component.id)).toEqual([{ id: component.id }]);
    expect(await rows("SELECT incident_id FROM incident_components WHERE component_id = ?1 ORDER BY incident_id", component.id)).toHaveLength(2);

    expect((await admin("DELETE", `/components/${component.id}?force=maybe`)).status).toBe(400);
    expect((await admin("DELETE", `/components/${component.id}?force=true`)).status).toBe(204);
    expect(await rows("SELECT id FROM components WHERE id = ?1", component.id)).toEqual([]);
    const [audit] = await rows<{ after: string }>("SELECT after FROM audit_log WHERE action = 'component.delete' AND target_id = ?1", component.id);
    const after = JSON.parse(audit!.after);
    expect(after.forced).toBe(true);
    expect(after.detached_from.map((u: Json) => u.kind).sort()).toEqual(["incident", "integration", "link", "maintenance"]);
  });

  it("a component nothing uses is deleted without force", async () => {
    const c = await createComponent("Unused");
    expect((await admin("DELETE", `/components/${c.id}`)).status).toBe(204);
  });
});

describe("in the admin UI", () => {
  const TOKEN = "test-admin-token-0123456789abcdef0123";
  async function operator() {
    const res = await SELF.fetch(`${BASE}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
      body: new URLSearchParams({ token: TOKEN, name: "Stuck" }).toString(),
    });
    const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
    const page = await (await SELF.fetch(`${BASE}/admin`, { headers: { Cookie: cookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const submit = (path: string, fields: Record<string, string> = {}) =>
      SELF.fetch(`${BASE}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Referer: `${BASE}/admin` },
        body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      });
    const get = async (path: string) => (await SELF.fetch(`${BASE}${path}`, { headers: { Cookie: cookie } })).text();
    return { submit, get };
  }

  it("the incident page offers Resolve alert; the component page refuses an in-use delete with the reason, and forces it when asked", async () => {
    const op = await operator();
    const { component, integration, alert } = await firingOn("UI stuck");
    expect(await op.get(`/admin/incidents/${alert.incident_id}`)).toContain(`action="/admin/alerts/${alert.id}/resolve"`);
    const res = await op.submit(`/admin/alerts/${alert.id}/resolve`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin?ok=alert_resolved");
    expect(await op.get("/admin?ok=alert_resolved")).toContain("Alert resolved");
    expect(await componentStatus(component.id)).toBe("operational");

    const refused = await op.submit(`/admin/components/${component.id}/delete`, { confirm: "yes" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(alert.incident_id);
    expect(await rows("SELECT id FROM components WHERE id = ?1", component.id)).toHaveLength(1);
    expect((await op.submit(`/admin/components/${component.id}/delete`, { confirm: "yes", force: "true" })).status).toBe(303);
    expect(await rows("SELECT id FROM components WHERE id = ?1", component.id)).toEqual([]);

    expect((await op.submit(`/admin/integrations/${integration.id}/delete`, {})).status).toBe(400);
    expect((await op.submit(`/admin/integrations/${integration.id}/delete`, { confirm: "yes" })).status).toBe(303);
    expect(await rows("SELECT id FROM integrations WHERE id = ?1", integration.id)).toEqual([]);
  });
});
