// The incident permalink pages, rendered on request by Astro inside the built worker: full content
// without JavaScript, every value escaped, current right after a write, cached like the API.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../domain/ids";
import { BASE, post } from "./helpers";

const KEY = "pagestestgenerickey0000000000001";
const NASTY = `<img src=x onerror="alert(1)"> & "quotes"`;
let incidentId = "";

beforeAll(async () => {
  const db = env.DB;
  const now = new Date().toISOString();
  const soon = new Date(Date.now() + 86_400_000).toISOString();
  const later = new Date(Date.now() + 90_000_000).toISOString();
  await db.batch([
    db.prepare("INSERT INTO page_settings (id, page_id, name, url, time_zone, updated_at) VALUES (1, 'pagespages01', 'Acme', '', 'Etc/UTC', ?1)").bind(now),
    db
      .prepare(
        "INSERT INTO components (id, slug, name, position, status, auto_status, created_at, updated_at) VALUES ('cmppagesapi1', 'pages-api', 'API <v2>', 1, 'operational', 'operational', ?1, ?1)",
      )
      .bind(now),
    db
      .prepare(
        "INSERT INTO integrations (id, name, source, key_hash, key_prefix, public_text, created_at, updated_at) VALUES ('intpagesgen1', 'Generic', 'generic', ?1, 'pagest', 'full', ?2, ?2)",
      )
      .bind(await sha256Hex(KEY), now),
    db.prepare("INSERT INTO integration_components (integration_id, component_id) VALUES ('intpagesgen1', 'cmppagesapi1')"),
    db
      .prepare(
        `INSERT INTO incidents (id, kind, name, status, impact, automatic, started_at, scheduled_for, scheduled_until, created_at, updated_at)
         VALUES ('mntpages0001', 'maintenance', 'Database upgrade', 'scheduled', 'maintenance', 0, ?1, ?1, ?2, ?3, ?3)`,
      )
      .bind(soon, later, now),
    db
      .prepare(
        "INSERT INTO incident_updates (id, incident_id, status, body, created_at, display_at) VALUES ('updpages0001', 'mntpages0001', 'scheduled', 'Expect a short read-only window.', ?1, ?1)",
      )
      .bind(now),
  ]);
  const res = await post(`/hooks/generic/${KEY}`, {
    dedup_key: "pages-1",
    action: "trigger",
    severity: "critical",
    summary: NASTY,
    details: "<script>alert('body')</script>\nSecond line",
  });
  expect(res.status).toBe(202);
  incidentId = (await db.prepare("SELECT id FROM incidents WHERE kind = 'incident'").first<{ id: string }>())!.id;
});

const page = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });

describe("GET /incidents/:id", () => {
  it("renders the whole timeline as HTML a reader without JavaScript can read", async () => {
    const res = await page(`/incidents/${incidentId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(`<article class="inc" data-id="${incidentId}" data-status="investigating" data-impact="critical">`);
    expect(html).toContain("<b>Investigating</b>");
    expect(html).toContain("Critical impact · Affects <bdi>API &lt;v2&gt;</bdi>");
    expect(html).toContain(`<div id="incident">`);
    expect(html).toContain('<script src="/live.js" defer></script>');
  });

  it("shows a title and a body with markup as text, never as markup", async () => {
    const html = await (await page(`/incidents/${incidentId}`)).text();
    expect(html).toContain("<h1>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;quotes&quot;</h1>");
    expect(html).toContain("<title>&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;quotes&quot; · Acme status</title>");
    expect(html).toContain("&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;");
    expect(html).not.toContain("<img src=x");
    expect(html).not.toContain("<script>alert");
  });

  it("is current right after a write: the recovery update is on the page at once", async () => {
    const before = await page(`/incidents/${incidentId}`);
    const etag = before.headers.get("ETag")!;
    expect(etag).toBeTruthy();
    await before.text();
    expect((await page(`/incidents/${incidentId}`, { "If-None-Match": etag })).status).toBe(304);
    expect((await post(`/hooks/generic/${KEY}`, { dedup_key: "pages-1", action: "resolve" })).status).toBe(202);
    const after = await page(`/incidents/${incidentId}`, { "If-None-Match": etag });
    expect(after.status).toBe(200);
    const html = await after.text();
    expect(html.indexOf("<b>Monitoring</b>")).toBeGreaterThan(0);
    expect(html.indexOf("<b>Monitoring</b>")).toBeLessThan(html.indexOf("<b>Investigating</b>"));
  });

  it("a maintenance has its own page with its window", async () => {
    const html = await (await page("/incidents/mntpages0001/")).text();
    expect(html).toContain('<p class="kind">Scheduled maintenance</p>');
    expect(html).toContain("<h1>Database upgrade</h1>");
    expect(html).toMatch(/<span class="st" data-status="scheduled">Scheduled<\/span> · <time datetime="[^"]+">[^<]+ UTC<\/time> – <time/);
    expect(html).toContain("Expect a short read-only window.");
  });

  it("an unknown id is an HTML 404 that echoes the id escaped", async () => {
    const res = await page("/incidents/nosuchincident");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("No such incident");
    const odd = await page(`/incidents/${encodeURIComponent("<b>x</b>")}`);
    expect(odd.status).toBe(404);
    const html = await odd.text();
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;");
    expect(html).not.toContain("<b>x</b>");
  });
});

describe("GET /reader", () => {
  // The page that draws what the worker decided for a reader (subscription pages, the sign-in) takes its
  // view from the worker only, never from a request: asked for from outside, with any header, it is the 404.
  it("draws no reader page for a request from outside", async () => {
    const res = await SELF.fetch(`${BASE}/reader`, { headers: { "x-status-page-language": "fr", Accept: "text/html" } });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain("<h1>No such page</h1>");
    expect(html).not.toContain('<form method="post" action="/access">');
    expect(html).not.toContain('<form class="sub"');
  });
});
