// The page's settings: one row (id 1), read by the admin, written by the operators' settings form.
import type { BrandJson } from "./queries";
import type { Row } from "./sql";

export const pageSettingsRow = (db: D1Database) => db.prepare("SELECT * FROM page_settings WHERE id = 1").first<Row>();

/** The settings an operator sets (all but the page password), as the admin API shows them. */
export interface PageSettingsValues extends BrandJson {
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

/** The page's auto-resolve setting, in minutes; null: an operator resolves. */
export const autoResolveMinutes = async (db: D1Database) =>
  (await db.prepare("SELECT auto_resolve_minutes FROM page_settings WHERE id = 1").first<{ auto_resolve_minutes: number | null }>())?.auto_resolve_minutes ??
  null;
