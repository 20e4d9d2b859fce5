// /history.rss and /history.atom (one item per incident or maintenance, with all its updates) and
// shields-style SVG badges: /badge.svg for the page, /badge/<component slug or id>.svg per component.
// Titles and bodies are escaped before they reach the XML: a name with markup shows as text. They are
// cleaned of XML-forbidden characters again here (stored text is cleaned at ingestion; rows from
// before that are not), so one NUL can never make a feed or a badge unparsable. Their own words
// (titles, statuses, badge labels) are in the reader's language (i18n/), cached per language.
import { Feed } from "feed";
import { type Context, Hono } from "hono";
import { componentIdOnPage, getComponentList, getHistory, getStatus, type IncidentJson, type PageJson, type ReadContext } from "../../db/queries";
import { esc } from "../../domain/html";
import { renderMarkdown } from "../../domain/markdown";
import type { Indicator } from "../../domain/status";
import { format, type Language, messages } from "../../i18n";
import { componentStatusLabel, indicatorLabel, updateStatusLabel, utcText } from "../../i18n/labels";
import { cachedPublic } from "../cache";
import type { AppEnv } from "../env";
import { requestSettings } from "../reader-settings";
import { cleanText, isolateBidi } from "../security/text";

export const feeds = new Hono<AppEnv>();

const FEED_ITEMS = 50;

/** An item's HTML: its published postmortem, then its updates newest first, as Statuspage's feeds show them. */
function itemHtml(i: IncidentJson, lang: Language): string {
  const postmortem = i.postmortem_body
    ? `<h3>${esc(updateStatusLabel("postmortem", lang))}</h3><p><small>${esc(utcText(i.postmortem_published_at ?? i.updated_at, lang))}</small></p>${renderMarkdown(cleanText(i.postmortem_body))}`
    : "";
  return `${postmortem}${i.incident_updates
    .map(
      (u) =>
        `<p><small>${esc(utcText(u.display_at || u.created_at, lang))}</small><br><strong>${esc(updateStatusLabel(u.status, lang))}</strong> - ${esc(isolateBidi(cleanText(u.body))).replace(/\n/g, "<br>")}</p>`,
    )
    .join("")}`;
}

function buildFeed(page: PageJson, base: string, incidents: IncidentJson[], lang: Language): Feed {
  const updated = incidents.reduce((max, i) => (i.updated_at > max ? i.updated_at : max), page.updated_at);
  const t = messages(lang).feed;
  const feed = new Feed({
    title: format(t.title, { name: page.name }),
    description: format(t.description, { name: page.name }),
    id: `${base}/`,
    link: `${base}/`,
    language: lang,
    updated: new Date(updated),
    copyright: "",
    author: { name: page.name, link: `${base}/` },
    feedLinks: { rss: `${base}/history.rss`, atom: `${base}/history.atom` },
  });
  for (const i of incidents) {
    const link = `${base}/incidents/${i.id}`;
    const html = itemHtml(i, lang);
    feed.addItem({
      // The feed library wraps titles in CDATA and marks Atom ones as HTML: escaped, they read as text.
      title: esc(isolateBidi(cleanText(i.name))),
      id: link,
      link,
      date: new Date(i.updated_at),
      published: new Date(i.scheduled_for ?? i.started_at),
      description: html,
      content: html,
    });
  }
  return feed;
}

async function feedFor(c: Context<AppEnv>, base: string, lang: Language): Promise<Feed> {
  const { page, incidents } = await getHistory(c.env.DB, await readContext(c, base), FEED_ITEMS, { upcoming: true });
  return buildFeed(page, base, incidents, lang);
}

/** What the read model reads against: this request's page settings, and the base URL the response is rendered against. */
const readContext = async (c: Context<AppEnv>, baseUrl: string): Promise<ReadContext> => ({ settings: await requestSettings(c), baseUrl });

const LOCALISED = { localised: true };

feeds.get("/history.rss", (c) =>
  cachedPublic(c, async (base, lang) => ({ body: (await feedFor(c, base, lang)).rss2(), contentType: "application/rss+xml; charset=utf-8" }), LOCALISED),
);

