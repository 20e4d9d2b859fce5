// The public HTML pages: every GET no other route answered goes to Astro's handler (site/, rendered on
// request from D1, inside this worker), through the edge cache like the API (worker/cache.ts), so a page
// costs one render per cache generation and is current right after any write.
import { handle } from "@astrojs/cloudflare/handler";
import { Hono } from "hono";
import { shareSettings } from "../../db/settings";
import { withoutPrefix } from "../../domain/page-address";
import { PAGE_LANGUAGE_HEADER } from "../../i18n";
import { cachedPublic } from "../cache";
import type { AppEnv } from "../env";
import { PLACEHOLDER_ORIGIN } from "../generation";
import { requestPage } from "../reader-settings";
import { readerGate } from "../visibility";

export const pages = new Hono<AppEnv>();

pages.use("*", readerGate("html"));
pages.get("*", (c) =>
  cachedPublic(
    c,
    async (_base, lang) => {
      // Rendered against the cache's placeholder origin with no header of the reader's but the language
      // chosen for them (and no query): a page depends on its page, path and language alone, as its cache
      // key does. Astro routes the path without the page's prefix; the page's links put it back.
      // (The adapter's types name a newer ExecutionContext than workers-types 5.20261117; the same object.)
      const ctx = c.executionCtx as unknown as Parameters<typeof handle>[2];
      const request = new Request(`${PLACEHOLDER_ORIGIN}${withoutPrefix(new URL(c.req.url).pathname)}`, { headers: { [PAGE_LANGUAGE_HEADER]: lang } });
      // The page reads the page (and its settings) the reader gate read for this request, not again.
      shareSettings(request, await requestPage(c));
      const res = await handle(request, c.env, ctx);
      return {
        body: await res.text(),
        contentType: res.headers.get("Content-Type") ?? "text/html; charset=utf-8",
        status: res.status,
        // An error page (or anything but a page and its 404) is answered but not kept.
        store: res.status === 200 || res.status === 404,
      };
    },
    { localised: true, html: true },
  ),
);
