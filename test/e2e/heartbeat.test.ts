// Heartbeats as a new user tries them: a crontab-style `curl` keeps a component green; once it stops,
// the cron alone (wrangler dev's scheduled handler, at a later minute) turns it red with an incident, and
// the next ping recovers it. Then the same with a real Alertmanager whose Watchdog stops arriving, and
// a heartbeat's last ping kept across a hard kill of the server.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
// @ts-expect-error plain ESM helper shared with npm start
import { freePort, prepareDatabase, startWorker, workerConfig } from "../../scripts/lib.mjs";
import { type RunningAlertmanager, startAlertmanager, watchdogConfig } from "./alertmanager-process";

const base = inject("baseUrl");
const headers = { Authorization: `Bearer ${inject("adminToken")}`, "Content-Type": "application/json" };

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/admin/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** The every-minute cron, as wrangler dev's scheduled handler runs it, at `at` (ms). */
async function cron(at: number) {
  const res = await fetch(`${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${at}`);
  expect(res.status).toBe(200);
}

type Summary = {
  components: Array<{ id: string; status: string }>;
  incidents: Array<{ id: string; name: string; status: string; components: Array<{ id: string }> }>;
};
const summary = async () => (await (await fetch(`${base}/api/v2/summary.json`)).json()) as Summary;
const statusOf = async (id: string) => (await summary()).components.find((c) => c.id === id)?.status;
const incidentOn = async (id: string) => (await summary()).incidents.find((i) => i.components.some((c) => c.id === id));
const heartbeat = async (id: string) => (await api<{ heartbeat: { status: string; last_ping_at: string | null } }>("GET", `/integrations/${id}`)).heartbeat;

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, extra = () => ""): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: last ${JSON.stringify(v)}\n${extra()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const opened = new Set<string>();
/** What the tests made on the shared stack: removed afterwards, so that no later cron finds them late. */
const made = { integrations: [] as string[], components: [] as string[] };
let am: RunningAlertmanager | undefined;
afterAll(async () => {
  am?.stop();
  for (const id of opened)
    await api("POST", `/incidents/${id}/updates`, { status: "resolved", body: "Resolved after the heartbeat end-to-end test." }).catch(() => {});
  for (const id of made.integrations) await api("DELETE", `/integrations/${id}`).catch(() => {});
  for (const id of made.components) await api("DELETE", `/components/${id}`).catch(() => {});
});

describe("a heartbeat pinged by curl", () => {
  it("stays green while pinged, goes red on the cron alone once silent past period and grace, and recovers on the next ping", async () => {
    const comp = await api<{ id: string }>("POST", "/components", { name: "Order sync job", slug: `order-sync-${Date.now().toString(36)}` });
    made.components.push(comp.id);
    const integ = await api<{ id: string; webhook_url: string }>("POST", "/integrations", {
      name: "Order sync cron",
      source: "heartbeat",
      component_ids: [comp.id],
      options: { heartbeat_period_seconds: 60, heartbeat_grace_seconds: 60 },
    });
    made.integrations.push(integ.id);
    // The crontab line the guide gives: curl -fsS -m 10 --retry 5 -o /dev/null <url>
    const ping = () => execFileSync("curl", ["-fsS", "-m", "10", "--retry", "5", integ.webhook_url], { encoding: "utf8" });
    expect(ping()).toBe("OK");
    const pingedAt = Date.parse((await heartbeat(integ.id)).last_ping_at!);
    expect((await heartbeat(integ.id)).status).toBe("up");

    await cron(pingedAt + 90_000);
    expect(await statusOf(comp.id)).toBe("operational");

    // Stopped: two minutes later the cron turns it red, with an incident, and no other request.
    await cron(pingedAt + 180_000);
    expect(await statusOf(comp.id)).toBe("major_outage");
    const incident = (await incidentOn(comp.id))!;
    opened.add(incident.id);
    expect(incident.status).toBe("investigating");
    expect((await heartbeat(integ.id)).status).toBe("down");

    expect(ping()).toBe("OK");
    expect(await statusOf(comp.id)).toBe("operational");
    expect((await incidentOn(comp.id))!.status).toBe("monitoring");
  });
});

describe("Alertmanager's Watchdog", () => {
  it("keeps a monitoring component green while it arrives; when Alertmanager stops, the cron turns it red; the next Watchdog recovers it", async () => {
    const comp = await api<{ id: string }>("POST", "/components", { name: "Monitoring", slug: `monitoring-${Date.now().toString(36)}` });
    made.components.push(comp.id);
    const integ = await api<{ id: string; key: string }>("POST", "/integrations", {
      name: "Prometheus Watchdog",
      source: "alertmanager",
      component_ids: [comp.id],
      options: { watchdog_alert: "Watchdog", heartbeat_period_seconds: 60, heartbeat_grace_seconds: 60 },
    });
    made.integrations.push(integ.id);
    const watchdog = () => ({
      labels: { alertname: "Watchdog", severity: "none", prometheus: "monitoring/k8s" },
      annotations: { summary: "An alert that should always be firing to certify that Alertmanager is working properly." },
      startsAt: new Date(Date.now() - 60_000).toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const start = async () => {
      am = await startAlertmanager({ yaml: watchdogConfig(`${base}/hooks/alertmanager`, integ.key) });
      await am.postAlerts([watchdog()]);
    };
    await start();
    const up = await eventually(
      () => heartbeat(integ.id),
      (h) => h.status === "up",
      "the Watchdog reaches the page",
      () => am!.output().slice(-3000),
    );
    // The Watchdog alone opens nothing and is not logged as a delivery.
    expect(await statusOf(comp.id)).toBe("operational");
    expect(await api<unknown[]>("GET", `/deliveries?integration_id=${integ.id}`)).toEqual([]);

    am!.stop();
    await cron(Date.parse(up.last_ping_at!) + 180_000);
    expect(await statusOf(comp.id)).toBe("major_outage");
    const incident = (await incidentOn(comp.id))!;
    opened.add(incident.id);
    expect(incident.name).toContain("Watchdog");

    await start();
    await eventually(
      () => statusOf(comp.id),
      (s) => s === "operational",
      "the next Watchdog recovers it",
      () => am!.output().slice(-3000),
    );
    expect((await heartbeat(integ.id)).status).toBe("up");
  });
});

describe("a heartbeat across a hard kill", () => {
  it("keeps its last ping: after a restart on the same storage, the cron still finds it late", { timeout: 180_000 }, async () => {
    const token = "e2e-heartbeat-token-0123456789abcdef0123456789";
    const persistTo = mkdtempSync(join(tmpdir(), "status-heartbeat-"));
    const workers: Array<{ url: string; stop: () => void; kill: () => void }> = [];
    const start = async () => {
      const w = (await startWorker({ port: await freePort(), persistTo, adminToken: token, config: workerConfig() })) as (typeof workers)[number];
      workers.push(w);
      return w;
    };
    const call = async (url: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}/admin/api${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await res.json()) as any;
    };
    try {
      prepareDatabase(persistTo);
      const first = await start();
      const comp = await call(first.url, "POST", "/components", { name: "Backup", slug: "backup-job" });
      const integ = await call(first.url, "POST", "/integrations", { name: "Backup", source: "heartbeat", component_ids: [comp.id] });
      expect(await (await fetch(`${first.url}/hooks/heartbeat/${integ.key}`)).text()).toBe("OK");
      const pingedAt = Date.parse((await call(first.url, "GET", `/integrations/${integ.id}`)).heartbeat.last_ping_at);
      first.kill();

      const second = await start();
      expect((await call(second.url, "GET", `/integrations/${integ.id}`)).heartbeat).toMatchObject({ status: "up", last_signal: "success" });
      const res = await fetch(`${second.url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${pingedAt + 180_000}`);
      expect(res.status).toBe(200);
      const s = (await (await fetch(`${second.url}/api/v2/summary.json`)).json()) as Summary;
      expect(s.components.find((c) => c.id === comp.id)?.status).toBe("major_outage");
    } finally {
      for (const w of workers) w.stop();
      rmSync(persistTo, { recursive: true, force: true });
    }
  });
});
