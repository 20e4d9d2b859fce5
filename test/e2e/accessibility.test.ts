// Readable by everyone: axe-core (https://github.com/dequelabs/axe-core) in Debian's Chromium over every
// public page (the overview, history, an incident's permalink, subscribe, a subscription's confirm, manage
// and unsubscribe pages, a 404, a private page's password page), in light and dark mode and in every
// language, against the real stack: 0 WCAG 2.2 AA violations. Its own wrangler dev: the page turns private
// at the end. The page's CSP allows no injected script, so the check's browser context bypasses it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import axe from "axe-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LANGUAGES } from "../../i18n";
// @ts-expect-error plain ESM helper shared with npm start
import { freePort, prepareDatabase, startWorker, workerConfig } from "../../scripts/lib.mjs";
import { adminClient, launchBrowser } from "./browser";

const ADMIN_TOKEN = "e2e-a11y-admin-token-0123456789abcdef0123";
/** axe-core's own script, as its package hands it over for injection into a page. */
const AXE = axe.source;
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const GENERIC_KEY = "demogenerickey000000000000000000";

let base = "";
let stop = () => {};
let persistTo = "";
let browser: Browser;
let admin: ReturnType<typeof adminClient>;
let token = "";
let incidentId = "";

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe's WCAG 2.2 A and AA rules over each of `paths` in `scheme` (one browser context); the violations by path. */
async function violations(paths: string[], scheme: "light" | "dark"): Promise<Record<string, Violation[]>> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, colorScheme: scheme, bypassCSP: true });
  const found: Record<string, Violation[]> = {};
  // A few tabs at once: most of the time goes to loading pages, not to axe.
  const queue = [...paths];
  const tab = async () => {
    const page = await context.newPage();
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      await page.goto(`${base}${path}`);
      await page.addScriptTag({ content: AXE });
      const v: Violation[] = await page.evaluate(async (tags) => {
        const axe = (window as any).axe;
        const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
        return result.violations.map((v: { id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => n.target.join(" ")),
        }));
      }, TAGS);
      if (v.length) found[`${scheme} ${path}`] = v;
    }
  };
  try {
    await Promise.all(Array.from({ length: 4 }, tab));
  } finally {
    await context.close();
  }
  return found;
}

/** The newest email sent to `to` (wrangler's local explorer), once it is there. */
async function emailText(to: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const list = (
      (await (await fetch(`${base}/cdn-cgi/local/explorer/api/local/email/sending?per_page=100`)).json()) as {
        result?: Array<{ messageId: string; to: string[]; worker?: string }>;
      }
    ).result;
    const found = list?.filter((m) => m.to.includes(to)).at(-1);
    if (found) {
      const url = `${base}/cdn-cgi/local/explorer/api/local/email/sending?email_id=${encodeURIComponent(found.messageId)}${found.worker ? `&worker=${encodeURIComponent(found.worker)}` : ""}`;
      return ((await (await fetch(url)).json()) as { result: { text?: string } }).result.text ?? "";
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no email to ${to}`);
}

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), "status-e2e-a11y-"));
  prepareDatabase(persistTo);
  const worker = await startWorker({ port: await freePort(), persistTo, adminToken: ADMIN_TOKEN, config: workerConfig(inject("siteDir")) });
  base = worker.url;
  stop = worker.stop;
  admin = adminClient(base, ADMIN_TOKEN);
  browser = await launchBrowser();
  // An open incident with an update, so the overview, the history and the permalink show every part.
  const hook = await fetch(`${base}/hooks/generic/${GENERIC_KEY}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ dedup_key: "a11y-1", action: "trigger", severity: "error", summary: "Checkout is slow", tags: { service: "api" } }),
  });
  expect(hook.status).toBe(202);
  const deadline = Date.now() + 10_000;
  while (!incidentId && Date.now() < deadline) {
    const summary = (await (await fetch(`${base}/api/v2/summary.json`, { headers: { "Cache-Control": "no-cache" } })).json()) as {
      incidents: Array<{ id: string; name: string }>;
    };
    incidentId = summary.incidents.find((i) => i.name === "Checkout is slow")?.id ?? "";
    if (!incidentId) await new Promise((r) => setTimeout(r, 200));
  }
  expect(incidentId).toBeTruthy();
  // A subscription, for its confirm, manage and unsubscribe pages.
  const email = "a11y.reader@example.com";
  expect(
    (await fetch(`${base}/subscriptions`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email }) })).status,
  ).toBe(202);
  token = /\/subscriptions\/([A-Za-z0-9_-]{43})\/confirm/.exec(await emailText(email))?.[1] ?? "";
  expect(token).toBeTruthy();
});

afterAll(async () => {
  await browser?.close();
  stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

const PAGES = () => [
  "/",
  "/history",
  `/incidents/${incidentId}`,
  "/subscribe",
  `/subscriptions/${token}/confirm`,
  `/subscriptions/${token}`,
  `/subscriptions/${token}/unsubscribe`,
  "/no-such-page",
];

describe("axe-core: 0 WCAG 2.2 AA violations", () => {
  for (const scheme of ["light", "dark"] as const) {
    it(`every public page, in every language, ${scheme}`, async () => {
      expect(
        await violations(
          LANGUAGES.flatMap((lang) => PAGES().map((path) => `${path}?lang=${lang}`)),
          scheme,
        ),
      ).toEqual({});
    }, 300_000);
  }

  it("the headings: one h1 per page, and no level skipped", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      for (const path of PAGES()) {
        await page.goto(`${base}${path}`);
        const levels = await page.$$eval("h1,h2,h3,h4,h5,h6", (hs) => hs.map((h) => Number(h.tagName[1])));
        expect(
          levels.filter((l) => l === 1),
          path,
        ).toHaveLength(1);
        for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!, `${path}: ${levels.join(" ")}`).toBeLessThanOrEqual(1);
      }
    } finally {
      await context.close();
    }
  });

  it("a private page's password page, in every language, light and dark", async () => {
    await admin("PUT", "/settings", {
      name: "Acme Cloud",
      url: "",
      time_zone: "Etc/UTC",
      auto_resolve_minutes: null,
      visibility: "private",
      page_password: "a11y pass",
    });
    const paths = LANGUAGES.map((lang) => `/?lang=${lang}`);
    expect({ ...(await violations(paths, "light")), ...(await violations(paths, "dark")) }).toEqual({});
  }, 300_000);
});
