// Operator keys (api_keys) and the pages Cloudflare Access identities may touch (operator_pages). A key
// is stored as its SHA-256 only and shown once; `pages` null means every page.
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { orm, statement } from "./orm";
import { apiKeys, operatorPages } from "./schema";

/** The pages a key or identity may touch: page ids, or null for every page. */
export type PageScope = number[] | null;

export interface OperatorKey {
  id: string;
  name: string;
  pages: PageScope;
  revokedAt: string | null;
}

const pagesOf = (json: string | null): PageScope => {
  if (json === null) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.filter((p): p is number => Number.isInteger(p)) : [];
  } catch {
    // An unreadable list opens nothing rather than everything.
    return [];
  }
};

/** The key with this SHA-256 hex, revoked or not (the caller refuses a revoked one). */
export async function keyByHash(db: D1Database, hash: string): Promise<OperatorKey | null> {
  const row = await orm(db)
    .select({ id: apiKeys.id, name: apiKeys.name, pages: apiKeys.pages, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, hash))
    .get();
  return row ? { ...row, pages: pagesOf(row.pages) } : null;
}

/** Records a key's use (its `last_used_at`), as a statement to run after the answer. */
export const touchKey = (db: D1Database, id: string, now: string): D1PreparedStatement =>
  statement(db, orm(db).update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, id)));

export interface NewKey {
  id: string;
  name: string;
  keyHash: string;
  keyPrefix: string;
  pages: PageScope;
  createdAt: string;
  createdBy: string;
}

export const insertKey = (db: D1Database, k: NewKey): D1PreparedStatement =>
  statement(
    db,
    orm(db)
      .insert(apiKeys)
      .values({ ...k, pages: k.pages === null ? null : JSON.stringify(k.pages) }),
  );

export interface KeyRow {
  id: string;
  name: string;
  keyPrefix: string;
  pages: PageScope;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Every key, live ones first, newest first; never the hash. */
export async function listKeys(db: D1Database): Promise<KeyRow[]> {
  const rows = await orm(db)
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      keyPrefix: apiKeys.keyPrefix,
      pages: apiKeys.pages,
      createdAt: apiKeys.createdAt,
      createdBy: apiKeys.createdBy,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .orderBy(desc(isNull(apiKeys.revokedAt)), desc(apiKeys.createdAt), asc(apiKeys.id))
    .all();
  return rows.map((r) => ({ ...r, pages: pagesOf(r.pages) }));
}

export const findKey = async (db: D1Database, id: string): Promise<KeyRow | null> => (await listKeys(db)).find((k) => k.id === id) ?? null;

/** Revokes a live key (a revoked one stays as it was). */
export const revokeKey = (db: D1Database, id: string, now: string): D1PreparedStatement =>
  statement(
    db,
    orm(db)
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))),
  );

// ── Access identities ───────────────────────────────────────────────────────

/** The identity that stands for every Access identity not listed. */
export const EVERY_OTHER_IDENTITY = "*";

export interface OperatorPagesRow {
  identity: string;
  pages: number[];
  createdAt: string;
  createdBy: string;
}

export async function listOperatorPages(db: D1Database): Promise<OperatorPagesRow[]> {
  const rows = await orm(db).select().from(operatorPages).orderBy(asc(operatorPages.identity)).all();
  return rows.map((r) => ({ ...r, pages: pagesOf(r.pages) ?? [] }));
}

/** The pages an Access identity may touch: its own row, else the `*` row, else every page. */
export async function identityPages(db: D1Database, identity: string): Promise<PageScope> {
  const rows = await orm(db)
    .select({ identity: operatorPages.identity, pages: operatorPages.pages })
    .from(operatorPages)
    .where(eq(operatorPages.identity, identity.toLowerCase()))
    .union(
      orm(db)
        .select({ identity: operatorPages.identity, pages: operatorPages.pages })
        .from(operatorPages)
        .where(eq(operatorPages.identity, EVERY_OTHER_IDENTITY)),
    )
    .all();
  const own = rows.find((r) => r.identity !== EVERY_OTHER_IDENTITY) ?? rows[0];
  return own ? pagesOf(own.pages) : null;
}

export const upsertOperatorPages = (db: D1Database, row: { identity: string; pages: number[]; createdAt: string; createdBy: string }): D1PreparedStatement =>
  statement(
    db,
    orm(db)
      .insert(operatorPages)
      .values({ ...row, pages: JSON.stringify(row.pages) })
      .onConflictDoUpdate({ target: operatorPages.identity, set: { pages: JSON.stringify(row.pages) } }),
  );

export const deleteOperatorPages = (db: D1Database, identity: string): D1PreparedStatement =>
  statement(db, orm(db).delete(operatorPages).where(eq(operatorPages.identity, identity)));
