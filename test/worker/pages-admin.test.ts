// Several pages from one install, as operators see them: pages and host names, every admin resource
// scoped to a page, operator keys limited to pages, and one alert routed to components on several pages.
import { createExecutionContext, env, SELF } from "cloudflare:test";
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, setAccessKeySet } from "../../worker/auth";
import { app } from "../../worker/index";
import { admin, BASE, post, rows, unique } from "./helpers";

type Page = { id: number; slug: string; name: string; hosts: string[] };
type Component = { id: string; slug: string; name: string; status: string };

const slug = (prefix: string) =>
  unique(prefix.replace(/[^a-z0-9]+/g, "-"))
    .slice(-40)
    .replace(/^-+|-+$/g, "");

async function createPage(name: string, extra: Record<string, unknown> = {}): Promise<Page> {
  const res = await admin("POST", "/pages", { name, slug: slug(name.toLowerCase()), ...extra });
  if (res.status !== 201) throw new Error(`page: ${res.status} ${await res.text()}`);
  return (await res.json()) as Page;
}

async function componentOn(page: string | number, name: string): Promise<Component> {
  const res = await admin("POST", `/pages/${page}/components`, { name, slug: unique("c") });
  if (res.status !== 201) throw new Error(`component: ${res.status} ${await res.text()}`);
  return (await res.json()) as Component;
}

