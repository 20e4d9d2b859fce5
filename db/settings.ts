// The pages' settings: one row per page (id 1 is the first page), read here and nowhere else, into one
// typed object. A request reads its page's once: the reader gate (worker/visibility.ts) reads it for the
// request it answers, finding the page by the request's address (domain/page-address.ts), and hands the
// same object to the Astro page it renders (pageFor / shareSettings, keyed by the Request).
import { eq, getTableColumns, sql } from "drizzle-orm";
import { type PageAddress, pageAddress } from "../domain/page-address";
import { orm } from "./orm";
import { pageSettings } from "./schema";

/** The settings row, and whether it was ever saved (a page that was not reads the defaults). */
export type PageSettings = typeof pageSettings.$inferSelect & { saved: boolean };

/** What a page whose settings were never saved reads: the columns' defaults. */
const UNSAVED: typeof pageSettings.$inferSelect = {
  id: 1,
  pageId: "page00000000",
  slug: "main",
  position: 0,
  name: "Status",
  url: "",
  timeZone: "Etc/UTC",
  autoResolveMinutes: null,
  language: "en",
  logoUrl: null,
  faviconUrl: null,
  brandColor: null,
  headerLinks: "[]",
  supportUrl: null,
  footerText: null,
  visibility: "public",
  pagePasswordHash: null,
  accessSecret: null,
  deliveryRetentionDays: 30,
  auditRetentionDays: 365,
  allowFraming: true,
  turnstileSiteKey: null,
  maintenanceRemindMinutes: 60,
  publicText: null,
  publicTemplate: null,
  publication: null,
  publishAfterSeconds: null,
  updatedAt: new Date(0).toISOString(),
};

/** The one read of the page settings (one round trip); the defaults when they were never saved. */
export async function readPageSettings(db: D1Database, page = 1): Promise<PageSettings> {
  const row = await orm(db).select().from(pageSettings).where(eq(pageSettings.id, page)).get();
  return row ? { ...row, saved: true } : { ...UNSAVED, saved: false };
}

/** A page's slug and first host name (the oldest), for the links made outside a request. */
export async function readPageLink(db: D1Database, page: number): Promise<{ id: number; slug: string; host: string | null }> {
  const row = await db
    .prepare("SELECT slug, (SELECT host FROM page_hosts WHERE page = ?1 ORDER BY created_at, host LIMIT 1) AS host FROM page_settings WHERE id = ?1")
    .bind(page)
    .first<{ slug: string; host: string | null }>();
  return { id: page, slug: row?.slug ?? UNSAVED.slug, host: row?.host ?? null };
}

/** The page a reader's request is for, and how it came there. */
export interface RequestPage {
  settings: PageSettings;
  /** `/p/<slug>` when the reader came by the path prefix: every link on the page keeps it. */
  prefix: string;
  /** The request's host is the page's own (one of its host names, or `<slug>.localhost`): links keep that host. */
  ownHost: boolean;
}

/**
 * The page an address names, in one round trip: by the prefix's slug only (an unknown one is null), else
 * by the host's page, else by the `<slug>.localhost` slug, else the first page.
 */
export async function readRequestPage(db: D1Database, address: PageAddress): Promise<RequestPage | null> {
  const hostPage = sql<number | null>`(SELECT page FROM page_hosts WHERE host = ${address.host})`;
  const where = address.prefix
    ? eq(pageSettings.slug, address.slug ?? "")
    : sql`${pageSettings.id} = coalesce(${hostPage}, (SELECT id FROM page_settings WHERE slug = ${address.slug}), 1)`;
  const found = await orm(db)
    .select({ ...getTableColumns(pageSettings), hostPage })
    .from(pageSettings)
    .where(where)
    .get();
  if (!found) {
    // The first page before its settings were ever saved: no row, and only its own address names it.
    if (address.prefix && address.slug !== UNSAVED.slug) return null;
    return { settings: { ...UNSAVED, saved: false }, prefix: address.prefix, ownHost: false };
  }
  const { hostPage: hostsPage, ...row } = found;
  const ownHost = hostsPage === row.id || (!address.prefix && !!address.slug && row.slug === address.slug);
  return { settings: { ...row, saved: true }, prefix: address.prefix, ownHost };
}

// Per request, never per isolate: the entry goes with its Request.
const perRequest = new WeakMap<Request, Promise<RequestPage | null>>();

/**
 * The page of this request: read (by `read`) the first time it asks, the same object after; null for an
 * unknown `/p/<slug>/`.
 */
export function pageFor(
  db: D1Database,
  request: Request,
  read: (db: D1Database, address: PageAddress) => Promise<RequestPage | null> = readRequestPage,
): Promise<RequestPage | null> {
  let page = perRequest.get(request);
  if (!page) {
    page = read(db, pageAddress(new URL(request.url)));
    perRequest.set(request, page);
  }
  return page;
}

