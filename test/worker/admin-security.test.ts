// Every way into /admin that must be refused: no credentials, a wrong token, an expired, tampered or
// foreign session cookie, a form without (or with a wrong) CSRF token, a cross-site form, a session
// cookie on the API; and each refusal changes nothing. Also: the login rate limit, Cloudflare Access
// with a locally generated key set, and an integration key that never shows again after creation.
import { createExecutionContext, env, SELF } from "cloudflare:test";
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSession, setAccessKeySet } from "../../worker/auth";
import { app } from "../../worker/index";
import { limiter } from "../../worker/security/limiter";
import { admin, BASE, createComponent, createIntegration, post, rows, unique } from "./helpers";

// Many requests per test through real workerd + D1: generous when the machine is busy.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const TOKEN = "test-admin-token-0123456789abcdef0123";
type Json = Record<string, any>;

let fixture: {
  componentId: string;
  groupId: string;
  integrationId: string;
  linkId: string;
  incidentId: string;
  alertId: string;
  subscriberId: string;
  channelId: string;
  templateId: string;
};

beforeAll(async () => {
  const c = await createComponent("Guarded");
  const group = (await (await admin("POST", "/groups", { name: unique("Guarded group") })).json()) as Json;
  const integ = await createIntegration("generic", [c.id]);
  const link = (await (await admin("POST", "/links", { integration_id: integ.id, match: { monitor: "m" }, component_ids: [c.id] })).json()) as Json;
  await post(`/hooks/generic/${integ.key}`, { dedup_key: "guard", action: "trigger", severity: "critical", summary: "Guarded down" });
  const bare = await createIntegration("generic");
  await post(`/hooks/generic/${bare.key}`, {
    dedup_key: "stray",
    action: "trigger",
    severity: "critical",
    summary: "Stray",
    monitor: { name: "stray" },
  });
  const [incident] = await rows<{ id: string }>("SELECT incident_id AS id FROM incident_components WHERE component_id = ?1", c.id);
  const [alert] = await rows<{ id: string }>("SELECT id FROM alerts WHERE integration_id = ?1", bare.id);
  // A subscriber and a channel of a component nothing happens to: no notification of the fixture's
  // incident reaches the notification log while the tests compare it.
  const quiet = await createComponent("Guarded quiet");
  const subscriber = (await (await admin("POST", "/subscribers", { email: `${unique("guarded")}@example.com`, component_ids: [quiet.id] })).json()) as Json;
  const channel = (await (
    await admin("POST", "/channels", {
      kind: "email",
      name: unique("Guarded channel"),
      email: "team@example.com",
      component_ids: [quiet.id],
    })
  ).json()) as Json;
  const template = (await (
    await admin("POST", "/incident-templates", { name: unique("Guarded template"), title: "Guarded", body: "Guarded." })
  ).json()) as Json;
  fixture = {
    templateId: template.id,
    componentId: c.id,
    groupId: group.id,
    integrationId: integ.id,
    linkId: link.id,
    incidentId: incident!.id,
    alertId: alert!.id,
    subscriberId: subscriber.id,
    channelId: channel.id,
  };
});

/** Everything a refused request could have changed. */
async function state() {
  const tables = [
    "components",
    "component_groups",
    "component_status_changes",
    "incidents",
    "incident_updates",
    "integrations",
    "links",
    "alerts",
    "alert_components",
    "page_settings",
    "channels",
    "subscribers",
    "notifications",
    "incident_templates",
  ];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = await rows(`SELECT * FROM ${t} ORDER BY rowid`);
  // Failed logins and tripped limits are recorded on purpose (security/rate-limit.ts); nothing else may be.
  out.audit = await rows("SELECT * FROM audit_log WHERE action != 'login.failed' AND action NOT LIKE '%.rate_limited' ORDER BY id");
  return out;
}

