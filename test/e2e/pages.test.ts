// Several pages from one install in Debian's Chromium, against the real stack: a second page, `internal`,
// reached at internal.localhost:<port> (browsers send every *.localhost to loopback) and at /p/internal/
// under the first page's host; its links keep the way the reader came; the first page shows nothing of
// it; and a Statuspage widget on another origin reading the internal page's host gets that page (CORS).
// Screenshots go to test-results/screenshots (pages-localhost, pages-prefix).
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
// @ts-expect-error plain ESM helper shared with npm start
import { run } from "../../scripts/lib.mjs";
import { ARTIFACTS, closePage, launchBrowser, openPage } from "./browser";

const base = inject("baseUrl");
const persistTo = inject("persistTo");
const port = new URL(base).port;
const internalOrigin = `http://internal.localhost:${port}`;
const MARK = `Vault ${randomBytes(6).toString("hex")}`;
const COMPONENT = `${MARK} primary database`;

/** SQL against the running stack's local D1, as an operator's `wrangler d1 execute` would. */
const sql = (command: string) => run("wrangler", ["d1", "execute", "status-page", "--local", "--persist-to", persistTo, "--command", command], { quiet: true });

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  const now = new Date().toISOString();
  const id = randomBytes(6).toString("hex");
  // The page `internal` (its slug gives it /p/internal/ and internal.localhost), with one component.
  sql(
    `INSERT INTO page_settings (id, page_id, name, slug, position, updated_at) SELECT max(max(id), 1) + 1, 'pginternal01', 'Internal', 'internal', 1, '${now}' FROM page_settings WHERE NOT EXISTS (SELECT 1 FROM page_settings WHERE slug = 'internal');` +
      `INSERT INTO components (id, page, slug, name, position, status, auto_status, created_at, updated_at) SELECT '${id}', id, 'vault-${id}', '${COMPONENT}', 0, 'partial_outage', 'partial_outage', '${now}', '${now}' FROM page_settings WHERE slug = 'internal';`,
  );
});

afterAll(async () => {
  await browser?.close();
});

describe("a second page", () => {
  it("internal.localhost:<port> shows the internal page, its links on its own host", async () => {
    const page = await openPage(browser, `${internalOrigin}/`);
    await expect.poll(() => page.locator("header a.brand").textContent()).toContain("Internal");
    expect(await page.locator("main").textContent()).toContain(COMPONENT);
    await page.screenshot({ path: join(ARTIFACTS, "pages-localhost.png"), fullPage: true });
    await page.locator("header nav a", { hasText: /history/i }).click();
    await page.waitForURL(`${internalOrigin}/history`);
    await closePage(page);
  });

  it("/p/internal/ shows the internal page under the first page's host, and its links keep the prefix", async () => {
    const page = await openPage(browser, `${base}/p/internal/`);
    expect(await page.locator("header a.brand").textContent()).toContain("Internal");
    expect(await page.locator("main").textContent()).toContain(COMPONENT);
    await page.screenshot({ path: join(ARTIFACTS, "pages-prefix.png"), fullPage: true });
    expect(await page.locator("header a.brand").getAttribute("href")).toBe("/p/internal/");
    await page.locator("header nav a", { hasText: /history/i }).click();
    await page.waitForURL(`${base}/p/internal/history`);
    await page.locator("footer a", { hasText: "Français" }).click();
    await page.waitForURL(`${base}/p/internal/history?lang=fr`);
    expect(await page.locator("html").getAttribute("lang")).toBe("fr");
    await closePage(page);
  });

  it("the first page shows nothing of it", async () => {
    const page = await openPage(browser, `${base}/`);
    expect(await page.locator("header a.brand").textContent()).not.toContain("Internal");
    expect(await page.content()).not.toContain(MARK);
    await closePage(page);
    const unknown = await fetch(`${base}/p/no-such-page/`);
    expect(unknown.status).toBe(404);
  });

  it("a widget on another origin pointed at the internal page's host reads that page (CORS)", async () => {
    // The widget's page on an origin of its own: a loopback server of the test's.
    const server = createServer((_req, res) => res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><title>widget</title>"));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const page = await openPage(browser, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const read = (url: string) =>
      page.evaluate(async (u) => (await (await fetch(u)).json()) as { page: { name: string; url: string }; components: { name: string }[] }, url);
    const internal = await read(`${internalOrigin}/api/v2/summary.json`);
    expect(internal.page).toMatchObject({ name: "Internal", url: internalOrigin });
    expect(internal.components.map((c) => c.name)).toContain(COMPONENT);
    const first = await read(`${base}/api/v2/summary.json`);
    expect(first.components.map((c) => c.name)).not.toContain(COMPONENT);
    await closePage(page);
    server.close();
  });
});
