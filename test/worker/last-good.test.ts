// Never an error to a reader: with the read model's tables made unreadable in the real D1 (renamed),
// every public page and document that missed the cache is answered from its last good copy with its
// "as of" time, never a 5xx; with nothing kept, a 503 with Retry-After. The page settings made
// unreadable too: the gate decides on the settings the isolate last read. A private page's copy goes
// only to readers it lets in.
import { env, SELF } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, BASE, createComponent, createIntegration, post, summary } from "./helpers";

const BASIC = { name: "Acme", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null };
const PASSWORD = "correct horse battery staple";
const READ_MODEL = ["components", "incidents"];

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers, redirect: "manual" });
/** A write moves the cache generation: every request after it misses the edge cache and renders. */
const purge = async (settings: Record<string, unknown> = BASIC) => expect((await admin("PUT", "/settings", settings)).status).toBe(200);
const rename = (tables: string[], from: string, to: string) =>
  env.DB.batch(tables.map((t) => env.DB.prepare(`ALTER TABLE ${from.replace("$", t)} RENAME TO ${to.replace("$", t)}`)));
const breakTables = (tables: string[]) => rename(tables, "$", "$_unreadable");
const mendTables = (tables: string[]) => rename(tables, "$_unreadable", "$");

let incidentId = "";
let paths: string[] = [];
const broken = new Set<string>();

beforeAll(async () => {
  await purge();
  const api = await createComponent("Kept API");
  const integration = await createIntegration("generic", [api.id]);
  expect(
    (await post(`/hooks/generic/${integration.key}`, { dedup_key: "kept-1", action: "trigger", severity: "critical", summary: "Kept outage" })).status,
  ).toBe(202);
  incidentId = (await summary()).incidents.find((i) => i.name === "Kept outage")!.id;
  paths = ["/", "/history", `/incidents/${incidentId}`, "/api/v2/summary.json"];
  // Good renders keep their copies (English, and the French page).
  for (const path of [...paths, "/?lang=fr"]) expect((await get(path)).status, path).toBe(200);
});

afterAll(async () => {
  if (broken.size) await mendTables([...broken]);
});

async function expectKept(res: Response, path: string, text: RegExp) {
  expect(res.status, path).toBe(200);
  expect(res.headers.get("Cache-Control"), path).toBe("no-store");
  const asOf = res.headers.get("X-Status-As-Of") ?? "";
  expect(Date.parse(asOf), path).toBeGreaterThan(Date.now() - 600_000);
  expect(res.headers.get("Last-Modified"), path).toBe(new Date(asOf).toUTCString());
  const body = await res.text();
  expect(body, path).toMatch(text);
  if (!path.startsWith("/api/")) {
    expect(body, path).toContain(`<p id="as-of" class="as-of" role="status">`);
    expect(body, path).toContain(`<time datetime="${asOf}">`);
  }
  expect(body, path).not.toContain("public-base.invalid");
  return body;
}

