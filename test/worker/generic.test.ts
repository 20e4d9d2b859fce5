import { describe, expect, it } from "vitest";
import { componentStatus, createComponent, createIntegration, incidentsOn, post, rows, tableCounts } from "./helpers";

const trigger = (dedup_key: string, extra: Record<string, unknown> = {}) => ({
  dedup_key,
  action: "trigger",
  severity: "critical",
  summary: `Checkout failing (${dedup_key})`,
  details: "5xx rate above 20% for 5 minutes",
  ...extra,
});

describe("generic receiver: alert → component status → incident", () => {
  it("opens an investigating incident on trigger and moves it to monitoring on resolve", async () => {
    const api = await createComponent("API");
    const integ = await createIntegration("generic", [api.id]);

    const res = await post(`/hooks/generic/${integ.key}`, trigger("checkout-5xx"));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: "accepted", events: 1, outcomes: ["applied"] });
    expect(await componentStatus(api.id)).toBe("major_outage");
    const [incident] = await incidentsOn(api.id);
    expect(incident).toMatchObject({ status: "investigating", impact: "critical", name: "Checkout failing (checkout-5xx)" });
    expect(incident!.incident_updates[0]).toMatchObject({
      status: "investigating",
      // public_text "summary" (the default): a neutral sentence; the details stay with the operators.
      body: "We are investigating issues with API.",
      affected_components: [{ code: api.id, name: "API", old_status: "operational", new_status: "major_outage" }],
    });

    const recovered = await post(`/hooks/generic/${integ.key}`, { dedup_key: "checkout-5xx", action: "resolve" });
    expect(recovered.status).toBe(202);
    expect(await componentStatus(api.id)).toBe("operational");
    const [after] = await incidentsOn(api.id);
    expect(after).toMatchObject({ id: incident!.id, status: "monitoring" });
    expect(after!.incident_updates.map((u) => u.status)).toEqual(["monitoring", "investigating"]);

    const changes = await rows<{ from_status: string; to_status: string }>(
      "SELECT from_status, to_status FROM component_status_changes WHERE component_id = ?1 ORDER BY id",
      api.id,
    );
    expect(changes).toEqual([
      { from_status: "operational", to_status: "major_outage" },
      { from_status: "major_outage", to_status: "operational" },
    ]);
  });

  it("treats the same delivery twice as one: one incident, no second write of state", async () => {
    const api = await createComponent("Search");
    const integ = await createIntegration("generic", [api.id]);
    const body = trigger("dup-1", { occurred_at: "2026-11-20T10:00:00.000Z" });
    expect((await post(`/hooks/generic/${integ.key}`, body)).status).toBe(202);
    const before = await tableCounts();
    const again = await post(`/hooks/generic/${integ.key}`, body);
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ outcomes: ["duplicate"] });
    expect(await tableCounts()).toEqual(before);
    expect(await incidentsOn(api.id)).toHaveLength(1);
  });

  it("routes by a service:<slug> tag without any link", async () => {
    const web = await createComponent("Web");
    const integ = await createIntegration("generic");
    await post(`/hooks/generic/${integ.key}`, trigger("by-slug", { severity: "warning", tags: { service: web.slug } }));
    expect(await componentStatus(web.id)).toBe("degraded_performance");
  });

  it("routes by links: monitor name and tag value, with a link status override", async () => {
    const db = await createComponent("Database");
    const queue = await createComponent("Queue");
    const integ = await createIntegration("generic");
    const { admin } = await import("./helpers");
    expect((await admin("POST", "/links", { integration_id: integ.id, match: { monitor: "Postgres primary" }, component_ids: [db.id] })).status).toBe(201);
    expect(
      (
        await admin("POST", "/links", {
          integration_id: integ.id,
          match: { tag: "team=queues" },
          component_ids: [queue.id],
          status: "degraded_performance",
        })
      ).status,
    ).toBe(201);
    await post(`/hooks/generic/${integ.key}`, trigger("pg", { monitor: { name: "postgres PRIMARY" }, severity: "error" }));
    await post(`/hooks/generic/${integ.key}`, trigger("q", { tags: { team: "queues" } }));
    expect(await componentStatus(db.id)).toBe("partial_outage");
    expect(await componentStatus(queue.id)).toBe("degraded_performance");
  });

  it("records an unrouted alert without opening an incident", async () => {
    const integ = await createIntegration("generic");
    const res = await post(`/hooks/generic/${integ.key}`, trigger("nowhere"));
    expect(await res.json()).toMatchObject({ outcomes: ["unrouted"] });
    const [alert] = await rows<{ status: string; incident_id: string | null }>("SELECT status, incident_id FROM alerts WHERE integration_id = ?1", integ.id);
    expect(alert).toEqual({ status: "firing", incident_id: null });
  });
});
