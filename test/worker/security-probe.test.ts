// The third security probe, one finding per describe, each tried as an attacker would (with
// CF-Connecting-IP trusted, as on Cloudflare): mail bombing through the subscribe form, limits per
// IPv6 /64 and across all clients, the right guess refused while a limit holds, bounded storage for
// strangers' failures and the notification log, component_ids past what a page holds, outbound targets
// chosen by DNS or port, subscriber enumeration by timing, webhook subscribers as an amplifier; and from
// the publication work, a private page's incidents reach no subscriber.
import { createExecutionContext, createMessageBatch, env, getQueueResult, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MAX_CLIENTS_PER_HOUR } from "../../db/failed-attempts";
import worker from "../../worker/index";
import type { NotifyEvent } from "../../worker/notify/events";
import { loadEvent } from "../../worker/notify/load";
import type { NotifyMessage } from "../../worker/notify/messages";
import { limiter } from "../../worker/security/limiter";
import { GLOBAL_CEILING, LIMITS } from "../../worker/security/rate-limit";
import { enforceRetention } from "../../worker/security/retention";
import { MAX_WEBHOOKS_PER_EMAIL, RESEND_AFTER_MS } from "../../worker/subscriptions/subscribe";
import { app } from "./built";
import { admin, BASE, createComponent, createIntegration, post, rows, unique } from "./helpers";

const TOKEN = "test-admin-token-0123456789abcdef0123";
const EDGE = { colo: "AMS", asn: 64500 };
const CAPTURE = env.NOTIFY_CAPTURE_URL;
let ipCounter = 1;
const freshIp = () => `198.18.${Math.floor(ipCounter / 250) % 250}.${(ipCounter++ % 250) + 1}`;

interface Call extends Omit<RequestInit, "cf"> {
  ip?: string;
  bindings?: Record<string, string>;
  /** false: answer as soon as the response is there, without waiting for the waitUntil work. */
  settle?: boolean;
}

