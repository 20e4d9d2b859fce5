// A private page through the built worker: strangers get the sign-in page or a 401 and nothing
// cacheable; the page password (PBKDF2-hashed, never shown) opens it with a signed cookie; wrong
// passwords are limited; Cloudflare Access opens it too.
import { createExecutionContext, env, SELF } from "cloudflare:test";
import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setAccessKeySet } from "../../worker/auth";
import { app } from "../../worker/index";
import { isPrivate } from "../../worker/reader-settings";
import { ACCESS_MAX_FAILURES } from "../../worker/visibility";
import { app as builtApp } from "./built";
import { admin, BASE, createComponent } from "./helpers";

const BASIC = { name: "Acme Internal", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null };
const PASSWORD = "correct horse battery staple";
const SECRET_COMPONENT = "Payroll Database";

const get = (path: string, headers: Record<string, string> = {}) => SELF.fetch(`${BASE}${path}`, { headers, redirect: "manual" });
const signIn = (password: string, headers: Record<string, string> = {}, next = "/history") =>
  SELF.fetch(`${BASE}/access`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ password, next }),
    redirect: "manual",
  });
const cookieOf = (res: Response) => /page_access=([^;]+)/.exec(res.headers.get("Set-Cookie") ?? "")?.[1] ?? "";

const MACHINE = [
  "/api/v2/summary.json",
  "/api/v2/status.json",
  "/api/v2/components.json",
  "/api/v2/incidents.json",
  "/history.rss",
  "/history.atom",
  "/badge.svg",
  "/badge/payroll.svg",
];
const PAGES = ["/", "/history", "/incidents/someincident1", "/no/such/page"];

beforeAll(async () => {
  expect((await admin("PUT", "/settings", BASIC)).status).toBe(200);
  await createComponent(SECRET_COMPONENT);
  // Warm the edge cache while public: a private page must never answer from it to strangers.
  for (const path of [...PAGES, ...MACHINE]) await get(path);
});

