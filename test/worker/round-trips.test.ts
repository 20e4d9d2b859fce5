// How many D1 round trips a public request costs. The test swaps the worker's D1 binding for one that
// counts its calls (db/instrumented.ts: each batch, statement run or exec is one round trip); the built
// worker reads the same binding, so everything the request reads is counted: the reader gate, the
// Astro page's data, the response headers.
import { env, SELF } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { countingD1, type RoundTripCounter } from "../../db/instrumented";
import { admin, BASE, createComponent, createIntegration, post } from "./helpers";

const bindings = env as { DB: D1Database };
const real = bindings.DB;

/** Round trips `path` costs, right after a write (a cache miss: the write purged the edge cache). */
async function roundTrips(path: string, headers: Record<string, string> = {}): Promise<{ count: number; res: Response; body: string }> {
  const counter: RoundTripCounter = { count: 0 };
  bindings.DB = countingD1(real, counter);
  try {
    const res = await SELF.fetch(`${BASE}${path}`, { headers });
    return { count: counter.count, res, body: await res.text() };
  } finally {
    bindings.DB = real;
  }
}

const purge = async () =>
  expect((await admin("PUT", "/settings", { name: "Acme", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null })).status).toBe(200);

afterEach(() => {
  bindings.DB = real;
});

beforeAll(async () => {
  const api = await createComponent("API");
  const integration = await createIntegration("generic", [api.id]);
  const res = await post(`/hooks/generic/${integration.key}`, { dedup_key: "rt-1", action: "trigger", severity: "critical", summary: "API down" });
  expect(res.status).toBe(202);
  const now = Date.now();
  const maintenance = await admin("POST", "/maintenances", {
    name: "Database upgrade",
    body: "Read-only for a while.",
    scheduled_for: new Date(now + 86_400_000).toISOString(),
    scheduled_until: new Date(now + 90_000_000).toISOString(),
    component_ids: [api.id],
  });
  expect(maintenance.status).toBe(201);
});

describe("D1 round trips of a public page", () => {
  it("a cache miss of / makes at most 2 (the page settings once, the page's reads in one batch)", async () => {
    await purge();
    const { count, res, body } = await roundTrips("/");
    expect(res.status).toBe(200);
    expect(body).toContain("API down");
    expect(body).toContain("Database upgrade");
    // The bar is 4; today it is 2: the reader gate's read of the settings, and one batch for the page.
    expect(count).toBeLessThanOrEqual(2);
  });

  it("a cache hit of / reads nothing from D1: the settings and the page are held under the cache generation", async () => {
    await purge();
    await roundTrips("/");
    const { count, res } = await roundTrips("/");
    expect(res.status).toBe(200);
    expect(count).toBe(0);
    // A hit of the API too, in another language and for the overview once more.
    await roundTrips("/api/v2/summary.json");
    expect((await roundTrips("/api/v2/summary.json")).count).toBe(0);
    await roundTrips("/?lang=fr");
    expect((await roundTrips("/?lang=fr")).count).toBe(0);
  });
});
