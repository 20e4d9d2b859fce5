// The public pages are always current: Astro renders them on request inside the built worker (these
// requests go through SELF.fetch, the worker npm test builds into site/dist/server), and every write
// (a delivery, an admin action, the cron starting or ending a maintenance, a new or renamed component
// or group) shows on the next GET, through the edge cache and its ETags, with no rebuild.
import { createExecutionContext, createScheduledController, env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import { admin, BASE, createComponent, createIntegration, post, unique } from "./helpers";

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });
const html = async (path: string) => {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
  return res.text();
};
/** The markup of one element with an id, up to its own closing tag (no nesting of the same tag). */
const section = (page: string, id: string, tag = "section") => {
  const start = page.search(new RegExp(`<${tag}[^>]* id="${id}"`));
  expect(start, `#${id}`).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf(`</${tag}>`, start));
};
/** One component's row (its <li>) on the overview. */
const componentRow = (page: string, id: string) => {
  const start = page.indexOf(`<li class="c" data-id="${id}"`);
  expect(start, `component ${id}`).toBeGreaterThanOrEqual(0);
  return page.slice(start, page.indexOf("</li>", start));
};
const todayCell = (row: string) =>
  /<div class="bar"[^>]*>(.*)<\/div>/s
    .exec(row)![1]!
    .match(/<i[^>]*>/g)!
    .at(-1)!;
const today = () => new Date().toISOString().slice(0, 10);
const ok = async (res: Response, status: number) => {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return text ? JSON.parse(text) : null;
};

describe("an incident opened and resolved shows at once, everywhere, with no rebuild", () => {
  let componentId = "";
  let key = "";
  let incidentId = "";
  const title = `Queue backlog ${unique("q")}`;

  beforeAll(async () => {
    const c = await createComponent("Queue");
    componentId = c.id;
    key = (await createIntegration("generic", [componentId])).key;
  });

  it("before: the component is operational and today's cell is clear", async () => {
    const page = await html("/");
    const row = componentRow(page, componentId);
    expect(row).toContain('data-status="operational"');
    expect(todayCell(row)).toBe("<i>");
    expect(page).not.toContain(title);
  });

  it("opened: the active incident, the outage and today's cell on the next GET /", async () => {
    expect((await post(`/hooks/generic/${key}`, { dedup_key: "live-1", action: "trigger", severity: "critical", summary: title })).status).toBe(202);
    incidentId = (await env.DB.prepare("SELECT id FROM incidents WHERE name = ?1").bind(title).first<{ id: string }>())!.id;
    const page = await html("/");
    expect(section(page, "incidents")).toContain(`data-id="${incidentId}"`);
    const row = componentRow(page, componentId);
    expect(row).toContain('<span class="status" data-status="major_outage">Major Outage</span>');
    expect(todayCell(row)).toMatch(/class="l[123]"/);
    expect(todayCell(row)).toContain(`data-i="${incidentId}"`);
  });

  it("resolved: under today's past incidents, the outage in today's cell, in /history, resolved on its permalink", async () => {
    expect((await post(`/hooks/generic/${key}`, { dedup_key: "live-1", action: "resolve" })).status).toBe(202);
    await ok(await admin("POST", `/incidents/${incidentId}/updates`, { status: "resolved", body: "Backlog drained." }), 201);

    const page = await html("/");
    expect(section(page, "incidents")).not.toContain(incidentId);
    const past = section(page, "history");
    // Today is the first day listed; the incident is in it.
    const firstDay = past.slice(past.indexOf('<div class="day">'), past.indexOf('<div class="day">', past.indexOf('<div class="day">') + 1));
    expect(firstDay).toContain(`<a href="/incidents/${incidentId}">${title}</a>`);
    expect(firstDay).toContain("<b>Resolved</b> – Backlog drained.");
    const row = componentRow(page, componentId);
    expect(row).toContain('data-status="operational"');
    expect(todayCell(row)).toMatch(/class="l[123]"/);

    const history = await html("/history");
    expect(section(history, today().slice(0, 7))).toContain(`<a href="/incidents/${incidentId}">${title}</a>`);

    const permalink = await html(`/incidents/${incidentId}`);
    expect(permalink).toContain('<span class="st" data-status="resolved">Resolved</span>');
    expect(permalink).toContain("<p>Backlog drained.</p>");
  });
});