async function call(path: string, { ip = freshIp(), bindings = {}, settle = true, ...init }: Call = {}) {
  const headers = new Headers(init.headers);
  headers.set("CF-Connecting-IP", ip);
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}${path}`, { redirect: "manual", ...init, headers, cf: EDGE } as RequestInit), { ...env, ...bindings }, ctx);
  if (settle) await waitOnExecutionContext(ctx);
  return Object.assign(res, { settled: () => waitOnExecutionContext(ctx) });
}

const subscribe = (body: unknown, extra: Call = {}) =>
  call("/subscriptions", { ...extra, method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

const login = (token: string, ip: string, bindings: Record<string, string> = {}) =>
  call("/admin/login", {
    ip,
    bindings,
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
    body: new URLSearchParams({ token }).toString(),
  });

let sent: Array<{ to: string; subject: string; text: string }> = [];
beforeEach(() => {
  sent = [];
  vi.spyOn(env.EMAIL, "send").mockImplementation((async (m: { to: string; subject: string; text: string }) => {
    sent.push(m);
    return { messageId: `<m${sent.length}@test>` };
  }) as never);
});
afterEach(() => vi.restoreAllMocks());

const backdate = (email: string, ms = RESEND_AFTER_MS + 1000) =>
  env.DB.prepare("UPDATE subscribers SET created_at = ?2 WHERE email = ?1")
    .bind(email, new Date(Date.now() - ms).toISOString())
    .run();

describe("mail bombing through the subscribe form", () => {
  it("one address gets one confirmation per 15 minutes, whatever the webhook, the components or the client address", async () => {
    const email = "bombed@example.com";
    const component = await createComponent(unique("Bomb"));
    for (let i = 0; i < 8; i++) {
      const res = await subscribe({ email, webhook_url: `https://hooks-${i}.example.com/x`, ...(i % 2 ? { component_ids: [component.id] } : {}) });
      expect(res.status).toBe(202);
    }
    expect((await subscribe({ email: "BOMBED@example.com", language: "fr" })).status).toBe(202);
    // In parallel too: one statement decides, so a burst gets no more than one.
    await Promise.all(Array.from({ length: 8 }, (_, i) => subscribe({ email: "burst@example.com", webhook_url: `https://burst-${i}.example.com/x` })));
    expect(sent.filter((m) => m.to === email)).toHaveLength(1);
    expect(sent.filter((m) => m.to === "burst@example.com")).toHaveLength(1);
    expect(await rows("SELECT id FROM subscribers WHERE email = ?1", email)).toHaveLength(1);
    // After 15 minutes, one more.
    await backdate(email);
    expect((await subscribe({ email, webhook_url: "https://hooks-late.example.com/x" })).status).toBe(202);
    expect(sent.filter((m) => m.to === email)).toHaveLength(2);
  });

  it(`one address holds at most ${MAX_WEBHOOKS_PER_EMAIL} webhook subscriptions, asked for or confirmed`, async () => {
    const email = "many-hooks@example.com";
    for (let i = 0; i < MAX_WEBHOOKS_PER_EMAIL + 3; i++) {
      expect((await subscribe({ email, webhook_url: `https://many-${i}.example.com/x` })).status).toBe(202);
      await backdate(email);
    }
    const hooks = await rows<{ token: string }>("SELECT token FROM subscribers WHERE email = ?1 AND webhook_url IS NOT NULL", email);
    expect(hooks).toHaveLength(MAX_WEBHOOKS_PER_EMAIL);
    expect(sent.filter((m) => m.to === email)).toHaveLength(MAX_WEBHOOKS_PER_EMAIL);
    // Email alone is not a webhook: still allowed.
    expect((await subscribe({ email })).status).toBe(202);
    expect(await rows("SELECT id FROM subscribers WHERE email = ?1 AND webhook_url IS NULL", email)).toHaveLength(1);

    // Confirming: rows an operator or an older version left past the bound are not confirmed.
    const other = "confirm-bound@example.com";
    const now = new Date().toISOString();
    for (let i = 0; i <= MAX_WEBHOOKS_PER_EMAIL; i++)
      await env.DB.prepare(
        "INSERT INTO subscribers (id, email, webhook_url, language, token, confirmed_at, created_by, created_at) VALUES (?1, ?2, ?3, 'en', ?4, NULL, 'public', ?5)",
      )
        .bind(`cb${String(i).padStart(10, "0")}`, other, `https://cb-${i}.example.com/x`, `tok-confirm-bound-${i}`, now)
        .run();
    const answers = [];
    for (let i = 0; i <= MAX_WEBHOOKS_PER_EMAIL; i++)
      answers.push((await call(`/subscriptions/tok-confirm-bound-${i}/confirm`, { method: "POST", headers: { Accept: "application/json" } })).status);
    expect(answers).toEqual([...Array(MAX_WEBHOOKS_PER_EMAIL).fill(200), 409]);
    expect(await rows("SELECT id FROM subscribers WHERE email = ?1 AND confirmed_at IS NOT NULL", other)).toHaveLength(MAX_WEBHOOKS_PER_EMAIL);
  });
});

describe("subscriber enumeration by timing", () => {
  it("the answer comes before the insert and the page read: a new and a known address are answered alike", async () => {
    const res = await subscribe({ email: "timing-new@example.com" }, { settle: false });
    expect(res.status).toBe(202);
    // Answered, and nothing written yet: the work runs after the answer (waitUntil).
    expect(await rows("SELECT id FROM subscribers WHERE email = 'timing-new@example.com'")).toHaveLength(0);
    await res.settled();
    expect(await rows("SELECT id FROM subscribers WHERE email = 'timing-new@example.com'")).toHaveLength(1);
    const known = await subscribe({ email: "timing-new@example.com" }, { settle: false });
    expect(known.status).toBe(202);
    const other = await subscribe({ email: "timing-other@example.com" });
    const text = (r: unknown) => JSON.stringify(r).replace(/timing-(new|other)/g, "x");
    expect(text(await known.json())).toBe(text(await other.json()));
    await known.settled();
  });
});

describe("component_ids past what a page holds", () => {
  it("more ids than the page has components is a 400 naming the field, never a 500", async () => {
    const ids = Array.from({ length: 150 }, (_, i) => `zz${String(i).padStart(10, "0")}`);
    const res = await subscribe({ email: "ids@example.com", component_ids: ids });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "component_ids", error: expect.stringMatching(/names 150 components; this page has \d+/) });
    const over = await subscribe({ email: "ids@example.com", component_ids: Array.from({ length: 501 }, () => "zz0000000000") });
    expect(over.status).toBe(400);
    expect(await over.json()).toMatchObject({ field: "component_ids" });
  });

  it("a page with more than 100 components: all of them in one subscription (the lookup is chunked)", { timeout: 30_000 }, async () => {
    const made: string[] = [];
    for (let i = 0; i < 110; i++) made.push((await createComponent(`Many ${i} ${unique("c")}`)).id);
    const res = await subscribe({ email: "all-ids@example.com", component_ids: made });
    expect(res.status, await res.clone().text()).toBe(202);
    const [row] = await rows<{ component_ids: string }>("SELECT component_ids FROM subscribers WHERE email = 'all-ids@example.com'");
    expect(JSON.parse(row!.component_ids)).toHaveLength(110);
    const bad = await subscribe({ email: "bad-ids@example.com", component_ids: [...made.slice(0, 105), "zz0000000000"] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: "component_ids[105]" });
  });
});

