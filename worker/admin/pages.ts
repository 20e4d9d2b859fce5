// Pages (create, rename, host names, delete), operator keys limited to pages, and the pages Cloudflare
// Access identities may touch. A page's components, incidents and settings are edited through the
// other actions, on that page (AdminCtx.page).
import { audit } from "../../db/audit";
import {
  deleteOperatorPages,
  EVERY_OTHER_IDENTITY,
  findKey,
  insertKey,
  type KeyRow,
  listKeys,
  listOperatorPages,
  type OperatorPagesRow,
  type PageScope,
  revokeKey,
  upsertOperatorPages,
} from "../../db/keys";
import {
  deletePage as deletePageRows,
  ensureFirstPage,
  existingPages,
  hostOwners,
  insertPage,
  listPages,
  MAX_PAGES,
  type PageRow,
  pageByRef,
  pageComponentCount,
  renamePage,
  setPageHosts,
} from "../../db/pages";
import { newId, newOperatorKey, nowIso, sha256Hex } from "../../domain/ids";
import { HttpError } from "../errors";
import { type AdminCtx, commit } from "./catalog";
import type { KeyCreate, OperatorPagesPut, PageCreate, PagePatch } from "./schemas";

export interface PageJson {
  id: number;
  page_id: string;
  slug: string;
  name: string;
  position: number;
  hosts: string[];
}

const pageJson = (p: PageRow): PageJson => ({ id: p.id, page_id: p.pageId, slug: p.slug, name: p.name, position: p.position, hosts: p.hosts });

/** Whether an operator with these pages may touch `page`. */
export const mayTouch = (pages: PageScope, page: number) => pages === null || pages.includes(page);

/** The pages an operator may see, in switcher order. */
export async function visiblePages(db: D1Database, pages: PageScope): Promise<PageJson[]> {
  return (await listPages(db)).filter((p) => mayTouch(pages, p.id)).map(pageJson);
}

/** The page a path names (slug or id), or a 404 naming it. */
export async function resolvePage(db: D1Database, ref: string): Promise<PageJson> {
  const page = await pageByRef(db, ref);
  if (!page) throw new HttpError(404, `no page ${ref}`, "page");
  return pageJson(page);
}

async function assertSlugFree(db: D1Database, slug: string, exceptId: number | null) {
  const owner = (await listPages(db)).find((p) => p.slug === slug);
  if (owner && owner.id !== exceptId) throw new HttpError(409, `\`slug\` "${slug}" is already the slug of page ${owner.id} (${owner.name})`, "slug");
}

/** Host names must be free, or already this page's: a host is on one page. */
async function assertHostsFree(db: D1Database, hosts: string[], page: number | null) {
  const owners = await hostOwners(db, hosts);
  for (const host of hosts) {
    const owner = owners.get(host);
    if (owner !== undefined && owner !== page) throw new HttpError(409, `\`hosts\`: ${host} is already a host name of page ${owner}`, "hosts");
  }
}

export async function createPage(ctx: AdminCtx, body: PageCreate): Promise<PageJson> {
  const db = ctx.env.DB;
  await assertSlugFree(db, body.slug, null);
  const hosts = body.hosts ?? [];
  await assertHostsFree(db, hosts, null);
  const now = nowIso();
  const pageId = newId();
  await db.batch([ensureFirstPage(db, now)]);
  const inserted = await insertPage(db, { pageId, slug: body.slug, name: body.name, now }).first<{ id: number }>();
  if (!inserted) throw new HttpError(409, `an install has at most ${MAX_PAGES} pages: delete one first`, "page");
  await db.batch([...setPageHosts(db, inserted.id, hosts, now), audit(db, ctx.actor, "page.create", "page", String(inserted.id), null, { ...body, hosts })]);
  return resolvePage(db, String(inserted.id));
}

export async function updatePage(ctx: AdminCtx, ref: string, patch: PagePatch): Promise<PageJson> {
  const db = ctx.env.DB;
  const current = await resolvePage(db, ref);
  if (patch.slug !== undefined) await assertSlugFree(db, patch.slug, current.id);
  if (patch.hosts) await assertHostsFree(db, patch.hosts, current.id);
  const now = nowIso();
  const fields = { ...(patch.name !== undefined ? { name: patch.name } : {}), ...(patch.slug !== undefined ? { slug: patch.slug } : {}) };
  // Through the Ingestor: a new slug changes what `service:<page>/<slug>` tags reach.
  await commit(ctx.env, [
    ensureFirstPage(db, now),
    ...(Object.keys(fields).length ? [renamePage(db, current.id, fields, now)] : []),
    ...(patch.hosts ? setPageHosts(db, current.id, patch.hosts, now) : []),
    audit(db, ctx.actor, "page.update", "page", String(current.id), current, { ...current, ...patch }),
  ]);
  return resolvePage(db, String(current.id));
}

