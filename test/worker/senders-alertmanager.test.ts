// Alertmanager's webhook receiver through the real worker and D1: many alerts per delivery, each by
// its own status, routed by their `service` label; the key in the path or as a bearer token.
import { describe, expect, it } from "vitest";
import firing from "../fixtures/alertmanager/firing.json";
import mixed from "../fixtures/alertmanager/mixed-firing-resolved.json";
import resolved from "../fixtures/alertmanager/resolved.json";
import { componentStatus, createComponent, createIntegration, incidentsOn, post, rows, tableCounts } from "./helpers";

type Group = typeof firing;

/** A captured delivery, its `service` label pointed at a component of this test. */
function forService<T extends Group>(delivery: T, slug: string, fingerprintPrefix = ""): T {
  const copy = structuredClone(delivery);
  for (const a of copy.alerts) {
    (a.labels as Record<string, string>).service = slug;
    a.fingerprint = fingerprintPrefix + a.fingerprint;
  }
  return copy;
}

const outcomes = async (res: Response) => ((await res.json()) as { outcomes: string[] }).outcomes;

describe("POST /hooks/alertmanager/:key", () => {
  it("firing → mixed → resolved: one incident for the group, worst severity, recovery moves it to monitoring", async () => {
    const db = await createComponent("Database");
    const integ = await createIntegration("alertmanager");
    const url = `/hooks/alertmanager/${integ.key}`;

    const first = await post(url, forService(firing, db.slug));
    expect(first.status).toBe(202);
    expect(await outcomes(first)).toEqual(["applied", "applied"]);
    expect(await componentStatus(db.id)).toBe("major_outage"); // critical beats warning
    const [incident] = await incidentsOn(db.id);
    expect(incident).toMatchObject({ status: "investigating", impact: "critical", name: "Disk almost full on db-1" });
    expect(await rows("SELECT dedup_key FROM alerts WHERE integration_id = ?1 ORDER BY dedup_key", integ.id)).toEqual([
      { dedup_key: "158fed66017bb9b3" },
      { dedup_key: "5d2a58616f19afe3" },
    ]);

    // The group still says firing; the warning alert inside it has resolved.
    const partial = await post(url, forService(mixed, db.slug));
    expect(await outcomes(partial)).toEqual(["duplicate", "applied"]);
    expect(await componentStatus(db.id)).toBe("major_outage");
    expect(await incidentsOn(db.id)).toMatchObject([{ id: incident!.id, status: "investigating" }]);

    const last = await post(url, forService(resolved, db.slug));
    expect(await outcomes(last)).toEqual(["applied"]);
    expect(await componentStatus(db.id)).toBe("operational");
    expect(await incidentsOn(db.id)).toMatchObject([{ id: incident!.id, status: "monitoring" }]);
  });

  it("a repeated notification (Alertmanager's repeat_interval or a retry) changes nothing", async () => {
    const db = await createComponent("Replica");
    const integ = await createIntegration("alertmanager");
    const body = forService(firing, db.slug);
    await post(`/hooks/alertmanager/${integ.key}`, body);
    const before = await tableCounts();
    const again = await post(`/hooks/alertmanager/${integ.key}`, `${JSON.stringify(body)}\n`);
    expect(again.status).toBe(202);
    expect(await outcomes(again)).toEqual(["duplicate", "duplicate"]);
    expect(await tableCounts()).toEqual(before);
  });

  it("routes each alert by its own labels: two services in one delivery", async () => {
    const search = await createComponent("Search");
    const email = await createComponent("Email");
    const integ = await createIntegration("alertmanager");
    const body = forService(firing, search.slug);
    (body.alerts[1]!.labels as Record<string, string>).service = email.slug;
    expect((await post(`/hooks/alertmanager/${integ.key}`, body)).status).toBe(202);
    expect(await componentStatus(search.id)).toBe("major_outage");
    expect(await componentStatus(email.id)).toBe("degraded_performance");
  });

  it("takes a 300-alert group in one delivery, atomically", async () => {
    const metrics = await createComponent("Metrics");
    const integ = await createIntegration("alertmanager");
    const alerts = Array.from({ length: 300 }, (_, i) => ({
      status: "firing",
      labels: { alertname: "TargetDown", service: metrics.slug, instance: `node-${i}:9100`, severity: i === 7 ? "critical" : "warning" },
      annotations: { summary: `node-${i} is down`, description: "x".repeat(200) },
      startsAt: "2026-11-23T10:00:00Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus:9090/graph?g0.expr=up%3D%3D0",
      fingerprint: `big${String(i).padStart(13, "0")}`,
    }));
    const res = await post(`/hooks/alertmanager/${integ.key}`, { ...firing, alerts });
    expect(res.status).toBe(202);
    expect(await outcomes(res)).toHaveLength(300);
    expect(await rows("SELECT id FROM alerts WHERE integration_id = ?1", integ.id)).toHaveLength(300);
    expect(await incidentsOn(metrics.id)).toHaveLength(1);
    expect(await componentStatus(metrics.id)).toBe("major_outage");

    const allResolved = alerts.map((a) => ({ ...a, status: "resolved", endsAt: "2026-11-23T10:30:00Z" }));
    expect((await post(`/hooks/alertmanager/${integ.key}`, { ...resolved, alerts: allResolved })).status).toBe(202);
    expect(await componentStatus(metrics.id)).toBe("operational");
    expect(await incidentsOn(metrics.id)).toMatchObject([{ status: "monitoring" }]);
  });
});

describe("POST /hooks/alertmanager with the key as http_config credentials", () => {
  it.each([
    ["a bearer token (http_config.authorization)", (key: string) => `Bearer ${key}`],
    ["basic auth, the key as password", (key: string) => `Basic ${btoa(`alertmanager:${key}`)}`],
  ])("accepts %s", async (_, header) => {
    const cdn = await createComponent("CDN");
    const integ = await createIntegration("alertmanager");
    const res = await post("/hooks/alertmanager", forService(firing, cdn.slug), { Authorization: header(integ.key) });
    expect(res.status).toBe(202);
    expect(await componentStatus(cdn.id)).toBe("major_outage");
  });

  it.each([
    ["no Authorization header", undefined],
    ["an unknown bearer token", `Bearer ${"q".repeat(32)}`],
    ["a malformed header", "Token abc"],
  ])("answers 401 for %s and writes nothing", async (_, header) => {
    const before = await tableCounts();
    const res = await post("/hooks/alertmanager", firing, header ? { Authorization: header } : {});
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/key/);
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses the key of another sender's integration", async () => {
    const integ = await createIntegration("grafana");
    const res = await post("/hooks/alertmanager", firing, { Authorization: `Bearer ${integ.key}` });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toContain("grafana");
  });
});
