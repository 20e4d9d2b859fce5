// The Ingestor's durable inbox against the real D1 and the real Durable Object: D1 failing (an
// injected SQLite trigger) during a burst, a restart of the object between accepting and projecting,
// a replayed projection batch, a full inbox, duplicates during a backlog, and admin writes racing
// deliveries.
import { env, evictDurableObject, runInDurableObject, SELF } from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { Ingestor } from "../../worker/ingestor";
import { admin, BASE, componentStatus, createComponent, createIntegration, drained, inbox, incidentsOn, post, rows } from "./helpers";

const TRIGGER = "inbox_fault";
const stub = () => env.INGESTOR.get(env.INGESTOR.idFromName("page")) as DurableObjectStub<Ingestor>;

/** D1 refuses every write batch holding a delivery of this integration, as a failing D1 would. */
const breakD1 = (integrationId: string) =>
  env.DB.prepare(
    `CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON deliveries WHEN NEW.integration_id = '${integrationId}' BEGIN SELECT RAISE(ABORT, 'injected outage'); END`,
  ).run();
const healD1 = () => env.DB.prepare(`DROP TRIGGER IF EXISTS ${TRIGGER}`).run();

afterEach(async () => {
  await healD1();
  await drained();
});

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();
const trigger = (key: string, minute: number) => ({
  dedup_key: key,
  action: "trigger",
  severity: "critical",
  summary: `${key} down`,
  occurred_at: at(minute),
});
const resolve = (key: string, minute: number) => ({ dedup_key: key, action: "resolve", occurred_at: at(minute) });

/** What the page and operators would see of one integration's alerts and its component. */
async function stateOf(integrationId: string, componentId: string) {
  const alerts = await rows<{ dedup_key: string; status: string }>(
    "SELECT dedup_key, status FROM alerts WHERE integration_id = ?1 ORDER BY dedup_key",
    integrationId,
  );
  const incidents = (await incidentsOn(componentId)).map((i) => ({ status: i.status, updates: i.incident_updates.length }));
  const deliveries = await rows<{ n: number }>("SELECT count(*) AS n FROM deliveries WHERE integration_id = ?1", integrationId);
  return { alerts, incidents, component: await componentStatus(componentId), deliveries: deliveries[0]!.n };
}

