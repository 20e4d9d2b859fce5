// Caching of the public, read-only responses (the Statuspage API, feeds, badges, the Astro pages).
//
// Three layers, so readers during an outage cost the database little and still see a change at once:
// - Browsers: `Cache-Control: public, max-age=10` and an ETag; a revalidation with If-None-Match
//   that still matches is a 304 with no body.
// - The edge: the Workers Cache API (`caches.default`) keeps each response for the same 10 s. Entries
//   are keyed by page and path, not by host: a response is rendered against a placeholder origin (with
//   the `/p/<slug>` prefix when the reader came by it), stored under one key per page and path, and the
//   placeholder is replaced by the page's base URL on the way out, so every host name of one page shares
//   its entries while the same path of two pages (under two hosts) never does.
// - Purge: every write calls purgePublicCache. Entries are keyed by a cache generation, itself a tiny
//   cache entry; a purge writes a new generation, so every public entry is out at once with one cache
//   write, whatever the number of components, badges and incident pages (deleting them one by one cost
//   a D1 read and thousands of cache deletes per delivery).
//
// Languages: a page, a feed or a badge is rendered in the language the reader gets (worker/visibility.ts
// readerLanguage), and kept under one key per path and language. The key holds only a supported
// language, never the raw `?lang=` or header, so no request can make others get a copy it chose.
// Such responses say `Vary: Accept-Language, Cookie` to caches downstream; the Statuspage API does not
// vary (its enums stay English).
//
// Private pages: the reader gate runs before this, so only readers let in reach a cached copy; what
// they get is `Cache-Control: private`, so no shared cache past the worker keeps it for others.
//
// What "purged on every write" means, honestly: the Cache API is per data centre. The purge deletes
// the entries in the data centre where it runs (where the write was handled: the worker, or the
// ingestor Durable Object); every other data centre keeps its copy for at most max-age (10 s). A
// global, instant purge needs the zone's purge API and an API token, which this worker does not hold.
import type { Context } from "hono";
import type { RequestPage } from "../db/settings";
import { toHex } from "../domain/ids";
import { type Language, matchLanguage } from "../i18n";
import { config } from "./config";
import type { AppEnv, Env } from "./env";
import { requestPage, requestSettings } from "./reader-settings";
import { publicHeaders } from "./security/headers";

export const PUBLIC_MAX_AGE_SECONDS = 10;
export const PUBLIC_CACHE_CONTROL = `public, max-age=${PUBLIC_MAX_AGE_SECONDS}`;
/** A private page's copy for a reader let in: their browser may keep it, shared caches may not. */
export const PRIVATE_CACHE_CONTROL = `private, max-age=${PUBLIC_MAX_AGE_SECONDS}`;

const edgeCache = (): Cache | null => (typeof caches !== "undefined" && "default" in caches ? caches.default : null);

export const publicBaseUrl = (env: Env, requestUrl: string) => config(env).publicUrl ?? new URL(requestUrl).origin;
/** The public base URL of the request a handler answers. */
export const baseUrl = (c: { env: Env; req: { url: string } }) => publicBaseUrl(c.env, c.req.url);

/**
 * The origin a reader's page builds its links on: the request's own when it came by one of the page's
 * host names (or `<slug>.localhost`), else the public base URL.
 */
export const pageOrigin = (env: Env, requestUrl: string, page: RequestPage): string =>
  page.ownHost ? new URL(requestUrl).origin : publicBaseUrl(env, requestUrl);

/** The base URL of the page the reader came to: its origin and, when they came by it, the page's prefix. */
export async function readerBase(c: { env: Env; req: { url: string; raw: Request } }): Promise<string> {
  const page = await requestPage(c);
  return `${pageOrigin(c.env, c.req.url, page)}${page.prefix}`;
}

async function etagOf(body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const hex = toHex(new Uint8Array(digest).slice(0, 12));
  // Weak: the edge may compress the body, which keeps the meaning but not the bytes.
  return `W/"${hex}"`;
}

/** If-None-Match against an ETag, with the weak comparison RFC 9110 prescribes for it. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => opaque(t) === opaque(etag));
}

/** What a public response is rendered against; replaced by the request's base URL when served. */
export const PLACEHOLDER_ORIGIN = "https://public-base.invalid";
const GENERATION_KEY = new Request(`${PLACEHOLDER_ORIGIN}/__cache-generation`);
const cacheKey = (page: number, path: string, generation: string, lang: Language | null) =>
  new Request(`${PLACEHOLDER_ORIGIN}/__g/${generation}/${page}${path}${lang ? `?lang=${lang}` : ""}`);