describe("outbound targets chosen by DNS or port", () => {
  it.each([
    ["https://private.dns.example.com/h", /resolves to 10\.1\.2\.3, a private address/],
    ["https://mixed.dns.example.com/h", /resolves to 192\.168\.1\.10, a private address/],
    ["https://loopback.dns.example.com/h", /a loopback address/],
    ["https://cgnat.dns.example.com/h", /CGNAT/],
    ["https://metadata.dns.example.com/h", /link-local/],
    ["https://ula.dns.example.com/h", /unique local/],
    ["https://mapped.dns.example.com/h", /loopback/],
    ["https://cname.dns.example.com/h", /10\.0\.0\.9/],
    ["https://nxdomain.dns.example.com/h", /does not resolve/],
    ["https://127.0.0.1.nip.io/h", /\.nip\.io names are private/],
    ["https://localtest.me/h", /\.localtest\.me names are private/],
    ["https://kubernetes.default.svc/h", /\.svc names are private/],
    ["https://hooks.example.com:22/h", /port 443 or 8443/],
    ["https://hooks.example.com:6379/h", /port 443 or 8443/],
  ])("a subscriber webhook %s is refused with a 400 naming webhook_url", async (url, why) => {
    const res = await subscribe({ email: "dns@example.com", webhook_url: url });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { field: string; error: string };
    expect(body.field).toBe("webhook_url");
    expect(body.error).toMatch(why);
  });

  it("channels: the same checks when saved; a public host on 443 or 8443 is accepted", async () => {
    const refused = await admin("POST", "/channels", { kind: "slack", name: "inside", url: "https://cname.dns.example.com/services/x" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ field: "url" });
    const port = await admin("POST", "/channels", { kind: "webhook", name: "ssh", url: "https://hooks.example.com:22/x" });
    expect(port.status).toBe(400);
    const ok = await admin("POST", "/channels", { kind: "webhook", name: "fine", url: "https://hooks.example.com:8443/x" });
    expect(ok.status).toBe(201);
    await admin("DELETE", `/channels/${((await ok.json()) as { id: string }).id}`);
  });
});