/** Sample bodies for the routes that take one; a route without one is sent an empty body. */
function samples(): Record<string, unknown> {
  const { componentId: c, integrationId: i } = fixture;
  const soon = new Date(Date.now() + 3_600_000).toISOString();
  const later = new Date(Date.now() + 7_200_000).toISOString();
  return {
    "POST /admin/api/components": { name: "Intruder" },
    "PATCH /admin/api/components/:id": { name: "Owned" },
    "PUT /admin/api/components/:id/status": { status: "major_outage" },
    "POST /admin/api/groups": { name: "Intruders" },
    "PATCH /admin/api/groups/:id": { name: "Owned" },
    "POST /admin/api/integrations": { name: "Intruder", source: "generic" },
    "PATCH /admin/api/integrations/:id": { disabled: true },
    "POST /admin/api/links": { integration_id: i, match: { monitor: "x" }, component_ids: [c] },
    "POST /admin/api/alerts/:id/link": { component_ids: [c] },
    "POST /admin/api/incidents": { name: "Fake outage", component_ids: [c] },
    "POST /admin/api/incident-templates": { name: "Fake", title: "Fake", body: "Fake" },
    "PATCH /admin/api/incident-templates/:id": { title: "Owned" },
    "PATCH /admin/api/links/:id": { incident_template_id: null },
    "POST /admin/api/incidents/:id/updates": { status: "resolved", body: "pwned" },
    "POST /admin/api/maintenances": { name: "x", body: "y", scheduled_for: soon, scheduled_until: later, component_ids: [c] },
    "PUT /admin/api/settings": { name: "Owned", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: 1 },
    "POST /admin/incidents/:id/updates": { status: "resolved", body: "pwned" },
    "POST /admin/incidents": { name: "Fake", component_ids: c },
    "POST /admin/templates": { name: "Fake", title: "Fake", body: "Fake" },
    "POST /admin/templates/:id": { title: "Owned" },
    "POST /admin/templates/:id/delete": { confirm: "yes" },
    "POST /admin/components/:id/status": { status: "major_outage" },
    "POST /admin/components": { name: "Intruder" },
    "POST /admin/components/:id": { name: "Owned" },
    "POST /admin/components/:id/move": { direction: "up" },
    "POST /admin/components/:id/delete": { confirm: "yes" },
    "POST /admin/groups": { name: "Intruders" },
    "POST /admin/groups/:id": { name: "Owned" },
    "POST /admin/groups/:id/move": { direction: "up" },
    "POST /admin/groups/:id/delete": { confirm: "yes" },
    "POST /admin/integrations": { name: "Intruder", source: "generic" },
    "POST /admin/integrations/:id/rotate": { confirm: "yes" },
    "POST /admin/integrations/:id": { disabled: "true" },
    "POST /admin/integrations/:id/components": { component_ids: c },
    "POST /admin/links": { integration_id: i, match_type: "monitor", match: "x", component_ids: c },
    "POST /admin/alerts/:id/link": { match: "monitor:stray", component_id: c },
    "POST /admin/maintenances": { name: "x", scheduled_for: "2030-01-01T10:00", scheduled_until: "2030-01-01T11:00", component_ids: c },
    "POST /admin/api/subscribers": { email: "intruder@example.com" },
    "POST /admin/api/channels": { kind: "email", name: "Intruder", email: "intruder@example.com" },
    "POST /admin/subscribers": { email: "intruder@example.com" },
    "POST /admin/channels": { kind: "email", name: "Intruder", email: "intruder@example.com" },
    "POST /admin/settings": { name: "Owned", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: "1" },
  };
}

/** The sign-in page and form are the only ways into /admin open to everyone. */
const PUBLIC = new Set(["GET /admin/login", "POST /admin/login"]);

/**
 * Every /admin route the app declares (`app.routes`), so a new one cannot be left out: its path with
 * the fixture's ids for `:id`, and a sample body when it takes one.
 */
