// Subscribing, the public side, against the real stack: a stack of its own under `wrangler dev` (fresh
// local D1 with the demo data, the send_email binding, TURNSTILE_SECRET and a local siteverify
// stand-in), the confirmation email read from wrangler's local explorer
// (/cdn-cgi/local/explorer/api/local/email/sending), the token pages over real HTTP, Turnstile on and
// off, and the subscribe form in Debian's Chromium with JavaScript and without. Screenshots go to
// test-results/screenshots (subscribe-form, subscribe-sent-nojs, subscribe-sent-js, subscribe-manage).
//
// Its own stack because the global one has no Turnstile secret, and because the subscribe limit is per
// client address, which `wrangler dev` cannot tell apart (BEHIND_CLOUDFLARE=false): everything here
// shares one bucket of LIMITS.subscribe.failures (10) requests, and uses 7.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
// @ts-expect-error plain ESM helper shared with npm start
import { freePort, prepareDatabase, startWorker, workerConfig } from "../../scripts/lib.mjs";
import {
  startTurnstileStandIn,
  TURNSTILE_PASS_SECRET,
  TURNSTILE_TEST_SITE_KEY,
  TURNSTILE_TEST_TOKEN,
  type TurnstileStandIn,
} from "../support/turnstile-standin";
import { ARTIFACTS, adminClient, closePage, launchBrowser, openPage } from "./browser";

const ADMIN_TOKEN = "e2e-subscribe-admin-token-0123456789abcdef";

let base = "";
let stop = () => {};
let persistTo = "";
let standIn: TurnstileStandIn;
let browser: Browser;
let admin: ReturnType<typeof adminClient>;

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), "status-e2e-subscribe-"));
  prepareDatabase(persistTo);
  standIn = await startTurnstileStandIn();
  const worker = await startWorker({
    port: await freePort(),
    persistTo,
    adminToken: ADMIN_TOKEN,
    config: workerConfig(inject("siteDir")),
    extraVars: { TURNSTILE_SECRET: TURNSTILE_PASS_SECRET, TURNSTILE_VERIFY_URL: standIn.url },
  });
  base = worker.url;
  stop = worker.stop;
  admin = adminClient(base, ADMIN_TOKEN);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  stop();
  await standIn?.close();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

// ── wrangler's local explorer: the mail the send_email binding sent ───────────

interface LocalEmail {
  messageId: string;
  to: string[];
  subject: string;
  worker?: string;
  text?: string;
  html?: string;
}

/** The newest email sent to `to`, with its text, once it is there (it leaves after the answer). */
async function emailTo(to: string, timeoutMs = 15_000): Promise<LocalEmail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/cdn-cgi/local/explorer/api/local/email/sending?per_page=100`);
    expect(res.status).toBe(200);
    const list = ((await res.json()) as { result: LocalEmail[] }).result ?? [];
    const found = list.filter((m) => m.to.includes(to)).at(-1);
    if (found) {
      const detail = await fetch(
        `${base}/cdn-cgi/local/explorer/api/local/email/sending?email_id=${encodeURIComponent(found.messageId)}${found.worker ? `&worker=${encodeURIComponent(found.worker)}` : ""}`,
      );
      return { ...found, ...((await detail.json()) as { result: LocalEmail }).result };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email to ${to} within ${timeoutMs} ms`);
}

async function emailsTo(to: string): Promise<number> {
  const list = ((await (await fetch(`${base}/cdn-cgi/local/explorer/api/local/email/sending?per_page=100`)).json()) as { result: LocalEmail[] }).result ?? [];
  return list.filter((m) => m.to.includes(to)).length;
}

const confirmLinkIn = (mail: LocalEmail) => {
  const link = /http:\/\/127\.0\.0\.1:\d+\/subscriptions\/[A-Za-z0-9_-]{43}\/confirm/.exec(mail.text ?? "")?.[0];
  expect(link, mail.text).toBeTruthy();
  return link!;
};

