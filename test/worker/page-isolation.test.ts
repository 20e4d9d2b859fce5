// Isolation is the feature: three pages on one install (public; internal, private by password; a
// product page), each with components, a group, incidents, a maintenance and a subscriber carrying a
// marker string of its own. For every public GET route the app declares (`app.routes`, so a new route
// cannot be forgotten), under each page's host, its `/p/<slug>/` prefix and `<slug>.localhost`, with and
// without the private page's cookie, nothing of one page appears on another, nor on the first page.
// The edge cache is crossed on purpose: the same paths under two hosts, one after the other.
import { createExecutionContext, env, SELF } from "cloudflare:test";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { setAccessKeySet } from "../../worker/auth";
import { app } from "../../worker/index";
import { hashPagePassword } from "../../worker/security/page-access";
import { admin, BASE, createIntegration, post, unique } from "./helpers";

vi.setConfig({ testTimeout: 180_000, hookTimeout: 60_000 });

const PASSWORD = "internal only, never outside";
/** A component slug every page uses: slugs are unique per page, and badges find the page's own. */
const SHARED_SLUG = unique("shared");

interface Page {
  id: number;
  pageId: string;
  slug: string;
  name: string;
  host: string;
  marker: string;
  componentId: string;
  incidentId: string;
  resolvedId: string;
  maintenanceId: string;
  token: string;
  private: boolean;
}

const rid = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");
const now = () => new Date().toISOString();

async function createPage(kind: "public" | "internal" | "product", isPrivate: boolean): Promise<Page> {
  const slug = unique(kind);
  const marker = `mk${rid()}${rid()}`;
  const p: Page = {
    id: 0,
    pageId: `pg${rid()}`,
    slug,
    // The name is what a private page's sign-in shows strangers: no marker in it.
    name: `Isolation ${kind}`,
    host: `${slug}.example.net`,
    marker,
    componentId: `${rid()}${rid()}`.slice(0, 12),
    incidentId: rid() + rid(),
    resolvedId: rid() + rid(),
    maintenanceId: rid() + rid(),
    token: `tok${rid()}${rid()}${rid()}${rid()}${rid()}`,
    private: isPrivate,
  };
  const t = now();
  const row = await env.DB.prepare(
    // Never id 1, the first page, even while its settings were never saved (it has no row then).
    `INSERT INTO page_settings (id, page_id, slug, name, url, time_zone, updated_at, visibility, page_password_hash, access_secret, allow_framing, language, header_links)
     VALUES ((SELECT max(coalesce(max(id), 0), 1) + 1 FROM page_settings), ?1, ?2, ?3, '', 'Etc/UTC', ?4, ?5, ?6, ?7, 1, 'en', '[]') RETURNING id`,
  )
    .bind(
      p.pageId,
      slug,
      p.name,
      t,
      isPrivate ? "private" : "public",
      isPrivate ? await hashPagePassword(PASSWORD) : null,
      isPrivate ? btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32)))) : null,
    )
    .first<{ id: number }>();
  p.id = row!.id;
  const groupId = rid() + rid();
  const past = new Date(Date.now() - 3 * 3600_000).toISOString();
  const later = new Date(Date.now() + 86_400_000).toISOString();
  const laterEnd = new Date(Date.now() + 90_000_000).toISOString();
  await env.DB.batch([
    env.DB.prepare("INSERT INTO page_hosts (host, page, created_at) VALUES (?1, ?2, ?3)").bind(p.host, p.id, t),
    env.DB.prepare("INSERT INTO component_groups (id, page, name, position, created_at, updated_at) VALUES (?1, ?2, ?3, 0, ?4, ?4)").bind(
      groupId,
      p.id,
      `${marker} group`,
      t,
    ),
    env.DB.prepare(
      "INSERT INTO components (id, page, slug, name, group_id, position, status, auto_status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 0, 'major_outage', 'major_outage', ?6, ?6)",
    ).bind(p.componentId, p.id, SHARED_SLUG, `${marker} database`, groupId, t),
    ...[
      [p.incidentId, "incident", "investigating", null, null, null],
      [p.resolvedId, "incident", "resolved", past, null, null],
      [p.maintenanceId, "maintenance", "scheduled", null, later, laterEnd],
    ].flatMap(([id, kind, status, resolvedAt, from, until]) => [
      env.DB.prepare(
        `INSERT INTO incidents (id, page, kind, name, status, impact, automatic, started_at, resolved_at, scheduled_for, scheduled_until, created_at, updated_at, publication)
         VALUES (?1, ?2, ?3, ?4, ?5, 'major', 0, ?6, ?7, ?8, ?9, ?6, ?6, 'published')`,
      ).bind(id, p.id, kind, `${marker} ${kind} ${status}`, status, past, resolvedAt, from, until),
      env.DB.prepare("INSERT INTO incident_updates (id, incident_id, status, body, created_at, display_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)").bind(
        rid() + rid(),
        id,
        status,
        `${marker}: what the ${kind} says`,
        past,
      ),
      env.DB.prepare("INSERT INTO incident_components (incident_id, component_id) VALUES (?1, ?2)").bind(id, p.componentId),
    ]),
    env.DB.prepare(
      "INSERT INTO subscribers (id, page, email, component_ids, language, token, confirmed_at, created_by, created_at) VALUES (?1, ?2, ?3, ?4, 'en', ?5, ?6, 'public', ?6)",
    ).bind(rid() + rid(), p.id, `${marker}@example.com`, JSON.stringify([p.componentId]), p.token, t),
  ]);
  return p;
}

