// The Ingestor's notification outbox: a change committed while the queue refuses sends is kept in the
// Durable Object's storage and sent on its alarm, and survives the object's eviction meanwhile.
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { Ingestor } from "../../worker/ingestor";
import { admin, createComponent, createIntegration, post, unique } from "./helpers";

const stub = () => env.INGESTOR.get(env.INGESTOR.idFromName("page")) as DurableObjectStub<Ingestor>;
const captured = async (prefix: string) =>
  (await (await fetch(`${env.NOTIFY_CAPTURE_URL}/_requests?prefix=${encodeURIComponent(prefix)}`)).json()) as unknown[];

describe("notification outbox", () => {
  it("keeps what the queue refused, across an eviction, and sends it on the alarm", { timeout: 40_000 }, async () => {
    const comp = await createComponent("Outbox");
    const path = `/ok/${unique("outbox")}`;
    const res = await admin("POST", "/channels", {
      kind: "webhook",
      name: "outbox",
      url: `${env.NOTIFY_CAPTURE_URL}${path}`,
      component_ids: [comp.id],
    });
    expect(res.status).toBe(201);
    const integ = await createIntegration("generic", [comp.id]);
    // The queue refuses every send from the object.
    await runInDurableObject(stub(), (instance) => {
      vi.spyOn((instance as unknown as { env: typeof env }).env.NOTIFY_QUEUE, "sendBatch").mockRejectedValue(new Error("queue unavailable (injected)"));
    });
    expect(
      (
        await post(`/hooks/generic/${integ.key}`, {
          dedup_key: unique("ob"),
          action: "trigger",
          severity: "critical",
          summary: "Outbox test",
        })
      ).status,
    ).toBe(202);
    let status!: { notifications: { pending: number; lastError: string | null } };
    for (let i = 0; i < 100; i++) {
      status = (await (await admin("GET", "/ingest")).json()) as typeof status;
      if (status.notifications.pending >= 2) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status.notifications.pending).toBeGreaterThanOrEqual(2); // the incident update and the status change
    expect(status.notifications.lastError).toContain("queue unavailable (injected)");
    expect(await captured(path)).toEqual([]);

    // The queue is back; the object is evicted meanwhile: the outbox is in storage, the alarm sends it.
    vi.restoreAllMocks();
    await evictDurableObject(stub());
    expect(await runInDurableObject(stub(), (instance) => (instance as unknown as Ingestor).outbox.pending)).toBeGreaterThanOrEqual(2);
    await runDurableObjectAlarm(stub());
    expect(await runInDurableObject(stub(), (instance) => (instance as unknown as Ingestor).outbox.pending)).toBe(0);
    const deadline = Date.now() + 20_000;
    while ((await captured(path)).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await captured(path)).toHaveLength(1); // the incident (the channel does not ask for component changes)
  });
});

describe("the outbox's cursor over incident updates", () => {
  it("passes over no update after a page is deleted with the newest updates (their rowids given again)", { timeout: 40_000 }, async () => {
    const comp = await createComponent("After a page delete");
    const path = `/ok/${unique("rowids")}`;
    expect(
      (await admin("POST", "/channels", { kind: "webhook", name: "rowids", url: `${env.NOTIFY_CAPTURE_URL}${path}`, component_ids: [comp.id] })).status,
    ).toBe(201);
    const integ = await createIntegration("generic", [comp.id]);
    // A page whose incidents hold the newest updates, told by the outbox (its cursor past them).
    const page = (await (await admin("POST", "/pages", { name: "Short-lived", slug: unique("gone") })).json()) as { id: number; slug: string };
    const incident = (await (await admin("POST", `/pages/${page.id}/incidents`, { name: "Soon gone", body: "First words." })).json()) as { id: string };
    for (const body of ["More words.", "Even more words."])
      expect((await admin("POST", `/pages/${page.id}/incidents/${incident.id}/updates`, { status: "identified", body })).status).toBe(201);
    const newest = async () => (await env.DB.prepare("SELECT max(rowid) AS n FROM incident_updates").first<{ n: number }>())!.n;
    const top = await newest();
    const cursor = () =>
      runInDurableObject(stub(), (_, state) => state.storage.sql.exec<{ r: number }>("SELECT update_rowid AS r FROM notify_cursor WHERE id = 1").one().r);
    await vi.waitFor(async () => expect(await cursor()).toBeGreaterThanOrEqual(top), { timeout: 10_000, interval: 50 });

    expect((await admin("DELETE", `/pages/${page.slug}`)).status).toBe(204);
    expect(await newest()).toBeLessThan(top);
    // The next update takes a rowid the cursor had passed: it is told all the same.
    expect(
      (await post(`/hooks/generic/${integ.key}`, { dedup_key: unique("rw"), action: "trigger", severity: "critical", summary: "After the delete" })).status,
    ).toBe(202);
    expect(await newest()).toBeLessThanOrEqual(top);
    await vi.waitFor(async () => expect((await captured(path)).length).toBe(1), { timeout: 20_000, interval: 100 });
  });
});
