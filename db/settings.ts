// The page's settings: one row (id 1), read by the admin, written by the operators' settings form.
import type { Row } from "./sql";

export const pageSettingsRow = (db: D1Database) => db.prepare("SELECT * FROM page_settings WHERE id = 1").first<Row>();

/** Every setting the settings form writes, in the columns' own units (0/1, JSON text). */
export interface PageSettingsWrite {
  pageId: string;
  name: string;
  url: string;
  time_zone: string;
  auto_resolve_minutes: number | null;
  delivery_retention_days: number;
  audit_retention_days: number;
  allow_framing: 0 | 1;
  language: string;
  logo_url: string | null;
  favicon_url: string | null;
  brand_color: string | null;
  header_links: string;
  support_url: string | null;
  footer_text: string | null;
  visibility: string;
  updatedAt: string;
}

/** Writes the settings, creating the row the first time. */
export const upsertPageSettings = (db: D1Database, v: PageSettingsWrite) =>
  db
    .prepare(
      `INSERT INTO page_settings (id, page_id, name, url, time_zone, auto_resolve_minutes, delivery_retention_days, audit_retention_days,
         allow_framing, language, logo_url, favicon_url, brand_color, header_links, support_url, footer_text, visibility, updated_at)
       VALUES (1, ?1, ?2, ?3, ?4, ?5, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?6)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, url = excluded.url, time_zone = excluded.time_zone,
         auto_resolve_minutes = excluded.auto_resolve_minutes, delivery_retention_days = excluded.delivery_retention_days,
         audit_retention_days = excluded.audit_retention_days, allow_framing = excluded.allow_framing,
         language = excluded.language, logo_url = excluded.logo_url, favicon_url = excluded.favicon_url,
         brand_color = excluded.brand_color, header_links = excluded.header_links, support_url = excluded.support_url,
         footer_text = excluded.footer_text, visibility = excluded.visibility, updated_at = excluded.updated_at`,
    )
    .bind(
      v.pageId, v.name, v.url, v.time_zone, v.auto_resolve_minutes, v.updatedAt,
      v.delivery_retention_days, v.audit_retention_days, v.allow_framing,
      v.language, v.logo_url, v.favicon_url, v.brand_color, v.header_links,
      v.support_url, v.footer_text, v.visibility,
    );

/** A new page password (stored hashed) and the secret that signs readers' cookies; null clears both. */
export const setPagePassword = (db: D1Database, hash: string | null, accessSecret: string | null) =>
  db.prepare("UPDATE page_settings SET page_password_hash = ?1, access_secret = ?2 WHERE id = 1").bind(hash, accessSecret);

/** The page's auto-resolve setting, in minutes; null: an operator resolves. */
export const autoResolveMinutes = async (db: D1Database) =>
  (await db.prepare("SELECT auto_resolve_minutes FROM page_settings WHERE id = 1").first<{ auto_resolve_minutes: number | null }>())?.auto_resolve_minutes ?? null;
