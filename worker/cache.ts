// Caching of the public, read-only responses (the Statuspage API, feeds, badges, the Astro pages).
//
// Four layers, so readers during an outage cost the database little and still see a change at once:
// - Browsers: `Cache-Control: public, max-age=10` and an ETag; a revalidation with If-None-Match
//   that still matches is a 304 with no body.
// - The isolate: under the cache generation it read for the request (worker/generation.ts), an isolate
//   holds each page address's page settings and the answers asked for most (under the page's id, path
//   and language), so a hit costs one small Cache API read (the generation) and no D1 read.
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
// Never an error: each good render of a page or document is also kept as its last good copy, under a
// key of its own (page, path and language) that no purge retires (a long lifetime). When a render fails (D1 down, an exception),
// the reader gets that copy with an "as of" time (a note on a page, `X-Status-As-Of` and
// `Last-Modified` on the rest), never a 5xx; with no copy kept, a short page saying the status cannot
// be shown right now, a 503 with Retry-After. A copy says whether the page was private when it was
// rendered, and is served only under the same visibility, to a reader the gate let in for that page:
// with D1 down, the gate knows a page only from what this isolate last read for the request's own
// address (worker/generation.ts lastReadPage), so no page's copy is ever served for another.
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
// What "purged on every write" means, honestly: the Cache API is per data centre. The purge moves the
// generation of the data centre where it runs (where the write was handled: the worker, or the
// ingestor Durable Object); every other data centre keeps its copy for at most max-age (10 s). A
// global, instant purge needs the zone's purge API and an API token, which this worker does not hold.
import type { Context } from "hono";
import type { PageSettings, RequestPage } from "../db/settings";
import { esc } from "../domain/html";
import { toHex } from "../domain/ids";
import { format, type Language, matchLanguage, messages } from "../i18n";
import { utcText } from "../i18n/labels";
import { config } from "./config";
import type { AppEnv, Env } from "./env";
import {
  edgeCache,
  type HeldAnswer,
  heldAnswer,
  holdAnswer,
  newGeneration,
  PLACEHOLDER_ORIGIN,
  PUBLIC_MAX_AGE_SECONDS,
  publicCache,
  requestGeneration,
} from "./generation";
import { requestPage } from "./reader-settings";
import { publicHeaders, publicSecurityHeaders } from "./security/headers";

export const PUBLIC_CACHE_CONTROL = `public, max-age=${PUBLIC_MAX_AGE_SECONDS}`;
/** A private page's copy for a reader let in: their browser may keep it, shared caches may not. */
export const PRIVATE_CACHE_CONTROL = `private, max-age=${PUBLIC_MAX_AGE_SECONDS}`;
/** How long a last good copy is kept: long enough to outlast any outage, short enough to leave no litter. */
const LAST_GOOD_MAX_AGE_SECONDS = 30 * 86_400;
/** When a reader who got the "cannot be shown" answer should try again. */
export const RETRY_AFTER_SECONDS = 30;
/** The time a served last good copy was rendered (ISO 8601); also `Last-Modified`. */
export const AS_OF_HEADER = "X-Status-As-Of";
const KEPT_AT = "X-Kept-At";
const KEPT_VISIBILITY = "X-Kept-Visibility";

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

/** The path a public response is kept under: without trailing slashes. */
export const publicPath = (url: string) => new URL(url).pathname.replace(/(.)\/+$/, "$1");

const langQuery = (lang: Language | null) => (lang ? `?lang=${lang}` : "");
const cacheKey = (page: number, path: string, generation: string, lang: Language | null) =>
  new Request(`${PLACEHOLDER_ORIGIN}/__g/${generation}/${page}${path}${langQuery(lang)}`);
const lastGoodKey = (page: number, path: string, lang: Language | null) => new Request(`${PLACEHOLDER_ORIGIN}/__last-good/${page}${path}${langQuery(lang)}`);

export interface Rendered {
  body: string;
  contentType: string;
  /** Defaults to 200; a 404 page is cached too, so a flood of requests for a bad id stays cheap. */
  status?: number;
  /** Defaults to true; false answers the response without keeping it (an error page). */
  store?: boolean;
}

