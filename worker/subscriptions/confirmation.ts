// The double opt-in's email: one link to the confirmation page, in the reader's language. Nothing else
// is ever sent to a subscriber before they confirm. The link opens a page with a button (a GET confirms
// nothing: mail scanners open every link they see).

import { esc } from "../../domain/html";
import { format, type Language, messages } from "../../i18n";
import type { OutgoingEmail } from "../notify/email";
import { confirmUrl } from "../notify/links";

export function confirmationEmail(opts: { to: string; pageName: string; lang: Language; base: string; token: string }): OutgoingEmail {
  const t = messages(opts.lang).subscribe;
  const url = confirmUrl(opts.base, opts.token);
  const intro = format(t.email_intro, { name: opts.pageName });
  return {
    to: opts.to,
    subject: format(t.email_subject, { name: opts.pageName }),
    text: `${intro}\n\n${t.email_action}: ${url}\n\n${t.email_ignore}\n`,
    html:
      `<!doctype html><html lang="${esc(opts.lang)}"><body style="font:16px/1.5 system-ui,sans-serif">` +
      `<p>${esc(intro)}</p><p><a href="${esc(url)}">${esc(t.email_action)}</a></p>` +
      `<p style="color:#59636e">${esc(t.email_ignore)}</p></body></html>`,
  };
}

/** To the owner of a subscriber webhook that failed every delivery for a day and was turned off. */
export function webhookDisabledEmail(opts: { to: string; pageName: string; lang: Language; url: string; base: string }): OutgoingEmail {
  const t = messages(opts.lang).subscribe;
  const link = `${opts.base}/subscribe`;
  // The URL may hold a secret path: its origin names it well enough for its owner.
  let where = opts.url;
  try {
    where = `${new URL(opts.url).origin}/…`;
  } catch {}
  const text = format(t.webhook_disabled_text, { url: where, name: opts.pageName, link });
  return {
    to: opts.to,
    subject: format(t.webhook_disabled_subject, { name: opts.pageName }),
    text: `${text}\n`,
    html: `<!doctype html><html lang="${esc(opts.lang)}"><body style="font:16px/1.5 system-ui,sans-serif"><p>${esc(text)}</p></body></html>`,
  };
}
