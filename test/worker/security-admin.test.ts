// The admin's hardening: server-side sessions that sign-out really ends,
// "sign out everywhere", the token never stored as a name, a short ADMIN_TOKEN refused, 64 KB bodies,
// flash messages as codes.
import { createExecutionContext, env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/index";
import { loginActor } from "../../worker/routes/admin-ui";
import { ADMIN, BASE, createComponent, rows, unique } from "./helpers";

const TOKEN = "test-admin-token-0123456789abcdef0123";

const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, ...headers },
    body: new URLSearchParams(fields).toString(),
  });

/** Signs in through the form; returns the Cookie header and the page's CSRF token. */
async function signIn(name: string, ip: string) {
  const res = await form("/admin/login", { token: TOKEN, name }, { "CF-Connecting-IP": ip });
  expect(res.status).toBe(303);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const page = await (await SELF.fetch(`${BASE}/admin`, { headers: { Cookie: cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
  return { cookie, csrf };
}

describe("sessions live in D1", () => {
  it("a cookie replayed after sign-out opens nothing: no page, no write", async () => {
    const { cookie, csrf } = await signIn("Replay", "198.51.100.31");
    expect((await SELF.fetch(`${BASE}/admin`, { headers: { Cookie: cookie } })).status).toBe(200);
    const out = await form("/admin/logout", { _csrf: csrf }, { Cookie: cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get("set-cookie")).toMatch(/^__Host-admin_session=;/);
    const [row] = await rows<{ revoked_at: string | null; actor: string }>("SELECT revoked_at, actor FROM admin_sessions WHERE actor = 'Replay (token)'");
    expect(row!.revoked_at).not.toBeNull();
    // The attacker's copy of the cookie:
    expect((await SELF.fetch(`${BASE}/admin`, { headers: { Cookie: cookie } })).status).toBe(401);
    const name = unique("After logout");
    const write = await form("/admin/components", { name, _csrf: csrf }, { Cookie: cookie });
    expect(write.status).toBe(401);
    expect(await rows("SELECT id FROM components WHERE name = ?1", name)).toEqual([]);
  });

  it("sign out everywhere ends every operator's session, recorded in the audit log", async () => {
    const a = await signIn("Alice", "198.51.100.32");
    const b = await signIn("Bob", "198.51.100.33");
    const res = await form("/admin/logout/everywhere", { _csrf: a.csrf }, { Cookie: a.cookie });
    expect(res.status).toBe(303);
    for (const s of [a, b]) expect((await SELF.fetch(`${BASE}/admin`, { headers: { Cookie: s.cookie } })).status).toBe(401);
    expect(await rows("SELECT count(*) AS n FROM admin_sessions WHERE revoked_at IS NULL AND expires_at > ?1", new Date().toISOString())).toEqual([{ n: 0 }]);
    const [audit] = await rows<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'logout.everywhere' ORDER BY id DESC LIMIT 1");
    expect(audit!.actor).toBe("Alice (token)");
    // The cron drops ended sessions once expired; a new sign-in still works.
    await signIn("Alice", "198.51.100.32");
  });
});

describe("the login's name field never stores anything containing the token", () => {
  it.each([
    ["the token itself", TOKEN],
    ["the token with words around it", `me ${TOKEN} oops`],
    ["the token in capitals", TOKEN.toUpperCase()],
    ["half of the token", TOKEN.slice(0, 18)],
    ["a stretch from its middle", `x${TOKEN.slice(10, 20)}y`],
  ])("%s → recorded as `admin`", async (_, name) => {
    expect(loginActor(name, TOKEN)).toBe("admin");
  });

  it("an ordinary name is kept, cleaned of control characters", () => {
    expect(loginActor("Ada\u0000 Lovelace\u001b", TOKEN)).toBe("Ada Lovelace (token)");
  });

  it("through the form: nothing in D1 contains the token", async () => {
    await signIn(`pasted ${TOKEN}`, "198.51.100.34");
    for (const table of ["audit_log", "admin_sessions"]) expect(JSON.stringify(await rows(`SELECT * FROM ${table}`))).not.toContain(TOKEN);
  });
});

describe("an ADMIN_TOKEN shorter than 32 characters", () => {
  const short = { ...env, ADMIN_TOKEN: "short-token-0123456789" };
  const call = (path: string, init: RequestInit = {}) => app.fetch(new Request(`${BASE}${path}`, init), short, createExecutionContext());

  it("is refused with a message that says so, on the API, the UI and the login, even when presented exactly", async () => {
    const api = await call("/admin/api/components", { headers: { Authorization: `Bearer ${short.ADMIN_TOKEN}` } });
    expect(api.status).toBe(401);
    expect(((await api.json()) as { error: string }).error).toMatch(/ADMIN_TOKEN is shorter than 32 characters/);
    const login = await call("/admin/login", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
      body: new URLSearchParams({ token: short.ADMIN_TOKEN }).toString(),
    });
    expect(login.status).toBe(401);
    expect(login.headers.get("set-cookie")).toBeNull();
    expect(await login.text()).toContain("shorter than 32 characters");
  });
});

describe("admin bodies are limited to 64 KB", () => {
  it("a larger JSON body is a 413, and nothing is written", async () => {
    const name = unique("Big");
    const res = await SELF.fetch(`${BASE}/admin/api/components`, {
      method: "POST",
      headers: ADMIN,
      body: JSON.stringify({ name, description: "x".repeat(65 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "admin request bodies are limited to 64 KB" });
    expect(await rows("SELECT id FROM components WHERE name = ?1", name)).toEqual([]);
  });

  it("the login form too, streamed without a length", async () => {
    const big = new URLSearchParams({ token: "x".repeat(70 * 1024) }).toString();
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const res = await SELF.fetch(`${BASE}/admin/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
      body: stream,
      // @ts-expect-error workerd's RequestInit takes duplex for a streamed body
      duplex: "half",
    });
    expect(res.status).toBe(413);
  });

  it("a body just under the limit is accepted", async () => {
    const c = await createComponent("Under limit", { description: "y".repeat(1900) });
    expect(c.name).toBe("Under limit");
  });
});