describe("making a page private", () => {
  it("needs a way in: no password and no Access is a 400", async () => {
    const res = await admin("PUT", "/settings", { ...BASIC, visibility: "private" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/page_password/);
    expect(await isPrivate(env.DB)).toBe(false);
  });

  it("stores the password hashed with PBKDF2 and never shows it", async () => {
    const res = await admin("PUT", "/settings", { ...BASIC, visibility: "private", page_password: PASSWORD });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(PASSWORD);
    expect(JSON.parse(text)).toMatchObject({ visibility: "private", page_password_set: true });
    expect(JSON.stringify(await (await admin("GET", "/settings")).json())).not.toMatch(/pbkdf2|correct horse/);
    const row = await env.DB.prepare("SELECT page_password_hash, access_secret FROM page_settings WHERE id = 1").first<Record<string, string>>();
    expect(row?.page_password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(row?.access_secret).toBeTruthy();
    const audit = await env.DB.prepare("SELECT after FROM audit_log WHERE action = 'settings.update' ORDER BY id DESC LIMIT 1").first<{
      after: string;
    }>();
    expect(audit?.after).toContain('"page_password":"(set)"');
    expect(audit?.after).not.toContain(PASSWORD);
    expect(await isPrivate(env.DB)).toBe(true);
  });
});

describe("strangers", () => {
  it.each(PAGES)("get the sign-in page for %s, uncacheable, with nothing of the page", async (path) => {
    const res = await get(path, { "Accept-Language": "fr" });
    expect(res.status).toBe(401);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("ETag")).toBeNull();
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/access">');
    expect(html).toContain('name="password"');
    expect(html).toContain("Cette page d’état est privée");
    expect(html).not.toContain(SECRET_COMPONENT);
    expect(html).not.toContain("live.js");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toMatch(/form-action 'self'/);
  });

  it.each(MACHINE)("get a 401 for %s, uncacheable", async (path) => {
    const res = await get(path);
    expect(res.status).toBe(401);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
    const body = await res.text();
    expect(body).toContain("private");
    expect(body).not.toContain(SECRET_COMPONENT);
  });

  it("cannot forge or reuse a cookie", async () => {
    for (const cookie of ["page_access=1", "page_access=9999999999.deadbeef", `page_access=9999999999.${"0".repeat(64)}`]) {
      expect((await get("/api/v2/summary.json", { Cookie: cookie })).status).toBe(401);
    }
  });
});

describe("the page password", () => {
  it("a wrong one is a 401 on the sign-in page", async () => {
    const res = await signIn("wrong password", { "CF-Connecting-IP": "198.51.100.1" });
    expect(res.status).toBe(401);
    expect(res.headers.get("Set-Cookie")).toBeNull();
    expect(await res.text()).toContain("Wrong password");
  });

  it("the right one sets a signed cookie that opens the page, the API and the feeds, privately", async () => {
    const res = await signIn(PASSWORD, { "CF-Connecting-IP": "198.51.100.2" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/history");
    const setCookie = res.headers.get("Set-Cookie") ?? "";
    expect(setCookie).toMatch(/page_access=\d+\.[0-9a-f]{64}; Max-Age=2592000; Path=\/; HttpOnly; Secure; SameSite=Lax/);
    const Cookie = `page_access=${cookieOf(res)}`;
    const page = await get("/", { Cookie });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(SECRET_COMPONENT);
    // Kept by the reader's browser only, never by a shared cache.
    expect(page.headers.get("Cache-Control")).toBe("private, max-age=10");
    expect(page.headers.get("Vary")).toMatch(/Cookie/);
    for (const path of MACHINE.filter((p) => !p.includes("payroll"))) {
      const r = await get(path, { Cookie });
      expect(r.status, path).toBe(200);
      expect(r.headers.get("Cache-Control"), path).toBe("private, max-age=10");
    }
    // A revalidation is private too.
    const etag = page.headers.get("ETag")!;
    const again = await get("/", { Cookie, "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(again.headers.get("Cache-Control")).toBe("private, max-age=10");
    // And a stranger right after still gets nothing from the cache the reader warmed.
    const stranger = await get("/");
    expect(stranger.status).toBe(401);
    expect(await stranger.text()).not.toContain(SECRET_COMPONENT);
  });

  it("sends readers only to a path on this site after signing in", async () => {
    for (const next of ["https://evil.test/", "//evil.test/", "/\\evil.test"]) {
      const res = await signIn(PASSWORD, { "CF-Connecting-IP": "198.51.100.3" }, next);
      expect(res.headers.get("Location")).toBe("/");
    }
  });

  it("a new password signs every reader out", async () => {
    const Cookie = `page_access=${cookieOf(await signIn(PASSWORD, { "CF-Connecting-IP": "198.51.100.4" }))}`;
    expect((await get("/api/v2/status.json", { Cookie })).status).toBe(200);
    expect((await admin("PUT", "/settings", { ...BASIC, page_password: "another long password" })).status).toBe(200);
    expect((await get("/api/v2/status.json", { Cookie })).status).toBe(401);
    expect((await admin("PUT", "/settings", { ...BASIC, page_password: PASSWORD })).status).toBe(200);
  });

  it("refuses a sign-in posted from another site", async () => {
    const res = await signIn(PASSWORD, { Origin: "https://evil.test", "CF-Connecting-IP": "198.51.100.5" });
    expect(res.status).toBe(403);
    expect(res.headers.get("Set-Cookie")).toBeNull();
  });

  it(`limits wrong passwords: after ${ACCESS_MAX_FAILURES} from one address, even the right one waits (429)`, async () => {
    // Through Cloudflare's edge (request.cf), where CF-Connecting-IP is the client's address.
    const edgeSignIn = (password: string, ip: string) =>
      builtApp.fetch(
        new Request(`${BASE}/access`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": ip },
          body: new URLSearchParams({ password }),
          cf: { colo: "AMS", asn: 64500 },
        } as RequestInit),
        env,
        createExecutionContext(),
      );
    for (let n = 0; n < ACCESS_MAX_FAILURES; n++) expect((await edgeSignIn(`guess ${n}`, "203.0.113.9")).status).toBe(401);
    const limited = await edgeSignIn(PASSWORD, "203.0.113.9");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(limited.headers.get("Set-Cookie")).toBeNull();
    expect(await limited.text()).toContain("Too many wrong passwords");
    // Counted per hour and client, not an audit row per client.
    const counted = await env.DB.prepare("SELECT failures, refused FROM failed_attempts WHERE kind = 'page' AND client = 'ip:203.0.113.9'").first();
    expect(counted).toEqual({ failures: ACCESS_MAX_FAILURES, refused: 1 });
    // Another address is not locked out.
    expect((await edgeSignIn(PASSWORD, "203.0.113.10")).status).toBe(303);
  });
});

describe("Cloudflare Access", () => {
  const TEAM = "acme.cloudflareaccess.com";
  const AUD = "aud-readers-0123456789";
  let key: CryptoKey;
  const call = (path: string, headers: Record<string, string> = {}) =>
    app.fetch(new Request(`${BASE}${path}`, { headers }), { ...env, ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD }, createExecutionContext());

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256", { extractable: true });
    key = pair.privateKey as CryptoKey;
    const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: "r1", alg: "RS256", use: "sig" };
    setAccessKeySet(createLocalJWKSet({ keys: [jwk] }));
  });
  afterAll(() => setAccessKeySet(null));

  const jwt = (aud = AUD) =>
    new SignJWT({ email: "reader@acme.test" })
      .setProtectedHeader({ alg: "RS256", kid: "r1" })
      .setIssuer(`https://${TEAM}`)
      .setAudience(aud)
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(key);

  it("a valid Access identity reads the private API and feeds", async () => {
    const headers = { "Cf-Access-Jwt-Assertion": await jwt() };
    const res = await call("/api/v2/summary.json", headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("private, max-age=10");
    expect((await call("/history.atom", headers)).status).toBe(200);
  });

  it("an invalid one is a stranger", async () => {
    expect((await call("/api/v2/summary.json", { "Cf-Access-Jwt-Assertion": await jwt("other-app") })).status).toBe(401);
    expect((await call("/api/v2/summary.json")).status).toBe(401);
  });
});

describe("back to public", () => {
  it("opens everything to everyone again, cacheable", async () => {
    expect((await admin("PUT", "/settings", { ...BASIC, visibility: "public" })).status).toBe(200);
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=10");
    expect((await get("/api/v2/summary.json")).status).toBe(200);
    // The sign-in form is not needed: /access sends the reader to the page.
    expect((await get("/access")).status).toBe(303);
  });
});
