// /subscriptions: readers subscribe (the form on /subscribe, or JSON), confirm (double opt-in), change
// which components they hear of, and unsubscribe. Each on the page the reader came to: a new subscriber
// is on the page it subscribed from, and a token opens only its own page's subscriber (elsewhere it is
// an unknown token). Thin: parse, gate, limit, validate, then
// worker/subscriptions/subscribe.ts decides and db/subscribers.ts writes.
//
// - POST /subscriptions answers the same whether the address was new, pending or confirmed (no
//   enumeration), and does everything that depends on it (the write, the page read, the email) after
//   the answer, so its timing says nothing either; it is limited per client (429 with Retry-After),
//   optionally checked by Turnstile, and on a private page open only to readers let in.
// - On a private page, the manage pages show a reader who is not let in no component: only the
//   unsubscribe button and a way to sign in.
// - The token in the links is the subscriber's key: each token page acts only on POST (mail scanners
//   open links), and an unknown token is a bare 404. The one-click unsubscribe (RFC 8058) takes any
//   body (`List-Unsubscribe=One-Click`), from anywhere, and needs no cookie: it must work from a mail
//   client's button, for webhook subscribers' `meta.unsubscribe` too, and after the page went private.
// - Form posts get pages (in the site's frame, the reader's language); JSON bodies, and the page's own
//   script (Accept: application/json), get JSON with `error`, `field` and a `message` for readers.
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { confirmByToken, deleteByToken, findByToken, type Subscriber, setComponentsByToken } from "../../db/subscribers";
import { nowIso } from "../../domain/ids";
import { withoutPrefix } from "../../domain/page-address";
import type { ReaderView, SubscribeValues } from "../../domain/reader-view";
import { format, isLanguage, type Language, matchLanguage, messages } from "../../i18n";
import { crossSite, rateLimited } from "../auth";
import { readerBase } from "../cache";
import type { AppEnv } from "../env";
import { HttpError } from "../errors";
import { sendEmail } from "../notify/email";
import { manageUrl } from "../notify/links";
import { readerSettingsOf, requestPage, requestSettings } from "../reader-settings";
import { renderReaderPage } from "../render";
import { publicHeaders } from "../security/headers";
import { clientAddress } from "../security/rate-limit";
import { TURNSTILE_FIELD, verifyTurnstile } from "../security/turnstile";
import { confirmationEmail } from "../subscriptions/confirmation";
import { publicSubscriptionCreate, subscriptionComponents } from "../subscriptions/schemas";
import { checkChoices, checkComponents, MAX_WEBHOOKS_PER_EMAIL, requestSubscription } from "../subscriptions/subscribe";
import { jsonBody, validate } from "../validate";
import { mayRead, readerGate } from "../visibility";

export const subscriptions = new Hono<AppEnv>();

/** A subscribe form is a few hundred bytes; nobody needs more. */
const MAX_BODY_BYTES = 16 * 1024;
subscriptions.use(
  "*",
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HttpError(413, `subscription requests are limited to ${MAX_BODY_BYTES / 1024} KB`);
    },
  }),
);

/** A JSON body, or the page's script asking for JSON: answer JSON. A plain form post: answer a page. */
const wantsJson = (c: Context) =>
  /^application\/json\b/i.test(c.req.header("content-type") ?? "") || /^application\/json\b/i.test(c.req.header("accept") ?? "");

/**
 * Token pages are nobody's to keep or to pass on: no cache, no index, and no referrer to other sites.
 * `same-origin`, not `no-referrer`: under `no-referrer` browsers send `Origin: null` with the page's own
 * forms, which the cross-site check refuses.
 */
const PRIVATE_PAGE = { "Cache-Control": "no-store", "Referrer-Policy": "same-origin", "X-Robots-Tag": "noindex" };

/** A page in the site's frame (site/src/pages/reader.astro); `path` is where its language links lead (the form's answers: /subscribe), without the page's prefix. */
async function page(
  c: Context<AppEnv>,
  status: 200 | 400 | 403 | 404 | 409 | 429 | 503,
  lang: Language,
  heading: string,
  view: ReaderView,
  path = withoutPrefix(new URL(c.req.url).pathname),
) {
  const [body, settings] = await Promise.all([renderReaderPage(c, lang, { view, heading, path }), requestSettings(c)]);
  return c.html(body, status, { ...publicHeaders(settings, "text/html"), ...PRIVATE_PAGE });
}

// ── Subscribing ─────────────────────────────────────────────────────────────

