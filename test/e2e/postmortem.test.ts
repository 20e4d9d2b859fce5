// A postmortem as an operator and a reader meet it, against the real stack (wrangler dev, local D1) and
// Debian's Chromium: written in Markdown on a resolved incident, published, then read on the incident's
// page (rendered, with its hostile parts shown as text and nothing run), in the v2 API and in the feed.
// Its component goes afterwards; the resolved incident stays in the history like any other.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adminClient, closePage, launchBrowser, openPage } from "./browser";

const base = inject("baseUrl");
const token = inject("adminToken");
const api = adminClient(base, token);
const NAME = `E2E postmortem ${Date.now().toString(36)}`;
const MARKDOWN = [
  "## Root cause",
  "",
  "An expired **TLS certificate** on the load balancer. <script>alert('pm')</script> <img src=x onerror=alert('img')>",
  "",
  "1. Renewed the certificate",
  "2. Added an expiry alert",
  "",
  "[Our runbook](https://example.com/runbook) · [click me](javascript:alert('link'))",
].join("\n");

let browser: Browser;
let componentId = "";
let incidentId = "";

beforeAll(async () => {
  browser = await launchBrowser();
  componentId = (await api("POST", "/components", { name: NAME })).id;
  incidentId = (await api("POST", "/incidents", { name: NAME, body: "Sign-in fails.", component_ids: [componentId] })).id;
  await api("POST", `/incidents/${incidentId}/updates`, { status: "resolved", body: "Fixed." });
  await api("PUT", `/incidents/${incidentId}/postmortem`, { body: MARKDOWN });
});

afterAll(async () => {
  await browser?.close();
  if (componentId) {
    const res = await fetch(`${base}/admin/api/components/${componentId}?force=true`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);
  }
});

describe("a published postmortem", () => {
  it("is not on the incident's page while a draft; published, it reads as written, and nothing in it runs", async () => {
    const draft = await openPage(browser, `${base}/incidents/${incidentId}`);
    expect(await draft.locator("#postmortem").count()).toBe(0);
    await closePage(draft);

    const published = await api("POST", `/incidents/${incidentId}/postmortem/publish`, { notify: false });
    expect(published.published_at).toMatch(/Z$/);

    const page = await openPage(browser, `${base}/incidents/${incidentId}`);
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.reload();
    const section = page.locator("#postmortem");
    await expect.poll(() => section.locator("h2").first().textContent()).toBe("Postmortem");
    expect(await section.locator(".postmortem h2").textContent()).toBe("Root cause");
    expect(await section.locator(".postmortem strong").textContent()).toBe("TLS certificate");
    expect(await section.locator(".postmortem ol li").allTextContents()).toEqual(["Renewed the certificate", "Added an expiry alert"]);
    expect(await section.locator('.postmortem a[href="https://example.com/runbook"]').textContent()).toBe("Our runbook");
    // The hostile parts are text: no script, no image with a handler, no javascript: link; nothing ran.
    const text = (await section.textContent()) ?? "";
    expect(text).toContain("<script>alert('pm')</script>");
    expect(text).toContain("<img src=x onerror=alert('img')>");
    expect(await section.locator("script, img").count()).toBe(0);
    expect(await section.locator('a[href^="javascript"]').count()).toBe(0);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    await closePage(page);

    const incidents = (await (await fetch(`${base}/api/v2/incidents.json`)).json()) as { incidents: Array<Record<string, unknown>> };
    expect(incidents.incidents.find((i) => i.id === incidentId)).toMatchObject({
      postmortem_body: MARKDOWN,
      postmortem_published_at: published.published_at,
      postmortem_notified_subscribers: false,
    });
    const rss = await (await fetch(`${base}/history.rss`)).text();
    const item = rss.slice(rss.indexOf(NAME));
    expect(item.slice(0, item.indexOf("</item>"))).toContain("<h2>Root cause</h2>");
  });
});