describe("the durable inbox", () => {
  it("accepts a burst while D1 fails, and after recovery D1 equals the same events applied one by one", async () => {
    // 30 alerts triggered, 10 of them resolved later, sent as 40 concurrent deliveries (resolves may
    // arrive before their triggers: order tolerance decides the same).
    const deliveries = [
      ...Array.from({ length: 30 }, (_, i) => trigger(`burst-${String(i).padStart(2, "0")}`, 1 + (i % 5))),
      ...Array.from({ length: 10 }, (_, i) => resolve(`burst-${String(i * 3).padStart(2, "0")}`, 20)),
    ];
    const comp = await createComponent("Burst");
    const integ = await createIntegration("generic", [comp.id]);
    const control = await createComponent("Burst control");
    const controlInteg = await createIntegration("generic", [control.id]);

    await breakD1(integ.id);
    const answers = await Promise.all(deliveries.map((d) => post(`/hooks/generic/${integ.key}`, d)));
    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(202));
    expect(await rows("SELECT id FROM alerts WHERE integration_id = ?1", integ.id)).toEqual([]);
    expect(await componentStatus(comp.id)).toBe("operational"); // the page shows the last projected state
    const during = await inbox();
    expect(during.backlog.deliveries).toBeGreaterThanOrEqual(40);
    expect(during.lastError).toContain("injected outage");
    await healD1();
    await drained();

    for (const d of deliveries) expect((await post(`/hooks/generic/${controlInteg.key}`, d)).status).toBe(202);
    const recovered = await stateOf(integ.id, comp.id);
    expect(recovered).toEqual(await stateOf(controlInteg.id, control.id));
    expect(recovered.alerts.filter((a) => a.status === "firing")).toHaveLength(20);
    expect(recovered.incidents).toMatchObject([{ status: "investigating" }]);
    expect(recovered.component).toBe("major_outage");
    expect(recovered.deliveries).toBe(40);
  });

  it("replays the inbox after the object restarts between accepting and projecting: nothing lost, nothing twice", async () => {
    const comp = await createComponent("Restart");
    const integ = await createIntegration("generic", [comp.id]);
    const url = `/hooks/generic/${integ.key}`;
    await breakD1(integ.id);
    for (const d of [trigger("r-1", 1), trigger("r-2", 2), resolve("r-1", 3), trigger("r-3", 4)]) expect((await post(url, d)).status).toBe(202);
    expect((await inbox()).backlog.deliveries).toBeGreaterThanOrEqual(4);

    await evictDurableObject(stub()); // in-memory state gone; its SQLite storage kept
    await healD1();
    // The new instance projects the stored inbox before it loads its working set from D1.
    expect((await post(url, trigger("r-2", 2))).status).toBe(202);
    await drained();
    const state = await stateOf(integ.id, comp.id);
    expect(state.alerts).toEqual([
      { dedup_key: "r-1", status: "resolved" },
      { dedup_key: "r-2", status: "firing" },
      { dedup_key: "r-3", status: "firing" },
    ]);
    expect(state.incidents).toMatchObject([{ status: "investigating" }]);
    expect(state.deliveries).toBe(5);
    const last = await rows<{ summary: string }>(
      "SELECT summary FROM deliveries WHERE integration_id = ?1 ORDER BY received_at DESC, rowid DESC LIMIT 1",
      integ.id,
    );
    expect(JSON.parse(last[0]!.summary)).toEqual({ duplicate: 1 }); // decided on the replayed state
  });

  it("refuses a projection batch replayed after it landed (the applied sequence guard): no duplicate rows", async () => {
    const comp = await createComponent("Replay");
    const integ = await createIntegration("generic", [comp.id]);
    await breakD1(integ.id);
    expect((await post(`/hooks/generic/${integ.key}`, trigger("once", 1))).status).toBe(202);
    // The stored row, as a restarted object that lost the answer of a landed batch would hold it again.
    const stored = await runInDurableObject(stub(), (_, state) =>
      state.storage.sql
        .exec<{ seq: number; accepted_at: string; bytes: number; purge: number; statements: string }>("SELECT * FROM inbox ORDER BY seq DESC LIMIT 1")
        .one(),
    );
    await healD1();
    await drained();
    const before = await stateOf(integ.id, comp.id);
    await runInDurableObject(stub(), (instance, state) => {
      state.storage.sql.exec(
        "INSERT INTO inbox (seq, accepted_at, bytes, purge, statements) VALUES (?, ?, ?, ?, ?)",
        stored.seq,
        stored.accepted_at,
        stored.bytes,
        stored.purge,
        stored.statements,
      );
      const inner = (instance as unknown as { projection: { d1Applied: number | null; countBacklog(): void } }).projection;
      inner.d1Applied = stored.seq - 1; // believes D1 is one behind
      inner.countBacklog();
    });
    const status = await drained();
    expect(status.appliedSeq).toBeGreaterThanOrEqual(stored.seq);
    expect(await stateOf(integ.id, comp.id)).toEqual(before);
    expect(before.deliveries).toBe(1);
  });

  it("answers 503 once the backlog is full, so senders retry; accepts again once it drains", async () => {
    const comp = await createComponent("Full");
    const integ = await createIntegration("generic", [comp.id]);
    const url = `/hooks/generic/${integ.key}`;
    await breakD1(integ.id);
    const backlog = (await inbox()).backlog.deliveries;
    await runInDurableObject(stub(), (instance) => {
      (instance as Ingestor).limits.deliveries = backlog + 2;
    });
    try {
      expect((await post(url, trigger("full-1", 1))).status).toBe(202);
      expect((await post(url, trigger("full-2", 1))).status).toBe(202);
      const refused = await post(url, trigger("full-3", 1));
      expect(refused.status).toBe(503);
      expect(await refused.text()).toContain("backlog is full");
      await healD1();
      await drained();
      expect((await post(url, trigger("full-3", 1))).status).toBe(202);
    } finally {
      await runInDurableObject(stub(), (instance) => {
        (instance as Ingestor).limits.deliveries = 10_000;
      });
    }
    expect((await stateOf(integ.id, comp.id)).alerts).toHaveLength(3);
  });

  it("keeps duplicates and stale events idempotent while D1 is down", async () => {
    const comp = await createComponent("Backlog dup");
    const integ = await createIntegration("generic", [comp.id]);
    const url = `/hooks/generic/${integ.key}`;
    await breakD1(integ.id);
    const outcomes = async (body: unknown) => ((await (await post(url, body)).json()) as { outcomes: string[] }).outcomes;
    expect(await outcomes(trigger("dup", 5))).toEqual(["applied"]);
    expect(await outcomes(trigger("dup", 5))).toEqual(["duplicate"]);
    expect(await outcomes(trigger("dup", 2))).toEqual(["stale"]);
    expect(await outcomes(resolve("dup", 6))).toEqual(["applied"]);
    expect(await outcomes(resolve("dup", 6))).toEqual(["duplicate"]);
    await healD1();
    await drained();
    const state = await stateOf(integ.id, comp.id);
    expect(state.alerts).toEqual([{ dedup_key: "dup", status: "resolved" }]);
    expect(state.incidents).toMatchObject([{ status: "monitoring", updates: 2 }]);
    expect(state.deliveries).toBe(5);
  });
});

