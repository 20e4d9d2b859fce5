// The page's settings: one row (id 1), read here and nowhere else, into one typed object. A request
// reads it once: the reader gate (worker/visibility.ts) reads it for the request it answers and hands
// the same object to the Astro page it renders (settingsFor / shareSettings, keyed by the Request).
import { eq } from "drizzle-orm";
import { orm } from "./orm";
import { pageSettings } from "./schema";

/** The settings row, and whether it was ever saved (a page that was not reads the defaults). */
export type PageSettings = typeof pageSettings.$inferSelect & { saved: boolean };

/** What a page whose settings were never saved reads: the columns' defaults. */
const UNSAVED: typeof pageSettings.$inferSelect = {
  id: 1,
  pageId: "page00000000",
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
  updatedAt: new Date(0).toISOString(),
};

/** The one read of the page settings (one round trip); the defaults when they were never saved. */
export async function readPageSettings(db: D1Database): Promise<PageSettings> {
  const row = await orm(db).select().from(pageSettings).where(eq(pageSettings.id, 1)).get();
  return row ? { ...row, saved: true } : { ...UNSAVED, saved: false };
}

// Per request, never per isolate: the entry goes with its Request.
const perRequest = new WeakMap<Request, Promise<PageSettings>>();

/** The page settings for this request: read the first time it asks, the same object after. */
export function settingsFor(db: D1Database, request: Request): Promise<PageSettings> {
  let settings = perRequest.get(request);
  if (!settings) {
    settings = readPageSettings(db);
    perRequest.set(request, settings);
  }
  return settings;
}

/** Hands settings already read to another request made for the same answer (the page the worker renders). */
export function shareSettings(request: Request, settings: PageSettings): void {
  perRequest.set(request, Promise.resolve(settings));
}

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
export const upsertPageSettings = (db: D1Database, pageId: string, v: PageSettingsValues, now: string) =>
  db
    .prepare(
      `INSERT INTO page_settings (id, page_id, name, url, time_zone, auto_resolve_minutes, delivery_retention_days, audit_retention_days,
         allow_framing, language, logo_url, favicon_url, brand_color, header_links, support_url, footer_text, visibility, turnstile_site_key, updated_at)
       VALUES (1, ?1, ?2, ?3, ?4, ?5, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?6)
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
    );

/** A new page password (stored hashed) and the secret that signs readers' cookies; null clears both. */
export const setPagePassword = (db: D1Database, hash: string | null, accessSecret: string | null) =>
  db.prepare("UPDATE page_settings SET page_password_hash = ?1, access_secret = ?2 WHERE id = 1").bind(hash, accessSecret);

/** The page's default reminder before a maintenance starts, in minutes (0: none). */
export const setMaintenanceRemindMinutes = (db: D1Database, minutes: number) =>
  db.prepare("UPDATE page_settings SET maintenance_remind_minutes = ?1 WHERE id = 1").bind(minutes);

/** The page's auto-resolve setting, in minutes; null: an operator resolves. */
export const autoResolveMinutes = async (db: D1Database) => (await readPageSettings(db)).autoResolveMinutes;
