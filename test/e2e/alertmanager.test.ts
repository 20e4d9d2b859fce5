// A real Prometheus Alertmanager, configured as the README says (a webhook receiver with the key as
// bearer token, and a pagerduty receiver pointed at /v2/enqueue), delivers firing and resolved
// alerts to the local worker; the public summary.json shows what a reader would see.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type PostableAlert, type RunningAlertmanager, startAlertmanager } from "./alertmanager-process";

const base = inject("baseUrl");
// The demo integrations of db/seed.sql.
const ALERTMANAGER_KEY = "demoalertmanagerkey0000000000000";
const PAGERDUTY_KEY = "demopagerdutykey0000000000000000";
// Components no other e2e test touches.
const DATABASE = "cmpdb0000001";
const SEARCH = "cmpsearch001";

interface Summary {
  components: Array<{ id: string; status: string }>;
  incidents: Array<{ id: string; name: string; status: string; components: Array<{ id: string }> }>;
}
const summary = async () => (await (await fetch(`${base}/api/v2/summary.json`)).json()) as Summary;
const statusOf = (s: Summary, id: string) => s.components.find((c) => c.id === id)?.status;
const incidentsOn = (s: Summary, id: string) => s.incidents.filter((i) => i.components.some((c) => c.id === id));

/** Incidents this test opened: an operator resolves them at the end, so later tests see a quiet page. */
const opened = new Set<string>();

async function resolveAsOperator(id: string) {
  const res = await fetch(`${base}/admin/api/incidents/${id}/updates`, {
    method: "POST",
    headers: { Authorization: `Bearer ${inject("adminToken")}`, "Content-Type": "application/json" },
    body: JSON.stringify({ status: "resolved", body: "Resolved after the Alertmanager end-to-end test." }),
  });
  if (res.status !== 201) throw new Error(`resolving ${id}: ${res.status} ${await res.text()}`);
}

let am: RunningAlertmanager;
beforeAll(async () => {
  am = await startAlertmanager({
    webhookUrl: `${base}/hooks/alertmanager`,
    bearer: ALERTMANAGER_KEY,
    pagerdutyUrl: `${base}/v2/enqueue`,
    routingKey: PAGERDUTY_KEY,
  });
});
afterAll(async () => {
  am?.stop();
  for (const id of opened) await resolveAsOperator(id);
});

const iso = (offsetSeconds: number) => new Date(Date.now() + offsetSeconds * 1000).toISOString();
const startsAt = iso(-120);

// Two alert groups (group_by alertname, service): DiskFull on the database (two alerts of mixed
// severity, so the pagerduty receiver's severity arrives empty) and SearchDown on search.
function diskFull(instance: string, severity: string, endsAt: string): PostableAlert {
  return {
    labels: { alertname: "DiskFull", service: "database", severity, instance },
    annotations: { summary: `Disk almost full on ${instance}`, description: "Less than 3% left on /var/lib/postgresql" },
    startsAt,
    endsAt,
    generatorURL: "http://prometheus.e2e:9090/graph?g0.expr=disk",
  };
}
const searchDown = (endsAt: string): PostableAlert => ({
  labels: { alertname: "SearchDown", service: "search", severity: "warning", instance: "search-1:9200" },
  annotations: { summary: "Search is answering slowly" },
  startsAt,
  endsAt,
});

/** Polls summary.json until `check` passes (it throws while it does not). */
async function eventually(check: (s: Summary) => void, what: string): Promise<Summary> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const s = await summary();
    try {
      check(s);
      return s;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`${what}: ${(err as Error).message}\nsummary: ${JSON.stringify(s)}\nalertmanager log:\n${am.output().slice(-4000)}`);
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("Prometheus Alertmanager → webhook and pagerduty receivers → status page", () => {
  it("opens one incident per alert group, keeps it through a partial recovery, and moves it to monitoring on recovery", async () => {
    // Firing, as Prometheus posts them: endsAt a little ahead, renewed while the alert lasts.
    await am.postAlerts([diskFull("db-1:9100", "critical", iso(600)), diskFull("db-2:9100", "warning", iso(600)), searchDown(iso(600))]);

    const firing = await eventually((s) => {
      expect(statusOf(s, DATABASE)).toBe("major_outage"); // the critical alert wins over the group's "" (error)
      expect(statusOf(s, SEARCH)).toBe("degraded_performance");
      expect(incidentsOn(s, DATABASE)).toHaveLength(1);
      expect(incidentsOn(s, SEARCH)).toHaveLength(1);
    }, "firing alerts did not show");
    const [dbIncident] = incidentsOn(firing, DATABASE);
    const [searchIncident] = incidentsOn(firing, SEARCH);
    opened.add(dbIncident!.id).add(searchIncident!.id);
    expect(dbIncident!.id).not.toBe(searchIncident!.id);
    expect(dbIncident).toMatchObject({ status: "investigating" });
    // Both receivers have delivered before we go on, so nothing arrives late into the next step.
    await expect.poll(() => am.counter("alertmanager_notifications_total", { integration: "pagerduty" }), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => am.counter("alertmanager_notifications_total", { integration: "webhook" }), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);

    // The warning on db-2 resolves: the group is still firing, the incident stays open.
    await am.postAlerts([diskFull("db-2:9100", "warning", iso(-1))]);
    await expect.poll(() => am.counter("alertmanager_notifications_total", { integration: "webhook" }), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    const partial = await summary();
    expect(statusOf(partial, DATABASE)).toBe("major_outage");
    expect(incidentsOn(partial, DATABASE)).toMatchObject([{ id: dbIncident!.id, status: "investigating" }]);

    // Everything resolves.
    await am.postAlerts([diskFull("db-1:9100", "critical", iso(-1)), searchDown(iso(-1))]);
    const recovered = await eventually((s) => {
      expect(statusOf(s, DATABASE)).toBe("operational");
      expect(statusOf(s, SEARCH)).toBe("operational");
      expect(incidentsOn(s, DATABASE)).toMatchObject([{ id: dbIncident!.id, status: "monitoring" }]);
      expect(incidentsOn(s, SEARCH)).toMatchObject([{ id: searchIncident!.id, status: "monitoring" }]);
    }, "the recovery did not show");
    expect(recovered.incidents.filter((i) => i.id === dbIncident!.id || i.id === searchIncident!.id)).toHaveLength(2);

    // Not one notification failed, on either integration (a 4xx or 5xx would count here).
    for (const integration of ["webhook", "pagerduty"]) {
      expect(await am.counter("alertmanager_notifications_failed_total", { integration }), integration).toBe(0);
    }
    expect(await am.counter("alertmanager_notifications_total", { integration: "pagerduty" })).toBeGreaterThanOrEqual(4);
  });
});
