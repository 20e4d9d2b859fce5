// Writes from strangers: a delivery refused for a missing or unknown key stores no
// payload, only a count per hour, source and key prefix, shown to operators; 150 posts of 100 KB grow
// D1 by less than 256 KB; the cron enforces the delivery and audit logs' retention.
import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { MAX_PREFIXES_PER_HOUR } from "../../worker/security/refusals";
import { admin, createIntegration, post, rows } from "./helpers";

const dbSize = async () => (await env.DB.prepare("SELECT 1").run()).meta.size_after;

describe("deliveries refused for an unknown key", () => {
  it("150 posts of 100 KB to unknown keys grow D1 by less than 256 KB and store no payload", { timeout: 60_000 }, async () => {
    const before = await dbSize();
    const deliveriesBefore = (await rows<{ n: number }>("SELECT count(*) AS n FROM deliveries"))[0]!.n;
    // A valid payload, so that the refusal is the key's (401), 100 KB each.
    const junk = JSON.stringify({
      dedup_key: "flood",
      action: "trigger",
      severity: "critical",
      summary: "flood",
      details: "x".repeat(100 * 1024 - 100),
    });
    for (let i = 0; i < 150; i++) {
      const key = `flood${String(i % 3)}${"0".repeat(26)}`;
      const res = await post(`/hooks/generic/${key}`, junk);
      expect(res.status).toBe(401);
    }
    const grown = (await dbSize()) - before;
    expect(grown).toBeLessThan(256 * 1024);
    expect((await rows<{ n: number }>("SELECT count(*) AS n FROM deliveries"))[0]!.n).toBe(deliveriesBefore);
    const counted = await rows<{ key_prefix: string; count: number; source: string }>(
      "SELECT key_prefix, count, source FROM refused_deliveries WHERE key_prefix LIKE 'flood%' ORDER BY key_prefix",
    );
    expect(counted).toEqual([
      { key_prefix: "flood0", count: 50, source: "generic" },
      { key_prefix: "flood1", count: 50, source: "generic" },
      { key_prefix: "flood2", count: 50, source: "generic" },
    ]);
    // Operators see the counts.
    const listed = (await (await admin("GET", "/deliveries/refused")).json()) as Array<{
      key_prefix: string;
      count: number;
      last_error: string;
    }>;
    expect(listed.find((r) => r.key_prefix === "flood0")).toMatchObject({ count: 50, last_error: "unknown or disabled integration key" });
  });

  it("random keys cannot grow the table past the per-hour cap: they share the `*` row", async () => {
    const { countRefusal } = await import("../../worker/security/refusals");
    const at = "2001-01-01T05:30:00.000Z";
    for (let i = 0; i < MAX_PREFIXES_PER_HOUR + 20; i++)
      await countRefusal(env.DB, { source: "generic", key: `p${i.toString(36).padStart(5, "0")}`, error: "unknown", at });
    const [{ n }] = (await rows<{ n: number }>("SELECT count(*) AS n FROM refused_deliveries WHERE hour = '2001-01-01T05'")) as [{ n: number }];
    expect(n).toBe(MAX_PREFIXES_PER_HOUR + 1);
    const [star] = await rows<{ count: number }>("SELECT count FROM refused_deliveries WHERE hour = '2001-01-01T05' AND key_prefix = '*'");
    expect(star!.count).toBe(20);
  });

  it("a refused delivery with a real key is still logged with its redacted payload for the operator", async () => {
    const integration = await createIntegration("generic");
    const res = await post(`/hooks/generic/${integration.key}`, { action: "explode" });
    expect(res.status).toBe(400);
    const [d] = await rows<{ outcome: string; payload: string }>("SELECT outcome, payload FROM deliveries WHERE integration_id = ?1", integration.id);
    expect(d).toMatchObject({ outcome: "rejected", payload: '{"action":"explode"}' });
  });
});

describe("retention, enforced by the cron", () => {
  it("drops deliveries, refusal counts and audit rows older than the page settings say, and nothing newer", async () => {
    const settings = (await (await admin("GET", "/settings")).json()) as Record<string, unknown>;
    expect(settings).toMatchObject({ delivery_retention_days: 30, audit_retention_days: 365, allow_framing: true });
    const res = await admin("PUT", "/settings", {
      ...settings,
      name: settings.name || "Status",
      delivery_retention_days: 7,
      audit_retention_days: 60,
    });
    expect(res.status).toBe(200);
    const now = Date.now();
    const ago = (days: number) => new Date(now - days * 86_400_000).toISOString();
    const insert = (id: string, at: string) =>
      env.DB.prepare("INSERT INTO deliveries (id, source, received_at, outcome, http_status, event_count) VALUES (?1, 'generic', ?2, 'accepted', 202, 0)").bind(
        id,
        at,
      );
    await env.DB.batch([
      insert("retainold001", ago(8)),
      insert("retainnew001", ago(6)),
      env.DB.prepare("INSERT INTO audit_log (at, actor, action, target_type) VALUES (?1, 'api', 'retention.old', 'test')").bind(ago(61)),
      env.DB.prepare("INSERT INTO audit_log (at, actor, action, target_type) VALUES (?1, 'api', 'retention.new', 'test')").bind(ago(59)),
      env.DB.prepare("INSERT INTO refused_deliveries (hour, source, key_prefix, count, last_at, last_error) VALUES (?1, 'generic', 'retain', 1, ?2, 'x')").bind(
        ago(8).slice(0, 13),
        ago(8),
      ),
    ]);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: now, cron: "* * * * *" }), env, ctx);
    expect((await rows<{ id: string }>("SELECT id FROM deliveries WHERE id LIKE 'retain%'")).map((r) => r.id)).toEqual(["retainnew001"]);
    expect((await rows<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'retention.%'")).map((r) => r.action)).toEqual(["retention.new"]);
    expect(await rows("SELECT * FROM refused_deliveries WHERE key_prefix = 'retain'")).toEqual([]);
    await admin("PUT", "/settings", { ...settings, name: settings.name || "Status" });
  });

  it("refuses a retention outside 1–3650 days, naming the field, and changes nothing", async () => {
    const settings = (await (await admin("GET", "/settings")).json()) as Record<string, unknown>;
    const res = await admin("PUT", "/settings", { ...settings, name: settings.name || "Status", audit_retention_days: 0 });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "audit_retention_days" });
    expect(await (await admin("GET", "/settings")).json()).toEqual(settings);
  });
});
