// Monitors retry on 5xx and give up on 4xx: bad input gets a clear 4xx naming the problem, and
// nothing is written but the delivery log.
import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, createComponent, createIntegration, drained, post, rows, tableCounts } from "./helpers";

const valid = { dedup_key: "x", action: "trigger", severity: "critical", summary: "down" };

describe("bad input on the receivers", () => {
  it.each([
    ["malformed JSON", "{not json", "body"],
    ["empty body", "", "body"],
    ["an array of numbers", "[1,2]", null],
    ["a missing dedup key", JSON.stringify({ action: "trigger", severity: "critical", summary: "x" }), "dedup_key"],
    ["an unknown action", JSON.stringify({ ...valid, action: "explode" }), "action"],
    ["an unknown severity", JSON.stringify({ ...valid, severity: "apocalyptic" }), "severity"],
    ["a wrongly typed summary", JSON.stringify({ ...valid, summary: 42 }), "summary"],
  ])("answers 400 naming the field for %s, and writes no state", async (_, body, field) => {
    const comp = await createComponent("Checkout");
    const integ = await createIntegration("generic", [comp.id]);
    const before = await tableCounts();
    const res = await post(`/hooks/generic/${integ.key}`, body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; field?: string };
    expect(json.error.length).toBeGreaterThan(5);
    if (field) expect(json.field).toBe(field);
    expect(await tableCounts()).toEqual(before);
    const [logged] = await rows<{ outcome: string; http_status: number; error: string }>(
      "SELECT outcome, http_status, error FROM deliveries WHERE integration_id = ?1",
      integ.id,
    );
    expect(logged).toMatchObject({ outcome: "rejected", http_status: 400 });
  });

  it("answers 413 for a body over 512 KB", async () => {
    const integ = await createIntegration("generic");
    const res = await post(`/hooks/generic/${integ.key}`, { ...valid, details: "x".repeat(530 * 1024) });
    expect(res.status).toBe(413);
  });

  it("answers 401 for an unknown key and for a disabled integration, without writing state", async () => {
    const comp = await createComponent("Ledger");
    const integ = await createIntegration("generic", [comp.id]);
    const before = await tableCounts();
    expect((await post(`/hooks/generic/${"z".repeat(32)}`, valid)).status).toBe(401);
    await env.DB.prepare("UPDATE integrations SET disabled = 1 WHERE id = ?1").bind(integ.id).run();
    await env.INGESTOR.get(env.INGESTOR.idFromName("page")).invalidate();
    const res = await post(`/hooks/generic/${integ.key}`, valid);
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain(integ.key);
    expect(await tableCounts()).toEqual(before);
  });

  it("answers 401 when a key is posted to another sender's receiver", async () => {
    const integ = await createIntegration("uptrends");
    const res = await post(`/hooks/generic/${integ.key}`, valid);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toContain("uptrends");
  });

  it("logs deliveries with secrets redacted", async () => {
    const integ = await createIntegration("generic");
    await post(`/hooks/generic/${integ.key}`, { ...valid, action: "nope", tags: { api_key: "s3cr3t-value" } });
    const [logged] = await rows<{ payload: string }>("SELECT payload FROM deliveries WHERE integration_id = ?1", integ.id);
    expect(logged!.payload).toContain("[redacted]");
    expect(logged!.payload).not.toContain("s3cr3t-value");
  });
});

describe("a failing D1 write", () => {
  it("still answers 202 (the delivery is in the inbox), leaves nothing half-written, and lands once D1 is back", async () => {
    const comp = await createComponent("Storage");
    const integ = await createIntegration("generic", [comp.id]);
    // Injected fault inside the real database: the batch fails on its incident update, after the alert insert.
    await env.DB.prepare("CREATE TRIGGER fail_updates BEFORE INSERT ON incident_updates BEGIN SELECT RAISE(ABORT, 'injected failure'); END").run();
    const before = await tableCounts();
    let res: Response;
    let after: Record<string, number>;
    try {
      res = await post(`/hooks/generic/${integ.key}`, { ...valid, dedup_key: "fault" });
      after = await tableCounts();
    } finally {
      await env.DB.prepare("DROP TRIGGER fail_updates").run();
    }
    expect(res.status).toBe(202);
    expect(await res.text()).not.toContain("injected");
    expect(after).toEqual(before);
    await drained();
    const retry = await post(`/hooks/generic/${integ.key}`, { ...valid, dedup_key: "fault" });
    expect(retry.status).toBe(202);
    expect(await rows("SELECT id FROM alerts WHERE integration_id = ?1", integ.id)).toHaveLength(1);
  });
});

describe("unknown routes", () => {
  it("answers 404 JSON", async () => {
    const res = await SELF.fetch(`${BASE}/hooks/nosuchsender/abc`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
  });
});
