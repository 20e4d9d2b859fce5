// Heartbeat integrations and Alertmanager's Watchdog: pings keep a component green without writing to
// D1, the cron turns silence past the period and grace into an alert (an incident, by policy), and the
// next ping recovers it. Through the real worker, D1 and the Ingestor.
import { createExecutionContext, createScheduledController, env, SELF } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import resolved from "../fixtures/alertmanager/resolved.json";
import watchdog from "../fixtures/alertmanager/watchdog.json";
import { admin, BASE, componentStatus, createComponent, createIntegration, incidentsOn, post, rows } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const minute = 60_000;
async function cron(at: number) {
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, createExecutionContext());
}
const ping = (key: string, suffix = "", method = "GET") => SELF.fetch(`${BASE}/hooks/heartbeat/${key}${suffix}`, { method });
type Heartbeat = { status: string; last_ping_at: string | null; last_signal: string | null; due_at: string | null };
const heartbeatOf = async (id: string) => ((await (await admin("GET", `/integrations/${id}`)).json()) as { heartbeat?: Heartbeat }).heartbeat;
const deliveriesOf = async (id: string) => (await rows<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE integration_id = ?1", id))[0]!.n;

describe("heartbeat integrations", () => {
  it("stay green while pinged, fire after the period and grace on the cron alone, and recover on the next ping", async () => {
    const comp = await createComponent("Nightly backup");
    const integ = await createIntegration("heartbeat", [comp.id], { options: { heartbeat_period_seconds: 60, heartbeat_grace_seconds: 60 } });
    expect(integ.webhook_url).toContain(`/hooks/heartbeat/${integ.key}`);
    expect(await heartbeatOf(integ.id)).toMatchObject({ status: "new", last_ping_at: null, due_at: null });

    // Never pinged: new, never late.
    await cron(Date.now() + 10 * minute);
    expect(await componentStatus(comp.id)).toBe("operational");

    // A crontab's curl: GET, answered as Healthchecks.io answers.
    const first = await ping(integ.key);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe("OK");
    for (let i = 0; i < 5; i++) expect((await ping(integ.key, "", i % 2 ? "POST" : "GET")).status).toBe(200);
    const beat = (await heartbeatOf(integ.id))!;
    expect(beat).toMatchObject({ status: "up", last_signal: "success" });
    const pingedAt = Date.parse(beat.last_ping_at!);
    expect(Date.parse(beat.due_at!)).toBe(pingedAt + 120_000);
    // Pings that change nothing write nothing to D1: no delivery rows, no last delivery time.
    expect(await deliveriesOf(integ.id)).toBe(0);
    expect(
      (await rows<{ last_delivery_at: string | null }>("SELECT last_delivery_at FROM integrations WHERE id = ?1", integ.id))[0]!.last_delivery_at,
    ).toBeNull();

    // Within period + grace: still fine.
    await cron(pingedAt + 90_000);
    expect(await componentStatus(comp.id)).toBe("operational");

    // Past it: the cron alone fires the alert, with an incident, once.
    await cron(pingedAt + 3 * minute);
    expect(await componentStatus(comp.id)).toBe("major_outage");
    await cron(pingedAt + 4 * minute);
    const open = await incidentsOn(comp.id);
    expect(open).toHaveLength(1);
    expect(open[0]!.status).toBe("investigating");
    expect((await heartbeatOf(integ.id))!.status).toBe("down");
    expect(await deliveriesOf(integ.id)).toBe(1);

    // The next ping recovers it.
    expect((await ping(integ.key)).status).toBe(200);
    expect(await componentStatus(comp.id)).toBe("operational");
    expect((await incidentsOn(comp.id))[0]!.status).toBe("monitoring");
    expect((await heartbeatOf(integ.id))!.status).toBe("up");
  });

  it("reads /fail, exit statuses and /start as Healthchecks.io does", async () => {
    const comp = await createComponent("Deploy pipeline");
    const integ = await createIntegration("heartbeat", [comp.id], {
      options: { heartbeat_period_seconds: 3600, heartbeat_grace_seconds: 300, heartbeat_severity: "error" },
    });
    expect((await ping(integ.key, "/fail", "POST")).status).toBe(200);
    expect(await componentStatus(comp.id)).toBe("partial_outage");
    expect((await ping(integ.key, "/fail")).status).toBe(200); // already down: nothing new
    expect(await incidentsOn(comp.id)).toHaveLength(1);
    expect((await ping(integ.key, "/0")).status).toBe(200); // exit status 0 is a success
    expect(await componentStatus(comp.id)).toBe("operational");
    expect((await ping(integ.key, "/1")).status).toBe(200); // any other is a failure
    expect(await componentStatus(comp.id)).toBe("partial_outage");
    expect((await ping(integ.key)).status).toBe(200);
    expect(await componentStatus(comp.id)).toBe("operational");

    // A run that starts and never reports: late once the grace has passed, not the period.
    expect((await ping(integ.key, "/start")).status).toBe(200);
    const started = (await heartbeatOf(integ.id))!;
    expect(started.status).toBe("started");
    await cron(Date.now() + 2 * minute);
    expect(await componentStatus(comp.id)).toBe("operational");
    await cron(Date.now() + 6 * minute);
    expect(await componentStatus(comp.id)).toBe("partial_outage");
    expect((await ping(integ.key, "/log")).status).toBe(200); // a log line changes nothing
    expect(await componentStatus(comp.id)).toBe("partial_outage");
    expect((await ping(integ.key)).status).toBe(200);
    expect(await componentStatus(comp.id)).toBe("operational");
  });

  it("keeps a silence for operators only when the integration says so", async () => {
    const comp = await createComponent("Batch import");
    const integ = await createIntegration("heartbeat", [comp.id], { options: { heartbeat_scope: "operators" } });
    expect((await ping(integ.key, "/fail")).status).toBe(200);
    expect(await componentStatus(comp.id)).toBe("operational");
    expect(await incidentsOn(comp.id)).toHaveLength(0);
    const alerts = (await (await admin("GET", "/alerts?firing=1")).json()) as Array<{ integration_id: string; component_ids: string[] }>;
    expect(alerts.find((a) => a.integration_id === integ.id)).toMatchObject({ component_ids: [] });
    expect((await heartbeatOf(integ.id))!.status).toBe("down");
    expect((await ping(integ.key)).status).toBe(200);
    expect((await heartbeatOf(integ.id))!.status).toBe("up");
  });

  it("refuses unknown keys, other senders' keys and unknown signals, and bad settings naming the field", async () => {
    expect((await ping("0".repeat(32))).status).toBe(401);
    const generic = await createIntegration("generic");
    const wrong = await ping(generic.key);
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toContain("generic integration");
    const integ = await createIntegration("heartbeat");
    expect((await ping(integ.key, "/256")).status).toBe(404);
    expect((await ping(integ.key, "/stop")).status).toBe(404);
    // A heartbeat's key is not an alert sender's, not even on the PagerDuty endpoint, which takes any other key.
    expect((await post(`/hooks/generic/${integ.key}`, { dedup_key: "x", action: "trigger", severity: "critical", summary: "x" })).status).toBe(401);
    const pd = await post("/v2/enqueue", { routing_key: integ.key, event_action: "trigger", payload: { summary: "x", source: "x", severity: "critical" } });
    expect(pd.status).toBe(401);
    const bad = await admin("PATCH", `/integrations/${integ.id}`, { options: { heartbeat_period_seconds: 10 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe("options.heartbeat_period_seconds");
    const badScope = await admin("POST", "/integrations", { name: "x", source: "heartbeat", options: { heartbeat_scope: "public" } });
    expect(badScope.status).toBe(400);
  });
});

describe("Alertmanager's Watchdog", () => {
  it("is a heartbeat: kept without a D1 write, its silence an outage of the integration's components, the next one recovers", async () => {
    const monitoring = await createComponent("Monitoring");
    const integ = await createIntegration("alertmanager", [monitoring.id], {
      options: { watchdog_alert: "Watchdog", heartbeat_period_seconds: 60, heartbeat_grace_seconds: 120 },
    });
    const res = await post(`/hooks/alertmanager/${integ.key}`, watchdog);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ delivery_id: null, events: 0, heartbeat: "Watchdog" });
    expect(await deliveriesOf(integ.id)).toBe(0);
    expect(await componentStatus(monitoring.id)).toBe("operational");
    const beat = (await heartbeatOf(integ.id))!;
    expect(beat.status).toBe("up");

    // Other alerts of the same integration still go through as always, and are logged.
    expect((await post(`/hooks/alertmanager/${integ.key}`, resolved)).status).toBe(202);
    expect(await deliveriesOf(integ.id)).toBe(1);

    const at = Date.parse(beat.last_ping_at!);
    await cron(at + 2 * minute);
    const before = await incidentsOn(monitoring.id);
    await cron(at + 4 * minute);
    expect(await componentStatus(monitoring.id)).toBe("major_outage");
    const after = await incidentsOn(monitoring.id);
    expect(after.length).toBe(before.length + 1);
    expect(after.some((i) => /Watchdog/.test(i.name))).toBe(true);

    // Alertmanager is back: the next Watchdog recovers it.
    expect((await post(`/hooks/alertmanager/${integ.key}`, watchdog)).status).toBe(202);
    expect((await heartbeatOf(integ.id))!.status).toBe("up");
    const alerts = await rows<{ status: string }>("SELECT status FROM alerts WHERE integration_id = ?1 AND dedup_key = 'watchdog:Watchdog'", integ.id);
    expect(alerts).toEqual([{ status: "resolved" }]);
  });

  it("is an ordinary alert for an integration that names no Watchdog", async () => {
    const integ = await createIntegration("alertmanager");
    const res = await post(`/hooks/alertmanager/${integ.key}`, watchdog);
    expect(res.status).toBe(202);
    expect((await heartbeatOf(integ.id)) ?? null).toBeNull();
  });
});
