// Components, component groups and page settings: what the page is made of. These writes do not
// touch what the state machine decides (deleting a component does, and goes through the ingestor).
import { brandOf, type BrandJson } from "../../db/queries";
import { accessConfig } from "../auth";
import { purgePublicCache } from "../cache";
import type { ComponentStatus } from "../domain/status";
import type { Env } from "../env";
import { HttpError } from "../errors";
import { newId, nowIso } from "../ids";
import { ingestor } from "../ingestor";
import { hashPagePassword, newAccessSecret } from "../security/page-access";
import type { Visibility } from "../visibility";
import { type Actor, audit } from "./audit";
import type { ComponentCreate, ComponentPatch, GroupCreate, GroupPatch, SettingsPut } from "./schemas";
import type { CommandResult } from "./state";

export interface AdminCtx {
  env: Env;
  actor: Actor;
  /** Public base URL: webhook URLs and shortlinks. */
  base: string;
}

type Row = Record<string, unknown>;

/** The public base URL: PUBLIC_URL, else the request's origin (as the public API computes it). */
export function baseUrl(c: { env: Env; req: { url: string } }): string {
  return (c.env.PUBLIC_URL ?? new URL(c.req.url).origin).replace(/\/$/, "");
}

export interface ComponentJson {
  id: string;
  slug: string;
  name: string;
  group_id: string | null;
  status: ComponentStatus;
  position: number;
  description: string | null;
  /** Hidden from the public page while operational (Statuspage's only_show_if_degraded). */
  only_show_if_degraded: boolean;
  auto_status: ComponentStatus;
  override_status: ComponentStatus | null;
  in_maintenance: boolean;
}

export const componentJson = (r: Row): ComponentJson => ({
  id: String(r.id),
  slug: String(r.slug),
  name: String(r.name),
  group_id: r.group_id == null ? null : String(r.group_id),
  status: r.status as ComponentStatus,
  position: Number(r.position),
  description: r.description == null ? null : String(r.description),
  only_show_if_degraded: !!r.only_show_if_degraded,
  auto_status: r.auto_status as ComponentStatus,
  override_status: r.override_status == null ? null : (r.override_status as ComponentStatus),
  in_maintenance: !!r.in_maintenance,
});

export interface GroupJson {
  id: string;
  name: string;
  description: string | null;
  position: number;
}

const groupJson = (r: Row): GroupJson => ({
  id: String(r.id),
  name: String(r.name),
  description: r.description == null ? null : String(r.description),
  position: Number(r.position),
});

/** A CommandResult from the ingestor, or the HttpError it describes. */
export function unwrap(result: CommandResult) {
  if (!result.ok) throw new HttpError(result.status, result.error, result.field);
  return result;
}

export function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63) || "component"
  );
}

/**
 * Writes one change and its audit row in one batch, then purges the public API's edge cache. The
 * batch runs in the Ingestor's turn (it is the one writer of what it reads), which reloads its
 * working set before deciding the next delivery.
 */
export async function commit(env: Env, statements: D1PreparedStatement[]): Promise<void> {
  const written = await ingestor(env).write(async () => {
    await env.DB.batch(statements);
  });
  if (!written.ok) throw new HttpError(written.status, written.error);
  await purgePublicCache(env);
}

// ── Components ──────────────────────────────────────────────────────────────

export async function listComponents(db: D1Database): Promise<ComponentJson[]> {
  const { results } = await db.prepare("SELECT * FROM components ORDER BY position, name").all<Row>();
  return results.map(componentJson);
}

export async function getComponent(db: D1Database, id: string): Promise<ComponentJson> {
  const row = await db.prepare("SELECT * FROM components WHERE id = ?1").bind(id).first<Row>();
  if (!row) throw new HttpError(404, `no component ${id}`);
  return componentJson(row);
}

async function assertSlugFree(db: D1Database, slug: string, exceptId: string | null) {
  const taken = await db.prepare("SELECT id FROM components WHERE slug = ?1").bind(slug).first<{ id: string }>();
  if (taken && taken.id !== exceptId) throw new HttpError(409, `\`slug\` "${slug}" is already used by another component`, "slug");
}

