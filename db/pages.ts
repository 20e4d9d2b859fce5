// The pages of an install (page_settings rows) and their host names (page_hosts), for operators. Page 1
// is the first page, today's: it is never deleted. What a reader's request resolves to is read elsewhere.
import { count, eq, inArray } from "drizzle-orm";
import { orm, statement } from "./orm";
import { componentGroups, components, incidents, pageHosts, pageSettings } from "./schema";

/** Pages per install. */
export const MAX_PAGES = 100;

export interface PageRow {
  id: number;
  pageId: string;
  slug: string;
  name: string;
  position: number;
  hosts: string[];
}

/** Every page with its host names, in switcher order. Page 1 is listed even before its settings were saved. */
export async function listPages(db: D1Database): Promise<PageRow[]> {
  const [pages, hosts] = await db.batch([
    db.prepare("SELECT id, page_id AS pageId, slug, name, position FROM page_settings ORDER BY position, id"),
    db.prepare("SELECT host, page FROM page_hosts ORDER BY host"),
  ]);
  const byPage = new Map<number, string[]>();
  for (const h of (hosts?.results ?? []) as { host: string; page: number }[]) byPage.set(h.page, [...(byPage.get(h.page) ?? []), h.host]);
  const rows = ((pages?.results ?? []) as Omit<PageRow, "hosts">[]).map((p) => ({ ...p, hosts: byPage.get(p.id) ?? [] }));
  if (!rows.some((p) => p.id === 1)) rows.unshift({ id: 1, pageId: FIRST_PAGE_ID, slug: "main", name: "Status", position: 0, hosts: byPage.get(1) ?? [] });
  return rows;
}

/** The page a path names, by numeric id or slug; null when none. */
export async function pageByRef(db: D1Database, ref: string): Promise<PageRow | null> {
  const pages = await listPages(db);
  return pages.find((p) => (/^\d+$/.test(ref) ? p.id === Number(ref) : p.slug === ref.toLowerCase())) ?? null;
}

/** The Statuspage-facing id page 1 shows before its settings are saved (db/settings.ts reads the same). */
const FIRST_PAGE_ID = "page00000000";

/**
 * Page 1's row, so that later pages and host names can refer to it: written when it was never saved,
 * with the defaults its readers already see.
 */
export const ensureFirstPage = (db: D1Database, now: string): D1PreparedStatement =>
  db
    .prepare("INSERT OR IGNORE INTO page_settings (id, page_id, name, slug, position, updated_at) VALUES (1, ?1, 'Status', 'main', 0, ?2)")
    .bind(FIRST_PAGE_ID, now);

/**
 * A new page, unless the install already has MAX_PAGES: the count and the insert are one statement, so
 * two creations at once cannot pass the bound together. Its id is the next after the highest.
 */
export const insertPage = (db: D1Database, p: { pageId: string; slug: string; name: string; now: string }): D1PreparedStatement =>
  db
    .prepare(
      `INSERT INTO page_settings (id, page_id, name, slug, position, updated_at)
       SELECT coalesce(max(id), 1) + 1, ?1, ?2, ?3, coalesce(max(position), 0) + 1, ?4 FROM page_settings
       HAVING count(*) < ?5
       RETURNING id`,
    )
    .bind(p.pageId, p.name, p.slug, p.now, MAX_PAGES);

export const renamePage = (db: D1Database, id: number, fields: { name?: string; slug?: string }, now: string): D1PreparedStatement =>
  statement(
    db,
    orm(db)
      .update(pageSettings)
      .set({ ...fields, updatedAt: now })
      .where(eq(pageSettings.id, id)),
  );

/** The page each of these host names is on now (a host is on one page at most). */
export async function hostOwners(db: D1Database, hosts: string[]): Promise<Map<string, number>> {
  if (!hosts.length) return new Map();
  const rows = await orm(db).select({ host: pageHosts.host, page: pageHosts.page }).from(pageHosts).where(inArray(pageHosts.host, hosts)).all();
  return new Map(rows.map((r) => [r.host, r.page]));
}

/** Replaces a page's host names. */
export const setPageHosts = (db: D1Database, page: number, hosts: string[], now: string): D1PreparedStatement[] => [
  statement(db, orm(db).delete(pageHosts).where(eq(pageHosts.page, page))),
  ...(hosts.length
    ? [
        statement(
          db,
          orm(db)
            .insert(pageHosts)
            .values(hosts.map((host) => ({ host, page, createdAt: now }))),
        ),
      ]
    : []),
];

/** How many components a page still has: a page is deleted only once it has none. */
export async function pageComponentCount(db: D1Database, page: number): Promise<number> {
  const row = await orm(db).select({ n: count() }).from(components).where(eq(components.page, page)).get();
  return row?.n ?? 0;
}

/**
 * A page with no components left, and what is still its own: groups, incidents and maintenances (their
 * updates go with them), host names, subscribers, and channels that listen to it alone.
 */
export const deletePage = (db: D1Database, page: number): D1PreparedStatement[] => [
  statement(db, orm(db).delete(componentGroups).where(eq(componentGroups.page, page))),
  statement(db, orm(db).delete(incidents).where(eq(incidents.page, page))),
  db.prepare("DELETE FROM alerts WHERE page = ?1").bind(page),
  db.prepare("DELETE FROM subscribers WHERE page = ?1").bind(page),
  db.prepare("DELETE FROM channels WHERE page = ?1").bind(page),
  statement(db, orm(db).delete(pageSettings).where(eq(pageSettings.id, page))),
];

/** Each page's auto-resolve minutes (null: operators resolve); page 1 reads null before its settings are saved. */
export async function autoResolveByPage(db: D1Database): Promise<Map<number, number | null>> {
  const rows = await orm(db).select({ id: pageSettings.id, minutes: pageSettings.autoResolveMinutes }).from(pageSettings).all();
  return new Map(rows.map((r) => [r.id, r.minutes]));
}

/** Page ids that exist, of these. */
export async function existingPages(db: D1Database, ids: number[]): Promise<number[]> {
  const pages = await listPages(db);
  return ids.filter((id) => pages.some((p) => p.id === id));
}