let pages: Page[] = [];
/** The private page's cookie, once signed in. */
let cookie = "";

beforeAll(async () => {
  pages = [await createPage("public", false), await createPage("internal", true), await createPage("product", false)];
  const internal = pages[1]!;
  const res = await SELF.fetch(`${BASE}/p/${internal.slug}/access`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ password: PASSWORD, next: `/p/${internal.slug}/` }),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
  expect(res.headers.get("Location")).toBe(`/p/${internal.slug}/`);
  cookie = /(page_access_\d+=[^;]+)/.exec(res.headers.get("Set-Cookie") ?? "")?.[1] ?? "";
  expect(cookie).toMatch(new RegExp(`^page_access_${internal.id}=`));
});

/** Everything of a page no other page may show: its marker, host, prefix and public id. */
const traces = (p: Page) => [p.marker, p.host, `/p/${p.slug}/`, p.pageId];

/** The concrete paths each public GET route is tried with, on page `p` (tokens and ids of every page). */
const SURFACES: Record<string, (p: Page | null) => string[]> = {
  "/api/v2/summary.json": () => ["/api/v2/summary.json"],
  "/api/v2/status.json": () => ["/api/v2/status.json"],
  "/api/v2/components.json": () => ["/api/v2/components.json"],
  "/api/v2/incidents.json": () => ["/api/v2/incidents.json"],
  "/api/v2/incidents/unresolved.json": () => ["/api/v2/incidents/unresolved.json"],
  "/api/v2/scheduled-maintenances.json": () => ["/api/v2/scheduled-maintenances.json"],
  "/api/v2/scheduled-maintenances/upcoming.json": () => ["/api/v2/scheduled-maintenances/upcoming.json"],
  "/api/v2/scheduled-maintenances/active.json": () => ["/api/v2/scheduled-maintenances/active.json"],
  "/history.rss": () => ["/history.rss"],
  "/history.atom": () => ["/history.atom"],
  "/badge.svg": () => ["/badge.svg"],
  "/badge/:file": () => [`/badge/${SHARED_SLUG}.svg`, ...pages.map((q) => `/badge/${q.componentId}.svg`)],
  // An open tab's WebSocket: a plain GET is answered (gate first) without one, and names no page; sockets below.
  "/live": () => ["/live"],
  "/access": () => ["/access", "/access?next=/history"],
  "/subscriptions/:token": () => pages.map((q) => `/subscriptions/${q.token}`),
  "/subscriptions/:token/confirm": () => pages.map((q) => `/subscriptions/${q.token}/confirm`),
  "/subscriptions/:token/unsubscribe": () => pages.map((q) => `/subscriptions/${q.token}/unsubscribe`),
  // Every other GET is a page: the overview, history, permalinks of every page's incidents, the subscribe form, a 404.
  "/*": () => [
    "/",
    "/history",
    "/subscribe",
    "/no/such/page",
    ...pages.flatMap((q) => [q.incidentId, q.resolvedId, q.maintenanceId].map((id) => `/incidents/${id}`)),
  ],
};