/** Clicks what sends the page elsewhere and waits for the new document (its URL may be the same). */
const follow = async (page: Page, selector: string) => {
  await Promise.all([page.waitForEvent("load"), page.click(selector)]);
};

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe("subscribing over HTTP, as the README's curls do", () => {
  it("POST /subscriptions → 202; the confirmation email is in the local explorer; confirm, manage, one-click unsubscribe", async () => {
    const email = "curl.reader@example.com";
    const res = await fetch(`${base}/subscriptions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, language: "pt-BR" }),
    });
    expect(res.status).toBe(202);
    const mail = await emailTo(email);
    expect(mail.subject).toBe("Confirme sua assinatura do status de Acme Cloud");
    const link = confirmLinkIn(mail);
    expect(mail.html).toContain(`href="${link}"`);

    // A scanner's GET confirms nothing; the page's button (a POST) does.
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('method="post"');
    const token = link.split("/").at(-2)!;
    expect(await (await fetch(`${base}/subscriptions/${token}`, { headers: { Accept: "application/json" } })).json()).toMatchObject({
      status: "pending",
    });
    expect((await fetch(link, { method: "POST" })).status).toBe(200);
    expect(await (await fetch(`${base}/subscriptions/${token}`, { headers: { Accept: "application/json" } })).json()).toMatchObject({
      email,
      status: "confirmed",
      language: "pt-BR",
    });
    // Operators see it, confirmed, as the public made it.
    const listed = (await admin("GET", "/subscribers")).items as Array<Record<string, unknown>>;
    expect(listed.find((s) => s.email === email)).toMatchObject({ status: "confirmed", created_by: "public" });

    const off = await fetch(`${base}/subscriptions/${token}/unsubscribe`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(off.status).toBe(200);
    expect((await fetch(`${base}/subscriptions/${token}`)).status).toBe(404);
    // One email in all: the confirmation.
    expect(await emailsTo(email)).toBe(1);
  });
});

describe("Turnstile through the page settings", () => {
  it("on: the form shows the widget and the worker checks the token with siteverify (the local stand-in); off again: no check", async () => {
    const settings = await admin("GET", "/settings");
    const basics = {
      name: settings.name,
      url: settings.url,
      time_zone: settings.time_zone,
      auto_resolve_minutes: settings.auto_resolve_minutes,
    };
    await admin("PUT", "/settings", { ...basics, turnstile_site_key: TURNSTILE_TEST_SITE_KEY });
    try {
      const page = await fetch(`${base}/subscribe`);
      expect(await page.text()).toContain(`data-sitekey="${TURNSTILE_TEST_SITE_KEY}"`);
      expect(page.headers.get("content-security-policy")).toContain("frame-src https://challenges.cloudflare.com");
      const without = await fetch(`${base}/subscriptions`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: "bot@example.com" }),
      });
      expect(without.status).toBe(400);
      expect(await without.json()).toMatchObject({ field: "cf-turnstile-response" });
      const human = await fetch(`${base}/subscriptions`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ email: "human@example.com", "cf-turnstile-response": TURNSTILE_TEST_TOKEN }),
      });
      expect(human.status).toBe(202);
      const asked = (await (await fetch(standIn.url.replace(/siteverify$/, "requests"))).json()) as Array<Record<string, string>>;
      expect(asked).toEqual([{ response: TURNSTILE_TEST_TOKEN, secret: "pass" }]);
      await emailTo("human@example.com");
      expect(await emailsTo("bot@example.com")).toBe(0);
    } finally {
      await admin("PUT", "/settings", { ...basics, turnstile_site_key: null });
    }
    expect(await (await fetch(`${base}/subscribe`)).text()).not.toContain("cf-turnstile");
  });
});

describe("the subscribe form in Chromium", () => {
  it("without JavaScript: the form posts, the answer is a page; the email's link confirms through the button; the manage page unsubscribes", async () => {
    const email = "nojs.reader@example.com";
    const page = await openPage(browser, `${base}/subscribe`, { javaScriptEnabled: false });
    await shot(page, "subscribe-form");
    // A mistake first: the form comes back with the message and what was typed.
    await page.fill('input[name="email"]', "not-an-address");
    await follow(page, 'button[type="submit"]');
    expect(page.url()).toBe(`${base}/subscriptions`);
    expect(await page.textContent("#sub-result")).toBe("Enter a valid email address.");
    expect(await page.inputValue('input[name="email"]')).toBe("not-an-address");

    await page.fill('input[name="email"]', email);
    const first = page.locator('input[name="component_ids"]').first();
    const componentId = await first.getAttribute("value");
    await first.check();
    await follow(page, 'button[type="submit"]');
    expect(await page.textContent("h1"), (await page.textContent("main")) ?? "").toBe("Check your inbox");
    await shot(page, "subscribe-sent-nojs");

    await page.goto(confirmLinkIn(await emailTo(email)));
    expect(await page.textContent("h1")).toBe("Confirm your subscription");
    await follow(page, 'form.act button[type="submit"]');
    expect(await page.textContent("h1")).toBe("You are subscribed");
    await follow(page, 'main a[href^="/subscriptions/"]');
    expect(await page.textContent("h1")).toBe("Your subscription");
    expect(await page.isChecked(`input[value="${componentId}"]`)).toBe(true);
    await shot(page, "subscribe-manage");
    await follow(page, "form.act button.danger");
    expect(await page.textContent("h1")).toBe("You are unsubscribed");
    await closePage(page);
  });

  it("with JavaScript: the form is sent in place, the answer shows under the button, a bad field is marked and focused", async () => {
    const email = "js.reader@example.com";
    const page = await openPage(browser, `${base}/subscribe?lang=fr`);
    await page.fill('input[name="email"]', "typo@@example");
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.querySelector("#sub-result")?.textContent !== "");
    expect(await page.textContent("#sub-result")).toBe("Saisissez une adresse e-mail valide.");
    expect(await page.getAttribute('input[name="email"]', "aria-invalid")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("email");
    expect(page.url()).toBe(`${base}/subscribe?lang=fr`);

    await page.fill('input[name="email"]', email);
    await page.click('button[type="submit"]');
    await page.waitForFunction(() => document.querySelector("#sub-result")?.className === "ok");
    expect(await page.textContent("#sub-result")).toContain(`Si ${email} peut être abonnée`);
    // Sent in place: still the form's page, the form emptied for the next reader.
    expect(page.url()).toBe(`${base}/subscribe?lang=fr`);
    expect(await page.inputValue('input[name="email"]')).toBe("");
    await shot(page, "subscribe-sent-js");
    const mail = await emailTo(email);
    expect(mail.subject).toMatch(/^Confirmez votre abonnement/);
    await closePage(page);
  });
});