/** The message a reader reads for a refused field, in their language. */
function readerMessage(lang: Language, field: string): string {
  const t = messages(lang).subscribe;
  if (field === "email") return t.error_email;
  if (field === "webhook_url") return t.error_webhook;
  if (field.startsWith("component_ids")) return t.error_components;
  if (field === TURNSTILE_FIELD) return t.error_check;
  return t.error_other;
}

/** The form's fields as the schema reads them; unticked boxes and empty fields are "not given". */
function formFields(form: Record<string, string | File | (string | File)[]>): Record<string, unknown> {
  const all = (k: string) => [form[k] ?? []].flat().filter((v): v is string => typeof v === "string");
  const one = (k: string) => all(k)[0]?.trim() || undefined;
  return {
    email: all("email")[0] ?? "",
    component_ids: all("component_ids"),
    webhook_url: one("webhook_url"),
    language: isLanguage(one("language")) ? one("language") : undefined,
    [TURNSTILE_FIELD]: one(TURNSTILE_FIELD),
  };
}

async function readBody(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  if (/^application\/json\b/i.test(c.req.header("content-type") ?? "")) {
    const body = await c.req.json().catch(() => {
      throw new HttpError(400, "`body` is not valid JSON", "body");
    });
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new HttpError(400, "`body` must be a JSON object", "body");
    return body as Record<string, unknown>;
  }
  return formFields(await c.req.parseBody({ all: true }).catch(() => ({})));
}

// Readers only: a private page lets in those it lets read (worker/visibility.ts), others get its sign-in.
subscriptions.post("/", (c, next) => readerGate(wantsJson(c) ? "machine" : "html")(c, next));
subscriptions.post("/", async (c) => {
  const json = wantsJson(c);
  let lang = c.get("lang");
  let values: SubscribeValues = {};
  const refuse = async (status: 400 | 403 | 429 | 503, error: string, field: string, message: string) => {
    if (json) return c.json({ error, ...(field ? { field } : {}), message }, status, { "Cache-Control": "no-store" });
    return page(c, status, lang, messages(lang).subscribe.heading, { kind: "subscribe", values, error: { field, message } }, "/subscribe");
  };
  // A form another site made a reader's browser post: refused, or anyone could sign up anyone's reader.
  if (crossSite(c)) return refuse(403, "cross-site subscription requests are refused", "", messages(lang).subscribe.error_other);
  try {
    // Read first (16 KB at most) for the reader's language and values; a malformed body writes nothing.
    const raw = await readBody(c);
    if (isLanguage(raw.language)) lang = raw.language;
    values = {
      email: typeof raw.email === "string" ? raw.email : "",
      webhook_url: typeof raw.webhook_url === "string" ? raw.webhook_url : "",
      component_ids: Array.isArray(raw.component_ids) ? raw.component_ids.filter((v): v is string => typeof v === "string") : [],
    };
    const limited = await rateLimited(c, "subscribe", false, async (retryAfter) => {
      const minutes = Math.ceil(retryAfter / 60);
      return refuse(
        429,
        `too many subscription requests from your address: retry after ${retryAfter} s`,
        "",
        format(messages(lang).subscribe.too_many, { minutes }),
      );
    });
    if (limited) return limited;
    const body: z.infer<typeof publicSubscriptionCreate> = validate(publicSubscriptionCreate, raw);
    const settings = await requestSettings(c);
    const siteKey = settings.turnstileSiteKey || null;
    if (siteKey) {
      const address = clientAddress(c);
      const outcome = await verifyTurnstile(c.env, body[TURNSTILE_FIELD], address.ip);
      if (outcome === "misconfigured" || outcome === "unavailable")
        return refuse(503, "the subscription check is unavailable: try again later", "", messages(lang).subscribe.error_other);
      if (outcome !== "passed")
        return refuse(
          400,
          `\`${TURNSTILE_FIELD}\` ${outcome === "missing" ? "is required: complete the check" : "was refused: complete the check again"}`,
          TURNSTILE_FIELD,
          readerMessage(lang, TURNSTILE_FIELD),
        );
    }
    const choices = await checkChoices(c.env, body, settings.id);
    // Everything that depends on whether the address is known runs after the answer (waitUntil), so the
    // answer's timing says nothing of it: the insert or renewal, the page read, the email.
    const base = await readerBase(c);
    c.executionCtx.waitUntil(
      (async () => {
        const { confirm } = await requestSubscription(c.env.DB, choices, lang);
        if (!confirm) return;
        const pageName = settings.name;
        const mail = confirmationEmail({
          to: confirm.email,
          pageName,
          lang: isLanguage(confirm.language) ? confirm.language : lang,
          base,
          token: confirm.token,
        });
        await sendEmail(c.env, mail).catch((err: unknown) => console.error("confirmation email failed", { subscriber: confirm.id, error: String(err) }));
      })().catch((err: unknown) => console.error("subscription request failed", { error: String((err as Error)?.message ?? err) })),
    );
  } catch (err) {
    if (err instanceof HttpError && err.status === 400) return refuse(400, err.message, err.field ?? "", readerMessage(lang, err.field ?? ""));
    throw err;
  }
  const t = messages(lang).subscribe;
  const message = format(t.sent, { email: values.email?.trim().toLowerCase() ?? "" });
  if (json) return c.json({ status: "pending", message }, 202, { "Cache-Control": "no-store" });
  return page(c, 200, lang, t.sent_heading, { kind: "notice", text: message, backToForm: true }, "/subscribe");
});

