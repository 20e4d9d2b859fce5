// Debian's Chromium driven by playwright-core: never a downloaded browser. Playwright runs it headless
// with a fresh temporary profile of its own.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
// @ts-expect-error plain ESM helper shared with the benchmarks
import { CHROMIUM } from "../../scripts/lib.mjs";

export const ARTIFACTS = join(process.cwd(), "test-results", "screenshots");

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch(CHROMIUM);
}

/** The admin JSON API of the running stack, as an operator's script calls it; throws on any non-2xx. */
export function adminClient(base: string, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${base}/admin/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
}

const pageErrors = new WeakMap<Page, string[]>();

/** A page in a fresh context (its own cookies), at `url`; script errors are collected for closePage. */
export async function openPage(browser: Browser, url: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, ...options });
  const page = await context.newPage();
  pageErrors.set(page, []);
  page.on("pageerror", (e) => pageErrors.get(page)!.push(e.message));
  await page.goto(url);
  return page;
}

/** Fails on any script error the page had, then closes its context. */
export async function closePage(page: Page): Promise<void> {
  expect(pageErrors.get(page), "errors in the page").toEqual([]);
  await page.context().close();
}
