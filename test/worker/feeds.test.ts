// /history.rss, /history.atom and the SVG badges. Well-formedness is also checked by a real XML
// parser in the browser tests (test/e2e/page.test.ts); here: content, escaping and headers.
import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../domain/ids";
import { badgeSvg, textWidth } from "../../worker/routes/feeds";
import { BASE, post } from "./helpers";

const KEY = "feedstestgenerickey0000000000001";
const NASTY = "<script>alert(1)</script> & co";
let openId = "";

beforeAll(async () => {
  const db = env.DB;
  const t = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  await db.batch([
    db.prepare("INSERT INTO page_settings (id, page_id, name, url, time_zone, updated_at) VALUES (1, 'pagesfeeds01', 'Acme', '', 'Etc/UTC', ?1)").bind(t(5000)),
    db
      .prepare(
        `INSERT INTO components (id, slug, name, position, status, auto_status, created_at, updated_at) VALUES
         ('cmpfeedsapi1', 'feeds-api', 'API', 1, 'operational', 'operational', ?1, ?1),
         ('cmpfeedscdn1', 'feeds-cdn', '<b>Edge</b> & CDN', 2, 'operational', 'operational', ?1, ?1)`,
      )
      .bind(t(5000)),
    db
      .prepare(
        "INSERT INTO integrations (id, name, source, key_hash, key_prefix, public_text, created_at, updated_at) VALUES ('intfeedsgen1', 'Generic', 'generic', ?1, 'feedst', 'full', ?2, ?2)",
      )
      .bind(await sha256Hex(KEY), t(5000)),
    db.prepare("INSERT INTO integration_components (integration_id, component_id) VALUES ('intfeedsgen1', 'cmpfeedsapi1')"),
    db
      .prepare(
        `INSERT INTO incidents (id, kind, name, status, impact, automatic, started_at, monitoring_at, resolved_at, created_at, updated_at)
         VALUES ('incfeedsold1', 'incident', 'Slow search', 'resolved', 'minor', 1, ?1, ?2, ?3, ?1, ?3)`,
      )
      .bind(t(3000), t(2950), t(2900)),
    db
      .prepare(
        `INSERT INTO incident_updates (id, incident_id, status, body, created_at, display_at) VALUES
         ('updfeeds0001', 'incfeedsold1', 'investigating', 'Search is slow.', ?1, ?1),
         ('updfeeds0002', 'incfeedsold1', 'resolved', 'Fixed & verified.', ?2, ?2)`,
      )
      .bind(t(3000), t(2900)),
  ]);
  expect((await post(`/hooks/generic/${KEY}`, { dedup_key: "f1", action: "trigger", severity: "error", summary: NASTY, details: "a < b" })).status).toBe(202);
  openId = (await db.prepare("SELECT id FROM incidents WHERE resolved_at IS NULL").first<{ id: string }>())!.id;
});

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers });
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("history feeds", () => {
  it("RSS 2.0: one item per incident, newest first, each with its updates; markup shown as text", async () => {
    const res = await get("/history.rss");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/rss+xml; charset=utf-8");
    const xml = await res.text();
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\s*<rss version="2.0"/);
    expect(xml).toContain("<title>Acme status</title>");
    expect(xml).toContain("<description>Incidents and scheduled maintenance of Acme</description>");
    expect(count(xml, "<item>")).toBe(2);
    expect(xml.indexOf(`${BASE}/incidents/${openId}`)).toBeLessThan(xml.indexOf(`${BASE}/incidents/incfeedsold1`));
    expect(xml).toContain("<title><![CDATA[&lt;script&gt;alert(1)&lt;/script&gt; &amp; co]]></title>");
    expect(xml).not.toContain("<script>");
    expect(xml).toContain("<strong>Resolved</strong> - Fixed &amp; verified.");
    expect(xml).toContain("<strong>Investigating</strong> - Search is slow.");
    expect(xml).toContain("<strong>Investigating</strong> - a &lt; b");
    expect(xml).toMatch(/<pubDate>\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT<\/pubDate>/);
  });

  it("Atom 1.0: feed id, author, self link and updated; one entry per incident with HTML content", async () => {
    const res = await get("/history.atom");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await res.text();
    expect(xml).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
    expect(xml).toContain(`<id>${BASE}/</id>`);
    expect(xml).toMatch(/<author>\s*<name>Acme<\/name>/);
    expect(xml).toContain(`<link rel="self" href="${BASE}/history.atom"/>`);
    expect(xml).toMatch(/<updated>\d{4}-\d{2}-\d{2}T[\d:.]+Z<\/updated>/);
    expect(count(xml, "<entry>")).toBe(2);
    expect(xml).toContain(`<id>${BASE}/incidents/incfeedsold1</id>`);
    expect(xml).toContain('<title type="html"><![CDATA[&lt;script&gt;alert(1)&lt;/script&gt; &amp; co]]></title>');
    expect(xml).not.toContain("<script>");
  });

  it("a new incident is in the feed at once, and ETag revalidation works", async () => {
    const first = await get("/history.atom");
    const etag = first.headers.get("ETag")!;
    await first.text();
    expect((await get("/history.atom", { "If-None-Match": etag })).status).toBe(304);
    await post(`/hooks/generic/${KEY}`, { dedup_key: "f1", action: "resolve" });
    const after = await get("/history.atom", { "If-None-Match": etag });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain("<strong>Monitoring</strong>");
  });
});

describe("badges", () => {
  it("/badge.svg: the page's status, shields style, with a title for screen readers", async () => {
    const res = await get("/badge.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
    const svg = await res.text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="20" role="img"/);
    expect(svg).toContain("<title>status: all systems operational</title>");
    expect(svg).toContain('fill="#4c1"');
  });

  it("/badge/<slug or id>.svg: one component, coloured by its status, its name escaped", async () => {
    await post(`/hooks/generic/${KEY}`, { dedup_key: "f2", action: "trigger", severity: "critical", summary: "API down" });
    const bySlug = await (await get("/badge/feeds-api.svg")).text();
    expect(bySlug).toContain("<title>API: major outage</title>");
    expect(bySlug).toContain('fill="#e05d44"');
    expect(await (await get("/badge/cmpfeedsapi1.svg")).text()).toBe(bySlug);
    const overall = await (await get("/badge.svg")).text();
    expect(overall).toContain("<title>status: major service outage</title>");
    const cdn = await (await get("/badge/feeds-cdn.svg")).text();
    expect(cdn).toContain("<title>&lt;b&gt;Edge&lt;/b&gt; &amp; CDN: operational</title>");
    expect(cdn).not.toContain("<b>");
  });

  it("an unknown component is a 404 badge, and other files under /badge/ are not badges", async () => {
    const res = await get("/badge/nope.svg");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("component: not found");
    expect((await get("/badge/feeds-api.png")).status).toBe(404);
  });

  it("the badge is as wide as its text", () => {
    expect(textWidth("operational")).toBeGreaterThan(textWidth("ok"));
    const svg = badgeSvg("status", "operational", "#4c1");
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    expect(width).toBe(textWidth("status") + 10 + textWidth("operational") + 10);
  });
});