describe("catalog changes show on the next GET /", () => {
  it("a component created in admin is in the HTML, and so is its new name and its group", async () => {
    await get("/"); // cached before the writes
    const c = await createComponent("Search");
    expect(componentRow(await html("/"), c.id)).toContain('<span class="name">Search</span>');

    await ok(await admin("PATCH", `/components/${c.id}`, { name: "Full-text search" }), 200);
    expect(componentRow(await html("/"), c.id)).toContain('<span class="name">Full-text search</span>');

    const group = await ok(await admin("POST", "/groups", { name: "Data services" }), 201);
    await ok(await admin("PATCH", `/components/${c.id}`, { group_id: group.id }), 200);
    const page = await html("/");
    expect(page).toContain(`<li class="g" data-id="${group.id}"`);
    expect(page).toContain('<span class="name">Data services</span>');
    await ok(await admin("PATCH", `/groups/${group.id}`, { name: "Data platform" }), 200);
    expect(await html("/")).toContain('<span class="name">Data platform</span>');
  });
});

describe("maintenance started and ended by the cron shows on the next GET /", () => {
  const minute = 60_000;
  const cron = async (at: number) => {
    // SELF.scheduled cannot be called in this pool; the module's own handler, with the test's bindings.
    await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, createExecutionContext());
  };

  it("scheduled, then in progress with the component under maintenance, then completed", async () => {
    const c = await createComponent("Backups");
    const start = Math.ceil(Date.now() / minute) * minute + 10 * minute;
    const m = await ok(
      await admin("POST", "/maintenances", {
        name: "Backup storage migration",
        body: "Moving backups to new storage.",
        scheduled_for: new Date(start).toISOString(),
        scheduled_until: new Date(start + 30 * minute).toISOString(),
        component_ids: [c.id],
      }),
      201,
    );
    expect(section(await html("/"), "maintenance")).toContain(`<article class="inc" data-id="${m.id}" data-status="scheduled"`);

    await cron(start);
    let page = await html("/");
    expect(section(page, "maintenance")).toContain(`<article class="inc" data-id="${m.id}" data-status="in_progress"`);
    expect(componentRow(page, c.id)).toContain('data-status="under_maintenance"');

    await cron(start + 30 * minute);
    page = await html("/");
    expect(section(page, "maintenance")).not.toContain(m.id);
    expect(componentRow(page, c.id)).toContain('data-status="operational"');
    expect(await html(`/incidents/${m.id}`)).toContain('<span class="st" data-status="completed">Completed</span>');
  });
});

describe("caching of the pages", () => {
  it("an ETag and a 304 while nothing changed; a 200 with the change after a write", async () => {
    const first = await get("/");
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=10");
    await first.text();
    const again = await get("/", { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    const c = await createComponent("Billing exports");
    const after = await get("/", { "If-None-Match": etag });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain(`data-id="${c.id}"`);
  });

  it("links are made with the request's own origin, never the cache's placeholder", async () => {
    const page = await (await SELF.fetch("https://other.example/history")).text();
    expect(page).not.toContain("public-base.invalid");
    const feed = await (await SELF.fetch("https://other.example/history.atom")).text();
    expect(feed).toContain("https://other.example/");
  });
});

describe("paths", () => {
  it("any other page is an HTML 404 in the page's frame; machine paths keep their JSON 404s", async () => {
    const res = await get("/no-such-page");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("<h1>No such page</h1>");
    for (const path of ["/api/v2/nope.json", "/api/nope", "/hooks/nope/x", "/admin/api/nope"]) {
      const r = await SELF.fetch(`${BASE}${path}`, { headers: { Authorization: "Bearer test-admin-token-0123456789abcdef0123" } });
      expect(r.status, path).toBe(404);
      expect(r.headers.get("Content-Type"), path).toMatch(/^application\/json/);
      expect(await r.json(), path).toEqual({ error: expect.stringMatching(/^no (route|such document)/) });
    }
  });

  it("the live script is the built asset", async () => {
    // (This pool hands every request to the worker, which passes assets through Astro's handler; on
    // Cloudflare and under wrangler dev the assets binding answers first: see the e2e tests.)
    const res = await get("/live.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/javascript/);
    expect(await res.text()).toContain("If-None-Match");
  });
});
