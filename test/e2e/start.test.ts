// The README's first steps, against the real local stack: the printed curl opens an incident that
// summary.json and the already open page show; the recovery curl moves it to monitoring.

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ARTIFACTS, launchBrowser } from "./browser";

const base = inject("baseUrl");
const GENERIC = "demogenerickey000000000000000000";
const demo = (action: string) =>
  fetch(`${base}/hooks/generic/${GENERIC}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ dedup_key: "demo-e2e-api", action, severity: "critical", summary: "API error rate above 20%" }),
  });
const token = inject("adminToken");
const api = async () => (await (await fetch(`${base}/api/v2/summary.json`)).json()) as any;

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("npm start's demo, over real HTTP", () => {
  it("the demo curl opens an incident the open page shows without a reload, and the recovery moves it to monitoring", async () => {
    const page = await browser.newPage();
    await page.goto(base);
    await expect.poll(() => page.locator("#banner").textContent()).toBe("All Systems Operational");

    expect((await demo("trigger")).status).toBe(202);
    const s = await api();
    expect(s.components.find((c: any) => c.id === "cmpapi000001").status).toBe("major_outage");
    expect(s.incidents).toHaveLength(1);
    expect(s.incidents[0]).toMatchObject({ name: "API error rate above 20%", status: "investigating" });

    // The page refreshes on its own (every 30 s); reloading is not allowed, so trigger its timer early.
    await page.evaluate(() => window.dispatchEvent(new Event("focus")));
    await expect
      .poll(() => page.locator('#components li[data-id="cmpapi000001"] .status').textContent(), { timeout: 45_000, interval: 1000 })
      .toBe("Major Outage");
    await expect.poll(() => page.locator("#incidents article").count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/start-incident.png`, fullPage: true });

    expect((await demo("resolve")).status).toBe(202);
    const after = await api();
    expect(after.components.find((c: any) => c.id === "cmpapi000001").status).toBe("operational");
    expect(after.incidents[0]).toMatchObject({ status: "monitoring" });
    await page.close();
  });
});

describe("npm start's cron", () => {
  it("wrangler dev opens the scheduled endpoint npm start calls every minute: a maintenance window ends on its own", async () => {
    const admin = (path: string, body: unknown) =>
      fetch(`${base}/admin/api${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const now = Date.now();
    const res = await admin("/maintenances", {
      name: "Cron check (e2e)",
      body: "Ends two seconds from now.",
      scheduled_for: new Date(now).toISOString(),
      scheduled_until: new Date(now + 2000).toISOString(),
      component_ids: ["cmpcdn000001"],
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const state = async () => (await (await fetch(`${base}/incidents/${id}`)).text()).match(/<span class="st" data-status="(\w+)"/)?.[1];
    expect(await state()).toBe("in_progress");
    await new Promise((r) => setTimeout(r, 2500));
    // What scripts/lib.mjs's scheduled() requests, once a minute under npm start.
    const cron = await fetch(`${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`);
    expect(cron.status).toBe(200);
    await cron.text();
    expect(await state()).toBe("completed");
  });
});