/** The public GET routes the app declares: everything but the operators' (admin, hooks). */
function publicGetRoutes(): string[] {
  const out = new Set<string>();
  for (const { method, path } of app.routes) {
    if (method !== "GET" || /^\/(?:admin|hooks)(?:\/|$)/.test(path)) continue;
    out.add(path);
  }
  return [...out];
}

const allSurfaces = (p: Page | null) => Object.values(SURFACES).flatMap((f) => f(p));

/** Ways to reach a page: its own host, the prefix under the shared host, and `<slug>.localhost`. */
const ways = (p: Page) => [`https://${p.host}`, `${BASE}/p/${p.slug}`, `http://${p.slug}.localhost:8787`];

async function read(url: string, withCookie: boolean): Promise<{ status: number; text: string }> {
  const res = await SELF.fetch(url, { headers: withCookie ? { Cookie: cookie } : {}, redirect: "manual" });
  const headers = [...res.headers].filter(([k]) => k !== "set-cookie").map(([k, v]) => `${k}: ${v}`);
  return { status: res.status, text: `${headers.join("\n")}\n\n${await res.text()}` };
}

function expectNoTraceOf(others: Page[], url: string, text: string) {
  for (const q of others) for (const trace of traces(q)) expect(text.includes(trace), `${url} shows ${trace} of page ${q.slug}`).toBe(false);
}

it("covers every public GET route the app declares", () => {
  const routes = publicGetRoutes();
  expect(routes.length).toBeGreaterThanOrEqual(16);
  const missing = routes.filter((r) => !(r in SURFACES));
  expect(missing, "public GET routes the isolation test does not try: add them to SURFACES").toEqual([]);
});

describe.each([false, true])("with the private page's cookie: %s", (withCookie) => {
  it.each([0, 1, 2])("page %i shows nothing of the others, by host, prefix and <slug>.localhost", async (n) => {
    const p = pages[n]!;
    const others = pages.filter((q) => q !== p);
    for (const way of ways(p)) {
      for (const path of allSurfaces(p)) {
        const url = `${way}${path}`;
        const { status, text } = await read(url, withCookie);
        expect(status, url).toBeLessThan(500);
        expectNoTraceOf(others, url, text);
        // A private page shows strangers nothing of its own either (its sign-in names only the page; a
        // subscriber's own token shows them their own address, the one place the marker may stand).
        if (p.private && !withCookie && !path.startsWith(`/subscriptions/${p.token}`))
          expect(text.includes(p.marker), `${url} shows the private page to a stranger`).toBe(false);
      }
    }
  });

  it("the first page, on the shared host, shows nothing of any of them", async () => {
    for (const path of allSurfaces(null)) {
      const { status, text } = await read(`${BASE}${path}`, withCookie);
      expect(status, path).toBeLessThan(500);
      expectNoTraceOf(pages, `${BASE}${path}`, text);
    }
  });
});