// ── The token pages ─────────────────────────────────────────────────────────

/** Tokens are 43 url-safe base64 characters (worker/auth.ts randomToken); what cannot be one is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{8,128}$/;

interface Found {
  subscriber: Subscriber;
  lang: Language;
  pageName: string;
  base: string;
  /** The page is public, or the reader was let in: components may be shown. */
  letIn: boolean;
}

/** The subscriber a token names on this request's page, in their language (or `?lang=`); null for an unknown token. */
async function lookUp(c: Context<AppEnv>): Promise<Found | null> {
  const token = c.req.param("token") ?? "";
  const settings = readerSettingsOf(await requestSettings(c));
  const subscriber = TOKEN.test(token) ? await findByToken(c.env.DB, token, settings.id) : null;
  if (!subscriber) return null;
  const lang = matchLanguage(c.req.query("lang") ?? "") ?? (isLanguage(subscriber.language) ? subscriber.language : "en");
  const base = await readerBase(c);
  const letIn = settings.visibility !== "private" || (await mayRead(c, settings));
  return { subscriber, lang, base, letIn, pageName: settings.name };
}

/** An unknown token: a 404 that says no more than that. */
async function notFound(c: Context<AppEnv>) {
  if (wantsJson(c)) return c.json({ error: "no such subscription" }, 404, { "Cache-Control": "no-store" });
  const lang = matchLanguage(c.req.query("lang") ?? "") ?? "en";
  const t = messages(lang).subscribe;
  return page(c, 404, lang, t.not_found_heading, { kind: "notice", text: t.not_found_text, backToForm: true });
}

/** What the subscriber sees of their own subscription as JSON; of a private page's, no components unless let in. */
const ownJson = (s: Subscriber, letIn = true) => ({
  email: s.email,
  webhook_url: s.webhookUrl,
  ...(letIn ? { component_ids: s.componentIds } : {}),
  language: s.language,
  status: s.confirmedAt ? "confirmed" : "pending",
});

async function managePage(c: Context<AppEnv>, found: Found, notice?: string) {
  const { subscriber: s, lang, base } = found;
  const self = new URL(manageUrl(base, s.token)).pathname;
  const heading = messages(lang).subscribe.manage_heading;
  if (!found.letIn) {
    // A private page, a reader not let in: no component of it is named; leaving still works.
    const signIn = `${(await requestPage(c)).prefix}/access?next=${encodeURIComponent(self)}`;
    return page(c, 200, lang, heading, { kind: "unsubscribe", email: s.email, action: `${self}/unsubscribe`, notice, signIn });
  }
  const view: ReaderView = { kind: "manage", email: s.email, webhookUrl: s.webhookUrl, confirmed: !!s.confirmedAt, componentIds: s.componentIds, self, notice };
  return page(c, 200, lang, heading, view);
}

subscriptions.get("/:token", async (c) => {
  const found = await lookUp(c);
  if (!found) return notFound(c);
  if (wantsJson(c)) return c.json(ownJson(found.subscriber, found.letIn), 200, { "Cache-Control": "no-store" });
  const t = messages(found.lang).subscribe;
  const notice = c.req.query("saved") === "1" ? t.saved : c.req.query("confirmed") === "1" && found.subscriber.confirmedAt ? t.confirmed_heading : undefined;
  return managePage(c, found, notice);
});