const withKey = (key: string, method: string, path: string, body?: unknown) =>
  SELF.fetch(`${BASE}/admin/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("pages", () => {
  it("creates a page with host names (lower-cased), lists it, renames it; a slug or host taken elsewhere is a 409 naming it", async () => {
    const host = `${unique("internal")}.Example.COM`;
    const page = await createPage("Internal", { hosts: [host] });
    expect(page).toMatchObject({ name: "Internal", hosts: [host.toLowerCase()] });
    expect(page.id).toBeGreaterThan(1);

    const list = (await (await admin("GET", "/pages")).json()) as Page[];
    expect(list[0]).toMatchObject({ id: 1, slug: "main" });
    expect(list.map((p) => p.id)).toContain(page.id);

    const taken = await admin("POST", "/pages", { name: "Other", slug: slug("other"), hosts: [host.toUpperCase()] });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: expect.stringContaining(host.toLowerCase()), field: "hosts" });
    const sameSlug = await admin("POST", "/pages", { name: "Other", slug: page.slug });
    expect(sameSlug.status).toBe(409);
    expect(await sameSlug.json()).toMatchObject({ field: "slug" });
    const badHost = await admin("PATCH", `/pages/${page.slug}`, { hosts: ["status.example.com:8787"] });
    expect(badHost.status).toBe(400);
    expect(await badHost.json()).toMatchObject({ field: expect.stringMatching(/^hosts/) });

    const renamed = await admin("PATCH", `/pages/${page.id}`, { name: "Internal status", hosts: [host, `b.${host}`] });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: "Internal status", hosts: [`b.${host}`.toLowerCase(), host.toLowerCase()] });
    expect(await rows("SELECT host FROM page_hosts WHERE page = ?1 ORDER BY host", page.id)).toHaveLength(2);
    expect((await admin("GET", "/pages/no-such-page/components")).status).toBe(404);
  });

  it("scopes every resource to its page: another page's component, group or incident is not found there", async () => {
    const page = await createPage("Product");
    const mine = await componentOn(page.slug, "Checkout");
    const other = await componentOn(1, "Home");
    const listed = (await (await admin("GET", `/pages/${page.slug}/components`)).json()) as Component[];
    expect(listed.map((c) => c.id)).toEqual([mine.id]);
    expect(((await (await admin("GET", "/components")).json()) as Component[]).map((c) => c.id)).not.toContain(mine.id);
    expect((await admin("GET", `/pages/${page.id}/components/${other.id}`)).status).toBe(404);
    expect((await admin("GET", `/components/${mine.id}`)).status).toBe(404);
    expect((await admin("PATCH", `/components/${mine.id}`, { name: "Owned" })).status).toBe(404);

    // The same slug on two pages; an incident on page 1 cannot name this page's component.
    expect((await admin("POST", `/pages/${page.slug}/components`, { name: "Home", slug: other.slug })).status).toBe(201);
    const cross = await admin("POST", "/incidents", { name: "Mixed", component_ids: [mine.id] });
    expect(cross.status).toBe(400);
    expect(await cross.json()).toMatchObject({ field: "component_ids", error: expect.stringContaining("another page") });

    const incident = await admin("POST", `/pages/${page.slug}/incidents`, { name: "Checkout slow", component_ids: [mine.id] });
    expect(incident.status).toBe(201);
    const { id } = (await incident.json()) as { id: string };
    expect(await rows("SELECT page FROM incidents WHERE id = ?1", id)).toEqual([{ page: page.id }]);
    expect((await admin("GET", `/incidents/${id}`)).status).toBe(404);
    expect((await admin("POST", `/incidents/${id}/updates`, { status: "resolved" })).status).toBe(404);
    const ours = (await (await admin("GET", `/pages/${page.slug}/incidents`)).json()) as Array<{ id: string }>;
    expect(ours.map((i) => i.id)).toEqual([id]);
    expect(((await (await admin("GET", "/incidents")).json()) as Array<{ id: string }>).map((i) => i.id)).not.toContain(id);

    // Settings per page: page 1's stay as they were.
    const before = await (await admin("GET", "/settings")).json();
    const put = await admin("PUT", `/pages/${page.slug}/settings`, { name: "Product status", url: "", time_zone: "Europe/Paris", auto_resolve_minutes: null });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ name: "Product status", time_zone: "Europe/Paris" });
    expect(await (await admin("GET", "/settings")).json()).toEqual(before);
  });

  it("deletes a page only once it has no components (409 naming why); page 1 never", async () => {
    const page = await createPage("Short-lived");
    const c = await componentOn(page.slug, "Thing");
    const refused = await admin("DELETE", `/pages/${page.slug}`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: expect.stringContaining("1 component") });
    expect((await admin("DELETE", `/pages/${page.slug}/components/${c.id}`)).status).toBe(204);
    expect((await admin("DELETE", `/pages/${page.slug}`)).status).toBe(204);
    expect(await rows("SELECT id FROM page_settings WHERE id = ?1", page.id)).toEqual([]);
    const first = await admin("DELETE", "/pages/1");
    expect(first.status).toBe(409);
    expect(await first.json()).toMatchObject({ error: expect.stringContaining("first page") });
  });

  it("holds at most 100 pages: the 101st is a 409 naming the limit", async () => {
    const count = async () => ((await (await admin("GET", "/pages")).json()) as Page[]).length;
    // Page 1 is listed even before its row exists; the row is written with the first new page.
    await createPage("Filler");
    // The fillers straight into D1 (a hundred API calls are slow), the last one through the API.
    const n = await count();
    await env.DB.batch(
      Array.from({ length: 99 - n }, (_, i) =>
        env.DB.prepare("INSERT INTO page_settings (id, page_id, name, slug, updated_at) VALUES (?1, ?2, 'Filler', ?3, ?4)").bind(
          100_000 + i,
          `fill${String(i).padStart(8, "0")}`,
          `filler-${i}`,
          new Date().toISOString(),
        ),
      ),
    );
    expect(await count()).toBe(99);
    await createPage("Filler last");
    const over = await admin("POST", "/pages", { name: "One too many", slug: slug("too-many") });
    expect(over.status).toBe(409);
    expect(await over.json()).toMatchObject({ error: expect.stringContaining("at most 100 pages") });
    // Make room again for the other tests of this file.
    await env.DB.prepare("DELETE FROM page_settings WHERE name LIKE 'Filler%'").run();
    expect(await count()).toBeLessThan(100);
  });
});

describe("operator keys limited to pages", () => {
  it("a key limited to one page gets 403 on another page's resources, on page 1's unscoped paths and on install-wide ones", async () => {
    const page = await createPage("Team");
    const created = await admin("POST", "/keys", { name: "team-ci", pages: [page.id] });
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; key: string; key_prefix: string; pages: number[] };
    expect(key.key).toMatch(/^sk_[a-z0-9]{40}$/);
    expect(key).toMatchObject({ pages: [page.id], key_prefix: key.key.slice(0, 7) });
    // Stored hashed, listed without the key.
    const listed = await (await admin("GET", "/keys")).text();
    expect(listed).toContain(key.id);
    expect(listed).not.toContain(key.key);
    expect(JSON.stringify(await rows("SELECT * FROM api_keys"))).not.toContain(key.key);

    const ok = await withKey(key.key, "POST", `/pages/${page.slug}/components`, { name: "Build", slug: unique("build") });
    expect(ok.status).toBe(201);
    expect((await withKey(key.key, "GET", `/pages/${page.id}/components`)).status).toBe(200);
    expect(((await (await withKey(key.key, "GET", "/pages")).json()) as Page[]).map((p) => p.id)).toEqual([page.id]);

    for (const [method, path] of [
      ["GET", "/components"],
      ["POST", "/components"],
      ["GET", "/pages/main/components"],
      ["GET", "/pages/1/settings"],
      ["GET", "/integrations"],
      ["GET", "/audit"],
      ["POST", "/pages"],
      ["POST", "/keys"],
    ] as const) {
      const res = await withKey(key.key, method, path, method === "POST" ? { name: "x", slug: unique("x") } : undefined);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(await res.json()).toMatchObject({ error: expect.stringContaining(`page ${page.id}`) });
    }
    expect(await rows("SELECT name FROM components WHERE name = 'x'")).toEqual([]);
    expect((await rows<{ last_used_at: string | null }>("SELECT last_used_at FROM api_keys WHERE id = ?1", key.id))[0]!.last_used_at).not.toBeNull();

    // A key of every page opens every route, like ADMIN_TOKEN; a revoked key opens nothing.
    const all = (await (await admin("POST", "/keys", { name: "ops" })).json()) as { id: string; key: string; pages: null };
    expect(all.pages).toBeNull();
    expect((await withKey(all.key, "GET", "/integrations")).status).toBe(200);
    expect((await admin("POST", `/keys/${key.id}/revoke`)).status).toBe(200);
    expect((await withKey(key.key, "GET", `/pages/${page.id}/components`)).status).toBe(401);
    const unknownPages = await admin("POST", "/keys", { name: "nowhere", pages: [987654] });
    expect(unknownPages.status).toBe(400);
    expect(await unknownPages.json()).toMatchObject({ field: "pages" });
  });
});

describe("one alert, several pages", () => {
  it("the primary database alert turns the database red on the internal page and the API amber on the public page: two incidents, one delivery", async () => {
    const internal = await createPage("Internal");
    const database = await componentOn(internal.slug, "Database (eu-west-1 primary)");
    const api = await componentOn(1, "API");
    const integ = await admin("POST", "/integrations", { name: unique("alertmanager"), source: "generic", component_ids: [] });
    const { id: integrationId, key } = (await integ.json()) as { id: string; key: string };
    for (const [component, status] of [
      [database.id, "major_outage"],
      [api.id, "degraded_performance"],
    ]) {
      const link = await admin("POST", "/links", { integration_id: integrationId, match: { monitor: "primary-db" }, component_ids: [component], status });
      expect(link.status).toBe(201);
    }

    const fire = {
      dedup_key: "pg-primary-down",
      action: "trigger",
      severity: "critical",
      summary: "Primary database down",
      monitor: { name: "primary-db" },
      occurred_at: new Date().toISOString(),
    };
    const res = await post(`/hooks/generic/${key}`, fire);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ outcomes: ["applied"] });

    const status = async (page: string | number, id: string) => ((await (await admin("GET", `/pages/${page}/components/${id}`)).json()) as Component).status;
    expect(await status(internal.slug, database.id)).toBe("major_outage");
    expect(await status(1, api.id)).toBe("degraded_performance");
    const incidents = await rows<{ id: string; page: number; name: string }>(
      "SELECT i.id, i.page, i.name FROM incidents i JOIN alerts a ON a.incident_id = i.id WHERE a.integration_id = ?1 ORDER BY i.page",
      integrationId,
    );
    expect(incidents.map((i) => i.page)).toEqual([1, internal.id]);
    const [publicIncident, internalIncident] = incidents;
    const body = async (id: string) => (await rows<{ body: string }>("SELECT body FROM incident_updates WHERE incident_id = ?1", id)).map((u) => u.body);
    // Each page's incident names only its own components.
    expect(await body(publicIncident!.id)).toEqual(["We are investigating issues with API."]);
    expect(await body(internalIncident!.id)).toEqual(["We are investigating issues with Database (eu-west-1 primary)."]);

    // The same delivery again: a duplicate on both pages.
    const again = await post(`/hooks/generic/${key}`, fire);
    expect(await again.json()).toMatchObject({ outcomes: ["duplicate"] });

    // Resolving the public incident leaves the internal one (and its component) as it was.
    expect((await admin("POST", `/incidents/${publicIncident!.id}/updates`, { status: "resolved" })).status).toBe(201);
    expect(await status(1, api.id)).toBe("operational");
    expect(await status(internal.slug, database.id)).toBe("major_outage");
    expect(await rows("SELECT resolved_at IS NULL AS open FROM incidents WHERE id = ?1", internalIncident!.id)).toEqual([{ open: 1 }]);

    // The monitor's own resolve reaches the page still firing.
    const resolved = await post(`/hooks/generic/${key}`, { dedup_key: "pg-primary-down", action: "resolve" });
    expect(await resolved.json()).toMatchObject({ outcomes: ["applied"] });
    expect(await status(internal.slug, database.id)).toBe("operational");
    expect(await rows("SELECT status FROM incidents WHERE id = ?1", internalIncident!.id)).toEqual([{ status: "monitoring" }]);
  });

  it("a `service:` tag reaches that slug on every page; `service:<page>/<slug>` only there", async () => {
    const a = await createPage("Alpha");
    const shared = unique("search");
    const onA = (await (await admin("POST", `/pages/${a.slug}/components`, { name: "Search", slug: shared })).json()) as Component;
    const on1 = (await (await admin("POST", "/components", { name: "Search", slug: shared })).json()) as Component;
    const integ = (await (await admin("POST", "/integrations", { name: unique("tags"), source: "generic" })).json()) as { key: string };
    const status = async (page: string | number, id: string) => ((await (await admin("GET", `/pages/${page}/components/${id}`)).json()) as Component).status;

    await post(`/hooks/generic/${integ.key}`, {
      dedup_key: "s1",
      action: "trigger",
      severity: "critical",
      summary: "down",
      tags: { service: `${a.slug}/${shared}` },
    });
    expect(await status(a.slug, onA.id)).toBe("major_outage");
    expect(await status(1, on1.id)).toBe("operational");

    await post(`/hooks/generic/${integ.key}`, { dedup_key: "s2", action: "trigger", severity: "warning", summary: "slow", tags: { service: shared } });
    expect(await status(1, on1.id)).toBe("degraded_performance");
    expect(await status(a.slug, onA.id)).toBe("major_outage");
    expect(await rows("SELECT page FROM alerts WHERE dedup_key = 's2' ORDER BY page")).toEqual([{ page: 1 }, { page: a.id }]);
  });
});

describe("Cloudflare Access identities limited to pages", () => {
  const TEAM = "pages.cloudflareaccess.com";
  const AUD = "aud-pages-0123456789";
  let privateKey: CryptoKey;
  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    privateKey = pair.privateKey as CryptoKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    setAccessKeySet(createLocalJWKSet({ keys: [jwk] }));
  });
  afterAll(() => setAccessKeySet(null));
  const jwt = (email: string) =>
    new SignJWT({ email })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(`https://${TEAM}`)
      .setAudience(AUD)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(privateKey);
  const call = async (email: string, path: string) =>
    app.fetch(
      new Request(`${BASE}${path}`, { headers: { "Cf-Access-Jwt-Assertion": await jwt(email) } }),
      { ...env, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD },
      createExecutionContext(),
    );

  it("an identity listed with some pages gets 403 elsewhere, in the API and the UI; an unlisted one keeps every page", async () => {
    const page = await createPage("Support");
    const email = `${unique("agent")}@acme.test`;
    const put = await admin("PUT", "/operator-pages", { identity: email.toUpperCase(), pages: [page.id] });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ identity: email, pages: [page.id] });

    expect((await call(email, `/admin/api/pages/${page.slug}/components`)).status).toBe(200);
    expect((await call(email, "/admin/api/components")).status).toBe(403);
    expect((await call(email, "/admin/api/integrations")).status).toBe(403);
    // The UI opens on the identity's page; install-wide pages are refused.
    const dashboard = await call(email, "/admin");
    expect(dashboard.status).toBe(200);
    expect((await call(email, "/admin/integrations")).status).toBe(403);
    expect((await call(`${unique("other")}@acme.test`, "/admin/api/components")).status).toBe(200);

    expect((await admin("DELETE", `/operator-pages/${encodeURIComponent(email)}`)).status).toBe(204);
    expect((await call(email, "/admin/api/components")).status).toBe(200);
    expect((await admin("PUT", "/operator-pages", { identity: "not an email", pages: [] })).status).toBe(400);
  });
});