async function assertGroup(db: D1Database, groupId: string | null | undefined) {
  if (groupId && !(await db.prepare("SELECT 1 FROM component_groups WHERE id = ?1").bind(groupId).first()))
    throw new HttpError(400, "`group_id` does not name a component group", "group_id");
}

/** The next position at the top level (groups and ungrouped components share it) or in a group. */
async function nextPosition(db: D1Database, groupId: string | null): Promise<number> {
  const row = await db
    .prepare(
      groupId
        ? "SELECT coalesce(max(position), 0) + 1 AS p FROM components WHERE group_id = ?1"
        : `SELECT max(coalesce((SELECT max(position) FROM components WHERE group_id IS NULL), 0),
             coalesce((SELECT max(position) FROM component_groups), 0)) + 1 AS p`,
    )
    .bind(...(groupId ? [groupId] : []))
    .first<{ p: number }>();
  return Number(row?.p ?? 1);
}

export async function createComponent(ctx: AdminCtx, body: ComponentCreate): Promise<ComponentJson> {
  const db = ctx.env.DB;
  const slug = body.slug ?? slugify(body.name);
  await assertSlugFree(db, slug, null);
  await assertGroup(db, body.group_id);
  const now = nowIso();
  const id = newId();
  const position = body.position ?? (await nextPosition(db, body.group_id ?? null));
  await commit(ctx.env, [
    db
      .prepare(
        `INSERT INTO components (id, slug, name, description, group_id, position, only_show_if_degraded, status, auto_status, start_date, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?8, 'operational', 'operational', ?7, ?7, ?7)`,
      )
      .bind(id, slug, body.name, body.description ?? null, body.group_id ?? null, position, now, body.only_show_if_degraded ? 1 : 0),
    audit(db, ctx.actor, "component.create", "component", id, null, {
      slug, name: body.name, description: body.description ?? null, group_id: body.group_id ?? null, position,
      only_show_if_degraded: !!body.only_show_if_degraded,
    }),
  ]);
  return getComponent(db, id);
}

const EDITABLE = ["name", "slug", "description", "group_id", "position", "only_show_if_degraded"] as const;

export async function updateComponent(ctx: AdminCtx, id: string, patch: ComponentPatch): Promise<ComponentJson> {
  const db = ctx.env.DB;
  const current = await getComponent(db, id);
  if (patch.slug !== undefined) await assertSlugFree(db, patch.slug, id);
  if (patch.group_id !== undefined) await assertGroup(db, patch.group_id);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const k of EDITABLE) {
    if (patch[k] === undefined || patch[k] === current[k]) continue;
    before[k] = current[k];
    after[k] = patch[k];
  }
  if (!Object.keys(after).length) return current;
  const next = { ...current, ...after } as ComponentJson;
  await commit(ctx.env, [
    db
      .prepare(
        "UPDATE components SET name = ?2, slug = ?3, description = ?4, group_id = ?5, position = ?6, only_show_if_degraded = ?8, updated_at = ?7 WHERE id = ?1",
      )
      .bind(id, next.name, next.slug, next.description, next.group_id, next.position, nowIso(), next.only_show_if_degraded ? 1 : 0),
    audit(db, ctx.actor, "component.update", "component", id, before, after),
  ]);
  return getComponent(db, id);
}

/** Deleting a component changes what the state machine routes to: it runs in the ingestor. */
export async function deleteComponent(ctx: AdminCtx, id: string, force = false): Promise<void> {
  unwrap(await ingestor(ctx.env).adminAction({ type: "component.delete", actor: ctx.actor, componentId: id, force }));
}

export async function overrideComponent(ctx: AdminCtx, id: string, status: ComponentStatus | null): Promise<ComponentJson> {
  unwrap(await ingestor(ctx.env).adminAction({ type: "component.override", actor: ctx.actor, componentId: id, status }));
  return getComponent(ctx.env.DB, id);
}

// ── Groups ──────────────────────────────────────────────────────────────────

export async function listGroups(db: D1Database): Promise<GroupJson[]> {
  const { results } = await db.prepare("SELECT * FROM component_groups ORDER BY position, name").all<Row>();
  return results.map(groupJson);
}

