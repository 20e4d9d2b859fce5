// Heartbeat: an integration with an expected interval that has sent nothing for longer is flagged to
// operators (the admin API), and never shown to the public.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, BASE, createComponent, createIntegration, post } from "./helpers";

type Integration = { id: string; silent: boolean; expected_interval_minutes: number | null };
const find = async (id: string) => ((await (await admin("GET", "/integrations")).json()) as Integration[]).find((i) => i.id === id)!;

describe("integration heartbeat", () => {
  it("flags an integration silent past its expected interval, and clears the flag on the next delivery", async () => {
    const comp = await createComponent("Heartbeat target");
    const integ = await createIntegration("generic", [comp.id]);
    expect(await find(integ.id)).toMatchObject({ expected_interval_minutes: null, silent: false });

    const res = await admin("PATCH", `/integrations/${integ.id}`, { expected_interval_minutes: 5 });
    expect(res.status).toBe(200);
    expect((await find(integ.id)).silent).toBe(false); // created just now

    // Its last sign of life 10 minutes ago.
    const past = new Date(Date.now() - 10 * 60_000).toISOString();
    await env.DB.prepare("UPDATE integrations SET created_at = ?2, last_delivery_at = ?2 WHERE id = ?1").bind(integ.id, past).run();
    expect(await find(integ.id)).toMatchObject({ expected_interval_minutes: 5, silent: true });
    const summary = await (await SELF.fetch(`${BASE}/api/v2/summary.json`)).text();
    expect(summary).not.toContain("silent");

    expect((await post(`/hooks/generic/${integ.key}`, { dedup_key: "hb", action: "resolve" })).status).toBe(202);
    expect((await find(integ.id)).silent).toBe(false);
  });

  it("refuses an expected interval that is not a positive whole number of minutes", async () => {
    const integ = await createIntegration("generic");
    const res = await admin("PATCH", `/integrations/${integ.id}`, { expected_interval_minutes: -3 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field?: string }).field).toBe("expected_interval_minutes");
  });
});
