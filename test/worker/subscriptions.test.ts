// Readers subscribe (the public side), through the worker's real fetch handler against real
// D1: POST /subscriptions as JSON and as a form, the double opt-in (the confirmation email is read from
// the EMAIL binding's calls), the token pages (confirm and unsubscribe act on POST only; RFC 8058
// one-click), no enumeration, the per-address limit, Turnstile on and off against a local siteverify
// stand-in, and a private page.
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LIMITS } from "../../worker/security/rate-limit";
import { RESEND_AFTER_MS } from "../../worker/subscriptions/subscribe";
import { TURNSTILE_FAIL_SECRET, TURNSTILE_PASS_SECRET, TURNSTILE_TEST_SITE_KEY, TURNSTILE_TEST_TOKEN } from "../support/turnstile-standin";
import { app } from "./built";
import { admin, BASE, createComponent, rows } from "./helpers";

/** What Cloudflare's edge adds to a request it fronts: CF-Connecting-IP is then the client's address. */
const EDGE = { colo: "AMS", asn: 64500 };
let lastIp = 0;
const freshIp = () => `198.51.100.${++lastIp}`;

interface Call extends Omit<RequestInit, "cf"> {
  ip?: string;
  bindings?: Record<string, string>;
}

/** One request through the worker's fetch handler, its waitUntil work (the email) awaited too. */
async function call(path: string, { ip = freshIp(), bindings = {}, ...init }: Call = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("CF-Connecting-IP", ip);
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}${path}`, { redirect: "manual", ...init, headers, cf: EDGE }), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

const subscribe = (body: unknown, extra: Call = {}) =>
  call("/subscriptions", {
    ...extra,
    method: "POST",
    headers: { "Content-Type": "application/json", ...(extra.headers as Record<string, string>) },
    body: JSON.stringify(body),
  });

const subscribeForm = (fields: Array<[string, string]>, extra: Call = {}) =>
  call("/subscriptions", {
    ...extra,
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE, ...(extra.headers as Record<string, string>) },
    body: new URLSearchParams(fields).toString(),
  });

interface SentEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}
let sent: SentEmail[] = [];

beforeEach(() => {
  sent = [];
  // The pool keeps no headers or bodies of sent mail: the binding's calls are what was sent.
  vi.spyOn(env.EMAIL, "send").mockImplementation((async (message: SentEmail) => {
    sent.push(message);
    return { messageId: `<m${sent.length}@test>` };
  }) as never);
});
afterEach(() => vi.restoreAllMocks());

const subscriberRow = async (email: string) =>
  (
    await rows<{
      id: string;
      token: string;
      confirmed_at: string | null;
      component_ids: string | null;
      language: string;
      webhook_url: string | null;
      created_by: string;
      created_at: string;
    }>("SELECT * FROM subscribers WHERE email = ?1", email)
  )[0];

/** The confirmation link the email carries: `${BASE}/subscriptions/<token>/confirm`. */
const confirmLink = (mail: SentEmail) => /https:\/\/status\.test\/subscriptions\/([A-Za-z0-9_-]+)\/confirm/.exec(mail.text)?.[0];

let api: { id: string; name: string };
let web: { id: string; name: string };
beforeAll(async () => {
  api = await createComponent("Subscribable API");
  web = await createComponent("Subscribable Web");
});

describe("subscribing with email (double opt-in)", () => {
  it("a JSON request: 202, a pending row, and one confirmation email in the reader's language with the link", async () => {
    const res = await subscribe({ email: "  Reader.One@Example.COM ", component_ids: [api.id], language: "fr" });
    expect(res.status).toBe(202);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as { status: string; message: string };
    expect(body.status).toBe("pending");
    expect(body.message).toContain("reader.one@example.com");
    const row = await subscriberRow("reader.one@example.com");
    expect(row).toMatchObject({ confirmed_at: null, language: "fr", created_by: "public", webhook_url: null });
    expect(JSON.parse(row!.component_ids!)).toEqual([api.id]);
    expect(row!.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sent).toHaveLength(1);
    const [mail] = sent;
    expect(mail).toMatchObject({ to: "reader.one@example.com", from: env.EMAIL_FROM });
    expect(mail!.subject).toMatch(/^Confirmez votre abonnement/);
    expect(confirmLink(mail!)).toBe(`${BASE}/subscriptions/${row!.token}/confirm`);
    expect(mail!.html).toContain(`href="${BASE}/subscriptions/${row!.token}/confirm"`);
  });

  it("the link's GET shows a Confirm button and confirms nothing; its POST confirms, once", async () => {
    await subscribe({ email: "reader.two@example.com" });
    const token = (await subscriberRow("reader.two@example.com"))!.token;
    const page = await call(`/subscriptions/${token}/confirm`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
    const html = await page.text();
    expect(html).toContain(`<form class="act" method="post" action="/subscriptions/${token}/confirm">`);
    expect(html).toContain("reader.two@example.com");
    // A mail scanner that opens the link (twice) confirms nothing.
    await call(`/subscriptions/${token}/confirm`);
    expect((await subscriberRow("reader.two@example.com"))!.confirmed_at).toBeNull();

    const confirmed = await call(`/subscriptions/${token}/confirm`, { method: "POST" });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("You are subscribed");
    const at = (await subscriberRow("reader.two@example.com"))!.confirmed_at;
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Again: still confirmed at the first time.
    expect((await call(`/subscriptions/${token}/confirm`, { method: "POST" })).status).toBe(200);
    expect((await subscriberRow("reader.two@example.com"))!.confirmed_at).toBe(at);
    // Only the confirmation email was ever sent.
    expect(sent).toHaveLength(1);
  });

  it("no enumeration: new, pending and confirmed addresses get the same answer; only a new one (or a stale pending one) is emailed", async () => {
    const answer = async (email: string) => {
      const res = await subscribe({ email });
      return { status: res.status, body: (await res.json()) as { status: string; message: string } };
    };
    const first = await answer("same.answer@example.com");
    const pending = await answer("same.answer@example.com");
    expect(pending).toEqual(first);
    expect(sent).toHaveLength(1);
    const row = (await subscriberRow("same.answer@example.com"))!;
    await call(`/subscriptions/${row.token}/confirm`, { method: "POST" });
    expect(await answer("same.answer@example.com")).toEqual(first);
    expect(sent).toHaveLength(1);
    expect(await rows("SELECT id FROM subscribers WHERE email = 'same.answer@example.com'")).toHaveLength(1);

    // A pending request older than the resend interval gets a fresh email (and a fresh 7 days).
    await answer("stale.pending@example.com");
    const old = new Date(Date.now() - RESEND_AFTER_MS - 60_000).toISOString();
    await env.DB.prepare("UPDATE subscribers SET created_at = ?1 WHERE email = 'stale.pending@example.com'").bind(old).run();
    expect(await answer("stale.pending@example.com")).toEqual({
      ...first,
      body: { ...first.body, message: first.body.message.replace("same.answer", "stale.pending") },
    });
    expect(sent.map((m) => m.to)).toEqual(["same.answer@example.com", "stale.pending@example.com", "stale.pending@example.com"]);
    expect((await subscriberRow("stale.pending@example.com"))!.created_at > old).toBe(true);
  });

  it("parallel requests for one address make one row and one email (the UNIQUE (email, webhook) index)", async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => subscribe({ email: "parallel@example.com" })));
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(await rows("SELECT id FROM subscribers WHERE email = 'parallel@example.com'")).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });
});

describe("bad input", () => {
  it.each([
    [{ email: "not-an-address" }, "email"],
    [{}, "email"],
    [{ email: "a@example.com\r\nBcc: victim@example.com" }, "email"],
    [{ email: "x@example.com", component_ids: ["nosuchcompo1"] }, "component_ids[0]"],
    [{ email: "x@example.com", component_ids: ["../etc"] }, "component_ids[0]"],
    [{ email: "x@example.com", component_ids: "all" }, "component_ids"],
    [{ email: "x@example.com", webhook_url: "http://hooks.example.com/x" }, "webhook_url"],
    [{ email: "x@example.com", webhook_url: "https://127.0.0.1/x" }, "webhook_url"],
    [{ email: "x@example.com", webhook_url: "https://intranet.local/x" }, "webhook_url"],
    [{ email: "x@example.com", language: "xx" }, "language"],
  ])("%j → 400 naming `%s`, nothing written, nothing sent", async (body, field) => {
    const before = await rows("SELECT id FROM subscribers");
    // As in production: no loopback exception (the worker tests' default allows it, for capture servers).
    const res = await subscribe(body, { bindings: { OUTBOUND_ALLOW_LOOPBACK: "" } });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: string; field: string; message: string };
    expect(json.field).toBe(field);
    expect(json.error).toContain(`\`${field}\``);
    expect(json.message.length).toBeGreaterThan(5);
    expect(await rows("SELECT id FROM subscribers")).toHaveLength(before.length);
    expect(sent).toHaveLength(0);
  });

  it("malformed JSON and a JSON array are 400 `body`; an oversized body is 413", async () => {
    const raw = (body: string) => call("/subscriptions", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    for (const body of ["{", "[]", '"x"']) {
      const res = await raw(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { field: string }).field).toBe("body");
    }
    expect((await raw(JSON.stringify({ email: "big@example.com", pad: "x".repeat(20_000) }))).status).toBe(413);
  });
});

