// An operator in Debian's Chromium against the real stack (wrangler dev, local D1 with the demo data):
// sign in, find the incident a webhook opened, post `identified`, resolve it; summary.json and the
// public page show each step, and the audit log lists them. Uses Authentication (cmpauth00001), fed
// through an integration of its own by a `service:auth` tag, so no other test's component changes.
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ARTIFACTS, launchBrowser } from "./browser";

const base = inject("baseUrl");
const token = inject("adminToken");
const AUTH = "cmpauth00001";
const TITLE = "Sign-in failing for all users";
const OPERATOR = "E2E operator";
const DEDUP = "e2e-admin-auth";

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}/admin/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};
const summary = async () => (await (await fetch(`${base}/api/v2/summary.json`)).json()) as any;
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

let browser: Browser;
let hookUrl = "";
let incidentId = "";
const hook = async (action: string) => {
  const res = await fetch(hookUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      dedup_key: DEDUP,
      action,
      severity: "critical",
      summary: TITLE,
      details: "SSO callback returns 500.",
      tags: { service: "auth" },
    }),
  });
  expect(res.status).toBe(202);
};

/** The public overview, freshly loaded: its script reads summary.json on load. */
async function publicIncidentMeta(id: string): Promise<string | null> {
  const page = await browser.newPage();
  try {
    await page.goto(base);
    await expect.poll(() => page.locator("#updated").textContent(), { timeout: 15_000 }).toMatch(/^Updated/);
    const article = page.locator(`#incidents article[data-id="${id}"]`);
    return (await article.count()) ? await article.locator(".meta").textContent() : null;
  } finally {
    await page.close();
  }
}