describe("failure limits per client and across all clients", () => {
  it("an IPv6 client is its /64: 40 addresses of one /64 get the budget of one; another /64 and IPv4 clients are apart", async () => {
    const answers = [];
    for (let i = 1; i <= 40; i++) answers.push((await login("wrong-token", `2001:db8:1:2::${i.toString(16)}`)).status);
    expect(answers.filter((s) => s === 401)).toHaveLength(LIMITS.login.failures);
    expect(answers.slice(LIMITS.login.failures).every((s) => s === 429)).toBe(true);
    // Spelled out in full, or with other interface ids: the same /64.
    expect((await login(TOKEN, "2001:0db8:0001:0002:ffff:ffff:ffff:fffe")).status).toBe(429);
    expect((await login(TOKEN, "2001:db8:1:3::1")).status).toBe(303);
    expect((await login(TOKEN, "198.51.100.99")).status).toBe(303);
    expect(await rows("SELECT failures FROM failed_attempts WHERE kind = 'login' AND client = 'ip:2001:db8:1:2::/64'")).toEqual([
      { failures: LIMITS.login.failures },
    ]);
  });

  it("while a limit holds, every attempt is refused, the right password included (no trusted address: one shared bucket)", async () => {
    const bindings = { BEHIND_CLOUDFLARE: "false" };
    for (let i = 0; i < LIMITS.login.failures; i++) expect((await login("wrong-token", freshIp(), bindings)).status).toBe(401);
    const right = await login(TOKEN, freshIp(), bindings);
    expect(right.status).toBe(429);
    expect(right.headers.get("set-cookie")).toBeNull();
  });

  it("200 failed sign-ins from 200 addresses leave no audit rows and a bounded number of counters", async () => {
    const before = (await rows<{ n: number }>("SELECT count(*) AS n FROM audit_log"))[0]!.n;
    for (let i = 0; i < 200; i++) expect((await login("wrong-token", `198.19.7.${i}`)).status).toBe(401);
    expect((await rows<{ n: number }>("SELECT count(*) AS n FROM audit_log"))[0]!.n).toBe(before);
    const [{ n }] = (await rows<{ n: number }>(
      "SELECT count(*) AS n FROM failed_attempts WHERE kind = 'login' AND hour = ?1",
      new Date().toISOString().slice(0, 13),
    )) as [{ n: number }];
    expect(n).toBeLessThanOrEqual(MAX_CLIENTS_PER_HOUR + 1);
    const [star] = await rows<{ failures: number }>("SELECT failures FROM failed_attempts WHERE kind = 'login' AND client = '*'");
    expect(star?.failures).toBeGreaterThan(0);
    // Operators see the counts (API and the audit page).
    const listed = (await (await admin("GET", "/failed-attempts?limit=500")).json()) as Array<{ kind: string; client: string; failures: number }>;
    expect(listed.find((f) => f.kind === "login" && f.client === "*")?.failures).toBe(star?.failures);
  });

  it(`${GLOBAL_CEILING.failures} failures across all clients stop everyone, with one audit row; the cron's pruning leaves nothing`, {
    timeout: 60_000,
  }, async () => {
    const stub = limiter(env);
    try {
      for (let i = 0; i < GLOBAL_CEILING.failures; i++) {
        const a = await stub.attempt("bearer", { bucket: `ip:10.${i >> 8}.${i & 255}.1`, ip: null, trusted: true }, false);
        expect(a.allowed).toBe(true);
      }
      // A botnet's next address, with the right token, through HTTP: refused, for everyone.
      const refused = await call("/admin/api/components", { ip: "192.0.2.200", headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: string }).error).toMatch(/from every address/);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(GLOBAL_CEILING.windowSeconds);
      expect(await rows("SELECT target_id FROM audit_log WHERE action = 'bearer.rate_limited'")).toEqual([{ target_id: "all clients" }]);
      // Refused attempts from ever new addresses store nothing more in the Limiter.
      const stored = () =>
        runInDurableObject(stub, (_o, state) => Number(state.storage.sql.exec("SELECT count(*) AS n FROM auth_failures WHERE kind = 'bearer'").one().n));
      const before = await stored();
      expect(before).toBe(GLOBAL_CEILING.failures + 1);
      for (let i = 0; i < 200; i++) await stub.attempt("bearer", { bucket: `ip:172.16.${i}.1`, ip: null, trusted: true }, false);
      expect(await stored()).toBe(before);
      expect(await rows("SELECT target_id FROM audit_log WHERE action = 'bearer.rate_limited'")).toHaveLength(1);
    } finally {
      // The cron, a window later: every count whose window ended goes (1000 clients and the global row).
      expect(await stub.prune(Date.now() + GLOBAL_CEILING.windowSeconds * 1000 + 1000)).toBeGreaterThanOrEqual(GLOBAL_CEILING.failures + 1);
      expect(
        await runInDurableObject(stub, (_o, state) => Number(state.storage.sql.exec("SELECT count(*) AS n FROM auth_failures WHERE kind = 'bearer'").one().n)),
      ).toBe(0);
    }
    expect((await call("/admin/api/components", { ip: "192.0.2.201", headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});

describe("the notification log has a retention", () => {
  it("the cron deletes settled notifications older than delivery_retention_days, and keeps sends in flight", async () => {
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const insert = (id: string, status: string, at: string) =>
      env.DB.prepare(
        "INSERT INTO notifications (id, idempotency_key, event_id, event_type, recipient_type, recipient_id, channel_kind, target, status, attempts, created_at, updated_at) VALUES (?1, ?1, 'e', 'incident.created', 'channel', 'c', 'webhook', 'https://x/…', ?2, 1, ?3, ?3)",
      )
        .bind(id, status, at)
        .run();
    await insert("ret-old-delivered", "delivered", old);
    await insert("ret-old-failed", "failed", old);
    await insert("ret-old-retrying", "retrying", old);
    await insert("ret-new-delivered", "delivered", new Date().toISOString());
    const removed = await enforceRetention(env.DB, new Date().toISOString());
    expect(removed.notifications).toBe(2);
    expect((await rows<{ id: string }>("SELECT id FROM notifications WHERE id LIKE 'ret-%' ORDER BY id")).map((r) => r.id)).toEqual([
      "ret-new-delivered",
      "ret-old-retrying",
    ]);
  });
});

// ── Notifications: subscriber webhooks that fail, private pages ─────────────

async function openIncident(componentId: string) {
  const integ = await createIntegration("generic", [componentId]);
  const key = unique("alert");
  const res = await post(`/hooks/generic/${integ.key}`, { dedup_key: key, action: "trigger", severity: "critical", summary: `Down (${key})` });
  expect(res.status).toBe(202);
}

async function subscriberRow(extra: { webhook_url?: string; component_ids: string[]; failing_since?: string | null }) {
  const id = unique("s")
    .replace(/[^a-z0-9]/g, "")
    .slice(-12)
    .padStart(12, "s");
  await env.DB.prepare(
    "INSERT INTO subscribers (id, email, webhook_url, component_ids, language, token, confirmed_at, created_by, created_at, failing_since) VALUES (?1, ?2, ?3, ?4, 'en', ?5, ?6, 'operator', ?6, ?7)",
  )
    .bind(
      id,
      `${id}@example.com`,
      extra.webhook_url ?? null,
      JSON.stringify(extra.component_ids),
      `tok-${id}`,
      new Date().toISOString(),
      extra.failing_since ?? null,
    )
    .run();
  return id;
}

const captured = async (prefix: string) => (await (await fetch(`${CAPTURE}/_requests?prefix=${encodeURIComponent(prefix)}`)).json()) as unknown[];

describe("webhook subscribers as an amplifier", () => {
  async function eventFor(componentId: string): Promise<NotifyEvent> {
    await openIncident(componentId);
    const [u] = await rows<{ id: string }>(
      "SELECT u.id FROM incident_updates u JOIN incident_components ic ON ic.incident_id = u.incident_id WHERE ic.component_id = ?1 ORDER BY u.rowid DESC LIMIT 1",
      componentId,
    );
    return (await loadEvent(env.DB, "http://localhost:8787", { type: "incident_update", id: u!.id }))!;
  }
  const deliver = (event: NotifyEvent, subscriberId: string, attempts = 1) =>
    createMessageBatch<NotifyMessage>("status-notifications", [
      { id: `m-${Math.random()}`, timestamp: new Date(), attempts, body: { kind: "deliver", event, recipient: { type: "subscriber", id: subscriberId } } },
    ]);
  async function run(batch: MessageBatch<NotifyMessage>) {
    const ctx = createExecutionContext();
    await (worker.queue as (b: MessageBatch<NotifyMessage>, e: typeof env, c: ExecutionContext) => Promise<void>)(batch, env, ctx);
    return getQueueResult(batch, ctx);
  }

  it("a webhook that failed every attempt for a day is disabled, its owner told once; one failing since less is not", { timeout: 30_000 }, async () => {
    const comp = await createComponent(unique("Amp"));
    const tag = unique("amp");
    const dayAgo = new Date(Date.now() - 25 * 3600_000).toISOString();
    const stale = await subscriberRow({ webhook_url: `${CAPTURE}/fail/999/${tag}/stale`, component_ids: [comp.id], failing_since: dayAgo });
    const fresh = await subscriberRow({ webhook_url: `${CAPTURE}/fail/999/${tag}/fresh`, component_ids: [comp.id] });
    const event = await eventFor(comp.id);
    const r1 = await run(deliver(event, stale));
    expect(r1.retryMessages).toHaveLength(1);
    await run(deliver(event, fresh));
    const state = async (id: string) =>
      (await rows<{ failing_since: string | null; disabled_at: string | null }>("SELECT failing_since, disabled_at FROM subscribers WHERE id = ?1", id))[0]!;
    expect((await state(stale)).disabled_at).not.toBeNull();
    expect((await state(fresh)).failing_since).not.toBeNull();
    expect((await state(fresh)).disabled_at).toBeNull();
    const told = sent.filter((m) => m.to === `${stale}@example.com`);
    expect(told).toHaveLength(1);
    expect(told[0]!.subject).toMatch(/webhook was turned off/);
    expect(told[0]!.text).not.toContain(`/fail/999/${tag}`); // the URL's path may be a secret: the origin only
    // Disabled: the retry and every later event send nothing there, and nobody is told twice.
    const before = (await captured(`/fail/999/${tag}/stale`)).length;
    const r2 = await run(deliver(event, stale, 2));
    expect(r2.explicitAcks).toHaveLength(1);
    expect((await captured(`/fail/999/${tag}/stale`)).length).toBe(before);
    expect(sent.filter((m) => m.to === `${stale}@example.com`)).toHaveLength(1);
    expect(await rows("SELECT id FROM subscribers WHERE id = ?1 AND disabled_at IS NOT NULL", stale)).toHaveLength(1);
    // Operators see it.
    const all: Array<{ id: string; disabled_at: string | null; failing_since: string | null }> = [];
    for (let after = ""; ; ) {
      const page = (await (await admin("GET", `/subscribers?limit=500${after ? `&after=${after}` : ""}`)).json()) as {
        items: typeof all;
        next_after: string | null;
      };
      all.push(...page.items);
      if (!page.next_after) break;
      after = page.next_after;
    }
    expect(all.find((s) => s.id === stale)?.disabled_at).toBeTruthy();
    expect(all.find((s) => s.id === fresh)).toMatchObject({ disabled_at: null, failing_since: expect.any(String) });
  });

  it("a delivery that arrives clears the failing mark", async () => {
    const comp = await createComponent(unique("Heal"));
    const tag = unique("heal");
    const id = await subscriberRow({
      webhook_url: `${CAPTURE}/ok/${tag}`,
      component_ids: [comp.id],
      failing_since: new Date(Date.now() - 3600_000).toISOString(),
    });
    const event = await eventFor(comp.id);
    await run(deliver(event, id));
    expect(await rows("SELECT failing_since FROM subscribers WHERE id = ?1", id)).toEqual([{ failing_since: null }]);
  });
});

describe("private pages stay private", () => {
  const BASIC = { name: "Acme", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null };

  it("a private page's incident reaches its operators' channels and no subscriber; its manage links show no components", { timeout: 40_000 }, async () => {
    const secret = unique("Payroll secret");
    const comp = await createComponent(secret);
    const tag = unique("priv");
    const ch = await admin("POST", "/channels", { kind: "webhook", name: "ops", url: `${CAPTURE}/ok/${tag}/channel`, component_ids: [comp.id] });
    expect(ch.status).toBe(201);
    const hook = await subscriberRow({ webhook_url: `${CAPTURE}/ok/${tag}/subscriber`, component_ids: [comp.id] });
    const mail = await subscriberRow({ component_ids: [comp.id] });
    expect((await admin("PUT", "/settings", { ...BASIC, visibility: "private", page_password: "a long page password" })).status).toBe(200);
    try {
      // The manage and unsubscribe pages, for a reader not let in: no component named; leaving works.
      const manage = await call(`/subscriptions/tok-${mail}`);
      expect(manage.status).toBe(200);
      const html = await manage.text();
      expect(html).not.toContain(secret);
      expect(html).toContain(`/subscriptions/tok-${mail}/unsubscribe`);
      const json = (await (await call(`/subscriptions/tok-${mail}`, { headers: { Accept: "application/json" } })).json()) as Record<string, unknown>;
      expect(json).not.toHaveProperty("component_ids");
      const change = await call(`/subscriptions/tok-${mail}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ component_ids: [] }),
      });
      expect(change.status).toBe(401);
      expect((await call(`/subscriptions/tok-${mail}/unsubscribe`)).status).toBe(200);
      expect(await (await call(`/subscriptions/tok-${mail}/unsubscribe`)).text()).not.toContain(secret);
      // Public subscription is closed to strangers.
      expect((await subscribe({ email: "stranger@example.com" })).status).toBe(401);

      await openIncident(comp.id);
      const deadline = Date.now() + 20_000;
      while ((await captured(`/ok/${tag}/channel`)).length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect((await captured(`/ok/${tag}/channel`)).length).toBeGreaterThanOrEqual(1);
      // Give the subscribers' sends the time the channel's took, and more.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await captured(`/ok/${tag}/subscriber`)).toEqual([]);
      expect(sent.filter((m) => m.to === `${mail}@example.com`)).toEqual([]);
      expect(await rows("SELECT id FROM notifications WHERE recipient_id IN (?1, ?2)", hook, mail)).toEqual([]);
    } finally {
      expect((await admin("PUT", "/settings", { ...BASIC, visibility: "public", page_password: null })).status).toBe(200);
      await admin("DELETE", `/channels/${((await ch.json()) as { id: string }).id}`);
    }
  });
});
