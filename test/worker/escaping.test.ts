// Titles (and details, monitor names, links, component names) with markup, sent through the real
// webhooks, must be shown as text wherever they are shown: the public incident page, the RSS and
// Atom feeds, the SVG badges, the admin pages; and verbatim (not double-escaped) in the JSON APIs.
//
// The routes are a table, checked when present: a route that answers 404 is listed as not checked
// (never silently skipped), so this file can be re-run as the pages land and will cover them.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, BASE, createComponent, createIntegration, post, rows } from "./helpers";

/** What an attacker puts in a title; each must reach the reader as these characters, never as markup. */
const MARKUP = {
  script: "<script>alert(1)</script>",
  img: "<img src=x onerror=alert(1)>",
  svg: '"><svg onload=alert(1)>',
  cdata: "]]><script>alert(2)</script><![CDATA[",
};

interface Seeded {
  component: { id: string; slug: string; name: string };
  incidents: string[];
  session: string | null;
}

interface Route {
  name: string;
  path: (s: Seeded) => string;
  kind: "html" | "xml" | "svg" | "json";
  auth?: "session" | "bearer";
  /** The markup strings this route must show (as text); the others may or may not appear. */
  shows: Array<keyof typeof MARKUP | "component">;
}

const ROUTES: Route[] = [
  { name: "summary.json", path: () => "/api/v2/summary.json", kind: "json", shows: ["script", "img", "cdata", "component"] },
  { name: "incidents.json", path: () => "/api/v2/incidents.json", kind: "json", shows: ["script", "img", "cdata"] },
  { name: "incidents/unresolved.json", path: () => "/api/v2/incidents/unresolved.json", kind: "json", shows: ["script", "cdata"] },
  { name: "components.json", path: () => "/api/v2/components.json", kind: "json", shows: ["component"] },
  { name: "incident page", path: (s) => `/incidents/${s.incidents[0]}`, kind: "html", shows: ["script", "img", "component"] },
  { name: "incident page (CDATA title)", path: (s) => `/incidents/${s.incidents[1]}`, kind: "html", shows: ["cdata"] },
  { name: "history.rss", path: () => "/history.rss", kind: "xml", shows: ["script", "img", "cdata"] },
  { name: "history.atom", path: () => "/history.atom", kind: "xml", shows: ["script", "img", "cdata"] },
  { name: "page badge", path: () => "/badge.svg", kind: "svg", shows: [] },
  { name: "component badge by slug", path: (s) => `/badge/${s.component.slug}.svg`, kind: "svg", shows: ["component"] },
  { name: "component badge by id", path: (s) => `/badge/${s.component.id}.svg`, kind: "svg", shows: ["component"] },
  { name: "admin API incidents", path: () => "/admin/api/incidents?status=open", kind: "json", auth: "bearer", shows: ["script", "cdata"] },
  { name: "admin API alerts", path: () => "/admin/api/alerts", kind: "json", auth: "bearer", shows: ["script", "svg"] },
  { name: "admin API deliveries", path: () => "/admin/api/deliveries", kind: "json", auth: "bearer", shows: ["script"] },
  { name: "admin dashboard", path: () => "/admin", kind: "html", auth: "session", shows: ["script", "cdata"] },
  {
    name: "admin incident",
    path: (s) => `/admin/incidents/${s.incidents[0]}`,
    kind: "html",
    auth: "session",
    shows: ["script", "img", "component"],
  },
  { name: "admin components", path: () => "/admin/components", kind: "html", auth: "session", shows: ["component"] },
  { name: "admin integrations", path: () => "/admin/integrations", kind: "html", auth: "session", shows: [] },
  { name: "admin deliveries", path: () => "/admin/deliveries", kind: "html", auth: "session", shows: ["script"] },
  { name: "admin maintenances", path: () => "/admin/maintenances", kind: "html", auth: "session", shows: [] },
  { name: "admin audit", path: () => "/admin/audit", kind: "html", auth: "session", shows: [] },
];

const COMPONENT_NAME = `Checkout ${MARKUP.img}`;

