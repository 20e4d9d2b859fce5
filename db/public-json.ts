// The read model's shapes: Atlassian Statuspage's public v2 API, so existing widgets and clients work
// unchanged, and the mappers from typed rows to them.
import { type ComponentStatus, type Impact, type Indicator, worstStatus } from "../domain/status";
import type { SqlRow } from "./columns";
import type { AffectedComponent, componentGroups, components, incidents } from "./schema";
import type { PageSettings, PageSettingsValues } from "./settings";

export interface PageJson {
  id: string;
  name: string;
  url: string;
  time_zone: string;
  updated_at: string;
}

export interface ComponentJson {
  id: string;
  name: string;
  status: ComponentStatus;
  created_at: string;
  updated_at: string;
  position: number;
  description: string | null;
  showcase: boolean;
  start_date: string | null;
  group_id: string | null;
  page_id: string;
  group: boolean;
  only_show_if_degraded: boolean;
  components?: string[];
}

export interface IncidentUpdateJson {
  id: string;
  status: string;
  body: string;
  incident_id: string;
  created_at: string;
  updated_at: string;
  display_at: string;
  affected_components: AffectedComponent[] | null;
  deliver_notifications: boolean;
  custom_tweet: null;
  tweet_id: null;
}

export interface IncidentJson {
  id: string;
  name: string;
  status: string;
  created_at: string;
  updated_at: string;
  monitoring_at: string | null;
  resolved_at: string | null;
  impact: Impact;
  shortlink: string;
  started_at: string;
  page_id: string;
  incident_updates: IncidentUpdateJson[];
  components: ComponentJson[];
  /** The published postmortem (Markdown) and Statuspage's fields beside it; null and false while there is none. */
  postmortem_body: string | null;
  postmortem_body_last_updated_at: string | null;
  postmortem_ignored: boolean;
  postmortem_notified_subscribers: boolean;
  postmortem_notified_twitter: boolean;
  postmortem_published_at: string | null;
  scheduled_for?: string | null;
  scheduled_until?: string | null;
}

export interface SummaryJson {
  page: PageJson;
  components: ComponentJson[];
  incidents: IncidentJson[];
  scheduled_maintenances: IncidentJson[];
  status: { indicator: Indicator; description: string };
}

/** The page's own look and words (not part of Statuspage's shapes): what its settings set. */
export type BrandJson = Pick<PageSettingsValues, "language" | "logo_url" | "favicon_url" | "brand_color" | "header_links" | "support_url" | "footer_text">;

/** The page, its name and links from the settings, updated at its latest change (`lastChange`: of components and published incidents). */
export function pageJson(settings: PageSettings, baseUrl: string, lastChange: string): PageJson {
  return {
    id: settings.pageId,
    name: settings.name,
    url: settings.url || baseUrl,
    time_zone: settings.timeZone,
    updated_at: settings.saved ? [settings.updatedAt, lastChange].sort().at(-1)! : new Date(0).toISOString(),
  };
}

export function brandOf(settings: PageSettings): BrandJson {
  let links: unknown = [];
  try {
    links = JSON.parse(settings.headerLinks);
  } catch {
    links = [];
  }
  return {
    language: settings.language,
    logo_url: settings.logoUrl,
    favicon_url: settings.faviconUrl,
    brand_color: settings.brandColor,
    header_links: Array.isArray(links) ? (links as BrandJson["header_links"]) : [],
    support_url: settings.supportUrl,
    footer_text: settings.footerText,
  };
}

/** Statuspage shows a component's start_date as a date (`2026-01-31`); admin rows may hold a full timestamp. */
const dateOnly = (v: string | null) => (v == null || v === "" ? null : v.slice(0, 10));

/** A component row (or an incident's component, as JSON) in the public API's shape. */
export function componentJson(r: SqlRow<typeof components>, pageId: string): ComponentJson {
  return {
    id: r.id,
    name: r.name,
    status: r.status,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    position: r.position,
    description: r.description,
    showcase: !!r.showcase,
    start_date: dateOnly(r.startDate),
    group_id: r.groupId,
    page_id: pageId,
    group: false,
    only_show_if_degraded: !!r.onlyShowIfDegraded,
  };
}

/** A group, followed in the list by its members: worst of their statuses, updated with the latest of them. */
export function groupJson(g: SqlRow<typeof componentGroups>, members: ComponentJson[], pageId: string): ComponentJson {
  return {
    id: g.id,
    name: g.name,
    status: worstStatus(members.map((m) => m.status)),
    created_at: g.createdAt,
    updated_at: [g.updatedAt, ...members.map((m) => m.updated_at)].sort().at(-1)!,
    position: g.position,
    description: g.description,
    showcase: false,
    start_date: null,
    group_id: null,
    page_id: pageId,
    group: true,
    only_show_if_degraded: false,
    components: members.map((m) => m.id),
  };
}

/** An incident row with its updates and components as the read model aggregates them (JSON text). */
export type IncidentRow = SqlRow<typeof incidents> & { updates: string; comps: string };

interface UpdateRow {
  id: string;
  status: string;
  body: string;
  createdAt: string;
  displayAt: string;
  affectedComponents: AffectedComponent[] | null;
  /** 0: written with deliver_notifications false, told to nobody. */
  notify?: number;
}

export function incidentJson(r: IncidentRow, pageId: string, baseUrl: string): IncidentJson {
  const updates = JSON.parse(r.updates) as UpdateRow[];
  const comps = JSON.parse(r.comps) as SqlRow<typeof components>[];
  const json: IncidentJson = {
    id: r.id,
    name: r.name,
    status: r.status,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    monitoring_at: r.monitoringAt,
    resolved_at: r.resolvedAt,
    impact: r.impact as Impact,
    shortlink: r.shortlink ?? `${baseUrl}/incidents/${r.id}`,
    started_at: r.startedAt,
    page_id: pageId,
    incident_updates: updates.map((u) => ({
      id: u.id,
      status: u.status,
      body: u.body,
      incident_id: r.id,
      created_at: u.createdAt,
      updated_at: u.createdAt,
      display_at: u.displayAt,
      affected_components: u.affectedComponents ?? null,
      deliver_notifications: u.notify !== 0,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: comps.map((c) => componentJson(c, pageId)),
    ...postmortemJson(r),
  };
  if (r.kind === "maintenance") {
    json.scheduled_for = r.scheduledFor;
    json.scheduled_until = r.scheduledUntil;
  }
  return json;
}

/** A draft postmortem is for operators: the public fields show only a published one. */
function postmortemJson(r: IncidentRow) {
  const published = r.postmortemPublishedAt != null && r.postmortemBody != null;
  return {
    postmortem_body: published ? r.postmortemBody : null,
    postmortem_body_last_updated_at: published ? r.postmortemBodyUpdatedAt : null,
    postmortem_ignored: false,
    postmortem_notified_subscribers: published && r.postmortemNotifiedAt != null,
    postmortem_notified_twitter: false,
    postmortem_published_at: published ? r.postmortemPublishedAt : null,
  };
}

/** Maintenances carry scheduled_for/scheduled_until; incidents do not. */
export const isMaintenance = (i: IncidentJson) => i.scheduled_for !== undefined;
