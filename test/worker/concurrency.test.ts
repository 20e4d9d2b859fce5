// Senders deliver in parallel: a regional outage is dozens of alerts in the same second.
import { describe, expect, it } from "vitest";
import { componentStatus, createComponent, createIntegration, incidentsOn, post, rows } from "./helpers";

const SEVERITIES = ["warning", "error", "critical", "warning", "error"];

describe("parallel deliveries", () => {
  it("20 first-triggers on one component give one incident with all 20 alerts; 20 recoveries give monitoring", async () => {
    const api = await createComponent("Gateway");
    const integ = await createIntegration("generic", [api.id]);
    const send = (i: number, action: string) =>
      post(`/hooks/generic/${integ.key}`, {
        dedup_key: `storm-${i}`,
        action,
        severity: SEVERITIES[i % SEVERITIES.length],
        summary: `Probe ${i} failing`,
      });

    const triggers = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i, "trigger")));
    expect(triggers.map((r) => r.status)).toEqual(Array(20).fill(202));

    const open = await incidentsOn(api.id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ status: "investigating", impact: "critical" });
    const attached = await rows<{ n: number }>("SELECT count(*) AS n FROM alerts WHERE incident_id = ?1 AND status = 'firing'", open[0]!.id);
    expect(attached[0]!.n).toBe(20);
    expect(await componentStatus(api.id)).toBe("major_outage");

    const recoveries = await Promise.all(Array.from({ length: 20 }, (_, i) => send(i, "resolve")));
    expect(recoveries.map((r) => r.status)).toEqual(Array(20).fill(202));
    const after = await incidentsOn(api.id);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: open[0]!.id, status: "monitoring" });
    expect(await componentStatus(api.id)).toBe("operational");
    // Exactly two visible changes: operational → (worst so far) … → operational, never lost or doubled.
    const changes = await rows<{ to_status: string }>("SELECT to_status FROM component_status_changes WHERE component_id = ?1 ORDER BY id", api.id);
    expect(changes.at(-1)!.to_status).toBe("operational");
    expect(changes.filter((c) => c.to_status === "operational")).toHaveLength(1);
  });

  it("the same delivery sent 10 times at once gives one alert and one incident", async () => {
    const comp = await createComponent("Billing");
    const integ = await createIntegration("generic", [comp.id]);
    const body = { dedup_key: "same", action: "trigger", severity: "error", summary: "Billing down", occurred_at: "2026-11-22T08:00:00Z" };
    const res = await Promise.all(Array.from({ length: 10 }, () => post(`/hooks/generic/${integ.key}`, body)));
    expect(res.map((r) => r.status)).toEqual(Array(10).fill(202));
    const outcomes = await Promise.all(res.map(async (r) => ((await r.json()) as { outcomes: string[] }).outcomes[0]));
    expect(outcomes.filter((o) => o === "applied")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(9);
    expect(await rows("SELECT id FROM alerts WHERE integration_id = ?1", integ.id)).toHaveLength(1);
    expect(await incidentsOn(comp.id)).toHaveLength(1);
  });
});