/** Signs in through the admin login form, as a browser would; null when there is no such form. */
async function adminSession(): Promise<string | null> {
  const page = await SELF.fetch(`${BASE}/admin/login`);
  if (page.status === 404) return null;
  const html = await page.text();
  const field = /<input[^>]*type="password"[^>]*name="([^"]+)"/.exec(html)?.[1] ?? /<input[^>]*name="([^"]+)"[^>]*type="password"/.exec(html)?.[1] ?? "token";
  const res = await SELF.fetch(`${BASE}/admin/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
    body: new URLSearchParams({ [field]: "test-admin-token-0123456789abcdef0123" }).toString(),
    redirect: "manual",
  });
  const cookie = res.headers.get("set-cookie");
  if (!cookie) throw new Error(`admin login gave ${res.status} and no cookie: ${(await res.text()).slice(0, 300)}`);
  return cookie.split(";")[0]!;
}

/** The document with character references decoded: what a reader sees as text. */
function decodeEntities(text: string): string {
  return text
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1")
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

// A start tag and its attributes, with quoted values skipped: escaped text inside a value is inert.
const START_TAG = /<([a-zA-Z][^\s/>]*)((?:\s+[^\s"'=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*\/?>/g;
const ATTRIBUTE = /([^\s"'=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?/g;

/** Event-handler attributes running our payload, in any real tag of the document. */
function injectedHandlers(body: string): string[] {
  const found: string[] = [];
  for (const [tag, , attributes] of body.matchAll(START_TAG)) {
    for (const [, name, value = ""] of attributes!.matchAll(ATTRIBUTE)) {
      if (/^on/i.test(name!) && /alert/.test(value)) found.push(tag.slice(0, 120));
    }
  }
  return found;
}

/** What is wrong with how `body` shows the markup (empty when every markup is inert text). */
function problems(route: Route, body: string): string[] {
  const out: string[] = [];
  const wanted = route.shows.map((k) => (k === "component" ? COMPONENT_NAME : MARKUP[k]));
  if (route.kind === "json") {
    const strings = stringsIn(JSON.parse(body));
    for (const m of wanted) if (!strings.some((s) => s.includes(m))) out.push(`does not carry ${JSON.stringify(m)} verbatim`);
    // JSON carries text: an HTML-escaped title there would show as "&lt;script&gt;" in every client.
    if (strings.some((s) => /&lt;(script|img|svg)/.test(s))) out.push("double-escapes markup (&lt;) inside JSON strings");
    return out;
  }
  // Markup, as markup: a tag or event handler the browser or feed reader would act on.
  for (const [k, m] of Object.entries(MARKUP)) if (body.includes(m)) out.push(`contains ${k} markup unescaped: ${JSON.stringify(m)}`);
  for (const handler of injectedHandlers(body)) out.push(`has a tag with an injected event handler: ${handler}`);
  if (/<script>alert\(/i.test(body)) out.push("contains a live <script>alert(");
  if (route.kind === "xml" && /\]\]><script/i.test(body)) out.push("lets a title close its CDATA section");
  // Inside a feed's CDATA, markup would be rendered by readers (Atom type="html"): it must be escaped there too.
  if (route.kind === "xml") {
    for (const [, cdata] of body.matchAll(/<!\[CDATA\[([\s\S]*?)\]\]>/g)) {
      if (/<(script|img|svg)\b/i.test(cdata!)) out.push(`has raw markup inside CDATA: ${JSON.stringify(cdata!.slice(0, 120))}`);
    }
  }
  // And shown: the text a reader sees holds the markup's characters.
  const seen = decodeEntities(body);
  for (const m of wanted) if (!seen.includes(m)) out.push(`does not show ${JSON.stringify(m)} (as text)`);
  return out;
}

describe("markup in titles is escaped everywhere it is shown", () => {
  const seeded: Seeded = { component: { id: "", slug: "", name: "" }, incidents: [], session: null };

  beforeAll(async () => {
    const component = await createComponent(COMPONENT_NAME);
    const other = await createComponent("Escaping second");
    seeded.component = component;
    const generic = await createIntegration("generic");
    const first = await post(`/hooks/generic/${generic.key}`, {
      dedup_key: "escaping-1",
      action: "trigger",
      severity: "critical",
      summary: MARKUP.script,
      details: `${MARKUP.img}\n${MARKUP.script}`,
      monitor: { name: MARKUP.svg, id: MARKUP.svg },
      tags: { service: component.slug, note: MARKUP.svg },
      link: `https://monitor.example.com/?q=${encodeURIComponent(MARKUP.svg)}`,
    });
    expect(first.status, await first.clone().text()).toBe(202);
    const second = await post(`/hooks/generic/${generic.key}`, {
      dedup_key: "escaping-2",
      action: "trigger",
      severity: "warning",
      summary: MARKUP.cdata,
      details: MARKUP.cdata,
      tags: { service: other.slug },
    });
    expect(second.status).toBe(202);
    // An unrouted alert with markup: shown to operators as unrouted.
    await post(`/hooks/generic/${generic.key}`, {
      dedup_key: "escaping-unrouted",
      action: "trigger",
      severity: "error",
      summary: MARKUP.script,
    });
    // And through a sender's own template: a Datadog title.
    const datadog = await createIntegration("datadog", [other.id]);
    await post(`/hooks/datadog/${datadog.key}`, {
      title: `[Triggered] ${MARKUP.img}`,
      body: MARKUP.script,
      alert_transition: "Triggered",
      alert_id: "escaping-dd",
      date: String(Date.now()),
    });
    const incidents = await rows<{ id: string; name: string }>(
      `SELECT i.id, i.name FROM incidents i JOIN incident_components ic ON ic.incident_id = i.id
       WHERE ic.component_id IN (?1, ?2) ORDER BY i.created_at`,
      component.id,
      other.id,
    );
    seeded.incidents = [incidents.find((i) => i.name === MARKUP.script)!.id, incidents.find((i) => i.name === MARKUP.cdata)!.id];
    seeded.session = await adminSession();
  });

  it("stores titles verbatim (escaping is each renderer's job)", async () => {
    const names = await rows<{ name: string }>("SELECT name FROM incidents WHERE id IN (?1, ?2)", ...seeded.incidents);
    expect(names.map((n) => n.name).sort()).toEqual([MARKUP.cdata, MARKUP.script].sort());
  });

  it("shows them as text on every route present (table: see ROUTES)", async () => {
    const checked: string[] = [];
    const absent: string[] = [];
    const failures: string[] = [];
    for (const route of ROUTES) {
      const headers: Record<string, string> = {};
      if (route.auth === "bearer") headers.Authorization = ADMIN.Authorization;
      if (route.auth === "session") {
        if (!seeded.session) {
          absent.push(`${route.name} (no admin login form)`);
          continue;
        }
        headers.Cookie = seeded.session;
      }
      const path = route.path(seeded);
      const res = await SELF.fetch(`${BASE}${path}`, { headers, redirect: "manual" });
      const body = await res.text();
      if (res.status === 404) {
        absent.push(`${route.name} (${path})`);
        continue;
      }
      checked.push(`${route.name} (${path})`);
      if (res.status !== 200) {
        failures.push(`${route.name} ${path}: ${res.status} ${body.slice(0, 200)}`);
        continue;
      }
      const type = res.headers.get("content-type") ?? "";
      const expectedType = { html: /text\/html/, xml: /xml/, svg: /image\/svg\+xml/, json: /application\/json/ }[route.kind];
      if (!expectedType.test(type)) failures.push(`${route.name} ${path}: content-type ${type}`);
      for (const p of problems(route, body)) failures.push(`${route.name} ${path}: ${p}`);
    }
    console.log(`escaping: checked ${checked.length} routes:\n  ${checked.join("\n  ")}`);
    console.log(`escaping: NOT checked (404, not built yet) ${absent.length} routes:\n  ${absent.join("\n  ") || "(none)"}`);
    expect(failures).toEqual([]);
    expect(checked.length).toBeGreaterThan(0);
  });

  it("the checker itself catches unescaped markup (so a pass means something)", () => {
    const html: Route = { name: "t", path: () => "", kind: "html", shows: ["script"] };
    expect(problems(html, `<h1>${MARKUP.script}</h1>`)).not.toEqual([]);
    expect(problems(html, "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>")).toEqual([]);
    expect(problems(html, "<h1>nothing</h1>")).not.toEqual([]);
    const attr: Route = { name: "t", path: () => "", kind: "html", shows: ["img"] };
    expect(problems(attr, `<p title="x">${MARKUP.img}</p>`)).not.toEqual([]);
    expect(problems(attr, '<p aria-label="&lt;img src=x onerror=alert(1)&gt;">&lt;img src=x onerror=alert(1)&gt;</p>')).toEqual([]);
    expect(problems(attr, '<img src=x onerror="alert(1)">&lt;img src=x onerror=alert(1)&gt;')).not.toEqual([]);
    const xml: Route = { name: "t", path: () => "", kind: "xml", shows: ["cdata"] };
    expect(problems(xml, `<title><![CDATA[${MARKUP.cdata}]]></title>`)).not.toEqual([]);
    expect(problems(xml, "<title><![CDATA[]]&gt;&lt;script&gt;alert(2)&lt;/script&gt;&lt;![CDATA[]]></title>")).toEqual([]);
    const json: Route = { name: "t", path: () => "", kind: "json", shows: ["script"] };
    expect(problems(json, JSON.stringify({ name: "&lt;script&gt;alert(1)&lt;/script&gt;" }))).not.toEqual([]);
    expect(problems(json, JSON.stringify({ name: MARKUP.script }))).toEqual([]);
  });
});
