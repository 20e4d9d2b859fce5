// The subscribe form and the subscription pages (confirm, manage, unsubscribe), as plain strings: the
// Astro page /subscribe shows the form, and the worker (worker/routes/subscriptions.ts) renders the
// same form again with the reader's values and the error, and the token pages, in the page's frame.
// It works without JavaScript; public/subscribe.js only sends it in place. Every value is escaped.
import type { BrandJson, ComponentJson, PageJson } from "../../../db/queries";
import { esc } from "../../../domain/html";
import { format, type Language, messages } from "../../../i18n";
import { footerHtml, headerHtml, headHtml } from "./render";

/** Cloudflare's widget script: the one outside script the page loads, and only when Turnstile is on. */
export const TURNSTILE_SCRIPT = "https://challenges.cloudflare.com/turnstile/v0/api.js";

/** The form's own few rules, beside the page's stylesheet. */
const FORM_CSS =
  ".sub{display:grid;gap:.75rem;max-width:34rem}.sub label{display:grid;gap:.2rem;font-weight:600}" +
  ".sub input[type=email],.sub input[type=url]{font:inherit;padding:.5rem;border:1px solid var(--line);border-radius:.4rem;background:var(--bg);color:var(--fg)}" +
  ".sub fieldset{border:1px solid var(--line);border-radius:.5rem;padding:.5rem 1rem}.sub fieldset label{display:flex;gap:.5rem;font-weight:400}" +
  ".sub .grp{font-weight:600;margin:.4rem 0 0}.sub .in{padding-left:1rem}.hint{margin:0;color:var(--mute);font-size:.9rem;font-weight:400}" +
  ".sub button,.act button{font:inherit;padding:.5rem 1rem;border:0;border-radius:.4rem;background:var(--link);color:#fff;cursor:pointer;justify-self:start}" +
  ".act button.danger{background:var(--critical)}.err{color:var(--critical);font-weight:600}.ok{color:var(--ok);font-weight:600}";

export interface SubscribeValues {
  email?: string;
  webhook_url?: string;
  component_ids?: string[];
}

export interface FormError {
  /** The field it is about (`email`, `webhook_url`, `component_ids`, `cf-turnstile-response`), or "". */
  field: string;
  /** What the reader reads, in their language. */
  message: string;
}

/** The component checkboxes, grouped as the page shows them (each group followed by its members). */
function componentChoices(components: ComponentJson[], chosen: Set<string>, lang: Language): string {
  const t = messages(lang).subscribe;
  const box = (c: ComponentJson) =>
    `<label${c.group_id ? ` class="in"` : ""}><input type="checkbox" name="component_ids" value="${esc(c.id)}"${chosen.has(c.id) ? " checked" : ""}> <bdi>${esc(c.name)}</bdi></label>`;
  const items = components.map((c) => (c.group ? `<p class="grp"><bdi>${esc(c.name)}</bdi></p>` : box(c))).join("");
  return `<fieldset><legend>${esc(t.components)}</legend><p class="hint">${esc(t.components_hint)}</p>${items}</fieldset>`;
}

/** The subscribe form: email, components, an optional webhook, the Turnstile widget when it is on. */
export function subscribeForm(opts: {
  lang: Language;
  components: ComponentJson[];
  turnstileSiteKey: string | null;
  values?: SubscribeValues;
  error?: FormError;
}): string {
  const { lang, components, turnstileSiteKey, values = {}, error } = opts;
  const t = messages(lang).subscribe;
  const invalid = (field: string) => (error?.field === field ? ` aria-invalid="true" aria-describedby="sub-result"` : "");
  const chosen = new Set(values.component_ids ?? []);
  return (
    `<style>${FORM_CSS}</style>` +
    `<form class="sub" method="post" action="/subscriptions" data-offline="${esc(t.error_other)}" novalidate>` +
    `<input type="hidden" name="language" value="${esc(lang)}">` +
    `<label>${esc(t.email)}<input type="email" name="email" required autocomplete="email" maxlength="254" value="${esc(values.email ?? "")}"${invalid("email")}></label>` +
    (components.length ? componentChoices(components, chosen, lang) : "") +
    `<label>${esc(t.webhook)}<input type="url" name="webhook_url" inputmode="url" maxlength="2000" placeholder="https://" value="${esc(values.webhook_url ?? "")}"${invalid("webhook_url")}>` +
    `<span class="hint">${esc(t.webhook_hint)}</span></label>` +
    (turnstileSiteKey ? `<div class="cf-turnstile" data-sitekey="${esc(turnstileSiteKey)}" data-language="${esc(lang)}"></div>` : "") +
    `<button type="submit" data-sending="${esc(t.sending)}">${esc(t.submit)}</button>` +
    `<p id="sub-result" role="status" aria-live="polite"${error ? ` class="err"` : ""}>${error ? esc(error.message) : ""}</p>` +
    `</form>` +
    (turnstileSiteKey ? `<script src="${TURNSTILE_SCRIPT}" async defer></script>` : "") +
    `<script src="/subscribe.js" defer></script>`
  );
}