describe("each page shows its own", () => {
  it.each([0, 1, 2])("page %i: its components, incidents and links, under each way in", async (n) => {
    const p = pages[n]!;
    for (const way of ways(p)) {
      const summary = await SELF.fetch(`${way}/api/v2/summary.json`, { headers: { Cookie: cookie } });
      expect(summary.status).toBe(200);
      const json = (await summary.json()) as {
        page: { id: string; name: string; url: string };
        components: { name: string }[];
        incidents: { shortlink: string }[];
      };
      expect(json.page).toMatchObject({ id: p.pageId, name: p.name, url: way });
      expect(json.components.map((c) => c.name)).toEqual([`${p.marker} group`, `${p.marker} database`]);
      expect(json.incidents.map((i) => i.shortlink)).toEqual([`${way}/incidents/${p.incidentId}`]);
      const html = await (await SELF.fetch(`${way}/`, { headers: { Cookie: cookie } })).text();
      expect(html).toContain(`${p.marker} database`);
      const prefix = way.startsWith(`${BASE}/p/`) ? `/p/${p.slug}` : "";
      for (const link of ["/history", "/subscribe", "/history.atom", "/api/v2/summary.json", `/incidents/${p.incidentId}`])
        expect(html).toContain(`href="${prefix}${link}"`);
      const badge = await (await SELF.fetch(`${way}/badge/${SHARED_SLUG}.svg`, { headers: { Cookie: cookie } })).text();
      expect(badge).toContain(`${p.marker} database`);
      const feed = await (await SELF.fetch(`${way}/history.atom`, { headers: { Cookie: cookie } })).text();
      expect(feed).toContain(`${way}/incidents/${p.incidentId}`);
      const manage = await SELF.fetch(`${way}/subscriptions/${p.token}`, { headers: { Cookie: cookie } });
      expect(manage.status).toBe(200);
      expect(await manage.text()).toContain(`${prefix}/subscriptions/${p.token}/unsubscribe`);
    }
  });

  it("another page's incident is a 404 on a page, not a redirect; another page's token an unknown one", async () => {
    const [a, , c] = pages;
    const res = await SELF.fetch(`https://${a!.host}/incidents/${c!.incidentId}`, { redirect: "manual" });
    expect(res.status).toBe(404);
    expect((await SELF.fetch(`${BASE}/p/${a!.slug}/subscriptions/${c!.token}`, { redirect: "manual" })).status).toBe(404);
    expect((await SELF.fetch(`${BASE}/subscriptions/${a!.token}`, { redirect: "manual" })).status).toBe(404);
  });

  it("an unknown /p/<slug>/ is a 404 that names no page; operators' paths are not served under a prefix", async () => {
    for (const path of ["/", "/history", "/api/v2/summary.json", "/badge.svg"]) {
      const res = await SELF.fetch(`${BASE}/p/${unique("nosuch")}${path}`);
      expect(res.status, path).toBe(404);
      expectNoTraceOf(pages, path, await res.text());
    }
    const p = pages[0]!;
    expect(
      (await SELF.fetch(`${BASE}/p/${p.slug}/admin/api/components`, { headers: { Authorization: "Bearer test-admin-token-0123456789abcdef0123" } })).status,
    ).toBe(404);
    expect((await SELF.fetch(`${BASE}/p/${p.slug}/hooks/generic/x`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});

describe("the private page", () => {
  it("asks strangers to sign in under each way in, and its cookie opens only it", async () => {
    const internal = pages[1]!;
    for (const way of ways(internal)) {
      expect((await SELF.fetch(`${way}/api/v2/summary.json`)).status).toBe(401);
      const signIn = await SELF.fetch(`${way}/`, { redirect: "manual" });
      expect(signIn.status).toBe(401);
      const prefix = way.startsWith(`${BASE}/p/`) ? `/p/${internal.slug}` : "";
      expect(await signIn.text()).toContain(`action="${prefix}/access"`);
    }
    // The same secret never signs another page's cookie: under another page's cookie name it opens nothing.
    const vault = await createPage("internal", true);
    const forged = cookie.replace(/^page_access_\d+=/, `page_access_${vault.id}=`);
    for (const way of ways(vault)) {
      expect((await SELF.fetch(`${way}/api/v2/summary.json`, { headers: { Cookie: cookie } })).status).toBe(401);
      expect((await SELF.fetch(`${way}/api/v2/summary.json`, { headers: { Cookie: forged } })).status).toBe(401);
    }
  });
});

describe("Cloudflare Access on private pages", () => {
  const TEAM = "isolation.cloudflareaccess.com";
  const AUD = "aud-isolation-0123456789";
  it("an identity limited to some pages reads the private pages among them only", async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    setAccessKeySet(createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: "i1", alg: "RS256", use: "sig" }] }));
    try {
      const email = `${rid()}@isolation.test`;
      const jwt = await new SignJWT({ email })
        .setProtectedHeader({ alg: "RS256", kid: "i1" })
        .setIssuer(`https://${TEAM}`)
        .setAudience(AUD)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(pair.privateKey);
      const internal = pages.find((p) => p.private)!;
      const other = await createPage("internal", true);
      const call = (p: Page) =>
        app.fetch(
          new Request(`https://${p.host}/api/v2/summary.json`, { headers: { "Cf-Access-Jwt-Assertion": jwt } }),
          { ...env, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD },
          createExecutionContext(),
        );
      await env.DB.prepare("INSERT INTO operator_pages (identity, pages, created_at, created_by) VALUES (?1, ?2, ?3, 'test')")
        .bind(email, JSON.stringify([internal.id]), now())
        .run();
      const own = await call(internal);
      expect(own.status).toBe(200);
      expect(await own.text()).toContain(internal.marker);
      const refused = await call(other);
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain(other.marker);
    } finally {
      setAccessKeySet(null);
    }
  });
});