/** The incident's public permalink: its timeline, newest first. */
async function publicTimeline(id: string): Promise<string[]> {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}/incidents/${id}`);
    return await page.locator("#incident .tl li b").allTextContents();
  } finally {
    await page.close();
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  // An integration of its own, with no components: the `service:auth` tag routes to Authentication.
  const integ = await api("POST", "/integrations", { name: "e2e admin test", source: "generic" });
  hookUrl = integ.webhook_url;
});

afterAll(async () => {
  // Leave the page as found: the alert recovered, the incident resolved.
  if (hookUrl) await hook("resolve").catch(() => {});
  if (incidentId) await api("POST", `/incidents/${incidentId}/updates`, { status: "resolved" }).catch(() => {});
  await browser?.close();
});

describe("an operator works an incident in the admin UI", () => {
  it("signs in, posts identified, resolves; the public page and summary.json follow; the audit log lists it", async () => {
    await hook("trigger");
    const opened = (await summary()).incidents.find((i: any) => i.name === TITLE);
    expect(opened).toMatchObject({ status: "investigating", components: [expect.objectContaining({ id: AUTH })] });
    incidentId = opened.id;
    expect((await summary()).components.find((c: any) => c.id === AUTH).status).toBe("major_outage");
    expect(await publicIncidentMeta(incidentId)).toMatch(/^Investigating/);

    // Not signed in: the admin answers with its login form.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const first = await page.goto(`${base}/admin`);
    expect(first!.status()).toBe(401);
    expect(first!.headers()["cache-control"]).toBe("no-store");
    await page.fill('input[name="token"]', token);
    await page.fill('input[name="name"]', OPERATOR);
    await Promise.all([page.waitForURL(`${base}/admin`), page.click('button:has-text("Sign in")')]);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === "__Host-admin_session")).toMatchObject({
      httpOnly: true,
      secure: true,
      sameSite: "Strict",
      path: "/",
    });

    const card = page.locator(`article[data-incident="${incidentId}"]`);
    expect(await card.locator("h3").textContent()).toBe(TITLE);
    expect(await card.textContent()).toContain("1 of 1 alerts firing");
    expect(await page.locator(`tr[data-component="${AUTH}"] .status`).textContent()).toBe("Major Outage");
    await shot(page, "admin-dashboard");

    // Post `identified` from the card's update form.
    await card.locator("summary", { hasText: "Post an update" }).click();
    expect(await card.locator('select[name="status"]').inputValue()).toBe("identified");
    await card.locator('textarea[name="body"]').fill("A certificate on the SSO callback expired; renewing it.");
    await Promise.all([page.waitForURL(/\/admin\?ok=/), card.locator('button:has-text("Post update")').click()]);
    expect(await page.locator(".flash.ok").textContent()).toBe("Update posted: identified.");
    const identified = (await summary()).incidents.find((i: any) => i.id === incidentId);
    expect(identified.status).toBe("identified");
    expect(identified.incident_updates[0]).toMatchObject({
      status: "identified",
      body: "A certificate on the SSO callback expired; renewing it.",
    });
    expect(await publicIncidentMeta(incidentId)).toMatch(/^Identified/);
    expect(await publicTimeline(incidentId)).toEqual(["Identified", "Investigating"]);

    // One click resolves it.
    await Promise.all([page.waitForURL(/\/admin\?ok=/), page.locator(`article[data-incident="${incidentId}"] button:has-text("Resolve")`).click()]);
    expect(await page.locator(".flash.ok").textContent()).toBe("Incident resolved.");
    expect(await page.locator(`article[data-incident="${incidentId}"]`).count()).toBe(0);
    const after = await summary();
    expect(after.incidents.some((i: any) => i.id === incidentId)).toBe(false);
    const all = (await (await fetch(`${base}/api/v2/incidents.json`)).json()) as any;
    const resolved = all.incidents.find((i: any) => i.id === incidentId);
    expect(resolved).toMatchObject({ status: "resolved", resolved_at: expect.any(String) });
    expect(resolved.incident_updates.map((u: any) => u.status)).toEqual(["resolved", "identified", "investigating"]);
    expect(await publicIncidentMeta(incidentId)).toBeNull();
    expect(await publicTimeline(incidentId)).toEqual(["Resolved", "Identified", "Investigating"]);

    // The audit log lists each step, by the operator's name.
    await page.click('header a:has-text("Audit log")');
    const rows = page.locator("tr[data-audit]");
    const text = (await rows.allTextContents()).join("\n");
    expect(text).toMatch(new RegExp(`${OPERATOR} \\(token\\)\\s*incident\\.resolve\\s*incident ${incidentId}`));
    expect(text).toMatch(new RegExp(`${OPERATOR} \\(token\\)\\s*incident\\.update\\s*incident ${incidentId}`));
    expect(text).toMatch(new RegExp(`${OPERATOR} \\(token\\)\\s*login`));
    await shot(page, "admin-audit");

    // The other pages render for the same session (screenshots for a human look).
    for (const [path, name] of [
      [`/admin/incidents/${incidentId}`, "admin-incident"],
      ["/admin/components", "admin-components"],
      ["/admin/integrations", "admin-integrations"],
      ["/admin/maintenances", "admin-maintenance"],
      ["/admin/deliveries?outcome=accepted", "admin-deliveries"],
      ["/admin/settings", "admin-settings"],
    ] as const) {
      const res = await page.goto(`${base}${path}`);
      expect(res!.status(), path).toBe(200);
      await shot(page, name);
    }

    // Signing out ends the session: the dashboard asks to sign in again.
    await Promise.all([page.waitForURL(`${base}/admin/login`), page.click('button:has-text("Sign out")')]);
    const again = await page.goto(`${base}/admin`);
    expect(again!.status()).toBe(401);
    await context.close();

    // The alert recovers: Authentication is operational again, and the resolved incident stays resolved.
    await hook("resolve");
    const end = await summary();
    expect(end.components.find((c: any) => c.id === AUTH).status).toBe("operational");
    expect((await api("GET", `/incidents/${incidentId}`)).status).toBe("resolved");
  });
});