/** Runs `work` after the answer when there is an execution context, else before it (the app called directly). */
async function later(c: Context<AppEnv>, work: Promise<unknown>): Promise<void> {
  const logged = work.catch((err: unknown) => console.error("edge cache put failed", String(err)));
  try {
    c.executionCtx.waitUntil(logged);
  } catch {
    await logged;
  }
}

/**
 * Answers a public GET from what the isolate holds or the edge cache holds for the page's path (in the
 * reader's language when `localised`), else renders it (with PLACEHOLDER_ORIGIN and the page's prefix as
 * the base URL) and stores it; either way with ETag, Cache-Control and a 304 for a matching If-None-Match. A render that
 * fails is answered with the last good copy (or a 503 when none is kept), never an error.
 */
export async function cachedPublic(
  c: Context<AppEnv>,
  render: (base: string, lang: Language) => Promise<Rendered>,
  { localised = false, html = false }: { localised?: boolean; html?: boolean } = {},
): Promise<Response> {
  const path = publicPath(c.req.url);
  const lang: Language = (localised && c.get("lang")) || "en";
  const keyLang = localised ? lang : null;
  const page = await requestPage(c);
  const id = page.settings.id;
  const origin = pageOrigin(c.env, c.req.url, page);
  const generation = await requestGeneration(c.env, c.req.raw);
  // Held for one page, path, language and origin (the links in it): another page never gets it.
  const heldKey = JSON.stringify([id, origin, path, keyLang]);
  let answer = generation ? heldAnswer(generation, heldKey) : undefined;
  if (!answer) {
    const cache = generation ? publicCache(c.env) : null;
    let key = cache && generation ? cacheKey(id, path, generation, keyLang) : null;
    let res = key ? await cache?.match(key).catch(() => undefined) : undefined;
    if (!res) {
      let rendered: Required<Rendered>;
      let settings: PageSettings;
      try {
        const { body, contentType, status = 200, store = true } = await render(`${PLACEHOLDER_ORIGIN}${page.prefix}`, lang);
        if (status >= 500) throw new Error(`the render answered ${status}`);
        rendered = { body, contentType, status, store };
        settings = page.settings;
      } catch (err) {
        console.error("public render failed; answering the last good copy", { path, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
        return answerLastGood(c, { page: id, origin, path, lang, keyLang, html, visibility: c.get("private") ? "private" : "public" });
      }
      const { body, contentType, status, store } = rendered;
      res = new Response(body, {
        status,
        headers: { "Content-Type": contentType, "Cache-Control": PUBLIC_CACHE_CONTROL, ETag: await etagOf(body), ...publicHeaders(settings, contentType) },
      });
      if (!store) key = null; // neither kept nor held
      if (cache && key) await later(c, cache.put(key, res.clone()));
      if (store && status === 200) await keepLastGood(c, lastGoodKey(id, path, keyLang), res.clone(), settings);
    }
    answer = { status: res.status, headers: [...res.headers], body: (await res.text()).replaceAll(PLACEHOLDER_ORIGIN, origin) };
    if (generation && key) holdAnswer(generation, heldKey, answer);
  }
  return respond(c, answer, localised, lang);
}

/** The answer with this reader's headers: the cache policy, Vary, the language cookie; a 304 when it matches. */
function respond(c: Context<AppEnv>, answer: HeldAnswer, localised: boolean, lang: Language): Response {
  const headers = new Headers(answer.headers);
  const etag = headers.get("ETag") ?? "";
  const cacheControl = c.get("private") ? PRIVATE_CACHE_CONTROL : PUBLIC_CACHE_CONTROL;
  const vary: Record<string, string> = {
    ...(localised ? { Vary: "Accept-Language, Cookie", "Content-Language": lang } : {}),
    ...(c.get("private") && !localised ? { Vary: "Cookie" } : {}),
  };
  if (answer.status === 200 && etagMatches(c.req.header("If-None-Match"), etag)) {
    return new Response(null, { status: 304, headers: { ETag: etag, "Cache-Control": cacheControl, ...vary } });
  }
  headers.set("Cache-Control", cacheControl);
  for (const [k, v] of Object.entries(vary)) headers.set(k, v);
  if (localised) rememberLanguage(c, headers, lang);
  return new Response(answer.body, { status: answer.status, headers });
}

/** The copy a failing render falls back on: the response as rendered, with when and under which visibility. */
function keepLastGood(c: Context<AppEnv>, key: Request, res: Response, settings: PageSettings): Promise<void> {
  const headers = new Headers(res.headers);
  headers.set("Cache-Control", `public, max-age=${LAST_GOOD_MAX_AGE_SECONDS}`);
  headers.set(KEPT_AT, new Date().toISOString());
  headers.set(KEPT_VISIBILITY, settings.visibility === "private" ? "private" : "public");
  const cache = publicCache(c.env);
  return cache ? later(c, cache.put(key, new Response(res.body, { status: res.status, headers }))) : Promise.resolve();
}

/**
 * What a reader gets when the page cannot be rendered: the last good copy of the page's path in their language,
 * kept under the same visibility the reader was let in under, with its "as of" time and never stored;
 * else the "cannot be shown right now" answer (a 503 with Retry-After). `visibility` is what the gate
 * knows of the page; the caller has let the reader in under it.
 */
export async function answerLastGood(
  c: Context<AppEnv>,
  {
    page,
    origin,
    path,
    lang,
    keyLang,
    html,
    visibility,
  }: { page: number; origin: string; path: string; lang: Language; keyLang: Language | null; html: boolean; visibility: "public" | "private" | null },
): Promise<Response> {
  const cache = publicCache(c.env);
  const kept = cache && visibility ? await cache.match(lastGoodKey(page, path, keyLang)).catch(() => undefined) : undefined;
  if (!kept || kept.headers.get(KEPT_VISIBILITY) !== visibility) return unavailable(c, lang, html);
  const asOf = kept.headers.get(KEPT_AT) ?? new Date(0).toISOString();
  const headers = new Headers(kept.headers);
  headers.delete(KEPT_AT);
  headers.delete(KEPT_VISIBILITY);
  // Not to be kept anywhere: the next reload tries the live page again.
  headers.set("Cache-Control", "no-store");
  headers.set(AS_OF_HEADER, asOf);
  headers.set("Last-Modified", new Date(asOf).toUTCString());
  if (keyLang) headers.set("Content-Language", keyLang);
  let body = (await kept.text()).replaceAll(PLACEHOLDER_ORIGIN, origin);
  if ((headers.get("Content-Type") ?? "").startsWith("text/html")) {
    const note = `<p id="as-of" class="as-of" role="status">${format(esc(messages(lang).unavailable.as_of), { time: `<time datetime="${esc(asOf)}">${esc(utcText(asOf, lang))}</time>` })}</p>`;
    body = body.replace(/<main\b[^>]*>/, (main) => `${main}${note}`);
    headers.delete("ETag");
  }
  return new Response(body, { status: kept.status, headers });
}

/** Nothing kept to show: a short answer in the reader's language, a 503 that says when to try again. */
function unavailable(c: Context<AppEnv>, lang: Language, html: boolean): Response {
  const t = messages(lang).unavailable;
  const headers = { "Cache-Control": "no-store", "Retry-After": String(RETRY_AFTER_SECONDS) };
  if (!html) {
    const error = `${messages("en").unavailable.heading.toLowerCase()}; try again in ${RETRY_AFTER_SECONDS} seconds`;
    return c.json({ error }, 503, { ...headers, ...publicSecurityHeaders("application/json", false) });
  }
  // Drawn here, not by the site: it must not depend on anything that may be what is failing.
  const page = `<!doctype html><html lang="${esc(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(t.title)}</title></head><body><main><h1>${esc(t.heading)}</h1><p>${esc(t.text)}</p></main></body></html>`;
  return new Response(page, { status: 503, headers: { ...headers, "Content-Type": "text/html; charset=utf-8", ...publicSecurityHeaders("text/html", false) } });
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