describe("the edge cache", () => {
  it("keeps each page's copy of the same path apart, under two hosts one after the other", async () => {
    const [a, , c] = pages;
    for (let round = 0; round < 2; round++) {
      for (const path of ["/", "/history", "/api/v2/summary.json", "/history.rss", "/badge.svg", `/badge/${SHARED_SLUG}.svg`]) {
        for (const [p, q] of [
          [a!, c!],
          [c!, a!],
        ] as const) {
          const text = await (await SELF.fetch(`https://${p.host}${path}`)).text();
          if (path !== "/badge.svg") expect(text, `${p.host}${path}`).toContain(p.marker);
          expectNoTraceOf([q], `${p.host}${path}`, text);
        }
      }
    }
  });
});

describe("subscribing", () => {
  it("a new subscriber is on the page it subscribed from, with that page's components only", async () => {
    const [a, , c] = pages;
    const email = `${rid()}@example.com`;
    const subscribe = (way: string, componentId: string) =>
      SELF.fetch(`${way}/subscriptions`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email, component_ids: [componentId] }),
      });
    const refused = await subscribe(`${BASE}/p/${c!.slug}`, a!.componentId);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { field: string }).field).toBe("component_ids[0]");
    const accepted = await subscribe(`${BASE}/p/${c!.slug}`, c!.componentId);
    expect(accepted.status, await accepted.clone().text()).toBe(202);
    expect((await subscribe(`https://${a!.host}`, a!.componentId)).status).toBe(202);
    await vi.waitFor(
      async () => {
        const rows = (await env.DB.prepare("SELECT page, component_ids FROM subscribers WHERE email = ?1 ORDER BY page").bind(email).all()).results;
        expect(rows).toEqual([
          { page: a!.id, component_ids: JSON.stringify([a!.componentId]) },
          { page: c!.id, component_ids: JSON.stringify([c!.componentId]) },
        ]);
      },
      { timeout: 10_000 },
    );
  });
});