describe("the read model unreadable in D1", () => {
  it("1,000 requests that miss the cache across the page, history, a permalink and the v2 API: no 5xx, each its last good copy as of its time", async () => {
    // Before: the render fails for real (the tables are gone), not because of anything cached.
    await purge();
    await breakTables(READ_MODEL);
    for (const t of READ_MODEL) broken.add(t);
    await expect(env.DB.prepare("SELECT count(*) FROM components").first()).rejects.toThrow(/no such table/);
    const statuses: Record<number, number> = {};
    for (let round = 0; round < 25; round++) {
      const batch = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const path = paths[i % paths.length]!;
          // Half ask to revalidate, as a reload does.
          const res = await get(path, i % 2 ? { "Cache-Control": "max-age=0" } : {});
          await expectKept(res, path, path.startsWith("/api/") ? /Kept outage/ : /Kept API/);
          return res.status;
        }),
      );
      for (const s of batch) statuses[s] = (statuses[s] ?? 0) + 1;
    }
    expect(statuses).toEqual({ 200: 1000 });
  }, 120_000);

  it("the note is in the reader's language; the JSON keeps its Statuspage shape", async () => {
    const fr = await expectKept(await get("/?lang=fr"), "/", /Kept API/);
    expect(fr).toMatch(/État au <time datetime="[^"]+">[^<]+<\/time> : impossible de charger/);
    const json = (await (await get("/api/v2/summary.json")).json()) as { page: { name: string }; incidents: Array<{ name: string }> };
    expect(json.page.name).toBe("Acme");
    expect(json.incidents.map((i) => i.name)).toContain("Kept outage");
  });

  it("nothing kept for the path: a 503 with Retry-After, in the reader's language, naming nothing", async () => {
    const page = await get("/incidents/neverrendered1?lang=de");
    expect(page.status).toBe(503);
    expect(page.headers.get("Retry-After")).toBe("30");
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    expect(await page.text()).toContain("<h1>Der Status kann gerade nicht angezeigt werden</h1>");
    const doc = await get("/api/v2/incidents/unresolved.json");
    expect(doc.status).toBe(503);
    expect(doc.headers.get("Retry-After")).toBe("30");
    expect(await doc.json()).toEqual({ error: "the status cannot be shown right now; try again in 30 seconds" });
  });

  it("the page settings unreadable too: the gate decides on the settings last read, and the copies are still served", async () => {
    // A new generation first, so nothing holds the settings: the gate must read them, and fails to.
    await purge();
    await breakTables(["page_settings"]);
    broken.add("page_settings");
    for (const path of paths) await expectKept(await get(path, { "Cache-Control": "no-cache" }), path, /Kept/);
    await mendTables(["page_settings"]);
    broken.delete("page_settings");
  });

  it("once D1 reads again, the live page is back (and no copy was kept in the edge cache meanwhile)", async () => {
    await mendTables(READ_MODEL);
    for (const t of READ_MODEL) broken.delete(t);
    for (const path of paths) {
      const res = await get(path, { "Cache-Control": "max-age=0" });
      expect(res.status, path).toBe(200);
      expect(res.headers.get("X-Status-As-Of"), path).toBeNull();
      expect(await res.text(), path).not.toContain(`class="as-of"`);
    }
  });
});

describe("a private page's copies", () => {
  let cookie = "";

  beforeAll(async () => {
    // A copy kept while the page was public...
    expect((await get("/history?lang=es")).status).toBe(200);
    await purge({ ...BASIC, visibility: "private", page_password: PASSWORD });
    const signedIn = await SELF.fetch(`${BASE}/access`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: PASSWORD, next: "/" }),
      redirect: "manual",
    });
    cookie = `page_access=${/page_access=([^;]+)/.exec(signedIn.headers.get("Set-Cookie") ?? "")?.[1]}`;
    // ...and one kept while it is private, for a reader let in.
    expect((await get("/", { Cookie: cookie })).status).toBe(200);
    await purge({ ...BASIC, visibility: "private" });
    await breakTables(READ_MODEL);
    for (const t of READ_MODEL) broken.add(t);
  });

  afterAll(async () => {
    await mendTables(READ_MODEL);
    for (const t of READ_MODEL) broken.delete(t);
    await purge({ ...BASIC, visibility: "public" });
  });

  it("a stranger gets the sign-in page, never the copy", async () => {
    const res = await get("/");
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("Kept API");
  });

  it("a reader let in gets the private copy with its time", async () => {
    await expectKept(await get("/", { Cookie: cookie }), "/", /Kept API/);
  });

  it("a copy kept while the page was public is not served now that it is private", async () => {
    const res = await get("/history?lang=es", { Cookie: cookie });
    expect(res.status).toBe(503);
    expect(await res.text()).not.toContain("Kept");
  });

  it("with the settings unreadable, a stranger gets the 503 that names nothing; a reader let in still gets the copy", async () => {
    await purge({ ...BASIC, visibility: "private" });
    await breakTables(["page_settings"]);
    broken.add("page_settings");
    try {
      const stranger = await get("/", { "Cache-Control": "no-cache" });
      expect(stranger.status).toBe(503);
      const body = await stranger.text();
      expect(body).not.toContain("Kept");
      expect(body).not.toContain("Acme");
      await expectKept(await get("/", { Cookie: cookie, "Cache-Control": "no-cache" }), "/", /Kept API/);
    } finally {
      await mendTables(["page_settings"]);
      broken.delete("page_settings");
    }
  });
});