function adminRoutes(prefix: "/admin/api" | "/admin"): Array<[string, string, Record<string, unknown>?]> {
  const { componentId: c, groupId: g, integrationId: i, linkId: l, incidentId: inc, alertId: a, subscriberId: sub, channelId: ch, templateId: t } = fixture;
  const ids: Record<string, string> = {
    // `/incident-templates/:id` (API) and `/templates/:id` (UI)
    templates: t,
    components: c,
    groups: g,
    integrations: i,
    links: l,
    incidents: inc,
    maintenances: inc,
    alerts: a,
    subscribers: sub,
    channels: ch,
  };
  const bodies = samples();
  const seen = new Set<string>();
  const out: Array<[string, string, Record<string, unknown>?]> = [];
  for (const { method, path } of app.routes) {
    const key = `${method} ${path}`;
    if (method === "ALL" || seen.has(key) || PUBLIC.has(key)) continue;
    if (!(path === prefix || path.startsWith(`${prefix}/`)) || (prefix === "/admin" && path.startsWith("/admin/api"))) continue;
    seen.add(key);
    const concrete = path.replace(/\/([a-z]+)\/:id\b/g, (_, collection: string) => {
      if (!ids[collection]) throw new Error(`no fixture id for ${key}: add one to adminRoutes`);
      return `/${collection}/${ids[collection]}`;
    });
    const body = method === "GET" ? undefined : ((bodies[key] as Record<string, unknown> | undefined) ?? {});
    out.push([method, concrete.slice(prefix === "/admin/api" ? prefix.length : 0) || "/", body]);
  }
  return out;
}

const apiRoutes = () => adminRoutes("/admin/api");
const uiRoutes = () => adminRoutes("/admin") as Array<[string, string, Record<string, string>?]>;

it("the route lists come from the app and cover what the tests always covered", () => {
  expect(apiRoutes().length).toBeGreaterThanOrEqual(37);
  expect(uiRoutes().length).toBeGreaterThanOrEqual(31);
  expect(apiRoutes().map(([m, p]) => `${m} ${p}`)).toContain(`POST /incidents/${fixture.incidentId}/updates`);
  expect(uiRoutes().map(([m, p]) => `${m} ${p}`)).toContain(`POST /admin/components/${fixture.componentId}/delete`);
});

const apiCall = (method: string, path: string, body: unknown, headers: Record<string, string>) =>
  SELF.fetch(`${BASE}/admin/api${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const uiCall = (method: string, path: string, form: Record<string, string> | undefined, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}${path}`, {
    method,
    redirect: "manual",
    headers: { ...(form ? { "Content-Type": "application/x-www-form-urlencoded" } : {}), ...headers },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });

/** A session row in D1 and its cookie value, as the login form makes them. */
const session = async (overrides: Partial<{ exp: number; csrf: string; actor: string }> = {}, token = TOKEN) => {
  const now = Math.floor(Date.now() / 1000);
  const ttlSeconds = (overrides.exp ?? now + 3600) - now;
  return (await createSession(env.DB, token, overrides.actor ?? "tester", { csrf: overrides.csrf ?? "csrf-token-for-tests", ttlSeconds })).cookie;
};

describe("the JSON API refuses every call without valid credentials, and changes nothing", () => {
  const cases: Array<[string, () => Promise<Record<string, string>>]> = [
    ["no credentials", async () => ({})],
    ["a wrong bearer token", async () => ({ Authorization: "Bearer test-admin-token-0123456789abcdef0123-but-wrong" })],
    ["a token of another scheme", async () => ({ Authorization: `Basic ${btoa(`admin:${TOKEN}`)}` })],
    ["an empty bearer", async () => ({ Authorization: "Bearer " })],
    ["the UI's session cookie", async () => ({ Cookie: `__Host-admin_session=${await session()}` })],
    ["an Access JWT when Access is not configured", async () => ({ "Cf-Access-Jwt-Assertion": "eyJhbGciOiJub25lIn0.e30." })],
  ];
  // 401; or 429 once the client address has failed 20 times (security/rate-limit.ts): refused either way.
  it.each(cases)("%s → 401 (or 429)", async (_, headers) => {
    const before = await state();
    const h = await headers();
    await Promise.all(
      apiRoutes().map(async ([method, path, body]) => {
        const res = await apiCall(method, path, body, h);
        expect([401, 429], `${method} ${path}`).toContain(res.status);
        expect(res.headers.get("cache-control"), `${method} ${path}`).toBe("no-store");
        expect(await res.json()).toMatchObject({ error: expect.any(String) });
      }),
    );
    expect(await state()).toEqual(before);
  });
  // The wrong tokens filled the shared bucket (no trusted client address here), where the right token
  // waits too while the limit holds: the cron's pruning, a window later, lets the next tests in.
  afterAll(async () => {
    await limiter(env).prune(Date.now() + 24 * 3600_000);
  });
});