// Emails and webhooks sent to subscribers. One alert routed to a component on each page opens one
// incident per page; each public page's subscribers hear of their own page's incident only, with links on
// their page's own host, and the private page's subscribers hear nothing (a private page tells no
// subscriber).
describe("emails and webhooks to subscribers", () => {
  it("each page's subscribers hear of their own page's incident, and of nothing of another page", async () => {
    const capture = env.NOTIFY_CAPTURE_URL;
    const sent: Array<{ to: string; text: string }> = [];
    vi.spyOn(env.EMAIL, "send").mockImplementation(async (m: unknown) => {
      const mail = m as { to: string };
      sent.push({ to: mail.to, text: JSON.stringify(m) });
      return { messageId: `m${sent.length}` };
    });
    const tag = unique("iso");
    const t = now();
    await env.DB.batch(
      pages.map((p) =>
        env.DB.prepare(
          "INSERT INTO subscribers (id, page, email, webhook_url, language, token, confirmed_at, created_by, created_at) VALUES (?1, ?2, ?3, ?4, 'en', ?5, ?6, 'operator', ?6)",
        ).bind(rid() + rid(), p.id, `hook-${p.marker}@example.com`, `${capture}/ok/${tag}/${p.slug}`, `tok${rid()}${rid()}${rid()}${rid()}`, t),
      ),
    );
    const integration = await createIntegration(
      "generic",
      pages.map((p) => p.componentId),
    );
    expect(
      (await post(`/hooks/generic/${integration.key}`, { dedup_key: tag, action: "trigger", severity: "critical", summary: "Shared outage" })).status,
    ).toBe(202);
    const hooksTo = async (p: Page) =>
      (await (await fetch(`${capture}/_requests?prefix=${encodeURIComponent(`/ok/${tag}/${p.slug}`)}`)).json()) as { body: string }[];
    const mailsTo = (p: Page) => sent.filter((m) => m.to.includes(p.marker));
    for (const p of pages.filter((x) => !x.private)) {
      const others = pages.filter((q) => q !== p);
      await vi.waitFor(async () => expect((await hooksTo(p)).length).toBeGreaterThan(0), { timeout: 20_000, interval: 200 });
      await vi.waitFor(() => expect(mailsTo(p).length).toBeGreaterThan(0), { timeout: 20_000, interval: 200 });
      for (const { body, what } of [
        ...(await hooksTo(p)).map((g) => ({ body: g.body, what: `webhook to ${p.slug}` })),
        ...mailsTo(p).map((m) => ({ body: m.text, what: `email to ${m.to}` })),
      ]) {
        expect(body, what).toContain(p.marker);
        // Its links lead to its own page: the incident and the subscriber's own token pages, on its host.
        expect(body, what).toContain(`https://${p.host}/`);
        expectNoTraceOf(others, what, body);
      }
    }
    // The private page's subscribers: nothing, while the others heard.
    const internal = pages.find((x) => x.private)!;
    expect(await hooksTo(internal)).toEqual([]);
    expect(mailsTo(internal)).toEqual([]);
    for (const m of sent) expect(m.text.includes(internal.marker), `email to ${m.to}`).toBe(false);
  });
});