/** The page settings of this request (worker/index.ts answers an unknown `/p/<slug>/` before anyone asks). */
export async function settingsFor(db: D1Database, request: Request): Promise<PageSettings> {
  const page = await pageFor(db, request);
  if (!page) throw new Error("no such page");
  return page.settings;
}

const prefixes = new WeakMap<Request, string>();

/** Hands the page already read to another request made for the same answer (the page the worker renders). */
export function shareSettings(request: Request, page: RequestPage): void {
  perRequest.set(request, Promise.resolve(page));
  prefixes.set(request, page.prefix);
}

/** The path prefix of the page a request renders (`/p/<slug>`, or ""): the site's links keep it. */
export const sharedPrefix = (request: Request): string => prefixes.get(request) ?? "";

/** The settings an operator sets (all but the page password), as the admin API shows them. */
export interface PageSettingsValues {
  name: string;
  url: string;
  time_zone: string;
  auto_resolve_minutes: number | null;
  /** Retention the cron enforces (security/retention.ts). */
  delivery_retention_days: number;
  audit_retention_days: number;
  /** Whether other sites may frame the public page (security/headers.ts). */
  allow_framing: boolean;
  /** Who may read the page (worker/visibility.ts). */
  visibility: "public" | "private";
  /** Turnstile on the subscribe form when set (worker/security/turnstile.ts). */
  turnstile_site_key: string | null;
  language: string;
  logo_url: string | null;
  favicon_url: string | null;
  brand_color: string | null;
  header_links: { label: string; url: string }[];
  support_url: string | null;
  footer_text: string | null;
}

/** Writes the settings, creating the row (with its page id) the first time. */
export const upsertPageSettings = (db: D1Database, pageId: string, v: PageSettingsValues, now: string, page = 1) =>
  db
    .prepare(
      `INSERT INTO page_settings (id, page_id, name, url, time_zone, auto_resolve_minutes, delivery_retention_days, audit_retention_days,
         allow_framing, language, logo_url, favicon_url, brand_color, header_links, support_url, footer_text, visibility, turnstile_site_key, updated_at)
       VALUES (?19, ?1, ?2, ?3, ?4, ?5, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?6)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, url = excluded.url, time_zone = excluded.time_zone,
         auto_resolve_minutes = excluded.auto_resolve_minutes, delivery_retention_days = excluded.delivery_retention_days,
         audit_retention_days = excluded.audit_retention_days, allow_framing = excluded.allow_framing,
         language = excluded.language, logo_url = excluded.logo_url, favicon_url = excluded.favicon_url,
         brand_color = excluded.brand_color, header_links = excluded.header_links, support_url = excluded.support_url,
         footer_text = excluded.footer_text, visibility = excluded.visibility, turnstile_site_key = excluded.turnstile_site_key,
         updated_at = excluded.updated_at`,
    )
    .bind(
      pageId,
      v.name,
      v.url,
      v.time_zone,
      v.auto_resolve_minutes,
      now,
      v.delivery_retention_days,
      v.audit_retention_days,
      v.allow_framing ? 1 : 0,
      v.language,
      v.logo_url,
      v.favicon_url,
      v.brand_color,
      JSON.stringify(v.header_links),
      v.support_url,
      v.footer_text,
      v.visibility,
      v.turnstile_site_key,
      page,
    );

/** A new page password (stored hashed) and the secret that signs readers' cookies; null clears both. */
export const setPagePassword = (db: D1Database, hash: string | null, accessSecret: string | null, page = 1) =>
  db.prepare("UPDATE page_settings SET page_password_hash = ?1, access_secret = ?2 WHERE id = ?3").bind(hash, accessSecret, page);

/** A page's default reminder before a maintenance starts, in minutes (0: none). */
export const setMaintenanceRemindMinutes = (db: D1Database, minutes: number, page = 1) =>
  db.prepare("UPDATE page_settings SET maintenance_remind_minutes = ?1 WHERE id = ?2").bind(minutes, page);

/** A page's own wording and publication policy for the incidents alerts open on it; null fields: each integration's. */
export interface PagePolicyValues {
  public_text: "summary" | "full" | "template" | null;
  public_template: string | null;
  publication: "publish" | "review" | "status_only" | "private" | null;
  publish_after_seconds: number | null;
}

/** Writes the page's policy (its row exists: upsertPageSettings runs first in the same batch). */
export const setPagePolicy = (db: D1Database, page: number, v: PagePolicyValues) =>
  db
    .prepare("UPDATE page_settings SET public_text = ?2, public_template = ?3, publication = ?4, publish_after_seconds = ?5 WHERE id = ?1")
    .bind(page, v.public_text, v.public_template, v.publication, v.publish_after_seconds);