describe("the UI refuses every page and form without a valid session, and changes nothing", () => {
  const sessions: Array<[string, () => Promise<string | null>]> = [
    ["no cookie", async () => null],
    ["an expired cookie", async () => session({ exp: Math.floor(Date.now() / 1000) - 1 })],
    [
      "a cookie one character off",
      async () => {
        const value = await session();
        return `${value.slice(0, -1)}${value.endsWith("A") ? "B" : "A"}`;
      },
    ],
    [
      "a revoked session (signed out)",
      async () => {
        const value = await session();
        await env.DB.prepare("UPDATE admin_sessions SET revoked_at = ?1 WHERE revoked_at IS NULL").bind(new Date().toISOString()).run();
        return value;
      },
    ],
    ["a session made under another ADMIN_TOKEN", async () => session({}, "another-admin-token-0123456789abcdef")],
    ["garbage", async () => "not-a-session"],
  ];
  it.each(sessions)("%s → 401", async (_, cookie) => {
    const before = await state();
    const value = await cookie();
    await Promise.all(
      uiRoutes().map(async ([method, path, form]) => {
        const res = await uiCall(method, path, form && { ...form, _csrf: "csrf-token-for-tests" }, value ? { Cookie: `__Host-admin_session=${value}` } : {});
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers.get("cache-control"), `${method} ${path}`).toBe("no-store");
        expect(res.headers.get("set-cookie"), `${method} ${path}`).toBeNull();
        await res.text();
      }),
    );
    expect(await state()).toEqual(before);
  });

  it("the bearer token alone does not open the UI", async () => {
    const res = await uiCall("POST", `/admin/components/${fixture.componentId}`, { name: "Owned", _csrf: "x" }, { Authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(401);
  });
});

describe("every form post needs the session's CSRF token and this site as its origin", () => {
  const forms = () => uiRoutes().filter(([m]) => m === "POST");
  const cases: Array<[string, (f: Record<string, string>) => Record<string, string>, Record<string, string>]> = [
    ["without the CSRF token", (f) => f, {}],
    ["with a wrong CSRF token", (f) => ({ ...f, _csrf: "csrf-token-for-tests-x" }), {}],
    ["with an empty CSRF token", (f) => ({ ...f, _csrf: "" }), {}],
    ["from another site (Origin)", (f) => ({ ...f, _csrf: "csrf-token-for-tests" }), { Origin: "https://evil.test" }],
    ["from another site (Sec-Fetch-Site)", (f) => ({ ...f, _csrf: "csrf-token-for-tests" }), { "Sec-Fetch-Site": "cross-site" }],
  ];
  it.each(cases)("%s → 403", async (_, withCsrf, headers) => {
    const before = await state();
    const cookie = `__Host-admin_session=${await session()}`;
    await Promise.all(
      forms().map(async ([method, path, form]) => {
        const res = await uiCall(method, path, withCsrf(form ?? {}), { Cookie: cookie, ...headers });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.headers.get("cache-control")).toBe("no-store");
        await res.text();
      }),
    );
    expect(await state()).toEqual(before);
  });

  it("a JSON body to a form route carries no CSRF token → 403", async () => {
    const res = await SELF.fetch(`${BASE}/admin/components`, {
      method: "POST",
      headers: { Cookie: `__Host-admin_session=${await session()}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "x", _csrf: "csrf-token-for-tests" }),
    });
    expect(res.status).toBe(403);
  });

  it("the right token from this site is accepted (the control for the cases above)", async () => {
    const res = await uiCall(
      "POST",
      "/admin/groups",
      { name: unique("Accepted"), _csrf: "csrf-token-for-tests" },
      { Cookie: `__Host-admin_session=${await session()}`, Origin: BASE },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/admin\/components\?ok=/);
  });
});

describe("sign-in", () => {
  // As Cloudflare's edge delivers it (request.cf set): CF-Connecting-IP is then the client address.
  const login = (token: string, ip: string, extra: Record<string, string> = {}) =>
    app.fetch(
      new Request(`${BASE}/admin/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": ip },
        body: new URLSearchParams({ token, ...extra }).toString(),
        cf: { colo: "AMS" },
      }),
      env,
      createExecutionContext(),
    );

  it("sets an opaque, expiring, HttpOnly, Secure, SameSite=Strict __Host- cookie, and records the login", async () => {
    const res = await login(TOKEN, "198.51.100.1", { name: "Ada" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin");
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^__Host-admin_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain("Max-Age=43200");
    expect(cookie).toContain("Path=/;");
    expect(cookie).not.toContain("Domain");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).not.toContain(TOKEN);
    const [last] = await rows<Json>("SELECT actor, action, after FROM audit_log WHERE action = 'login' ORDER BY id DESC LIMIT 1");
    expect(last).toMatchObject({ actor: "Ada (token)", action: "login" });
  });

  it("never takes the token as the operator's name", async () => {
    const res = await login(TOKEN, "198.51.100.9", { name: TOKEN });
    expect(res.status).toBe(303);
    expect(JSON.stringify(await rows("SELECT * FROM audit_log"))).not.toContain(TOKEN);
  });

  it("refuses a wrong token (401, recorded), and after 5 failures from one address refuses even the right one (429)", async () => {
    const ip = "203.0.113.77";
    for (let n = 0; n < 5; n++) {
      const res = await login("wrong-token", ip);
      expect(res.status).toBe(401);
      expect(res.headers.get("set-cookie")).toBeNull();
    }
    // Counted, not written row by row: one counter row per hour, kind and client.
    const counted = () =>
      rows<{ failures: number; refused: number }>("SELECT failures, refused FROM failed_attempts WHERE kind = 'login' AND client = ?1", `ip:${ip}`);
    expect(await counted()).toEqual([{ failures: 5, refused: 0 }]);
    expect(await rows("SELECT id FROM audit_log WHERE action = 'login.failed'")).toHaveLength(0);
    const blocked = await login(TOKEN, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("retry-after")).toBe("900");
    expect(blocked.headers.get("set-cookie")).toBeNull();
    // Blocked attempts are not even checked: counted as refused, not as failures.
    expect(await counted()).toEqual([{ failures: 5, refused: 1 }]);
    // Another address is unaffected.
    expect((await login(TOKEN, "203.0.113.78")).status).toBe(303);
  });

  it("signs out: the cookie is cleared and the logout recorded", async () => {
    const res = await uiCall(
      "POST",
      "/admin/logout",
      { _csrf: "csrf-token-for-tests" },
      { Cookie: `__Host-admin_session=${await session({ actor: "Grace (token)" })}` },
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin/login");
    expect(res.headers.get("set-cookie")).toMatch(/__Host-admin_session=;.*Max-Age=0/);
    const [last] = await rows<Json>("SELECT actor FROM audit_log WHERE action = 'logout' ORDER BY id DESC LIMIT 1");
    expect(last!.actor).toBe("Grace (token)");
  });

  it("the login page itself is served, never cached, not framable", async () => {
    const res = await uiCall("GET", "/admin/login", undefined);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(await res.text()).toContain('name="token"');
  });
});

describe("Cloudflare Access", () => {
  const TEAM = "acme.cloudflareaccess.com";
  const AUD = "aud-0123456789abcdef";
  let privateKey: CryptoKey;
  let otherKey: CryptoKey;
  const accessEnv = () => ({ ...env, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD });
  const call = (path: string, init: RequestInit = {}) => app.fetch(new Request(`${BASE}${path}`, init), accessEnv(), createExecutionContext());

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    privateKey = pair.privateKey as CryptoKey;
    otherKey = (await generateKeyPair("RS256")).privateKey as CryptoKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    // No network: the team's key set is injected.
    setAccessKeySet(createLocalJWKSet({ keys: [jwk] }));
  });
  afterAll(() => setAccessKeySet(null));

  const jwt = (claims: Json = {}, opts: { key?: CryptoKey; iss?: string; aud?: string; exp?: string | number } = {}) =>
    new SignJWT({ email: "oncall@acme.test", ...claims })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(opts.iss ?? `https://${TEAM}`)
      .setAudience(opts.aud ?? AUD)
      .setIssuedAt()
      .setExpirationTime(opts.exp ?? "5m")
      .sign(opts.key ?? privateKey);

  it("a JWT without `exp` is refused (valid forever once copied), though signed by the team's key", async () => {
    const noExp = await new SignJWT({ email: "oncall@acme.test" })
      .setProtectedHeader({ alg: "RS256", kid: "k1" })
      .setIssuer(`https://${TEAM}`)
      .setAudience(AUD)
      .setIssuedAt()
      .sign(privateKey);
    const before = await state();
    const res = await call("/admin/api/components", {
      method: "POST",
      headers: { "Cf-Access-Jwt-Assertion": noExp, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "NoExp" }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: "invalid Cloudflare Access token" });
    expect((await call("/admin", { headers: { "Cf-Access-Jwt-Assertion": noExp } })).status).toBe(401);
    expect(await state()).toEqual(before);
    // The control: the same claims with an expiry are accepted.
    expect((await call("/admin/api/components", { headers: { "Cf-Access-Jwt-Assertion": await jwt() } })).status).toBe(200);
  });

  it("a valid JWT opens the API; its email is the actor in the audit log", async () => {
    const token = await jwt();
    expect((await call("/admin/api/components", { headers: { "Cf-Access-Jwt-Assertion": token } })).status).toBe(200);
    const res = await call("/admin/api/groups", {
      method: "POST",
      headers: { "Cf-Access-Jwt-Assertion": token, "Content-Type": "application/json" },
      body: JSON.stringify({ name: unique("Access group") }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as Json;
    expect(await rows("SELECT actor, action FROM audit_log WHERE target_id = ?1", id)).toEqual([{ actor: "oncall@acme.test", action: "group.create" }]);
  });

  it.each<[string, () => Promise<string>]>([
    ["another audience", () => jwt({}, { aud: "someone-else" })],
    ["another issuer", () => jwt({}, { iss: "https://evil.cloudflareaccess.com" })],
    ["an expired token", () => jwt({}, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ["a key not in the team's set", () => jwt({}, { key: otherKey })],
    ["no email or service token name", () => jwt({ email: undefined })],
    ["garbage", async () => "a.b.c"],
  ])("refuses %s (401) on the API and the UI", async (_, make) => {
    const token = await make();
    expect((await call("/admin/api/components", { headers: { "Cf-Access-Jwt-Assertion": token } })).status).toBe(401);
    expect((await call("/admin", { headers: { "Cf-Access-Jwt-Assertion": token } })).status).toBe(401);
  });

  it("refuses an Access-authenticated API write that a cross-site form could make (403)", async () => {
    const token = await jwt();
    const res = await call("/admin/api/groups", {
      method: "POST",
      headers: { "Cf-Access-Jwt-Assertion": token, "Content-Type": "text/plain" },
      body: JSON.stringify({ name: "csrf" }),
    });
    expect(res.status).toBe(403);
  });

  it("opens the UI, whose forms still need the CSRF token it renders", async () => {
    const headers = { "Cf-Access-Jwt-Assertion": await jwt() };
    const page = await call("/admin", { headers });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("oncall@acme.test");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const form = (body: Record<string, string>) =>
      call("/admin/groups", {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(body).toString(),
        redirect: "manual",
      });
    expect((await form({ name: unique("Access UI") })).status).toBe(403);
    expect((await form({ name: unique("Access UI"), _csrf: csrf })).status).toBe(303);
  });
});

describe("an integration key is shown once, at creation, and never again", () => {
  const spies: Array<ReturnType<typeof vi.spyOn>> = [];
  afterEach(() => {
    for (const s of spies.splice(0)) s.mockRestore();
  });

  it("not in listings, pages, the audit log, the delivery log or the worker's logs", async () => {
    const logged: string[] = [];
    for (const level of ["log", "info", "warn", "error", "debug"] as const)
      spies.push(
        vi
          .spyOn(console, level)
          .mockImplementation((...args: unknown[]) => void logged.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "))),
      );

    const c = await createComponent("Secretive");
    const created = await createIntegration("generic", [c.id]);
    const rotatedRes = await admin("POST", `/integrations/${created.id}/rotate`);
    const rotated = (await rotatedRes.json()) as Json;
    const keys = [created.key, rotated.key];

    // Deliveries carrying the keys: in the URL, and in the body under names the redaction knows.
    await post(`/hooks/generic/${rotated.key}`, {
      dedup_key: "s1",
      action: "trigger",
      severity: "critical",
      summary: "Secret down",
      routing_key: rotated.key,
      tags: { token: rotated.key },
    });
    await post(`/hooks/generic/${created.key}`, { dedup_key: "s2", action: "trigger", severity: "critical", summary: "Old key" });
    const seen: string[] = [];
    seen.push(`db audit_log: ${JSON.stringify(await rows("SELECT * FROM audit_log"))}`);
    seen.push(`db deliveries: ${JSON.stringify(await rows("SELECT * FROM deliveries"))}`);
    seen.push(`db integrations: ${JSON.stringify(await rows("SELECT * FROM integrations"))}`);
    // A sender echoing its key under a name no redaction knows, in a body too broken to parse: the
    // receiver stores it as sent (worker/delivery.ts), and the delivery log masks it when shown.
    await post(`/hooks/generic/${rotated.key}`, `{"broken": "${rotated.key}", "api_key": "${rotated.key}"`);

    const cookie = `__Host-admin_session=${await session()}`;
    for (const path of [
      "/integrations",
      `/integrations/${created.id}`,
      "/deliveries",
      `/deliveries?integration_id=${created.id}`,
      "/audit",
      "/alerts",
      "/incidents?status=all",
      "/links",
      "/components",
    ])
      seen.push(`${path}: ${await (await admin("GET", path)).text()}`);
    for (const path of [
      "/admin",
      "/admin/integrations",
      "/admin/deliveries",
      `/admin/deliveries?integration_id=${created.id}`,
      "/admin/audit",
      "/admin/components",
    ])
      seen.push(`${path}: ${await (await uiCall("GET", path, undefined, { Cookie: cookie })).text()}`);

    for (const key of keys) {
      for (const text of [...seen, ...logged]) expect(text.includes(key), text.slice(0, 120)).toBe(false);
    }
    // The control: the answers to create and rotate did carry them.
    expect(created.key).toMatch(/^[a-z0-9]{32}$/);
    expect(rotated.key).toMatch(/^[a-z0-9]{32}$/);
    expect(seen.join("\n")).toContain(rotated.key.slice(0, 6));
    expect(seen.join("\n")).toContain("[redacted key]");
  });

  it("the UI shows a new key once, on the answer to the form, and not on the next page", async () => {
    const cookie = `__Host-admin_session=${await session()}`;
    const res = await uiCall("POST", "/admin/integrations", { name: unique("UI integ"), source: "generic", _csrf: "csrf-token-for-tests" }, { Cookie: cookie });
    expect(res.status).toBe(201);
    const html = await res.text();
    const key = /Key: <code>([a-z0-9]{32})<\/code>/.exec(html)![1]!;
    expect(html).toContain(`/hooks/generic/${key}`);
    const next = await (await uiCall("GET", "/admin/integrations", undefined, { Cookie: cookie })).text();
    expect(next).not.toContain(key);
    expect(next).toContain(key.slice(0, 6));
  });
});
