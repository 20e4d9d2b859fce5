// 202 means stored, tried from outside on the real local stack (wrangler dev, its SQLite-backed D1 and
// Durable Object storage): a failing trigger is put into the live local D1 with `wrangler d1 execute`,
// as an outage would make every write fail; a burst is answered 202; the server is then killed with
// SIGKILL and restarted on the same persist directory, and the backlog lands: every alert, one
// incident, the right status. Then D1 fails again for a few seconds without a restart and the
// backlog drains by itself.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain ESM helper shared with npm start
import { freePort, prepareDatabase, run, startWorker, workerConfig } from "../../scripts/lib.mjs";

const TOKEN = "e2e-durability-token-0123456789abcdef0123456789";
const GENERIC = "demogenerickey000000000000000000";
const persistTo = mkdtempSync(join(tmpdir(), "status-durability-"));
const workers: Array<{ stop: () => void; kill: () => void }> = [];
afterAll(() => {
  for (const w of workers) w.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

const d1 = (sql: string) =>
  run("wrangler", ["d1", "execute", "status-page", "--local", "--persist-to", persistTo, "--json", "--command", sql], {
    quiet: true,
  }) as string;
const count = (sql: string) => Number(Object.values(JSON.parse(d1(sql))[0].results[0])[0]);
const breakD1 = () => d1("CREATE TRIGGER outside_fault BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'outside fault'); END");
const healD1 = () => d1("DROP TRIGGER IF EXISTS outside_fault");

async function start() {
  const w = await startWorker({ port: await freePort(), persistTo, adminToken: TOKEN, config: workerConfig() });
  workers.push(w);
  return w as { url: string; stop: () => void; kill: () => void };
}
const burst = (url: string, prefix: string, n: number) =>
  Promise.all(
    Array.from({ length: n }, (_, i) =>
      fetch(`${url}/hooks/generic/${GENERIC}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ dedup_key: `${prefix}-${i}`, action: "trigger", severity: "critical", summary: `${prefix} ${i} failing` }),
      }).then((r) => r.status),
    ),
  );
const inbox = async (url: string) =>
  (await (await fetch(`${url}/admin/api/ingest`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json()) as {
    backlog: { deliveries: number };
    lastError: string | null;
  };
const summary = async (url: string) => (await (await fetch(`${url}/api/v2/summary.json`)).json()) as any;

describe("a hard kill right after a burst of 202s, with D1 failing", () => {
  it("loses nothing: after a restart on the same storage every alert is in D1 once, in one incident", { timeout: 240_000 }, async () => {
    const t0 = Date.now();
    const step = (what: string) => console.log(`durability: ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    prepareDatabase(persistTo);
    const first = await start();
    step("first server up");
    breakD1();
    step("D1 broken");
    const statuses = await burst(first.url, "killed", 30);
    step("burst answered");
    expect(statuses).toEqual(Array(30).fill(202));
    const during = await inbox(first.url);
    expect(during.backlog.deliveries).toBe(30);
    expect(during.lastError).toContain("outside fault");
    first.kill();
    step("killed");
    expect(count("SELECT count(*) FROM alerts WHERE dedup_key LIKE 'killed-%'")).toBe(0);

    healD1();
    const second = await start();
    step("second server up");
    // The restarted object replays its inbox on its own (an alarm), or at the first request.
    await expect.poll(async () => (await inbox(second.url)).backlog.deliveries, { timeout: 30_000, interval: 500 }).toBe(0);
    expect(count("SELECT count(*) FROM alerts WHERE dedup_key LIKE 'killed-%'")).toBe(30);
    step("replayed");
    expect(count("SELECT count(*) FROM deliveries WHERE payload LIKE '%killed-%'")).toBe(30);
    const s = await summary(second.url);
    expect(s.components.find((c: any) => c.id === "cmpapi000001").status).toBe("major_outage");
    expect(s.incidents.filter((i: any) => i.name.startsWith("killed"))).toHaveLength(1);

    // D1 failing for a while, no restart: still 202, and the backlog drains by itself once it is back.
    breakD1();
    expect(await burst(second.url, "outage", 20)).toEqual(Array(20).fill(202));
    await new Promise((r) => setTimeout(r, 3000));
    expect((await inbox(second.url)).backlog.deliveries).toBe(20);
    healD1();
    await expect.poll(async () => (await inbox(second.url)).backlog.deliveries, { timeout: 45_000, interval: 500 }).toBe(0);
    step("drained by itself");
    expect(count("SELECT count(*) FROM alerts WHERE dedup_key LIKE 'outage-%'")).toBe(20);
    expect((await summary(second.url)).incidents.filter((i: any) => i.name.startsWith("killed"))).toHaveLength(1);
  });
});
