// Who may read a page. A public page answers everyone; a private one answers only readers who gave
// its page password (a signed cookie, `page_access` for the first page and `page_access_<id>` for the
// others, signed with that page's own secret, so one page's cookie opens no other page) or who come
// through Cloudflare Access (the same team and application as the admin, worker/auth.ts; an identity
// limited to some pages, as operators are, reads the private pages among them only). Strangers get the sign-in page (HTML) or a 401
// (the API, feeds, badges), and nothing they get is cacheable. The gate runs before the edge cache
// (worker/cache.ts), so a stranger never reaches a cached copy; the copies readers get are marked
// `private` so no cache between them and the worker keeps one for others.
//
// Later features that reach readers (subscriptions, notification emails) must ask `isPrivate` first.
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { identityPages } from "../db/keys";
import type { PageSettings } from "../db/settings";
import { withoutPrefix } from "../domain/page-address";
import { chooseLanguage, DEFAULT_LANGUAGE, format, isLanguage, type Language, messages } from "../i18n";
import { accessConfig, crossSite, rateLimited, verifyAccess } from "./auth";
import { answerLastGood, pageOrigin, publicBaseUrl, publicPath, readerBase } from "./cache";
import type { AppEnv } from "./env";
import { heldRequestPage, lastReadPage } from "./generation";
import { type ReaderSettings, readerSettingsOf, requestPage, requestSettings } from "./reader-settings";
import { renderReaderPage } from "./render";
import { publicHeaders } from "./security/headers";
import { ACCESS_COOKIE, ACCESS_TTL_SECONDS, signAccess, verifyAccessCookie, verifyPagePassword } from "./security/page-access";
import { LIMITS } from "./security/rate-limit";

// ── The gate ───────────────────────────────────────────────────────────────

export const LANG_COOKIE = "lang";

/** The reader's language for this request (chooseLanguage in i18n/index.ts). */
export function readerLanguage(c: Context<AppEnv>, fallback: Language): Language {
  return chooseLanguage({ query: c.req.query("lang"), cookie: getCookie(c, LANG_COOKIE), acceptLanguage: c.req.header("accept-language") }, fallback);
}

/** The page's own access cookie: each page signs in on its own, even under one host name. */
const accessCookie = (page: Pick<ReaderSettings, "id">) => (page.id === 1 ? ACCESS_COOKIE : `${ACCESS_COOKIE}_${page.id}`);

/** A reader of a private page who gave its password (its cookie) or comes through Cloudflare Access. */
export async function mayRead(c: Context<AppEnv>, page: ReaderSettings): Promise<boolean> {
  if (await verifyAccessCookie(page.accessSecret, getCookie(c, accessCookie(page)))) return true;
  const identity = await verifyAccess(c.env, c.req.header("cf-access-jwt-assertion"));
  if (!identity) return false;
  const pages = await identityPages(c.env.DB, identity);
  return pages === null || pages.includes(page.id);
}

const NO_STORE = { "Cache-Control": "no-store", Vary: "Cookie, Accept-Language" };

/**
 * Every public GET passes here first. `html`: strangers get the sign-in page; `machine`: a 401 JSON.
 * Sets `page` (its settings) and `lang` for the handlers.
 */
export function readerGate(kind: "html" | "machine"): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let settings: PageSettings;
    try {
      const found = await heldRequestPage(c.env, c.req.raw);
      // worker/index.ts answers an unknown `/p/<slug>/` first (a 404), unless D1 failed there too.
      if (!found) throw new Error("no such page");
      settings = found.settings;
    } catch (err) {
      console.error("page settings unreadable; answering the last good copy", String(err));
      return answerWithoutSettings(c, kind);
    }
    const page = readerSettingsOf(settings);
    const lang = readerLanguage(c, page.language);
    c.set("page", page);
    c.set("lang", lang);
    c.set("private", page.visibility === "private");
    if (page.visibility === "private" && !(await mayRead(c, page))) {
      const base = await readerBase(c);
      if (kind === "machine") {
        return c.json({ error: format(messages("en").access.unauthorized, { url: `${base}/access` }) }, 401, NO_STORE);
      }
      const body = await signInPage(c, page, lang, new URL(c.req.url).pathname, "", !!accessConfig(c.env));
      return c.html(body, 401, { ...NO_STORE, ...publicHeaders(settings, "text/html") });
    }
    await next();
  };
}

