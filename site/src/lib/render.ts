// Labels, times and the incident markup the Astro pages and components share, in the reader's
// language (i18n/). Plain strings, no DOM: it runs in workerd, on every request. Every value
// is escaped with `esc`.
import { type BrandJson, type IncidentJson, isMaintenance, type PageJson } from "../../../db/queries";
import { darkModeTint } from "../../../domain/contrast";
import { esc } from "../../../domain/html";
import { format, LANGUAGES, type Language, MESSAGES, messages } from "../../../i18n";
import { impactLabel, updateStatusLabel, utcText } from "../../../i18n/labels";
import { CSS } from "./style";

export { CSS };

export const timeHtml = (iso: string | null | undefined, lang: Language = "en") =>
  iso ? `<time datetime="${esc(iso)}">${esc(utcText(iso, lang))}</time>` : "";

export { isMaintenance };

/** Which of the timeline's entries: an incident's or a maintenance's. */
function meta(i: IncidentJson, lang: Language): string {
  // A right-to-left override in one name stays inside it: <bdi> where names share a line (a heading or
  // a paragraph of their own is already a bidi paragraph of its own).
  const names = i.components.map((c) => `<bdi>${esc(c.name)}</bdi>`).join(", ");
  const affects = names ? ` · ${format(esc(messages(lang).page.affects), { names })}` : "";
  const st = `<span class="st" data-status="${esc(i.status)}">${esc(updateStatusLabel(i.status, lang))}</span>`;
  if (isMaintenance(i)) {
    const window = `${timeHtml(i.scheduled_for, lang)}${i.scheduled_until ? ` – ${timeHtml(i.scheduled_until, lang)}` : ""}`;
    return `<p class="meta">${st} · ${window}${affects}</p>`;
  }
  return `<p class="meta">${st} · ${esc(impactLabel(i.impact, lang))}${affects}</p>`;
}

/** One incident or maintenance with its whole timeline, newest update first. */
export function incidentArticle(i: IncidentJson, lang: Language = "en", heading: "h1" | "h3" = "h3"): string {
  const title = heading === "h1" ? esc(i.name) : `<a href="/incidents/${esc(i.id)}">${esc(i.name)}</a>`;
  const updates = i.incident_updates
    .map((u) => `<li><b>${esc(updateStatusLabel(u.status, lang))}</b> ${timeHtml(u.display_at || u.created_at, lang)}<p>${esc(u.body)}</p></li>`)
    .join("");
  return (
    `<article class="inc" data-id="${esc(i.id)}" data-status="${esc(i.status)}" data-impact="${esc(i.impact)}">` +
    `<${heading}>${title}</${heading}>${meta(i, lang)}<ol class="tl">${updates}</ol></article>`
  );
}

/** An inline SVG icon as the favicon when the page sets none: no extra request. */
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%231a7f37'/%3E%3C/svg%3E";

/**
 * The brand colour: link text on the light page, the header band behind white text, and a tint of it
 * for links on the dark page (domain/contrast.ts checked all three when it was set).
 */