async function getGroup(db: D1Database, id: string): Promise<GroupJson> {
  const row = await db.prepare("SELECT * FROM component_groups WHERE id = ?1").bind(id).first<Row>();
  if (!row) throw new HttpError(404, `no component group ${id}`);
  return groupJson(row);
}

export async function createGroup(ctx: AdminCtx, body: GroupCreate): Promise<GroupJson> {
  const db = ctx.env.DB;
  const id = newId();
  const now = nowIso();
  const position = body.position ?? (await nextPosition(db, null));
  await commit(ctx.env, [
    db
      .prepare("INSERT INTO component_groups (id, name, description, position, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)")
      .bind(id, body.name, body.description ?? null, position, now),
    audit(db, ctx.actor, "group.create", "group", id, null, { name: body.name, description: body.description ?? null, position }),
  ]);
  return getGroup(db, id);
}

export async function updateGroup(ctx: AdminCtx, id: string, patch: GroupPatch): Promise<GroupJson> {
  const db = ctx.env.DB;
  const current = await getGroup(db, id);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const k of ["name", "description", "position"] as const) {
    if (patch[k] === undefined || patch[k] === current[k]) continue;
    before[k] = current[k];
    after[k] = patch[k];
  }
  if (!Object.keys(after).length) return current;
  const next = { ...current, ...after } as GroupJson;
  await commit(ctx.env, [
    db
      .prepare("UPDATE component_groups SET name = ?2, description = ?3, position = ?4, updated_at = ?5 WHERE id = ?1")
      .bind(id, next.name, next.description, next.position, nowIso()),
    audit(db, ctx.actor, "group.update", "group", id, before, after),
  ]);
  return getGroup(db, id);
}

/** Deleting a group keeps its components: they move to the top level. */
export async function deleteGroup(ctx: AdminCtx, id: string): Promise<void> {
  const db = ctx.env.DB;
  const current = await getGroup(db, id);
  const now = nowIso();
  await commit(ctx.env, [
    db.prepare("UPDATE components SET group_id = NULL, updated_at = ?2 WHERE group_id = ?1").bind(id, now),
    db.prepare("DELETE FROM component_groups WHERE id = ?1").bind(id),
    audit(db, ctx.actor, "group.delete", "group", id, current, null),
  ]);
}

/**
 * Moves a component or group one place up or down among its siblings (a group's members, or the
 * top level where groups and ungrouped components share positions), renumbering them 1…n.
 */
export async function move(ctx: AdminCtx, kind: "component" | "group", id: string, direction: "up" | "down"): Promise<void> {
  const db = ctx.env.DB;
  const [groups, components] = await Promise.all([listGroups(db), listComponents(db)]);
  const self = kind === "group" ? groups.find((g) => g.id === id) : components.find((c) => c.id === id);
  if (!self) throw new HttpError(404, `no ${kind === "group" ? "component group" : "component"} ${id}`);
  const groupId = kind === "component" ? (self as ComponentJson).group_id : null;
  const siblings = [
    ...(groupId ? [] : groups.map((g) => ({ kind: "group" as const, id: g.id, position: g.position, name: g.name }))),
    ...components.filter((c) => c.group_id === groupId).map((c) => ({ kind: "component" as const, id: c.id, position: c.position, name: c.name })),
  ].sort((a, b) => a.position - b.position || a.name.localeCompare(b.name));
  const i = siblings.findIndex((s) => s.kind === kind && s.id === id);
  const j = direction === "up" ? i - 1 : i + 1;
  if (j < 0 || j >= siblings.length) return;
  [siblings[i], siblings[j]] = [siblings[j]!, siblings[i]!];
  const now = nowIso();
  const statements = siblings.flatMap((s, n) =>
    s.position === n + 1
      ? []
      : [db.prepare(`UPDATE ${s.kind === "group" ? "component_groups" : "components"} SET position = ?2, updated_at = ?3 WHERE id = ?1`).bind(s.id, n + 1, now)],
  );
  statements.push(audit(db, ctx.actor, `${kind}.move`, kind, id, { position: self.position }, { position: j + 1, direction }));
  await commit(ctx.env, statements);
}

// ── Page settings ───────────────────────────────────────────────────────────