describe("live updates (/live)", () => {
  /** A tab's socket on a page, reached by `way`; null when refused (with the status). */
  async function openTab(url: string, headers: Record<string, string> = {}) {
    const res = await SELF.fetch(url, { headers: { Upgrade: "websocket", ...headers } });
    if (res.status !== 101) return { status: res.status, ws: null, got: [] as string[] };
    const ws = res.webSocket!;
    const got: string[] = [];
    ws.addEventListener("message", (e) => got.push(String(e.data)));
    ws.accept();
    return { status: 101, ws, got };
  }

  it("the private page's /live refuses a stranger and a reader holding another page's cookie; its reader gets a socket", async () => {
    const internal = pages.find((p) => p.private)!;
    // A second private page, signed into: its cookie opens it and nothing else.
    const other = await createPage("internal", true);
    const signedIn = await SELF.fetch(`${BASE}/p/${other.slug}/access`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ password: PASSWORD, next: `/p/${other.slug}/` }),
      redirect: "manual",
    });
    const otherCookie = /(page_access_\d+=[^;]+)/.exec(signedIn.headers.get("Set-Cookie") ?? "")?.[1] ?? "";
    expect(otherCookie).toMatch(new RegExp(`^page_access_${other.id}=`));
    // The other page's cookie value under the internal page's own cookie name too: signed with another secret.
    const renamed = otherCookie.replace(/^page_access_\d+=/, `page_access_${internal.id}=`);
    for (const way of ways(internal)) {
      for (const headers of [{}, { Cookie: otherCookie }, { Cookie: renamed }] as Record<string, string>[]) {
        const tab = await openTab(`${way}/live`, headers);
        expect(tab.status, `${way}/live ${JSON.stringify(headers)}`).toBe(401);
      }
      const reader = await openTab(`${way}/live`, { Cookie: cookie });
      expect(reader.status, `${way}/live with its cookie`).toBe(101);
      reader.ws!.close(1000, "done");
    }
    const own = await openTab(`${BASE}/p/${other.slug}/live`, { Cookie: otherCookie });
    expect(own.status).toBe(101);
    own.ws!.close(1000, "done");
  });

  it("a tab is held by its page's hub: a change on one page tells that page's tabs and nothing to another page's", async () => {
    const [a, , b] = pages as [Page, Page, Page];
    // Integrations first: a catalog write does not say which page it changed, so it tells every page's tabs.
    const integration = await createIntegration("generic", [a.componentId]);
    const onB = await createIntegration("generic", [b.componentId]);
    await new Promise((r) => setTimeout(r, 300)); // their tell (fire and forget) is over before the tabs open
    // Tabs of page A under each way in, and of page B and the first page.
    const tabsA = await Promise.all(ways(a).map((way) => openTab(`${way}/live`)));
    const tabsB = await Promise.all(ways(b).map((way) => openTab(`${way}/live`)));
    const first = await openTab(`${BASE}/live`);
    for (const t of [...tabsA, ...tabsB, first]) expect(t.status).toBe(101);
    const res = await post(`/hooks/generic/${integration.key}`, { dedup_key: unique("live"), action: "trigger", severity: "critical", summary: "Page A only" });
    expect(res.status).toBe(202);
    await vi.waitFor(() => expect(tabsA.every((t) => t.got.includes("changed"))).toBe(true), { timeout: 5_000, interval: 20 });
    // Time for a stray message to arrive, had one been sent.
    await new Promise((r) => setTimeout(r, 300));
    for (const t of [...tabsB, first]) expect(t.got).not.toContain("changed");
    // And the other way round: a change on page B reaches B's tabs, not A's.
    for (const t of tabsA) t.got.length = 0;
    expect((await post(`/hooks/generic/${onB.key}`, { dedup_key: unique("live"), action: "trigger", severity: "error", summary: "Page B only" })).status).toBe(
      202,
    );
    await vi.waitFor(() => expect(tabsB.every((t) => t.got.includes("changed"))).toBe(true), { timeout: 5_000, interval: 20 });
    await new Promise((r) => setTimeout(r, 300));
    for (const t of tabsA) expect(t.got).not.toContain("changed");
    // An operator's command on page B's component (an override): B's tabs only.
    for (const t of [...tabsA, ...tabsB, first]) t.got.length = 0;
    const override = await admin("PUT", `/pages/${b.id}/components/${b.componentId}/status`, { status: "partial_outage" });
    expect(override.status, await override.text()).toBe(200);
    await vi.waitFor(() => expect(tabsB.every((t) => t.got.includes("changed"))).toBe(true), { timeout: 5_000, interval: 20 });
    await new Promise((r) => setTimeout(r, 300));
    for (const t of [...tabsA, first]) expect(t.got).not.toContain("changed");
    for (const t of [...tabsA, ...tabsB, first]) t.ws!.close(1000, "done");
  });
});