// The components to hear of: a form (the manage page) or JSON `{component_ids}`; none is every one.
subscriptions.post("/:token", async (c) => {
  const found = await lookUp(c);
  if (!found) return notFound(c);
  // A private page's components are changed only by readers let in (the page's gate answers the rest).
  if (!found.letIn) return readerGate(wantsJson(c) ? "machine" : "html")(c, async () => undefined) as Promise<Response>;
  const json = /^application\/json\b/i.test(c.req.header("content-type") ?? "");
  try {
    // A malformed JSON body is a 400, never "no components chosen" (which would mean every one).
    const raw = json ? await jsonBody(c.req) : { component_ids: formFields(await c.req.parseBody({ all: true }).catch(() => ({}))).component_ids };
    const body = validate(subscriptionComponents, raw);
    const ids = await checkComponents(c.env.DB, body.component_ids, found.subscriber.page);
    const updated = await setComponentsByToken(c.env.DB, found.subscriber.token, ids);
    if (!updated) return notFound(c);
    if (wantsJson(c)) return c.json(ownJson(updated, found.letIn), 200, { "Cache-Control": "no-store" });
  } catch (err) {
    if (err instanceof HttpError && err.status === 400) {
      if (wantsJson(c)) return c.json({ error: err.message, field: err.field, message: readerMessage(found.lang, err.field ?? "") }, 400);
      const view: ReaderView = { kind: "notice", text: readerMessage(found.lang, err.field ?? "") };
      return page(c, 400, found.lang, messages(found.lang).subscribe.manage_heading, view);
    }
    throw err;
  }
  return c.redirect(`${new URL(manageUrl(found.base, found.subscriber.token)).pathname}?saved=1`, 303);
});

/** The page a link from an email opens: one button, which POSTs back to the same address. */
function buttonPage(c: Context<AppEnv>, found: Found, kind: "confirm" | "unsubscribe") {
  const t = messages(found.lang).subscribe;
  const view: ReaderView = { kind, email: found.subscriber.email, action: new URL(c.req.url).pathname };
  return page(c, 200, found.lang, kind === "confirm" ? t.confirm_heading : t.unsubscribe_heading, view);
}

// The confirmation link opens a page with a button; only its POST confirms.
subscriptions.get("/:token/confirm", async (c) => {
  const found = await lookUp(c);
  if (!found) return notFound(c);
  if (found.subscriber.confirmedAt) return managePage(c, found, messages(found.lang).subscribe.confirmed_heading);
  return buttonPage(c, found, "confirm");
});

subscriptions.post("/:token/confirm", async (c) => {
  const found = await lookUp(c);
  if (!found) return notFound(c);
  const confirmed = await confirmByToken(c.env.DB, found.subscriber.token, nowIso(), MAX_WEBHOOKS_PER_EMAIL);
  if (!confirmed) return notFound(c);
  const t = messages(found.lang).subscribe;
  if (!confirmed.confirmedAt) {
    // A webhook subscription past the address's bound: not confirmed; its owner is told why.
    const message = format(t.webhook_limit, { max: String(MAX_WEBHOOKS_PER_EMAIL) });
    if (wantsJson(c)) return c.json({ error: message, field: "webhook_url", message }, 409, { "Cache-Control": "no-store" });
    return page(c, 409, found.lang, t.confirm_heading, { kind: "notice", text: message });
  }
  if (wantsJson(c)) return c.json(ownJson(confirmed, found.letIn), 200, { "Cache-Control": "no-store" });
  const manage = new URL(manageUrl(found.base, confirmed.token)).pathname;
  return page(c, 200, found.lang, t.confirmed_heading, { kind: "notice", text: format(t.confirmed_text, { name: found.pageName }), manage });
});

// The unsubscribe link opened in a browser: a page with the button.
subscriptions.get("/:token/unsubscribe", async (c) => {
  const found = await lookUp(c);
  if (!found) return notFound(c);
  return buttonPage(c, found, "unsubscribe");
});

// RFC 8058 one-click: a POST, whatever its body (`List-Unsubscribe=One-Click`), deletes the row at once.
subscriptions.post("/:token/unsubscribe", async (c) => {
  const found = await lookUp(c);
  if (!found || !(await deleteByToken(c.env.DB, found.subscriber.token))) return notFound(c);
  if (wantsJson(c)) return c.json({ status: "unsubscribed" }, 200, { "Cache-Control": "no-store" });
  const t = messages(found.lang).subscribe;
  return page(c, 200, found.lang, t.unsubscribed_heading, { kind: "notice", text: t.unsubscribed_text, backToForm: true });
});