function brandCss(colour: string | null): string {
  if (!colour || !/^#[0-9a-f]{6}$/i.test(colour)) return "";
  return (
    `:root{--link:${colour};--brand:${colour}}@media(prefers-color-scheme:dark){:root{--link:${darkModeTint(colour)}}}` +
    `header.band{background:var(--brand);color:#fff;margin:0 -1rem;padding:1rem;border-radius:0 0 .5rem .5rem}` +
    `header.band a,header.band .brand span{color:#fff}`
  );
}

export function headHtml(page: PageJson, brand: BrandJson, lang: Language, title: string, description: string): string {
  const feed = esc(format(messages(lang).page.feed_title, { name: page.name }));
  return (
    `<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="color-scheme" content="light dark"><title>${esc(title)}</title>` +
    `<meta name="description" content="${esc(description)}"><link rel="icon" href="${esc(brand.favicon_url || FAVICON)}">` +
    `<link rel="alternate" type="application/atom+xml" title="${feed}" href="/history.atom">` +
    `<link rel="alternate" type="application/rss+xml" title="${feed}" href="/history.rss">` +
    `<style>${CSS}${brandCss(brand.brand_color)}</style>`
  );
}

export function headerHtml(page: PageJson, brand: BrandJson, lang: Language): string {
  const t = messages(lang).page;
  const logo = brand.logo_url ? `<img class="logo" src="${esc(brand.logo_url)}" alt="" height="32">` : "";
  const links = brand.header_links.map((l) => `<a href="${esc(l.url)}" rel="noopener">${esc(l.label)}</a>`).join(" ");
  const support = brand.support_url ? ` <a href="${esc(brand.support_url)}" rel="noopener">${esc(t.nav_support)}</a>` : "";
  return (
    `<header${brand.brand_color ? ` class="band"` : ""}><a class="brand" href="/">${logo}${esc(page.name)} <span>${esc(t.brand_suffix)}</span></a>` +
    `<nav>${links ? `${links} ` : ""}<a href="/history">${esc(t.nav_history)}</a> <a href="/history.atom">${esc(t.nav_feed)}</a> <a href="/subscribe">${esc(messages(lang).subscribe.nav)}</a>${support}</nav></header>`
  );
}

/**
 * The footer holds the line the script turns into "Updated N s ago" (its wording in `data-updated`),
 * the owner's footer text and the language choice. No render time in the page: the same data gives
 * the same bytes, so the ETag holds and a refresh with If-None-Match is a 304.
 */
export function footerHtml(brand: BrandJson, lang: Language, path: string): string {
  const t = messages(lang).page;
  const choices = LANGUAGES.map((l) =>
    l === lang ? `<b>${esc(MESSAGES[l].language)}</b>` : `<a href="${esc(path)}?lang=${l}" hreflang="${l}" lang="${l}">${esc(MESSAGES[l].language)}</a>`,
  ).join(" · ");
  return (
    `<footer><p id="updated" data-updated="${esc(t.updated)}">${esc(t.reload)}</p>` +
    (brand.footer_text ? `<p class="owner">${esc(brand.footer_text)}</p>` : "") +
    `<p><a href="/api/v2/summary.json">${esc(t.api)}</a> · <a href="/history.rss">RSS</a> · <a href="/history.atom">Atom</a> · <a href="/badge.svg">${esc(t.badge)}</a></p>` +
    `<p class="langs" aria-label="${esc(t.languages)}">${choices}</p></footer>`
  );
}

/** The permalink page of an incident or maintenance: title, description and main content. */
export function incidentPage(page: PageJson, incident: IncidentJson, lang: Language = "en"): { title: string; description: string; main: string } {
  const t = messages(lang).page;
  const kind = isMaintenance(incident) ? t.maintenance : t.incident;
  const last = incident.incident_updates[0];
  return {
    title: `${incident.name} · ${format(t.title, { name: page.name })}`,
    description: `${kind}: ${incident.name} (${updateStatusLabel(incident.status, lang)})${last ? `. ${last.body}` : ""}`.slice(0, 300),
    main:
      `<p class="kind">${esc(kind)}</p><div id="incident">${incidentArticle(incident, lang, "h1")}</div>` +
      `<p><a href="/">${esc(t.current_status)}</a> · <a href="/history">${esc(t.history)}</a></p>`,
  };
}

/** The permalink's 404: the id asked for, as text. */
export function noSuchIncident(id: string, lang: Language): string {
  const t = messages(lang).page;
  return (
    `<h1>${esc(t.no_such_incident)}</h1><p>${format(esc(t.no_such_incident_text), { id: `<code>${esc(id)}</code>` })}</p>` +
    `<p><a href="/">${esc(t.current_status)}</a></p>`
  );
}