/** A page goes once it has no components (409 naming how many are left); the first page never goes. */
export async function deletePage(ctx: AdminCtx, ref: string): Promise<void> {
  const db = ctx.env.DB;
  const page = await resolvePage(db, ref);
  if (page.id === 1) throw new HttpError(409, "page 1 is the install's first page: it cannot be deleted", "page");
  const left = await pageComponentCount(db, page.id);
  if (left) throw new HttpError(409, `page ${page.slug} still has ${left} component${left === 1 ? "" : "s"}: delete or move them first`, "page");
  // Through the Ingestor: its alerts and incidents on the page leave its working set too.
  await commit(ctx.env, [...deletePageRows(db, page.id), audit(db, ctx.actor, "page.delete", "page", String(page.id), page, null)]);
}

// ── Operator keys ───────────────────────────────────────────────────────────

export interface KeyJson {
  id: string;
  name: string;
  key_prefix: string;
  /** Page ids; null: every page. */
  pages: number[] | null;
  created_at: string;
  created_by: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const keyJson = (k: KeyRow): KeyJson => ({
  id: k.id,
  name: k.name,
  key_prefix: k.keyPrefix,
  pages: k.pages,
  created_at: k.createdAt,
  created_by: k.createdBy,
  last_used_at: k.lastUsedAt,
  revoked_at: k.revokedAt,
});

export const listOperatorKeys = async (db: D1Database): Promise<KeyJson[]> => (await listKeys(db)).map(keyJson);

async function assertPagesExist(db: D1Database, pages: number[] | null) {
  if (!pages) return;
  const found = await existingPages(db, pages);
  const missing = pages.filter((p) => !found.includes(p));
  if (missing.length) throw new HttpError(400, `\`pages\` names unknown pages: ${missing.join(", ")}`, "pages");
}

/** A new key, shown once in the answer (`key`); only its hash is kept. */
export async function createOperatorKey(ctx: AdminCtx, body: KeyCreate): Promise<KeyJson & { key: string }> {
  const db = ctx.env.DB;
  const pages = body.pages ? [...new Set(body.pages)].sort((a, b) => a - b) : null;
  await assertPagesExist(db, pages);
  const key = newOperatorKey();
  const id = newId();
  const now = nowIso();
  await db.batch([
    insertKey(db, { id, name: body.name, keyHash: await sha256Hex(key), keyPrefix: key.slice(0, 7), pages, createdAt: now, createdBy: ctx.actor }),
    audit(db, ctx.actor, "key.create", "key", id, null, { name: body.name, pages }),
  ]);
  return { ...keyJson((await findKey(db, id))!), key };
}

export async function revokeOperatorKey(ctx: AdminCtx, id: string): Promise<KeyJson> {
  const db = ctx.env.DB;
  const key = await findKey(db, id);
  if (!key) throw new HttpError(404, `no operator key ${id}`);
  if (!key.revokedAt) await db.batch([revokeKey(db, id, nowIso()), audit(db, ctx.actor, "key.revoke", "key", id, { revoked_at: null }, { revoked: true })]);
  return keyJson((await findKey(db, id))!);
}

// ── Access identities ───────────────────────────────────────────────────────

export interface OperatorPagesJson {
  identity: string;
  pages: number[];
  created_at: string;
  created_by: string;
}

const operatorPagesJson = (r: OperatorPagesRow): OperatorPagesJson => ({
  identity: r.identity,
  pages: r.pages,
  created_at: r.createdAt,
  created_by: r.createdBy,
});

export const listIdentityPages = async (db: D1Database): Promise<OperatorPagesJson[]> => (await listOperatorPages(db)).map(operatorPagesJson);

/** Limits an Access identity (or, as `*`, every identity not listed) to some pages. */
export async function putIdentityPages(ctx: AdminCtx, body: OperatorPagesPut): Promise<OperatorPagesJson> {
  const db = ctx.env.DB;
  const pages = [...new Set(body.pages)].sort((a, b) => a - b);
  await assertPagesExist(db, pages);
  await db.batch([
    upsertOperatorPages(db, { identity: body.identity, pages, createdAt: nowIso(), createdBy: ctx.actor }),
    audit(db, ctx.actor, "operator_pages.put", "operator", body.identity, null, { pages }),
  ]);
  return (await listIdentityPages(db)).find((r) => r.identity === body.identity)!;
}

/** The identity keeps every page again (or, for `*`, unlisted identities do). */
export async function deleteIdentityPages(ctx: AdminCtx, identity: string): Promise<void> {
  const db = ctx.env.DB;
  const id = identity.toLowerCase();
  if (!(await listIdentityPages(db)).some((r) => r.identity === id)) throw new HttpError(404, `no page limits for ${id === EVERY_OTHER_IDENTITY ? "`*`" : id}`);
  await db.batch([deleteOperatorPages(db, id), audit(db, ctx.actor, "operator_pages.delete", "operator", id, null, null)]);
}