describe("the form, without JavaScript", () => {
  it("a form post answers a page in the reader's language; an error re-renders the form with the value and the message", async () => {
    const ok = await subscribeForm([
      ["email", "form.reader@example.com"],
      ["component_ids", api.id],
      ["component_ids", web.id],
      ["language", "de"],
      ["webhook_url", ""],
    ]);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await ok.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain("Sehen Sie in Ihr Postfach");
    expect(JSON.parse((await subscriberRow("form.reader@example.com"))!.component_ids!)).toEqual([api.id, web.id]);
    expect(sent[0]!.subject).toMatch(/^Bestätigen Sie Ihr Abonnement/);

    const bad = await subscribeForm([
      ["email", "typo@@example"],
      ["language", "ja"],
      ["component_ids", web.id],
    ]);
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toContain('<html lang="ja">');
    expect(page).toContain('value="typo@@example" aria-invalid="true"');
    expect(page).toContain("有効なメールアドレスを入力してください。");
    expect(page).toContain(`value="${web.id}" checked`);
  });

  it("a form another site posts is refused (403), and nothing is written", async () => {
    const res = await subscribeForm([["email", "csrf.victim@example.com"]], { headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(await subscriberRow("csrf.victim@example.com")).toBeUndefined();
  });

  it("the page /subscribe shows the form with every component, and the header links to it", async () => {
    const res = await call("/subscribe");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<form class="sub" method="post" action="/subscriptions"');
    expect(html).toContain(`name="component_ids" value="${api.id}"`);
    expect(html).not.toContain("cf-turnstile");
    expect(html).toContain('<a href="/subscribe">Subscribe</a>');
    expect(res.headers.get("content-security-policy")).not.toContain("challenges.cloudflare.com");
  });
});

describe("the per-address limit", () => {
  it(`${LIMITS.subscribe.failures} requests an hour from one address, then 429 with Retry-After (JSON and page); another address is unaffected`, async () => {
    const ip = "192.0.2.77";
    const answers = [];
    for (let i = 0; i < LIMITS.subscribe.failures; i++) answers.push((await subscribe({ email: `limit${i}@example.com` }, { ip })).status);
    expect(answers.every((s) => s === 202)).toBe(true);
    const limited = await subscribe({ email: "limit-over@example.com" }, { ip });
    expect(limited.status).toBe(429);
    const retry = Number(limited.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(LIMITS.subscribe.windowSeconds);
    expect(((await limited.json()) as { message: string }).message).toMatch(/Too many subscription requests/);
    expect(await subscriberRow("limit-over@example.com")).toBeUndefined();
    const page = await subscribeForm(
      [
        ["email", "limit-form@example.com"],
        ["language", "fr"],
      ],
      { ip },
    );
    expect(page.status).toBe(429);
    expect(page.headers.get("retry-after")).toBeTruthy();
    expect(await page.text()).toContain("Trop de demandes d’abonnement");
    expect((await subscribe({ email: "other-address@example.com" }, { ip: "192.0.2.78" })).status).toBe(202);
    expect(await rows("SELECT failures, refused FROM failed_attempts WHERE kind = 'subscribe' AND client = ?1", `ip:${ip}`)).toEqual([
      { failures: LIMITS.subscribe.failures, refused: 2 },
    ]);
  });
});

describe("the token pages", () => {
  const confirmedSubscriber = async (email: string, body: Record<string, unknown> = {}) => {
    await subscribe({ email, ...body });
    const { token } = (await subscriberRow(email))!;
    await call(`/subscriptions/${token}/confirm`, { method: "POST" });
    return token;
  };

  it("the manage page shows what is chosen, changes it (form → 303 back, JSON) and never caches", async () => {
    const token = await confirmedSubscriber("manage.me@example.com", { component_ids: [api.id], language: "es" });
    const page = await call(`/subscriptions/${token}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain(`value="${api.id}" checked`);
    expect(html).toContain(`value="${web.id}">`);
    expect(html).toContain(`action="/subscriptions/${token}/unsubscribe"`);

    const saved = await call(`/subscriptions/${token}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([["component_ids", web.id]]).toString(),
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(`/subscriptions/${token}?saved=1`);
    expect(JSON.parse((await subscriberRow("manage.me@example.com"))!.component_ids!)).toEqual([web.id]);
    expect(await (await call(`/subscriptions/${token}?saved=1`)).text()).toContain("Guardado.");

    // Nothing ticked: every component.
    const all = await call(`/subscriptions/${token}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ component_ids: [] }),
    });
    expect(all.status).toBe(200);
    expect(await all.json()).toEqual({
      email: "manage.me@example.com",
      webhook_url: null,
      component_ids: null,
      language: "es",
      status: "confirmed",
    });
    const bad = await call(`/subscriptions/${token}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ component_ids: ["nosuchcompo1"] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe("component_ids[0]");
    const broken = await call(`/subscriptions/${token}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{" });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { field: string }).field).toBe("body");
    const unchanged = await call(`/subscriptions/${token}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ component_ids: [api.id] }),
    });
    expect(await unchanged.json()).toMatchObject({ component_ids: [api.id] });
  });

  it("one-click unsubscribe (RFC 8058): a POST with `List-Unsubscribe=One-Click` deletes the row at once, from anywhere; then 404", async () => {
    const token = await confirmedSubscriber("leave.me@example.com");
    // The GET (a browser opening the link) only shows the button.
    const shown = await call(`/subscriptions/${token}/unsubscribe`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain(`<form class="act" method="post" action="/subscriptions/${token}/unsubscribe">`);
    expect(await subscriberRow("leave.me@example.com")).toBeDefined();

    // What a mail provider sends: a cross-site form post, no cookie.
    const res = await call(`/subscriptions/${token}/unsubscribe`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://mail.example.net" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("You are unsubscribed");
    expect(await subscriberRow("leave.me@example.com")).toBeUndefined();

    for (const path of [`/subscriptions/${token}`, `/subscriptions/${token}/confirm`, `/subscriptions/${token}/unsubscribe`]) {
      const gone = await call(path, {
        method: "POST",
        body: "List-Unsubscribe=One-Click",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(gone.status).toBe(404);
      const text = await gone.text();
      expect(text).toContain("No such subscription");
      expect(text).not.toContain("leave.me");
    }
  });

  it("a webhook subscriber: the email confirms it, the same links work, and JSON answers JSON", async () => {
    const res = await subscribe(
      { email: "hooks@example.com", webhook_url: "http://127.0.0.1:9/hook" },
      { bindings: { OUTBOUND_ALLOW_LOOPBACK: "1" } /* the worker tests' default, said here */ },
    );
    expect(res.status).toBe(202);
    const row = (await rows<{ token: string; webhook_url: string }>("SELECT token, webhook_url FROM subscribers WHERE email = 'hooks@example.com'"))[0]!;
    expect(row.webhook_url).toBe("http://127.0.0.1:9/hook");
    expect(sent.map((m) => m.to)).toEqual(["hooks@example.com"]);
    // The same address with its email alone is another subscriber, but not within 15 minutes of the
    // address's last confirmation email: then the request writes and sends nothing.
    expect((await subscribe({ email: "hooks@example.com" })).status).toBe(202);
    expect(await rows("SELECT id FROM subscribers WHERE email = 'hooks@example.com'")).toHaveLength(1);
    await env.DB.prepare("UPDATE subscribers SET created_at = ?1 WHERE email = 'hooks@example.com'")
      .bind(new Date(Date.now() - RESEND_AFTER_MS - 1000).toISOString())
      .run();
    expect((await subscribe({ email: "hooks@example.com" })).status).toBe(202);
    expect(await rows("SELECT id FROM subscribers WHERE email = 'hooks@example.com'")).toHaveLength(2);

    const json = { Accept: "application/json" };
    expect(await (await call(`/subscriptions/${row.token}/confirm`, { method: "POST", headers: json })).json()).toMatchObject({
      status: "confirmed",
      webhook_url: row.webhook_url,
    });
    expect(await (await call(`/subscriptions/${row.token}`, { headers: json })).json()).toMatchObject({ status: "confirmed" });
    expect(await (await call(`/subscriptions/${row.token}/unsubscribe`, { method: "POST", headers: json })).json()).toEqual({
      status: "unsubscribed",
    });
    expect((await call(`/subscriptions/${row.token}`, { headers: json })).status).toBe(404);
  });

  it("made-up and malformed tokens are a bare 404, never cached", async () => {
    for (const token of ["short", "x".repeat(43), "not~a~token~but~long~enough", "a".repeat(200)]) {
      const res = await call(`/subscriptions/${token}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });
});

describe("unconfirmed subscriptions expire", () => {
  it("the cron's retention deletes those never confirmed after 7 days, and keeps confirmed ones", async () => {
    await subscribe({ email: "expires@example.com" });
    await subscribe({ email: "stays@example.com" });
    const { token } = (await subscriberRow("stays@example.com"))!;
    await call(`/subscriptions/${token}/confirm`, { method: "POST" });
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString();
    await env.DB.prepare("UPDATE subscribers SET created_at = ?1 WHERE email IN ('expires@example.com', 'stays@example.com')").bind(eightDaysAgo).run();
    const { enforceRetention } = await import("../../worker/security/retention");
    const removed = await enforceRetention(env.DB, new Date().toISOString());
    expect(removed.unconfirmed).toBeGreaterThanOrEqual(1);
    expect(await subscriberRow("expires@example.com")).toBeUndefined();
    expect(await subscriberRow("stays@example.com")).toBeDefined();
  });
});

describe("Turnstile, switched on through the page settings", () => {
  const SETTINGS = { name: "Acme", url: "", time_zone: "Etc/UTC", auto_resolve_minutes: null };
  const standIn = () => env.TURNSTILE_VERIFY_URL!.replace(/\/siteverify$/, "/requests");
  const requests = async () => (await (await fetch(standIn())).json()) as Array<Record<string, string>>;
  const on = { TURNSTILE_SECRET: TURNSTILE_PASS_SECRET };

  it("on: the page shows the widget (and its CSP allows Cloudflare's script); a token is checked with siteverify", async () => {
    expect((await admin("PUT", "/settings", { ...SETTINGS, turnstile_site_key: TURNSTILE_TEST_SITE_KEY })).status).toBe(200);
    expect(await (await admin("GET", "/settings")).json()).toMatchObject({ turnstile_site_key: TURNSTILE_TEST_SITE_KEY });
    const page = await call("/subscribe");
    const html = await page.text();
    expect(html).toContain(`<div class="cf-turnstile" data-sitekey="${TURNSTILE_TEST_SITE_KEY}"`);
    expect(html).toContain('<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async defer></script>');
    const csp = page.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self' https://challenges.cloudflare.com");
    expect(csp).toContain("frame-src https://challenges.cloudflare.com");

    const before = (await requests()).length;
    const ok = await subscribe({ email: "human@example.com", "cf-turnstile-response": TURNSTILE_TEST_TOKEN }, { ip: "203.0.113.9", bindings: on });
    expect(ok.status).toBe(202);
    const asked = (await requests()).slice(before);
    expect(asked).toEqual([{ response: TURNSTILE_TEST_TOKEN, remoteip: "203.0.113.9", secret: "pass" }]);
    expect(await subscriberRow("human@example.com")).toBeDefined();
  });

  it("on: no token, or one siteverify refuses, is a 400 naming the field; a missing secret or an unreachable siteverify a 503; nothing written", async () => {
    const none = await subscribe({ email: "bot1@example.com" }, { bindings: on });
    expect(none.status).toBe(400);
    expect(((await none.json()) as { field: string }).field).toBe("cf-turnstile-response");
    const refused = await subscribe(
      { email: "bot2@example.com", "cf-turnstile-response": TURNSTILE_TEST_TOKEN },
      { bindings: { TURNSTILE_SECRET: TURNSTILE_FAIL_SECRET } },
    );
    expect(refused.status).toBe(400);
    const form = await subscribeForm(
      [
        ["email", "bot3@example.com"],
        ["cf-turnstile-response", TURNSTILE_TEST_TOKEN],
      ],
      { bindings: { TURNSTILE_SECRET: TURNSTILE_FAIL_SECRET } },
    );
    expect(form.status).toBe(400);
    expect(await form.text()).toContain("Complete the check above the button");
    const noSecret = await subscribe({ email: "bot4@example.com", "cf-turnstile-response": TURNSTILE_TEST_TOKEN });
    expect(noSecret.status).toBe(503);
    const wrongSecret = await subscribe(
      { email: "bot5@example.com", "cf-turnstile-response": TURNSTILE_TEST_TOKEN },
      { bindings: { TURNSTILE_SECRET: "0x-not-a-secret" } },
    );
    expect(wrongSecret.status).toBe(503);
    const down = await subscribe(
      { email: "bot6@example.com", "cf-turnstile-response": TURNSTILE_TEST_TOKEN },
      { bindings: { ...on, TURNSTILE_VERIFY_URL: "http://127.0.0.1:9/siteverify" } },
    );
    expect(down.status).toBe(503);
    for (const r of [noSecret, wrongSecret, down]) expect(await r.text()).not.toContain("0x-not-a-secret");
    expect(await rows("SELECT id FROM subscribers WHERE email LIKE 'bot%@example.com'")).toHaveLength(0);
    expect(sent).toHaveLength(0);
  });

  it("off again (empty site key): no widget, no siteverify call", async () => {
    expect((await admin("PUT", "/settings", { ...SETTINGS, turnstile_site_key: "" })).status).toBe(200);
    expect(await (await call("/subscribe")).text()).not.toContain("cf-turnstile");
    const before = (await requests()).length;
    expect((await subscribe({ email: "no-check@example.com" }, { bindings: on })).status).toBe(202);
    expect((await requests()).length).toBe(before);
  });
});

describe("a private page", () => {
  it("strangers cannot subscribe (401 JSON, or the sign-in page); readers let in can", async () => {
    expect(
      (
        await admin("PUT", "/settings", {
          name: "Acme",
          url: "",
          time_zone: "Etc/UTC",
          auto_resolve_minutes: null,
          visibility: "private",
          page_password: "correct horse battery",
        })
      ).status,
    ).toBe(200);
    try {
      const json = await subscribe({ email: "stranger@example.com" });
      expect(json.status).toBe(401);
      const form = await subscribeForm([["email", "stranger@example.com"]]);
      expect(form.status).toBe(401);
      expect(await form.text()).toContain('action="/access"');
      expect(await subscriberRow("stranger@example.com")).toBeUndefined();

      const signIn = await call("/access", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: BASE },
        body: new URLSearchParams({ password: "correct horse battery", next: "/subscribe" }).toString(),
      });
      const cookie = /page_access=([^;]+)/.exec(signIn.headers.get("set-cookie") ?? "")?.[1];
      expect(cookie).toBeTruthy();
      const reader = await subscribe({ email: "insider@example.com" }, { headers: { Cookie: `page_access=${cookie}` } });
      expect(reader.status).toBe(202);
      expect(await subscriberRow("insider@example.com")).toBeDefined();
      // The one-click unsubscribe still works without the cookie: a mail client has none.
      const { token } = (await subscriberRow("insider@example.com"))!;
      expect((await call(`/subscriptions/${token}/unsubscribe`, { method: "POST", body: "List-Unsubscribe=One-Click" })).status).toBe(200);
    } finally {
      expect(
        (
          await admin("PUT", "/settings", {
            name: "Acme",
            url: "",
            time_zone: "Etc/UTC",
            auto_resolve_minutes: null,
            visibility: "public",
            page_password: null,
          })
        ).status,
      ).toBe(200);
    }
  });
});
