// The cron trigger through the worker's real scheduled handler: maintenance windows start and end on
// their own, quiet incidents in monitoring auto-resolve. Page settings live here too: auto-resolve
// reads them, and one file runs its tests in order.
import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { afterAll, describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import { admin, createComponent, createIntegration, post, rows, unique } from "./helpers";

// Many requests per test through real workerd + D1: generous when the machine is busy.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

type Json = Record<string, any>;

async function json(res: Response, status: number): Promise<any> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** One cron run, as Cloudflare would make it at `at`. */
async function cron(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
}

const minute = 60_000;
const iso = (t: number) => new Date(t).toISOString();
const component = async (id: string) => json(await admin("GET", `/components/${id}`), 200);
const maintenance = async (id: string) => (await rows<Json>("SELECT * FROM incidents WHERE id = ?1", id))[0]!;
const updates = async (id: string) =>
  (await rows<Json>("SELECT status, body, affected_components FROM incident_updates WHERE incident_id = ?1 ORDER BY created_at, rowid", id)).map((u) => ({
    ...u,
    affected_components: u.affected_components ? JSON.parse(u.affected_components) : null,
  }));

describe("maintenance windows", () => {
  it("start at scheduled_for and end at scheduled_until, with updates, status history and audit rows", async () => {
    const c = await createComponent("Warehouse");
    // Whole minutes ahead, as the cron sees them.
    const start = Math.ceil(Date.now() / minute) * minute + 10 * minute;
    const m = await json(
      await admin("POST", "/maintenances", {
        name: "Re-index",
        body: "Search re-index",
        scheduled_for: iso(start),
        scheduled_until: iso(start + 30 * minute),
        component_ids: [c.id],
      }),
      201,
    );

    await cron(start - minute);
    expect((await maintenance(m.id)).status).toBe("scheduled");

    await cron(start);
    expect((await maintenance(m.id)).status).toBe("in_progress");
    expect(await component(c.id)).toMatchObject({ status: "under_maintenance", in_maintenance: true });

    await cron(start + 29 * minute);
    expect((await maintenance(m.id)).status).toBe("in_progress");

    await cron(start + 30 * minute);
    expect(await maintenance(m.id)).toMatchObject({ status: "completed", resolved_at: iso(start + 30 * minute) });
    expect(await component(c.id)).toMatchObject({ status: "operational", in_maintenance: false });

    await cron(start + 31 * minute); // nothing left to do
    expect(await updates(m.id)).toEqual([
      { status: "scheduled", body: "Search re-index", affected_components: null },
      {
        status: "in_progress",
        body: expect.stringContaining("in progress"),
        affected_components: [{ code: c.id, name: c.name, old_status: "operational", new_status: "under_maintenance" }],
      },
      {
        status: "completed",
        body: expect.stringContaining("completed"),
        affected_components: [{ code: c.id, name: c.name, old_status: "under_maintenance", new_status: "operational" }],
      },
    ]);
    expect(await rows("SELECT from_status, to_status, at FROM component_status_changes WHERE component_id = ?1 ORDER BY id", c.id)).toEqual([
      { from_status: "operational", to_status: "under_maintenance", at: iso(start) },
      { from_status: "under_maintenance", to_status: "operational", at: iso(start + 30 * minute) },
    ]);
    expect(await rows("SELECT actor, action FROM audit_log WHERE target_id = ?1 ORDER BY id", m.id)).toEqual([
      { actor: "api", action: "maintenance.create" },
      { actor: "cron", action: "maintenance.start" },
      { actor: "cron", action: "maintenance.complete" },
    ]);
  });

  it("an override still wins during maintenance; overlapping windows keep a component in maintenance until the last ends", async () => {
    const a = await createComponent("Rack A");
    const b = await createComponent("Rack B");
    const start = Math.ceil(Date.now() / minute) * minute + 60 * minute;
    const first = await json(
      await admin("POST", "/maintenances", {
        name: "One",
        body: "x",
        scheduled_for: iso(start),
        scheduled_until: iso(start + 20 * minute),
        component_ids: [a.id, b.id],
      }),
      201,
    );
    const second = await json(
      await admin("POST", "/maintenances", {
        name: "Two",
        body: "y",
        scheduled_for: iso(start + 10 * minute),
        scheduled_until: iso(start + 40 * minute),
        component_ids: [b.id],
      }),
      201,
    );
    await admin("PUT", `/components/${a.id}/status`, { status: "partial_outage" });
    await cron(start);
    expect(await component(a.id)).toMatchObject({ status: "partial_outage", in_maintenance: true });
    expect(await component(b.id)).toMatchObject({ status: "under_maintenance" });
    await cron(start + 10 * minute);
    await cron(start + 20 * minute);
    expect((await maintenance(first.id)).status).toBe("completed");
    expect(await component(a.id)).toMatchObject({ status: "partial_outage", in_maintenance: false });
    expect(await component(b.id)).toMatchObject({ status: "under_maintenance", in_maintenance: true });
    await cron(start + 40 * minute);
    expect((await maintenance(second.id)).status).toBe("completed");
    expect(await component(b.id)).toMatchObject({ status: "operational", in_maintenance: false });
  });
});

describe("page settings and auto-resolve", () => {
  let original: Json;
  afterAll(async () => {
    if (original)
      await admin("PUT", "/settings", {
        name: original.name,
        url: original.url,
        time_zone: original.time_zone,
        auto_resolve_minutes: original.auto_resolve_minutes,
      });
  });

  it("reads and writes the settings, with the audit row, and names the field it refuses", async () => {
    original = await json(await admin("GET", "/settings"), 200);
    const put = await json(
      await admin("PUT", "/settings", {
        name: "Acme status",
        url: "https://status.acme.test",
        time_zone: "Europe/Paris",
        auto_resolve_minutes: null,
      }),
      200,
    );
    expect(put).toMatchObject({
      name: "Acme status",
      url: "https://status.acme.test",
      time_zone: "Europe/Paris",
      auto_resolve_minutes: null,
    });
    const [last] = await rows<Json>("SELECT * FROM audit_log WHERE action = 'settings.update' ORDER BY id DESC LIMIT 1");
    expect(JSON.parse(last!.after)).toMatchObject({ time_zone: "Europe/Paris" });
    const bad = (body: Json) => admin("PUT", "/settings", { name: "x", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null, ...body });
    expect(await json(await bad({ time_zone: "Mars/Olympus" }), 400)).toMatchObject({ field: "time_zone" });
    expect(await json(await bad({ url: "javascript:alert(1)" }), 400)).toMatchObject({ field: "url" });
    expect(await json(await bad({ auto_resolve_minutes: 0 }), 400)).toMatchObject({ field: "auto_resolve_minutes" });
    expect(await json(await bad({ name: "" }), 400)).toMatchObject({ field: "name" });
  });

  it("resolves an incident in monitoring after N quiet minutes, never one with recent alerts", async () => {
    const quiet = await createComponent("Quiet");
    const noisy = await createComponent("Noisy");
    const integ = await createIntegration("generic", [quiet.id]);
    const integ2 = await createIntegration("generic", [noisy.id]);
    const k1 = unique("q");
    const k2 = unique("n");
    await post(`/hooks/generic/${integ.key}`, { dedup_key: k1, action: "trigger", severity: "error", summary: "Quiet down" });
    await post(`/hooks/generic/${integ.key}`, { dedup_key: k1, action: "resolve" });
    await post(`/hooks/generic/${integ2.key}`, { dedup_key: k2, action: "trigger", severity: "error", summary: "Noisy down" });
    await post(`/hooks/generic/${integ2.key}`, { dedup_key: k2, action: "resolve" });
    const incidentOn = async (componentId: string) =>
      (await rows<Json>("SELECT i.* FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id WHERE ic.component_id = ?1", componentId))[0]!;
    const q = await incidentOn(quiet.id);
    const n = await incidentOn(noisy.id);
    expect([q.status, n.status]).toEqual(["monitoring", "monitoring"]);
    // The quiet one has been in monitoring for two hours; the other's last alert was just now.
    const twoHoursAgo = iso(Date.now() - 120 * minute);
    await env.DB.prepare("UPDATE incidents SET monitoring_at = ?2, last_alert_at = ?2 WHERE id = ?1").bind(q.id, twoHoursAgo).run();

    await admin("PUT", "/settings", { name: "Acme status", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null });
    await cron(Date.now());
    expect((await incidentOn(quiet.id)).status).toBe("monitoring"); // off by default

    await admin("PUT", "/settings", { name: "Acme status", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: 60 });
    const now = Date.now();
    await cron(now);
    expect(await incidentOn(quiet.id)).toMatchObject({ status: "resolved", resolved_at: iso(now) });
    expect((await incidentOn(noisy.id)).status).toBe("monitoring");
    const [update] = await rows<Json>("SELECT * FROM incident_updates WHERE incident_id = ?1 ORDER BY created_at DESC, rowid DESC LIMIT 1", q.id);
    expect(update).toMatchObject({ status: "resolved", body: expect.stringContaining("60 minutes") });
    expect(await rows("SELECT actor, action FROM audit_log WHERE target_id = ?1", q.id)).toEqual([{ actor: "cron", action: "incident.auto_resolve" }]);
  });
});