it("the UI's page switcher moves the admin to another page and its components", async () => {
  const page = await createPage("Switched");
  const component = await componentOn(page.slug, "Only on the switched page");
  const cookie = `__Host-admin_session=${(await createSession(env.DB, "test-admin-token-0123456789abcdef0123", "tester", { csrf: "csrf-for-pages" })).cookie}`;
  const ui = (path: string, init: RequestInit = {}) =>
    SELF.fetch(`${BASE}${path}`, { redirect: "manual", ...init, headers: { Cookie: cookie, Origin: BASE, ...(init.headers ?? {}) } });
  const first = await (await ui("/admin/components")).text();
  expect(first).toContain('name="page"');
  expect(first).not.toContain(component.name);
  const switched = await ui("/admin/page", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Referer: `${BASE}/admin/components` },
    body: new URLSearchParams({ page: String(page.id), _csrf: "csrf-for-pages" }).toString(),
  });
  expect(switched.status).toBe(303);
  expect(switched.headers.get("location")).toBe("/admin/components");
  const selected = /admin_page=(\d+)/.exec(switched.headers.get("set-cookie") ?? "")![1];
  const after = await (await ui("/admin/components", { headers: { Cookie: `${cookie}; admin_page=${selected}` } })).text();
  expect(after).toContain(component.name);
  // A page that does not exist (or is not the operator's) falls back to the first page.
  expect(await (await ui("/admin/components", { headers: { Cookie: `${cookie}; admin_page=999999` } })).text()).not.toContain(component.name);
  const pages = await (await ui("/admin/pages")).text();
  expect(pages).toContain(page.slug);
  expect(pages).toContain("Operator keys");
});
