// Publication policies in Debian's Chromium against the real stack (wrangler dev, local D1): an integration in
// `review` opens a draft that the public page does not show; an operator publishes it from the admin
// dashboard with a public name of their own; the page then shows it, and its component's outage.
// A component and an integration of its own, removed afterwards, so no other test's page changes.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adminClient, closePage, launchBrowser, openPage } from "./browser";

const base = inject("baseUrl");
const token = inject("adminToken");
const api = adminClient(base, token);
const RAW = `e2e draft ${Date.now()}`;
const PUBLIC_NAME = "Exports delayed";

let browser: Browser;
let componentId = "";
let integrationId = "";
let hookUrl = "";
let incidentId = "";

const hook = async (action: "trigger" | "resolve") => {
  const res = await fetch(hookUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ dedup_key: "e2e-draft", action, severity: "critical", summary: RAW }),
  });
  expect(res.status).toBe(202);
};

/** The public overview as a reader's browser renders it: the component's status, and the page's text. */
async function publicView(): Promise<{ status: string | null; text: string }> {
  const page = await openPage(browser, base);
  try {
    await expect.poll(() => page.locator("#updated").textContent(), { timeout: 15_000 }).toMatch(/^Updated/);
    const status = await page.locator(`#components li[data-id="${componentId}"]`).first().getAttribute("data-status");
    return { status, text: (await page.locator("body").textContent()) ?? "" };
  } finally {
    await closePage(page);
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
  const component = await api("POST", "/components", { name: `E2E drafts ${Date.now().toString(36)}` });
  componentId = component.id;
  const integ = await api("POST", "/integrations", { name: "e2e drafts", source: "generic", component_ids: [componentId], publication: "review" });
  integrationId = integ.id;
  hookUrl = integ.webhook_url;
});

afterAll(async () => {
  if (hookUrl) await hook("resolve").catch(() => {});
  if (incidentId) await api("POST", `/incidents/${incidentId}/updates`, { status: "resolved" }).catch(() => {});
  if (integrationId) await api("DELETE", `/integrations/${integrationId}`).catch(() => {});
  if (componentId) await fetch(`${base}/admin/api/components/${componentId}?force=true`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
  await browser?.close();
});

describe("review: an operator publishes a draft", () => {
  it("the page shows nothing of the draft; published from the dashboard under its public name, it shows it and the outage", async () => {
    await hook("trigger");
    const [draft] = (await api("GET", "/incidents?publication=drafts")).filter((i: { name: string }) => i.name === RAW);
    expect(draft).toMatchObject({ publication: "draft" });
    incidentId = draft.id;
    const before = await publicView();
    expect(before.status).toBe("operational");
    expect(before.text).not.toContain(RAW);
    expect((await fetch(`${base}/incidents/${incidentId}`)).status).toBe(404);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/admin`);
    await page.fill('input[name="token"]', token);
    await page.fill('input[name="name"]', "E2E reviewer");
    await Promise.all([page.waitForURL(`${base}/admin`), page.click('button:has-text("Sign in")')]);
    const card = page.locator(`article[data-draft="${incidentId}"]`);
    expect(await card.textContent()).toContain("draft: only operators see it");
    await card.locator('input[name="name"]').fill(PUBLIC_NAME);
    await card.locator('textarea[name="body"]').fill("Exports are running late; no data is lost.");
    await Promise.all([page.waitForURL(/\/admin\?ok=/), card.locator('button:has-text("Publish")').click()]);
    expect(await page.locator(".flash.ok").textContent()).toContain("Published");
    expect(await page.locator(`article[data-incident="${incidentId}"] h3`).textContent()).toBe(PUBLIC_NAME);
    await context.close();

    const after = await publicView();
    expect(after.status).toBe("major_outage");
    expect(after.text).toContain(PUBLIC_NAME);
    expect(after.text).not.toContain(RAW);
    const permalink = await openPage(browser, `${base}/incidents/${incidentId}`);
    expect(await permalink.locator("body").textContent()).toContain("Exports are running late");
    await closePage(permalink);
  });
});
