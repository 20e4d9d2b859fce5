// Failure limits: wrong bearer tokens and wrong sign-ins are limited per client
// address, atomically (a parallel burst gets exactly the limit), answered 429 with Retry-After, with
// one audit row when the limit trips. The address is CF-Connecting-IP only when Cloudflare fronted
// the request (`request.cf`); otherwise every client shares one bucket, where a correct token is
// still accepted so that guessing cannot lock the operator out.
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../worker/security/rate-limit";
import { app } from "./built";
import { BASE, rows, unique } from "./helpers";

const TOKEN = "test-admin-token-0123456789abcdef0123";
/** What Cloudflare's edge adds to a request it fronts. */
const EDGE = { colo: "AMS", asn: 64500 };

function call(path: string, init: Omit<RequestInit, "cf"> & { ip?: string; edge?: Record<string, unknown> | null; bindings?: Record<string, string> } = {}) {
  const { ip, edge: cf = EDGE, bindings = {}, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (ip) headers.set("CF-Connecting-IP", ip);
  const req = new Request(`${BASE}${path}`, { ...rest, headers, ...(cf ? { cf } : {}) });
  return app.fetch(req, { ...env, ...bindings }, createExecutionContext());
}

const bearer = (token: string, ip: string, extra: Parameters<typeof call>[1] = {}) =>
  call("/admin/api/components", {
    ...extra,
    ip,
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: unique("Guess") }),
  });

const componentCount = async () => (await rows<{ n: number }>("SELECT count(*) AS n FROM components"))[0]!.n;

describe("wrong bearer tokens", () => {
  it("40 in parallel from one address: exactly 20 get 401, the rest 429 with Retry-After; one audit row; nothing written", async () => {
    const ip = "192.0.2.40";
    const before = await componentCount();
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => bearer(`wrong-guess-${i}-0123456789abcdef01234567`, ip)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMITS.bearer.failures);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - LIMITS.bearer.failures);
    const limited = answers.find((r) => r.status === 429)!;
    const retry = Number(limited.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(LIMITS.bearer.windowSeconds);
    expect(await limited.json()).toMatchObject({ error: expect.stringMatching(/too many failed attempts/) });
    // The right token from that address is refused too while the window lasts: guessing stops there.
    expect((await bearer(TOKEN, ip)).status).toBe(429);
    expect(await componentCount()).toBe(before);
    // Counted in counters, not rows; an audit row only when the ceiling across all clients trips.
    expect(await rows("SELECT failures, refused FROM failed_attempts WHERE kind = 'bearer' AND client = ?1", `ip:${ip}`)).toEqual([
      { failures: 20, refused: 21 },
    ]);
    expect(await rows("SELECT id FROM audit_log WHERE action = 'bearer.rate_limited'")).toHaveLength(0);
    // Another address is unaffected.
    expect((await bearer(TOKEN, "192.0.2.41")).status).toBe(201);
  });

  it("a made-up CF-Connecting-IP is not believed without Cloudflare in front: rotating it gets no fresh budget", async () => {
    const bindings = { BEHIND_CLOUDFLARE: "false" };
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push((await bearer("wrong-guess-0123456789abcdef0123456789", `203.0.113.${i}`, { bindings })).status);
    expect(answers.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    // No request.cf at all (not through Cloudflare): the same shared bucket.
    expect((await bearer("wrong-guess-0123456789abcdef0123456789", "198.51.100.200", { edge: null })).status).toBe(429);
    // While the limit holds, every attempt is refused, the right token included: otherwise
    // guessing in the shared bucket never stops. (Operators signed in keep their session; Access still works.)
    expect((await bearer(TOKEN, "203.0.113.250", { bindings })).status).toBe(429);
    expect((await bearer(TOKEN, "198.51.100.201", { edge: null })).status).toBe(429);
  });
});

describe("wrong sign-ins", () => {
  const login = (token: string, ip: string) =>
    call("/admin/login", {
      ip,
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
      body: new URLSearchParams({ token }).toString(),
    });

  it("a parallel burst of 12 gets exactly 5 tries, then 429 with Retry-After, even for the right token", async () => {
    const ip = "192.0.2.50";
    const answers = await Promise.all(Array.from({ length: 12 }, () => login("wrong-token-0123456789abcdef0123456789", ip)));
    expect(answers.filter((r) => r.status === 401)).toHaveLength(LIMITS.login.failures);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(12 - LIMITS.login.failures);
    // Counted per hour and client (failed_attempts), not written to the audit log row by row.
    expect(await rows("SELECT failures, refused FROM failed_attempts WHERE kind = 'login' AND client = ?1", `ip:${ip}`)).toEqual([
      { failures: 5, refused: 12 - LIMITS.login.failures },
    ]);
    expect(await rows("SELECT id FROM audit_log WHERE action LIKE 'login.%' AND target_id = ?1", `ip:${ip}`)).toHaveLength(0);
    const right = await login(TOKEN, ip);
    expect(right.status).toBe(429);
    expect(right.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(right.headers.get("set-cookie")).toBeNull();
    expect((await login(TOKEN, "192.0.2.51")).status).toBe(303);
  });
});
