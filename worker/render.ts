// The pages the worker answers a reader itself (the subscription pages, a private page's sign-in) are
// drawn by the site like every other page: the worker decides (status, headers, what to say) and hands
// Astro's handler a ReaderPage (domain/reader-view.ts) in the execution context's `props`, which the
// site's /reader page reads (site/src/pages/reader.astro). Nothing in the request carries it, so a
// request from outside for /reader is a plain 404.
import { handle } from "@astrojs/cloudflare/handler";
import type { Context } from "hono";
import { shareSettings } from "../db/settings";
import type { ReaderPage } from "../domain/reader-view";
import { type Language, PAGE_LANGUAGE_HEADER } from "../i18n";
import { pageOrigin } from "./cache";
import type { AppEnv } from "./env";
import { requestPage } from "./reader-settings";

const READER_PATH = "/reader";

/** The page's HTML, rendered against the page's base URL in the reader's language. */
export async function renderReaderPage(c: Context<AppEnv>, lang: Language, readerPage: ReaderPage): Promise<string> {
  const page = await requestPage(c);
  const request = new Request(`${pageOrigin(c.env, c.req.url, page)}${READER_PATH}`, { headers: { [PAGE_LANGUAGE_HEADER]: lang } });
  // The page reads the page (and its settings) this request already read, not again (as routes/pages.ts does).
  shareSettings(request, page);
  let outer: { waitUntil(p: Promise<unknown>): void; passThroughOnException(): void } | null = null;
  try {
    outer = c.executionCtx;
  } catch {} // no execution context (the app called directly)
  const ctx = {
    waitUntil: (p: Promise<unknown>) => (outer ? outer.waitUntil(p) : void p.catch(() => undefined)),
    passThroughOnException: () => outer?.passThroughOnException(),
    props: { readerPage },
  };
  // (The adapter's types name a newer ExecutionContext than workers-types 5.20261117; the same shape.)
  const res = await handle(request, c.env, ctx as unknown as Parameters<typeof handle>[2]);
  if (res.status !== 200) throw new Error(`the reader page answered ${res.status}`);
  return res.text();
}