feeds.get("/history.atom", (c) =>
  cachedPublic(c, async (base, lang) => ({ body: (await feedFor(c, base, lang)).atom1(), contentType: "application/atom+xml; charset=utf-8" }), LOCALISED),
);

// ── Badges ──────────────────────────────────────────────────────────────────

/** Shields' palette. */
const COLOURS = { green: "#4c1", yellow: "#dfb317", orange: "#fe7d37", red: "#e05d44", blue: "#007ec6", grey: "#9f9f9f" };
const INDICATOR_COLOUR: Record<Indicator, string> = {
  none: COLOURS.green,
  minor: COLOURS.yellow,
  major: COLOURS.orange,
  critical: COLOURS.red,
  maintenance: COLOURS.blue,
};
const STATUS_COLOUR: Record<string, string> = {
  operational: COLOURS.green,
  degraded_performance: COLOURS.yellow,
  partial_outage: COLOURS.orange,
  major_outage: COLOURS.red,
  under_maintenance: COLOURS.blue,
};

/** Width of text in 11 px Verdana, estimated per character class (what shields measures exactly). */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    if (" ".includes(ch)) w += 3.9;
    else if ("il.,:;'|!".includes(ch)) w += 3.3;
    else if ("fjrtI()[]-/".includes(ch)) w += 4.6;
    else if ("mwMW%@".includes(ch)) w += 10.5;
    else if (/[0-9]/.test(ch)) w += 7;
    else if (/[A-Z]/.test(ch)) w += 7.6;
    else if (/[a-z]/.test(ch)) w += 6.3;
    else if (ch >= "\u2e80")
      w += 11; // CJK and Hangul: full width
    else w += 8;
  }
  return Math.ceil(w);
}

/** A flat, shields-style badge: grey label, coloured message; `title` and aria-label for screen readers. */
export function badgeSvg(label: string, message: string, colour: string): string {
  label = cleanText(label);
  message = cleanText(message);
  const lw = textWidth(label) + 10;
  const mw = textWidth(message) + 10;
  const w = lw + mw;
  // SVG text has no <bdi>: Unicode isolates keep an override inside the name.
  const l = esc(isolateBidi(label));
  const m = esc(isolateBidi(message));
  const text = (x: number, t: string) => `<text x="${x}" y="15" fill="#010101" fill-opacity=".3">${t}</text><text x="${x}" y="14">${t}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${m}"><title>${l}: ${m}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${colour}"/><rect width="${w}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">${text(lw / 2, l)}${text(lw + mw / 2, m)}</g></svg>`
  );
}

const SVG = "image/svg+xml; charset=utf-8";

/** Badge words are lower case, as shields writes them, in the reader's language's own casing rules. */
const lower = (text: string, lang: Language) => text.toLocaleLowerCase(lang);

feeds.get("/badge.svg", (c) =>
  cachedPublic(
    c,
    async (base, lang) => {
      const { status } = await getStatus(c.env.DB, await readContext(c, base));
      const words = messages(lang).badge;
      return {
        body: badgeSvg(words.status, lower(indicatorLabel(status.indicator, lang), lang), INDICATOR_COLOUR[status.indicator]),
        contentType: SVG,
      };
    },
    LOCALISED,
  ),
);

feeds.get("/badge/:file", async (c, next) => {
  const file = c.req.param("file");
  if (!file.endsWith(".svg")) return next();
  const key = file.slice(0, -4);
  return cachedPublic(
    c,
    async (base, lang) => {
      const db = c.env.DB;
      const words = messages(lang).badge;
      const ctx = await readContext(c, base);
      const [{ components }, id] = await Promise.all([getComponentList(db, ctx), componentIdOnPage(db, ctx.settings.id, key)]);
      const component = components.find((x) => x.id === (id ?? key));
      if (!component) {
        return { body: badgeSvg(words.component, words.not_found, COLOURS.grey), contentType: SVG, status: 404 };
      }
      return {
        body: badgeSvg(component.name, lower(componentStatusLabel(component.status, lang), lang), STATUS_COLOUR[component.status] ?? COLOURS.grey),
        contentType: SVG,
      };
    },
    LOCALISED,
  );
});
