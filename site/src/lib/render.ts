// Labels, times and the incident markup the Astro pages and components share. Plain strings, no DOM:
// it runs in workerd, on every request. Every value is escaped with `esc`.
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

/** One incident or maintenance with its whole timeline, newest update first. */
export function incidentArticle(i: IncidentJson, heading: "h1" | "h3" = "h3"): string {
  const title = heading === "h1" ? esc(i.name) : `<a href="/incidents/${esc(i.id)}">${esc(i.name)}</a>`;
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

/**
 * The footer holds the line the script turns into "Updated N s ago". No render time in the page: the
 * same data gives the same bytes, so the ETag holds and a refresh with If-None-Match is a 304.
 */
export function footerHtml(): string {
  return (
    `<footer><p id="updated">Reload for the latest status.</p>` +
    `<p><a href="/api/v2/summary.json">API</a> · <a href="/history.rss">RSS</a> · <a href="/history.atom">Atom</a> · <a href="/badge.svg">Badge</a></p></footer>`
  );
}

/** The permalink page of an incident or maintenance: title, description and main content. */
export function incidentPage(page: PageJson, incident: IncidentJson): { title: string; description: string; main: string } {
  const kind = isMaintenance(incident) ? "Scheduled maintenance" : "Incident";
  const last = incident.incident_updates[0];
  return {
    title: `${incident.name} · ${page.name} status`,
    description: `${kind}: ${incident.name} (${updateStatusLabel(incident.status)})${last ? `. ${last.body}` : ""}`.slice(0, 300),
    main:
      `<p class="kind">${kind}</p><div id="incident">${incidentArticle(incident, "h1")}</div>` +
      `<p><a href="/">← Current status</a> · <a href="/history">Incident history</a></p>`,
  };
}