/** A new generation: random, so a generation entry lost to eviction never revives old entries. */
async function newGeneration(cache: Cache): Promise<string> {
  const generation = crypto.randomUUID();
  await cache.put(GENERATION_KEY, new Response(generation, { headers: { "Cache-Control": "public, max-age=31536000" } }));
  return generation;
}

async function currentGeneration(cache: Cache): Promise<string> {
  const stored = await cache.match(GENERATION_KEY).catch(() => undefined);
  return stored ? await stored.text() : newGeneration(cache);
}

export interface Rendered {
  body: string;
  contentType: string;
  /** Defaults to 200; a 404 page is cached too, so a flood of requests for a bad id stays cheap. */
  status?: number;
  /** Defaults to true; false answers the response without keeping it (an error page). */
  store?: boolean;
}

/**
 * Answers a public GET from the edge cache when it holds the page's path (in the reader's language when
 * `localised`), else renders it (with PLACEHOLDER_ORIGIN and the page's prefix as the base URL) and stores it; either way
 * with ETag, Cache-Control and a 304 for a matching If-None-Match.
 */
export async function cachedPublic(
  c: Context<AppEnv>,
  render: (base: string, lang: Language) => Promise<Rendered>,
  { localised = false }: { localised?: boolean } = {},
): Promise<Response> {
  const path = new URL(c.req.url).pathname.replace(/(.)\/+$/, "$1");
  const lang: Language = (localised && c.get("lang")) || "en";
  const page = await requestPage(c);
  const cache = config(c.env).bench.noEdgeCache ? null : edgeCache();
  const key = cache ? cacheKey(page.settings.id, path, await currentGeneration(cache), localised ? lang : null) : null;
  let res = key ? await cache?.match(key).catch(() => undefined) : undefined;
  if (!res) {
    const { body, contentType, status = 200, store = true } = await render(`${PLACEHOLDER_ORIGIN}${page.prefix}`, lang);
    res = new Response(body, {
      status,
      headers: {
        "Content-Type": contentType,
        "Cache-Control": PUBLIC_CACHE_CONTROL,
        ETag: await etagOf(body),
        ...publicHeaders(await requestSettings(c), contentType),
      },
    });
    if (cache && key && store) {
      const stored = cache.put(key, res.clone()).catch((err: unknown) => console.error("edge cache put failed", String(err)));
      try {
        c.executionCtx.waitUntil(stored);
      } catch {
        await stored; // no execution context (the app called directly)
      }
    }
  }
  const etag = res.headers.get("ETag") ?? "";
  const cacheControl = c.get("private") ? PRIVATE_CACHE_CONTROL : PUBLIC_CACHE_CONTROL;
  const vary: Record<string, string> = {
    ...(localised ? { Vary: "Accept-Language, Cookie", "Content-Language": lang } : {}),
    ...(c.get("private") && !localised ? { Vary: "Cookie" } : {}),
  };
  if (res.status === 200 && etagMatches(c.req.header("If-None-Match"), etag)) {
    return new Response(null, { status: 304, headers: { ETag: etag, "Cache-Control": cacheControl, ...vary } });
  }
  const body = (await res.text()).replaceAll(PLACEHOLDER_ORIGIN, pageOrigin(c.env, c.req.url, page));
  // A fresh Response: those from the cache have immutable headers, and middleware adds CORS ones.
  const headers = new Headers(res.headers);
  headers.set("Cache-Control", cacheControl);
  for (const [k, v] of Object.entries(vary)) headers.set(k, v);
  if (localised) rememberLanguage(c, headers, lang);
  return new Response(body, { status: res.status, headers });
}

/** `?lang=` is remembered in a cookie (a year), so the reader's next pages come in it too. */
function rememberLanguage(c: Context<AppEnv>, headers: Headers, lang: Language): void {
  const asked = c.req.query("lang");
  if (!asked || matchLanguage(asked) !== lang) return;
  if (/(?:^|;\s*)lang=([^;]*)/.exec(c.req.header("cookie") ?? "")?.[1] === lang) return;
  headers.append("Set-Cookie", `lang=${lang}; Path=/; Max-Age=31536000; SameSite=Lax`);
  // A response that sets a cookie is the asker's own.
  headers.set("Cache-Control", "private, no-cache");
}

/**
 * Retires every public response in the edge cache of this data centre by starting a new cache
 * generation (see the top of this file).
 * Never throws: the write it follows is already durable, and a failed purge only delays a change by
 * the max-age.
 */
export async function purgePublicCache(_env: Env): Promise<void> {
  const cache = edgeCache();
  if (!cache) return;
  try {
    await newGeneration(cache);
  } catch (err) {
    console.error("public cache purge failed", String(err));
  }
}