export interface SettingsJson extends BrandJson {
  page_id: string;
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
  visibility: Visibility;
  /** Whether a page password is set; the password itself is never shown. */
  page_password_set: boolean;
  /** Turnstile on the subscribe form when set (worker/security/turnstile.ts). */
  turnstile_site_key: string | null;
}

export async function getSettings(db: D1Database): Promise<SettingsJson> {
  const row = await db.prepare("SELECT * FROM page_settings WHERE id = 1").first<Row>();
  return {
    page_id: row ? String(row.page_id) : "",
    name: row ? String(row.name) : "Status",
    url: row ? String(row.url ?? "") : "",
    time_zone: row ? String(row.time_zone) : "Etc/UTC",
    auto_resolve_minutes: row?.auto_resolve_minutes == null ? null : Number(row.auto_resolve_minutes),
    delivery_retention_days: row?.delivery_retention_days == null ? 30 : Number(row.delivery_retention_days),
    audit_retention_days: row?.audit_retention_days == null ? 365 : Number(row.audit_retention_days),
    allow_framing: row?.allow_framing == null ? true : !!row.allow_framing,
    ...brandOf(row),
    visibility: row?.visibility === "private" ? "private" : "public",
    page_password_set: row?.page_password_hash != null,
    turnstile_site_key: row?.turnstile_site_key ? String(row.turnstile_site_key) : null,
  };
}

export async function putSettings(ctx: AdminCtx, body: SettingsPut): Promise<SettingsJson> {
  const db = ctx.env.DB;
  const before = await getSettings(db);
  const { page_password, ...rest } = body;
  // The later settings are optional in a PUT: what a client leaves out keeps its value.
  const keep = <K extends keyof SettingsJson>(k: K, v: SettingsJson[K] | undefined): SettingsJson[K] => (v === undefined ? before[k] : v);
  const next = {
    ...rest,
    delivery_retention_days: keep("delivery_retention_days", rest.delivery_retention_days),
    audit_retention_days: keep("audit_retention_days", rest.audit_retention_days),
    allow_framing: keep("allow_framing", rest.allow_framing),
    language: keep("language", rest.language),
    logo_url: keep("logo_url", rest.logo_url),
    favicon_url: keep("favicon_url", rest.favicon_url),
    brand_color: keep("brand_color", rest.brand_color),
    header_links: keep("header_links", rest.header_links),
    support_url: keep("support_url", rest.support_url),
    footer_text: rest.footer_text === undefined ? before.footer_text : rest.footer_text || null,
    visibility: keep("visibility", rest.visibility),
    turnstile_site_key: rest.turnstile_site_key === undefined ? before.turnstile_site_key : rest.turnstile_site_key || null,
  };
  const passwordSet = page_password === undefined ? before.page_password_set : page_password !== null;
  if (next.visibility === "private" && !passwordSet && !accessConfig(ctx.env)) {
    throw new HttpError(
      400,
      "a private page needs a way in: set `page_password`, or configure Cloudflare Access (ACCESS_TEAM_DOMAIN and ACCESS_AUD)",
      "visibility",
    );
  }
  // A new password gets a new signing secret: everyone let in with the old one is out.
  const password = page_password === undefined ? undefined : page_password === null ? null : await hashPagePassword(page_password);
  await commit(ctx.env, [
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
        before.page_id || newId(), next.name, next.url, next.time_zone, next.auto_resolve_minutes, nowIso(),
        next.delivery_retention_days, next.audit_retention_days, next.allow_framing ? 1 : 0,
        next.language, next.logo_url, next.favicon_url, next.brand_color, JSON.stringify(next.header_links),
        next.support_url, next.footer_text, next.visibility,
      ),
    ...(password === undefined
      ? []
      : [
          db
            .prepare("UPDATE page_settings SET page_password_hash = ?1, access_secret = ?2 WHERE id = 1")
            .bind(password, password === null ? null : newAccessSecret()),
        ]),
    db.prepare("UPDATE page_settings SET turnstile_site_key = ?1 WHERE id = 1").bind(next.turnstile_site_key),
    // The audit log says that the password changed, never what it is.
    audit(db, ctx.actor, "settings.update", "page", "1", before, {
      ...next,
      ...(password === undefined ? {} : { page_password: password === null ? "(cleared)" : "(set)" }),
    }),
  ]);
  return getSettings(db);
}
