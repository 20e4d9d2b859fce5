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