/** The /subscribe page's main content: heading, what readers get, the form. */
export function subscribeMain(form: string, lang: Language): string {
  const t = messages(lang).subscribe;
  return `<h1>${esc(t.heading)}</h1><p>${esc(t.intro)}</p>${form}`;
}

/** A whole page in the site's frame, for what the worker renders itself (never cached). */
export function readerPage(page: PageJson, brand: BrandJson, lang: Language, heading: string, main: string, path: string): string {
  const title = `${heading} · ${format(messages(lang).page.title, { name: page.name })}`;
  return (
    `<!doctype html><html lang="${esc(lang)}"><head>${headHtml(page, brand, lang, title, heading)}<meta name="robots" content="noindex"></head>` +
    `<body>${headerHtml(page, brand, lang)}<main>${main}</main>${footerHtml(brand, lang, path)}</body></html>`
  );
}

/** A one-button form: the token pages act on POST only, since mail scanners open every link they see. */
const button = (action: string, label: string, danger = false) =>
  `<form class="act" method="post" action="${esc(action)}"><button type="submit"${danger ? ` class="danger"` : ""}>${esc(label)}</button></form>`;

/** Who receives it, as the token pages say it. */
function recipient(lang: Language, email: string, webhookUrl: string | null): string {
  const t = messages(lang).subscribe;
  const line = `<p>${format(esc(t.manage_email), { email: `<b>${esc(email)}</b>` })}</p>`;
  return webhookUrl ? `${line}<p>${format(esc(t.manage_webhook), { url: `<code>${esc(webhookUrl)}</code>` })}</p>` : line;
}

export function confirmMain(opts: { lang: Language; pageName: string; email: string; action: string }): string {
  const t = messages(opts.lang).subscribe;
  return (
    `<h1>${esc(t.confirm_heading)}</h1>` +
    `<p>${format(esc(t.confirm_text), { name: esc(opts.pageName), email: `<b>${esc(opts.email)}</b>` })}</p>` +
    button(opts.action, t.confirm_button)
  );
}

export interface ManageView {
  lang: Language;
  pageName: string;
  email: string;
  webhookUrl: string | null;
  confirmed: boolean;
  componentIds: string[] | null;
  components: ComponentJson[];
  /** Where the choice of components is posted, and the unsubscribe form. */
  manageAction: string;
  unsubscribeAction: string;
  confirmAction: string;
  /** A line at the top: "Saved.", "You are subscribed". */
  notice?: string;
}

/** The manage page: who gets what, the components to change, and the way out. */
export function manageMain(v: ManageView): string {
  const t = messages(v.lang).subscribe;
  const chosen = new Set(v.componentIds ?? []);
  return (
    `<h1>${esc(t.manage_heading)}</h1>` +
    (v.notice ? `<p class="ok" role="status">${esc(v.notice)}</p>` : "") +
    recipient(v.lang, v.email, v.webhookUrl) +
    (v.confirmed ? "" : `<p class="err">${esc(t.pending)}</p>${button(v.confirmAction, t.confirm_button)}`) +
    `<style>${FORM_CSS}</style>` +
    `<form class="sub" method="post" action="${esc(v.manageAction)}">` +
    (v.components.length ? componentChoices(v.components, chosen, v.lang) : `<p>${esc(t.all_components)}</p>`) +
    `<button type="submit">${esc(t.save)}</button></form>` +
    `<h2>${esc(t.unsubscribe_heading)}</h2>` +
    button(v.unsubscribeAction, t.unsubscribe_button, true)
  );
}

export function unsubscribeMain(opts: { lang: Language; pageName: string; email: string; action: string }): string {
  const t = messages(opts.lang).subscribe;
  return (
    `<h1>${esc(t.unsubscribe_heading)}</h1>` +
    `<p>${format(esc(t.unsubscribe_text), { name: esc(opts.pageName), email: `<b>${esc(opts.email)}</b>` })}</p>` +
    button(opts.action, t.unsubscribe_button, true)
  );
}

/** A heading and a line: sent, confirmed, unsubscribed, no such subscription. */
export function noticeMain(heading: string, text: string, lang: Language, backToForm = false): string {
  const t = messages(lang);
  return (
    `<h1>${esc(heading)}</h1><p>${esc(text)}</p>` +
    `<p>${backToForm ? `<a href="/subscribe">${esc(t.subscribe.back)}</a> · ` : ""}<a href="/">${esc(t.page.current_status)}</a></p>`
  );
}
