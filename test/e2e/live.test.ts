// Open tabs are told of changes (worker/live-hub.ts, site/public/live.js), in Debian's Chromium against the
// real stack: a tab shows a webhook's change within 2 s of its 2xx, with no poll and no reload; with its
// socket refused (the hub unreachable), the same tab still updates, by its 30 s poll.
import type { Browser, Page, WebSocket } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { adminClient, closePage, launchBrowser, openPage } from "./browser";

const base = inject("baseUrl");
const admin = adminClient(base, inject("adminToken"));
let browser: Browser;
let componentId = "";
let hookUrl = "";
let n = 0;

const hook = async (action: "trigger" | "resolve") => {
  const res = await fetch(hookUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ dedup_key: "e2e-live", action, severity: "critical", summary: `Live tab ${++n}` }),
  });
  expect(res.status).toBe(202);
  return Date.now();
};
const statusShown = (page: Page, status: string, timeout: number) =>
  page.waitForFunction(
    ([id, s]) => document.querySelector(`#components li[data-id="${id}"] .status`)?.getAttribute("data-status") === s,
    [componentId, status],
    {
      timeout,
      polling: 20,
    },
  );

beforeAll(async () => {
  browser = await launchBrowser();
  componentId = (await admin("POST", "/components", { name: "Live (e2e)", slug: "live-e2e" })).id;
  hookUrl = `${base}/hooks/generic/${(await admin("POST", "/integrations", { name: "e2e live", source: "generic", component_ids: [componentId] })).key}`;
});

afterAll(async () => {
  await browser?.close();
  // The shared stack is left as found: a resolve leaves this test's incident in monitoring, still open.
  const summary = (await (await fetch(`${base}/api/v2/summary.json`)).json()) as { incidents: Array<{ id: string; components: Array<{ id: string }> }> };
  for (const incident of summary.incidents.filter((i) => i.components.some((c) => c.id === componentId)))
    await admin("POST", `/incidents/${incident.id}/updates`, { status: "resolved", body: "Resolved after the live end-to-end test." }).catch(() => {});
});

describe("an open tab, told by the hub", () => {
  it("shows a webhook's change within 2 s of its 2xx, without a poll or a reload, and keeps its socket", async () => {
    const page = await browser.newPage();
    const socket = page.waitForEvent("websocket");
    await page.goto(base);
    const ws: WebSocket = await socket;
    expect(new URL(ws.url()).pathname).toBe("/live");
    // The tab's first keep-alive answered: the socket is open.
    await ws.waitForEvent("framereceived", { predicate: (f) => f.payload === "pong", timeout: 10_000 });
    await page.evaluate(() => ((window as any).__sameDocument = true));

    for (const [action, status] of [
      ["trigger", "major_outage"],
      ["resolve", "operational"],
    ] as const) {
      const answered = await hook(action);
      await statusShown(page, status, 2_000);
      expect(Date.now() - answered).toBeLessThanOrEqual(2_000);
    }
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    expect(ws.isClosed()).toBe(false);
    await page.close();
  });

  it("with its socket refused (the hub unreachable), the tab still updates, by polling", async () => {
    const page = await openPage(browser, "about:blank");
    await page.clock.install();
    let refused = 0;
    // Every WebSocket of the page is answered by a close, as an unreachable hub or a blocking proxy would.
    await page.routeWebSocket(/\/live/, (ws) => {
      refused++;
      ws.close({ code: 1011, reason: "hub down" });
    });
    await page.goto(base);
    await expect.poll(() => page.locator("#updated").textContent()).toMatch(/^Updated/);
    expect(refused).toBeGreaterThanOrEqual(1);

    await hook("trigger");
    await page.waitForTimeout(2_500);
    // Not told: still the old status until the poll.
    expect(await page.locator(`#components li[data-id="${componentId}"] .status`).getAttribute("data-status")).toBe("operational");
    await page.clock.runFor(30_000);
    await statusShown(page, "major_outage", 15_000);
    await hook("resolve");
    await page.clock.runFor(30_000);
    await statusShown(page, "operational", 15_000);
    await closePage(page);
  });
});

describe("a tab of another page, under its /p/<slug>/ prefix", () => {
  it("connects to its page's hub (/p/<slug>/live) and shows its page's change within 2 s; the first page's tab is not told", async () => {
    const slug = `live-other-${Date.now().toString(36)}`;
    const other = await admin("POST", "/pages", { name: "Live other (e2e)", slug });
    const theirs = (await admin("POST", `/pages/${other.id}/components`, { name: "Their service" })).id;
    const url = `${base}/hooks/generic/${(await admin("POST", "/integrations", { name: "e2e live other", source: "generic", component_ids: [theirs] })).key}`;
    // Catalog writes tell every page's tabs: let theirs pass before the tabs open.
    await new Promise((r) => setTimeout(r, 500));

    const page = await browser.newPage();
    const socket = page.waitForEvent("websocket");
    await page.goto(`${base}/p/${slug}/`);
    const ws: WebSocket = await socket;
    expect(new URL(ws.url()).pathname).toBe(`/p/${slug}/live`);
    await ws.waitForEvent("framereceived", { predicate: (f) => f.payload === "pong", timeout: 10_000 });

    const first = await browser.newPage();
    const firstSocket = first.waitForEvent("websocket");
    await first.goto(base);
    const firstWs: WebSocket = await firstSocket;
    await firstWs.waitForEvent("framereceived", { predicate: (f) => f.payload === "pong", timeout: 10_000 });
    const firstTold: string[] = [];
    firstWs.on("framereceived", (f) => {
      if (f.payload === "changed") firstTold.push(String(f.payload));
    });

    const res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ dedup_key: "e2e-live-other", action: "trigger", severity: "critical", summary: "Their outage" }),
    });
    expect(res.status).toBe(202);
    const answered = Date.now();
    await page.waitForFunction(
      (id) => document.querySelector(`#components li[data-id="${id}"] .status`)?.getAttribute("data-status") === "major_outage",
      theirs,
      {
        timeout: 2_000,
        polling: 20,
      },
    );
    expect(Date.now() - answered).toBeLessThanOrEqual(2_000);
    await first.waitForTimeout(500);
    expect(firstTold).toEqual([]);
    await page.close();
    await first.close();
  });
});
