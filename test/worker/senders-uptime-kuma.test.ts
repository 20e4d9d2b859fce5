// Uptime Kuma's webhook notification through the real worker and D1: down opens, up recovers,
// pending changes nothing, maintenance shows on the component without an incident, and the test
// notification answers 200.
import { describe, expect, it } from "vitest";
import down from "../fixtures/uptime-kuma/down.json";
import maintenance from "../fixtures/uptime-kuma/maintenance.json";
import pending from "../fixtures/uptime-kuma/pending.json";
import testNotification from "../fixtures/uptime-kuma/test-notification.json";
import up from "../fixtures/uptime-kuma/up.json";
import { componentStatus, createComponent, createIntegration, incidentsOn, post, rows, tableCounts } from "./helpers";

type Notification = { heartbeat: { monitorID: number; time: string }; monitor: { id: number; tags: unknown[] } };

/** A fixture as sent for monitor `id`, at ISO time `time`, tagged service=<slug>. */
function heartbeat(payload: Notification, slug: string, time: string, id = 12): Notification {
  const copy = structuredClone(payload);
  copy.heartbeat.monitorID = id;
  copy.heartbeat.time = time;
  copy.monitor.id = id;
  copy.monitor.tags = [{ id: 1, monitor_id: id, tag_id: 1, value: slug, name: "service", color: "#059669" }];
  return copy;
}

describe("POST /hooks/uptime-kuma/:key", () => {
  it("down → incident; pending changes nothing; up → operational and monitoring", async () => {
    const search = await createComponent("Search");
    const integ = await createIntegration("uptime-kuma");
    const url = `/hooks/uptime-kuma/${integ.key}`;

    const res = await post(url, heartbeat(down, search.slug, "2025-11-20 10:15:02.481"));
    expect(res.status).toBe(202);
    expect(await componentStatus(search.id)).toBe("major_outage");
    const [incident] = await incidentsOn(search.id);
    expect(incident).toMatchObject({ name: "Search API is down", status: "investigating" });
    // The integration publishes its alerts' titles only (public_text "summary", the default): the
    // monitor's message stays with the operators.
    expect(incident!.incident_updates[0]!.body).toBe("We are investigating issues with Search.");

    const before = await tableCounts();
    const still = await post(url, heartbeat(pending, search.slug, "2025-11-20 10:16:02.000"));
    expect(still.status).toBe(200);
    expect(await still.json()).toMatchObject({ events: 0, outcomes: [] });
    expect(await tableCounts()).toEqual(before);

    expect((await post(url, heartbeat(up, search.slug, "2025-11-20 10:32:02.113"))).status).toBe(202);
    expect(await componentStatus(search.id)).toBe("operational");
    expect(await incidentsOn(search.id)).toMatchObject([{ id: incident!.id, status: "monitoring" }]);
  });

  it("maintenance shows under_maintenance while it lasts and opens no incident", async () => {
    const email = await createComponent("Email");
    const integ = await createIntegration("uptime-kuma");
    const url = `/hooks/uptime-kuma/${integ.key}`;

    const res = await post(url, heartbeat(maintenance, email.slug, "2025-11-20 22:00:00.015", 31));
    expect(res.status).toBe(202);
    expect(((await res.json()) as { outcomes: string[] }).outcomes).toEqual(["applied"]);
    expect(await componentStatus(email.id)).toBe("under_maintenance");
    expect(await incidentsOn(email.id)).toEqual([]);
    expect(await rows("SELECT id FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id WHERE ic.component_id = ?1", email.id)).toEqual([]);

    expect((await post(url, heartbeat(up, email.slug, "2025-11-20 23:00:00.000", 31))).status).toBe(202);
    expect(await componentStatus(email.id)).toBe("operational");
    expect(await incidentsOn(email.id)).toEqual([]);
  });

  it("the integration's own components follow its monitors without tags (StatusHub style)", async () => {
    const cdn = await createComponent("CDN");
    const integ = await createIntegration("uptime-kuma", [cdn.id]);
    const untagged = { ...down, monitor: { ...down.monitor, tags: [] } };
    expect((await post(`/hooks/uptime-kuma/${integ.key}`, untagged)).status).toBe(202);
    expect(await componentStatus(cdn.id)).toBe("major_outage");
  });

  it("answers the test notification (null heartbeat) with 200 and changes nothing, but a wrong key still 401", async () => {
    const integ = await createIntegration("uptime-kuma");
    const before = await tableCounts();
    const res = await post(`/hooks/uptime-kuma/${integ.key}`, testNotification);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "accepted", events: 0 });
    expect(await tableCounts()).toEqual(before);
    expect((await post(`/hooks/uptime-kuma/${"n".repeat(32)}`, testNotification)).status).toBe(401);
  });
});
