// `npm run import` over real HTTP: one instance's page (the e2e stack, demo data and an incident with
// updates) into a second, fresh instance on another port, and real Statuspage pages' v2 documents
// (test/fixtures/statuspage/) served by a local HTTP server. The copy has the same components,
// incidents, updates and maintenances apart from ids and updated_at, and a second run changes nothing.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
// @ts-expect-error plain ESM helper shared with npm start
import { freePort, prepareDatabase, ROOT, startWorker, workerConfig } from "../../scripts/lib.mjs";

const source = inject("baseUrl");
const sourceToken = inject("adminToken");
const TARGET_TOKEN = "e2e-import-target-token-0123456789abcdef";

let target: { url: string; stop: () => void };
let targetDir: string;
let fixtures: Server;
let fixturesUrl: string;

const read = (name: string) => JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "statuspage", name), "utf8"));

beforeAll(async () => {
  targetDir = mkdtempSync(join(tmpdir(), "status-import-"));
  prepareDatabase(targetDir, { seed: false });
  const config = process.env.SITE_BUILT ? workerConfig() : join(inject("siteDir"), "server", "wrangler.json");
  target = await startWorker({ port: await freePort(), persistTo: targetDir, adminToken: TARGET_TOKEN, config });
  // A Statuspage page, as its v2 API answers: Renku's summary and components, Emma's history.
  const renku = read("renku-summary-outage.json");
  const emma = read("emma-incidents.json");
  const documents: Record<string, unknown> = {
    "/api/v2/summary.json": renku,
    "/api/v2/components.json": { page: renku.page, components: renku.components },
    "/api/v2/incidents.json": { page: renku.page, incidents: [...renku.incidents, ...emma.incidents] },
    "/api/v2/scheduled-maintenances.json": { page: renku.page, scheduled_maintenances: renku.scheduled_maintenances },
  };
  fixtures = createServer((req, res) => {
    const doc = documents[new URL(req.url ?? "/", "http://x").pathname];
    res.writeHead(doc ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(doc ?? { error: "not found" }));
  }).listen(0, "127.0.0.1");
  await new Promise((r) => fixtures.once("listening", r));
  fixturesUrl = `http://127.0.0.1:${(fixtures.address() as AddressInfo).port}`;
}, 120_000);

afterAll(() => {
  target?.stop();
  fixtures?.close();
  if (targetDir) rmSync(targetDir, { recursive: true, force: true });
});

/** Runs the script (without blocking this process: the fixture server answers from it). */
async function importPage(from: string, page: string): Promise<Record<string, number>> {
  const args = [join(ROOT, "scripts", "import.mjs"), from, "--target", target.url, "--token", TARGET_TOKEN, "--page", page];
  const { stdout } = await promisify(execFile)(process.execPath, args, { encoding: "utf8" });
  return Object.fromEntries([...stdout.matchAll(/^ {2}(\w+)\s+(\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

const adminGet = async (base: string, token: string, path: string) =>
  (await (await fetch(`${base}/admin/api${path}`, { headers: { Authorization: `Bearer ${token}` } })).json()) as any;

// What must be the same on both sides: everything but ids, updated_at and links to the page itself.
const comparable = (doc: any) => ({
  components: doc.components.map((c: any) => ({ name: c.name, status: c.status, description: c.description, position: c.position, group: c.group })),
  incidents: doc.incidents.map((i: any) => ({
    name: i.name,
    status: i.status,
    impact: i.impact,
    created_at: i.created_at,
    monitoring_at: i.monitoring_at,
    resolved_at: i.resolved_at,
    components: i.components.map((c: any) => c.name),
    updates: i.incident_updates.map((u: any) => ({ status: u.status, body: u.body, created_at: u.created_at, display_at: u.display_at })),
  })),
  maintenances: doc.scheduled_maintenances.map((m: any) => ({
    name: m.name,
    status: m.status,
    scheduled_for: m.scheduled_for,
    scheduled_until: m.scheduled_until,
  })),
});

describe("npm run import", () => {
  it("copies this project's page into a fresh instance on another port; a second run changes nothing", { timeout: 120_000 }, async () => {
    // An incident with several updates on the source, through its admin API.
    const headers = { Authorization: `Bearer ${sourceToken}`, "Content-Type": "application/json" };
    const opened = await fetch(`${source}/admin/api/incidents`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "Imported outage", body: "Looking.", components: { cmpapi000001: "partial_outage" } }),
    });
    expect(opened.status).toBe(201);
    const { id } = (await opened.json()) as { id: string };
    await fetch(`${source}/admin/api/incidents/${id}/updates`, { method: "POST", headers, body: JSON.stringify({ status: "identified", body: "Found it." }) });

    const first = await importPage(source, "copy");
    expect(first.components).toBeGreaterThan(0);
    expect(first.incidents).toBeGreaterThan(0);

    const summary = await (await fetch(`${source}/api/v2/summary.json`)).json();
    const history = (await (await fetch(`${source}/api/v2/incidents.json`)).json()) as any;
    const maintenances = (await (await fetch(`${source}/api/v2/scheduled-maintenances.json`)).json()) as any;
    const copy = await adminGet(target.url, TARGET_TOKEN, "/pages/copy/export");
    expect(comparable({ ...copy, incidents: copy.incidents })).toEqual(
      comparable({ components: (summary as any).components, incidents: history.incidents, scheduled_maintenances: maintenances.scheduled_maintenances }),
    );

    const second = await importPage(source, "copy");
    expect(Object.values(second).every((n) => n === 0)).toBe(true);
    expect(comparable(await adminGet(target.url, TARGET_TOKEN, "/pages/copy/export"))).toEqual(comparable(copy));
    // The source is the shared stack: its page is left as the other tests expect it.
    const resolved = await fetch(`${source}/admin/api/incidents/${id}/updates`, {
      method: "POST",
      headers,
      body: JSON.stringify({ status: "resolved", body: "Fixed.", components: { cmpapi000001: "operational" } }),
    });
    expect(resolved.status).toBeLessThan(300);
  });

  it("imports a real Statuspage page's documents served over HTTP, history included", { timeout: 60_000 }, async () => {
    const totals = await importPage(fixturesUrl, "renku");
    expect(totals).toMatchObject({ components: 8, incidents: 23 });
    const copy = await adminGet(target.url, TARGET_TOKEN, "/pages/renku/export");
    expect(copy.page.name).toBe("renku dev");
    expect(copy.components.map((c: any) => c.name)).toEqual(read("renku-summary-outage.json").components.map((c: any) => c.name));
    expect(copy.incidents).toHaveLength(23);
    expect(Object.values(await importPage(fixturesUrl, "renku")).every((n) => n === 0)).toBe(true);
  });
});
