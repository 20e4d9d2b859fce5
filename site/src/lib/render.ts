// Markup shared by the Astro build and the worker (worker/routes/pages.ts renders incident pages the
// build did not know about), so a page looks the same whichever of the two produced it. Plain strings,
// no DOM and no Node: it runs in Astro's build and in workerd. Every value is escaped with `esc`.
import { type IncidentJson, isMaintenance, type PageJson } from "../../../db/queries";
import { COMPONENT_STATUS_LABELS } from "../../../worker/domain/status";
import { CSS } from "./style";

export { CSS };

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const esc = (v: unknown): string => String(v ?? "").replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);

export const componentStatusLabel = (s: string) => COMPONENT_STATUS_LABELS[s as keyof typeof COMPONENT_STATUS_LABELS] ?? s;

const UPDATE_LABELS: Record<string, string> = {
  investigating: "Investigating",
  identified: "Identified",
  monitoring: "Monitoring",
  resolved: "Resolved",
  postmortem: "Postmortem",
  scheduled: "Scheduled",
  in_progress: "In progress",
  verifying: "Verifying",
  completed: "Completed",
};
export const updateStatusLabel = (s: string) => UPDATE_LABELS[s] ?? s;

const IMPACT_LABELS: Record<string, string> = {
  none: "No impact",
  minor: "Minor impact",
  major: "Major impact",
  critical: "Critical impact",
  maintenance: "Maintenance",
};
export const impactLabel = (s: string) => IMPACT_LABELS[s] ?? s;

const UTC_FORMAT = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
});
const UTC_DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** Server-side text of a time: UTC, said so; the page's script rewrites it in the reader's zone. */
export const utcText = (iso: string) => `${UTC_FORMAT.format(new Date(iso))} UTC`;
export const utcDate = (isoOrDay: string) => UTC_DATE.format(new Date(isoOrDay.length === 10 ? `${isoOrDay}T00:00:00Z` : isoOrDay));
export const timeHtml = (iso: string | null | undefined) => (iso ? `<time datetime="${esc(iso)}">${esc(utcText(iso))}</time>` : "");

export { isMaintenance };

/** Which of the timeline's entries: an incident's or a maintenance's. */
function meta(i: IncidentJson): string {
  // A right-to-left override in one name stays inside it: <bdi> where names share a line (a heading or
  // a paragraph of their own is already a bidi paragraph of its own).
  const names = i.components.map((c) => `<bdi>${esc(c.name)}</bdi>`).join(", ");
  const affects = names ? ` · Affects ${names}` : "";
  if (isMaintenance(i)) {
    const window = `${timeHtml(i.scheduled_for)}${i.scheduled_until ? ` – ${timeHtml(i.scheduled_until)}` : ""}`;
    return `<p class="meta"><span class="st" data-status="${esc(i.status)}">${esc(updateStatusLabel(i.status))}</span> · ${window}${affects}</p>`;
  }
  return `<p class="meta"><span class="st" data-status="${esc(i.status)}">${esc(updateStatusLabel(i.status))}</span> · ${esc(impactLabel(i.impact))}${affects}</p>`;
}

/**
 * One incident or maintenance with its whole timeline, newest update first. The page's script
 * (public/live.js) builds the same markup from summary.json: change both together.
 */
export function incidentArticle(i: IncidentJson, heading: "h1" | "h3" = "h3"): string {
  const title = heading === "h1" ? esc(i.name) : `<a href="/incidents/${esc(i.id)}" dir="auto">${esc(i.name)}</a>`;
  const updates = i.incident_updates
    .map(
      (u) =>
        `<li><b>${esc(updateStatusLabel(u.status))}</b> ${timeHtml(u.display_at || u.created_at)}<p>${esc(u.body)}</p></li>`,
    )
    .join("");
  return (
    `<article class="inc" data-id="${esc(i.id)}" data-status="${esc(i.status)}" data-impact="${esc(i.impact)}">` +
    `<${heading}>${title}</${heading}>${meta(i)}<ol class="tl">${updates}</ol></article>`
  );
}

/** An inline SVG icon as the favicon: no extra request. */
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%231a7f37'/%3E%3C/svg%3E";

export function headHtml(page: PageJson, title: string, description: string): string {
  return (
    `<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<meta name="color-scheme" content="light dark"><title>${esc(title)}</title>` +
    `<meta name="description" content="${esc(description)}"><link rel="icon" href="${FAVICON}">` +
    `<link rel="alternate" type="application/atom+xml" title="${esc(page.name)} status history" href="/history.atom">` +
    `<link rel="alternate" type="application/rss+xml" title="${esc(page.name)} status history" href="/history.rss">` +
    `<style>${CSS}</style>`
  );
}

export function headerHtml(page: PageJson): string {
  return `<header><a class="brand" href="/">${esc(page.name)} <span>status</span></a><nav><a href="/history">History</a> <a href="/history.atom">Feed</a></nav></header>`;
}

/** The footer holds the "updated N s ago" line the script keeps current. */
export function footerHtml(builtAt: string): string {
  return (
    `<footer><p id="updated">As of ${timeHtml(builtAt)}</p>` +
    `<p><a href="/api/v2/summary.json">API</a> · <a href="/history.rss">RSS</a> · <a href="/history.atom">Atom</a> · <a href="/badge.svg">Badge</a></p></footer>`
  );
}

/** A whole page: the worker's incident pages and the build's incident pages go through here. */
export function documentHtml(opts: { page: PageJson; title: string; description: string; main: string; builtAt: string }): string {
  return (
    `<!DOCTYPE html><html lang="en"><head>${headHtml(opts.page, opts.title, opts.description)}</head>` +
    `<body>${headerHtml(opts.page)}<main>${opts.main}</main>${footerHtml(opts.builtAt)}` +
    `<script src="/live.js" defer></script></body></html>`
  );
}

export const isClosed = (i: IncidentJson) =>
  isMaintenance(i) ? i.status === "completed" : i.status === "resolved" || i.status === "postmortem";

/** The permalink page of an incident or maintenance: title, description and main content. */
export function incidentPage(page: PageJson, incident: IncidentJson): { title: string; description: string; main: string } {
  const kind = isMaintenance(incident) ? "Scheduled maintenance" : "Incident";
  const last = incident.incident_updates[0];
  return {
    title: `${incident.name} · ${page.name} status`,
    description: `${kind}: ${incident.name} (${updateStatusLabel(incident.status)})${last ? `. ${last.body}` : ""}`.slice(0, 300),
    // An open one is refreshed in place by the script, from this same page rendered by the worker.
    main:
      `<p class="kind">${kind}</p><div id="incident"${isClosed(incident) ? "" : ` data-live="${esc(incident.id)}"`}>${incidentArticle(incident, "h1")}</div>` +
      `<p><a href="/">← Current status</a> · <a href="/history">Incident history</a></p>`,
  };
}

export const incidentPageHtml = (page: PageJson, incident: IncidentJson, builtAt: string) =>
  documentHtml({ page, builtAt, ...incidentPage(page, incident) });

export function notFoundPageHtml(page: PageJson, id: string, builtAt: string): string {
  return documentHtml({
    page,
    title: `Not found · ${page.name} status`,
    description: "No such incident",
    builtAt,
    main: `<h1>No such incident</h1><p>There is no incident or maintenance <code>${esc(id)}</code>.</p><p><a href="/">← Current status</a></p>`,
  });
}
