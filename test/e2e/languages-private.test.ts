// Languages, brand and private pages in Debian's Chromium against the real stack: the page in the reader's language (French from
// the browser's own Accept-Language, Korean from ?lang= and then remembered), the owner's brand, and a
// private page a stranger cannot read until they give its password. Screenshots go to
// test-results/screenshots (page-fr, page-ko, page-brand, page-private-signin, page-private-open).
import { join } from "node:path";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ARTIFACTS, adminClient, closePage, launchBrowser, openPage } from "./browser";

const base = inject("baseUrl");
const token = inject("adminToken");
const PASSWORD = "e2e private page password";

const admin = adminClient(base, token);

let browser: Browser;
let original: any;
const open = (path: string, options: BrowserContextOptions = {}) => openPage(browser, `${base}${path}`, options);
const close = closePage;
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const basics = () => ({
  name: original.name,
  url: original.url,
  time_zone: original.time_zone,
  auto_resolve_minutes: original.auto_resolve_minutes,
});

beforeAll(async () => {
  browser = await launchBrowser();
  original = await admin("GET", "/settings");
});

afterAll(async () => {
  // Leave the page as found: public, unbranded, English by default.
  if (original) {
    await admin("PUT", "/settings", {
      ...basics(),
      language: original.language,
      logo_url: original.logo_url,
      favicon_url: original.favicon_url,
      brand_color: original.brand_color,
      header_links: original.header_links,
      support_url: original.support_url,
      footer_text: original.footer_text,
      visibility: "public",
      page_password: null,
    }).catch(() => {});
  }
  await browser?.close();
});

describe("the reader's language", () => {
  it("a French browser gets the page in French, times and the live line included", async () => {
    const page = await open("/", { locale: "fr-FR", timezoneId: "Europe/Paris" });
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    expect(await page.locator("#banner").textContent()).toMatch(/opérationnels|panne|maintenance/i);
    expect(await page.locator("h2").allTextContents()).toContain("Composants");
    expect(await page.locator("#components .status").allTextContents()).toContain("Opérationnel");
    await expect.poll(() => page.locator("#updated").textContent(), { timeout: 15_000 }).toMatch(/^Mis à jour/);
    // The axis' relative time, from Intl, through CSS.
    const axis = await page
      .locator("#components .ax .from")
      .first()
      .evaluate((e) => getComputedStyle(e, "::before").content);
    expect(axis).toBe('"il y a 90 jours"');
    // Past incidents' times rewritten in the reader's zone, in French.
    const time = page.locator("#history time").first();
    if (await time.count()) await expect.poll(() => time.textContent()).toMatch(/UTC\+1|HNEC|CET/);
    await shot(page, "page-fr");
    await close(page);
  });

  it("?lang=ko gives Korean, remembered on the next page; the language links switch it", async () => {
    const page = await open("/?lang=ko", { locale: "en-US" });
    expect(await page.getAttribute("html", "lang")).toBe("ko");
    expect(await page.locator("h2").allTextContents()).toContain("구성 요소");
    await shot(page, "page-ko");
    await page.click('a[href="/history"]');
    await page.waitForURL(/\/history$/);
    expect(await page.getAttribute("html", "lang")).toBe("ko");
    expect(await page.locator("h1").textContent()).toBe("장애 기록");
    await page.click('footer a[hreflang="ja"]');
    await page.waitForURL(/lang=ja/);
    expect(await page.getAttribute("html", "lang")).toBe("ja");
    expect(await page.locator("h1").textContent()).toBe("障害履歴");
    await close(page);
  });
});

describe("the owner's brand", () => {
  it("a logo and brand colour set through the admin API show on the page; a colour too light is refused", async () => {
    const refused = await fetch(`${base}/admin/api/settings`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ ...basics(), brand_color: "#ffe066" }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).error).toMatch(/too light/);

    await admin("PUT", "/settings", {
      ...basics(),
      brand_color: "#6f42c1",
      logo_url: `${base}/badge.svg`,
      header_links: [{ label: "Acme home", url: "https://acme.example/" }],
      support_url: "https://acme.example/support",
      footer_text: "Acme Corp status, run by the SRE team.",
    });
    const page = await open("/", { locale: "en-GB" });
    const header = page.locator("header");
    expect(await header.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe("rgb(111, 66, 193)");
    const logo = page.locator("header img.logo");
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(await page.locator("header nav a").allTextContents()).toEqual(["Acme home", "History", "Feed", "Subscribe", "Get support"]);
    expect(await page.locator("footer .owner").textContent()).toBe("Acme Corp status, run by the SRE team.");
    await shot(page, "page-brand");
    await close(page);
    // Dark mode: links take a tint that reads on the dark background.
    const dark = await open("/", { colorScheme: "dark" });
    const link = await dark.locator("#history > p a").evaluate((e) => getComputedStyle(e).color);
    expect(link).not.toBe("rgb(111, 66, 193)");
    await shot(dark, "page-brand-dark");
    await close(dark);
  });
});

describe("a private page", () => {
  it("shows strangers neither the page, the API nor the feeds; its password opens it", async () => {
    await admin("PUT", "/settings", { ...basics(), visibility: "private", page_password: PASSWORD });
    for (const path of ["/api/v2/summary.json", "/history.atom", "/history.rss", "/badge.svg"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("cache-control"), path).toBe("no-store");
    }
    const page = await open("/", { locale: "de-DE" });
    expect(await page.getAttribute("html", "lang")).toBe("de");
    expect(await page.locator("h2").textContent()).toBe("Diese Statusseite ist privat");
    expect(await page.locator("#components").count()).toBe(0);
    await shot(page, "page-private-signin");

    await page.fill('input[name="password"]', "not the password");
    await page.click('button[type="submit"]');
    expect(await page.locator(".err").textContent()).toMatch(/Falsches Passwort/);

    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector("#components");
    expect(await page.locator("#banner").count()).toBe(1);
    // The reader's cookie opens the API too, from the same browser.
    const status = await page.evaluate(async () => (await fetch("/api/v2/status.json")).status);
    expect(status).toBe(200);
    await shot(page, "page-private-open");
    await close(page);
  });
});