/**
 * The page settings cannot be read (D1 down): the gate decides on the page this isolate last read for the
 * request's own address (host, prefix), never another's, and lets the reader have that page's last good
 * copy only under the visibility its settings give (a private page's copy only with that page's password
 * cookie or Access). Without them, or for a stranger to a private page, the "cannot be shown right now"
 * answer, which names nothing of the page.
 */
async function answerWithoutSettings(c: Context<AppEnv>, kind: "html" | "machine"): Promise<Response> {
  const last = lastReadPage(c.req.raw);
  const page = last ? readerSettingsOf(last.settings) : null;
  const lang = readerLanguage(c, page?.language ?? DEFAULT_LANGUAGE);
  c.set("lang", lang);
  c.set("private", page?.visibility !== "public");
  // An Access identity's pages are in D1 too: when that read fails, the reader is a stranger.
  const letIn = !!page && (page.visibility === "public" || (await mayRead(c, page).catch(() => false)));
  const path = publicPath(c.req.url);
  // The Statuspage API is kept in English only (its enums stay English); pages, feeds and badges per language.
  const keyLang = withoutPrefix(path).startsWith("/api/") ? null : lang;
  return answerLastGood(c, {
    page: last?.settings.id ?? 0,
    origin: last ? pageOrigin(c.env, c.req.url, last) : publicBaseUrl(c.env, c.req.url),
    path,
    lang,
    keyLang,
    html: kind === "html",
    visibility: letIn && page ? page.visibility : null,
  });
}

/** Where to go after signing in: a path on this site only, never another origin (under a page's prefix, it holds the prefix). */
const safeNext = (v: unknown) => (typeof v === "string" && /^\/(?![/\\])[^\s]*$/.test(v) && v.length < 500 ? v : "/");

/** The sign-in page, in the reader's language (site/src/components/reader/SignIn.astro); it names nothing of the page but its name. */
function signInPage(c: Context<AppEnv>, page: ReaderSettings, lang: Language, next: string, error: string, sso = false): Promise<string> {
  const t = messages(lang).access;
  return renderReaderPage(c, lang, { view: { kind: "sign-in", pageName: page.name, next: safeNext(next), error, sso }, heading: t.heading, path: "/access" });
}

/** Where the reader goes when there is nowhere else: the page's own front page. */
async function home(c: Context<AppEnv>): Promise<string> {
  return `${(await requestPage(c)).prefix}/`;
}

// ── Wrong passwords ─────────────────────────────────────────────────────────
// Limited per client address like the admin's sign-ins (security/rate-limit.ts, kind `page`: atomic,
// in the Ingestor), with one audit row when the limit trips.

export const ACCESS_MAX_FAILURES = LIMITS.page.failures;

/** POST /access: the page password in the form field `password`; a signed cookie when it is right. */
export async function postAccess(c: Context<AppEnv>): Promise<Response> {
  const page = readerSettingsOf(await requestSettings(c));
  const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const lang = isLanguage(form.lang) ? form.lang : readerLanguage(c, page.language);
  const next = form.next === undefined ? await home(c) : safeNext(form.next);
  const t = messages(lang).access;
  if (page.visibility !== "private") return c.redirect(next, 303);
  if (crossSite(c)) return c.html(await signInPage(c, page, lang, next, t.wrong), 403, NO_STORE);
  const password = typeof form.password === "string" ? form.password : "";
  const ok = !!page.passwordHash && !!page.accessSecret && !!password && (await verifyPagePassword(password, page.passwordHash));
  const refused = await rateLimited(c, "page", ok, async (retryAfter) =>
    c.html(await signInPage(c, page, lang, next, format(t.too_many, { minutes: Math.ceil(retryAfter / 60) })), 429, NO_STORE),
  );
  if (refused) return refused;
  if (!ok || !page.accessSecret) return c.html(await signInPage(c, page, lang, next, t.wrong), 401, NO_STORE);
  setCookie(c, accessCookie(page), await signAccess(page.accessSecret), {
    path: "/",
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    maxAge: ACCESS_TTL_SECONDS,
  });
  c.header("Cache-Control", "no-store");
  return c.redirect(next, 303);
}

/** GET /access: the sign-in form (or the page itself when it is public or the reader is in). */
export async function getAccess(c: Context<AppEnv>): Promise<Response> {
  const page = readerSettingsOf(await requestSettings(c));
  const next = c.req.query("next") === undefined ? await home(c) : safeNext(c.req.query("next"));
  if (page.visibility !== "private" || (await mayRead(c, page))) return c.redirect(next, 303);
  return c.html(await signInPage(c, page, readerLanguage(c, page.language), next, ""), 200, NO_STORE);
}