describe("one writer: admin writes in turn with deliveries", () => {
  it("decides every delivery sent after an integration change on the new routing, with deliveries in flight during it", async () => {
    const a = await createComponent("Route A");
    const b = await createComponent("Route B");
    const integ = await createIntegration("generic", [a.id]);
    const url = `/hooks/generic/${integ.key}`;
    for (let round = 0; round < 8; round++) {
      const target = round % 2 ? a : b;
      const inFlight = Array.from({ length: 4 }, (_, i) => post(url, trigger(`flight-${round}-${i}`, round)));
      const patched = await admin("PATCH", `/integrations/${integ.id}`, { component_ids: [target.id] });
      expect(patched.status).toBe(200);
      // Sent after the change's answer: must be routed by it.
      expect((await post(url, trigger(`probe-${round}`, round))).status).toBe(202);
      const routed = await rows<{ component_id: string }>(
        "SELECT component_id FROM alert_components WHERE alert_id = (SELECT id FROM alerts WHERE integration_id = ?1 AND dedup_key = ?2)",
        integ.id,
        `probe-${round}`,
      );
      expect(routed).toEqual([{ component_id: target.id }]);
      for (const r of await Promise.all(inFlight)) expect(r.status).toBe(202);
    }
  });

  it("refuses a delivery sent right after its integration is disabled, and accepts it again once enabled", async () => {
    const comp = await createComponent("Disable race");
    const integ = await createIntegration("generic", [comp.id]);
    const url = `/hooks/generic/${integ.key}`;
    expect((await post(url, trigger("d-1", 1))).status).toBe(202);
    expect((await admin("PATCH", `/integrations/${integ.id}`, { disabled: true })).status).toBe(200);
    expect((await post(url, trigger("d-2", 2))).status).toBe(401);
    expect((await admin("PATCH", `/integrations/${integ.id}`, { disabled: false })).status).toBe(200);
    expect((await post(url, trigger("d-3", 3))).status).toBe(202);
  });

  it("waits for the backlog before an operator's write, and refuses it with a 503 while D1 is down", async () => {
    const comp = await createComponent("Admin during outage");
    const integ = await createIntegration("generic", [comp.id]);
    await breakD1(integ.id);
    expect((await post(`/hooks/generic/${integ.key}`, trigger("a-1", 1))).status).toBe(202);
    const refused = await admin("POST", "/components", { name: "Created during the outage" });
    expect(refused.status).toBe(503);
    await healD1();
    expect((await admin("POST", "/components", { name: "Created after the outage" })).status).toBe(201);
    expect(await rows("SELECT id FROM alerts WHERE integration_id = ?1", integ.id)).toHaveLength(1);
  });
});

describe("operators see the backlog", () => {
  it("in the API and on the deliveries page, with the last D1 error and a retry button that drains it", async () => {
    const comp = await createComponent("Seen backlog");
    const integ = await createIntegration("generic", [comp.id]);
    await breakD1(integ.id);
    expect((await post(`/hooks/generic/${integ.key}`, trigger("seen", 1))).status).toBe(202);
    const status = await inbox();
    expect(status.backlog.deliveries).toBeGreaterThanOrEqual(1);
    expect(status.backlog.oldestAcceptedAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    const login = await SELF.fetch(`${BASE}/admin/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, "CF-Connecting-IP": "192.0.2.44" },
      body: new URLSearchParams({ token: "test-admin-token-0123456789abcdef0123", name: "Ops" }).toString(),
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const page = async () => (await SELF.fetch(`${BASE}/admin/deliveries`, { headers: { Cookie: cookie } })).text();
    const html = await page();
    expect(html).toContain("not yet on the public page");
    expect(html).toContain("injected outage");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

    await healD1();
    const retried = await SELF.fetch(`${BASE}/admin/deliveries/retry`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, Referer: `${BASE}/admin/deliveries` },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(retried.status).toBe(303);
    expect(new URL(retried.headers.get("location") ?? "/", BASE).searchParams.get("ok")).toBe("backlog_projected");
    expect(await page()).toContain("Every accepted delivery is in the database");
    expect(await componentStatus(comp.id)).toBe("major_outage");
  });
});
