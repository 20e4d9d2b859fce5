// Components, component groups and page settings: what the page is made of. These writes do not
// touch what the state machine decides (deleting a component does, and goes through the ingestor).

import { type Actor, audit } from "../../db/audit";
import {
  deleteGroupRows,
  getComponentRow,
  getGroupRow,
  insertComponent,
  insertGroup,
  listComponentRows,
  listGroupRows,
  nextPosition,
  setPosition,
  slugOwner,
  updateComponentFields,
  updateGroupFields,
} from "../../db/components";
import { brandOf } from "../../db/queries";
import type { ComponentGroupRow, ComponentRow } from "../../db/schema";
import {
  type PagePolicyValues,
  type PageSettingsValues,
  readPageSettings,
  setMaintenanceRemindMinutes,
  setPagePassword,
  setPagePolicy,
  upsertPageSettings,
} from "../../db/settings";
import { newId, nowIso } from "../../domain/ids";
import type { ComponentStatus } from "../../domain/status";
import { accessConfig } from "../auth";
import { purgePublicCache } from "../cache";
import type { Env } from "../env";
import { HttpError } from "../errors";
import { ingestor } from "../ingestor";
import type { AdminCommand, CommandResult } from "../ingestor-commands";
import { hashPagePassword, newAccessSecret } from "../security/page-access";
import { recordingDatabase, sqlOfStatement } from "../statements";
import type { ComponentCreate, ComponentPatch, GroupCreate, GroupPatch, SettingsPut } from "./schemas";

/** An operator's context: the worker's environment with a recording database, so commit can hand its statements to the Ingestor. */
export const adminContext = (env: Env, actor: Actor, base: string, page = 1): AdminCtx => ({
  env: { ...env, DB: recordingDatabase(env.DB) },
  actor,
  base,
  page,
});

export interface AdminCtx {
  env: Env;
  actor: Actor;
  /** The page the action is on (`/admin/api/pages/:page/...`, the UI's selected page; else page 1). */
  page: number;
  /** Public base URL: webhook URLs and shortlinks. */
  base: string;
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

const componentJson = (r: ComponentRow): ComponentJson => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  group_id: r.groupId,
  status: r.status,
  position: r.position,
  description: r.description,
  only_show_if_degraded: r.onlyShowIfDegraded,
  auto_status: r.autoStatus,
  override_status: r.overrideStatus,
  in_maintenance: r.inMaintenance,
});

export interface GroupJson {
  id: string;
  name: string;
  description: string | null;
  position: number;
}

const groupJson = (r: ComponentGroupRow): GroupJson => ({ id: r.id, name: r.name, description: r.description, position: r.position });

/** A CommandResult from the ingestor, or the HttpError it describes. */
function unwrap(result: CommandResult) {
  if (!result.ok) throw new HttpError(result.status, result.error, result.field);
  return result;
}

type WithoutActor<T> = T extends unknown ? Omit<T, "actor"> : never;

/** Runs an operator's command in the Ingestor, as this operator; a refusal is thrown as its HttpError. */
export async function command(ctx: AdminCtx, cmd: WithoutActor<AdminCommand>) {
  return unwrap(await ingestor(ctx.env).adminAction({ ...cmd, actor: ctx.actor } as AdminCommand));
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
 * working set before deciding the next delivery. The statements go to it as data: they are prepared
 * on the context's recording database (adminContext).
 */
export async function commit(env: Env, statements: D1PreparedStatement[]): Promise<void> {
  const written = await ingestor(env).write(statements.map(sqlOfStatement));
  if (!written.ok) throw new HttpError(written.status, written.error, "field" in written ? written.field : undefined);
  await purgePublicCache(env);
}

/** What a patch changes: the fields it sets to a new value, before and after (for the audit log). */
function changes<T extends object, K extends keyof T>(current: T, patch: Partial<Pick<T, K>>, keys: readonly K[]) {
  const before: Partial<T> = {};
  const after: Partial<T> = {};
  for (const k of keys) {
    if (patch[k] === undefined || patch[k] === current[k]) continue;
    before[k] = current[k];
    after[k] = patch[k];
  }
  return { before, after, changed: Object.keys(after).length > 0, next: { ...current, ...after } as T };
}

// ── Components ──────────────────────────────────────────────────────────────

/** A page's components; without a page, every page's (integrations route to any of them). */
export const listComponents = async (db: D1Database, page?: number): Promise<ComponentJson[]> => (await listComponentRows(db, page)).map(componentJson);

/** A component; with a page, only one on that page (another page's is not found, as on its own admin). */
export async function getComponent(db: D1Database, id: string, page?: number): Promise<ComponentJson> {
  const row = await getComponentRow(db, id);
  if (!row || (page !== undefined && row.page !== page)) throw new HttpError(404, `no component ${id}${page !== undefined && row ? " on this page" : ""}`);
  return componentJson(row);
}

async function assertSlugFree(db: D1Database, slug: string, exceptId: string | null, page: number) {
  const owner = await slugOwner(db, slug, page);
  if (owner && owner !== exceptId) throw new HttpError(409, `\`slug\` "${slug}" is already used by another component on this page`, "slug");
}

async function assertGroup(db: D1Database, groupId: string | null | undefined, page: number) {
  const group = groupId ? await getGroupRow(db, groupId) : undefined;
  if (groupId && (!group || group.page !== page)) throw new HttpError(400, "`group_id` does not name a component group of this page", "group_id");
}

const componentFields = (c: Pick<ComponentJson, "slug" | "name" | "description" | "group_id" | "position" | "only_show_if_degraded">) => ({
  slug: c.slug,
  name: c.name,
  description: c.description,
  groupId: c.group_id,
  position: c.position,
  onlyShowIfDegraded: c.only_show_if_degraded,
});

export async function createComponent(ctx: AdminCtx, body: ComponentCreate): Promise<ComponentJson> {
  const db = ctx.env.DB;
  const slug = body.slug ?? slugify(body.name);
  await assertSlugFree(db, slug, null, ctx.page);
  await assertGroup(db, body.group_id, ctx.page);
  const now = nowIso();
  const id = newId();
  const fields = {
    slug,
    name: body.name,
    description: body.description ?? null,
    group_id: body.group_id ?? null,
    position: body.position ?? (await nextPosition(db, body.group_id ?? null, ctx.page)),
    only_show_if_degraded: !!body.only_show_if_degraded,
  };
  await commit(ctx.env, [
    insertComponent(db, id, componentFields(fields), now, ctx.page),
    audit(db, ctx.actor, "component.create", "component", id, null, { ...fields, page: ctx.page }),
  ]);
  return getComponent(db, id);
}

const EDITABLE = ["name", "slug", "description", "group_id", "position", "only_show_if_degraded"] as const;

export async function updateComponent(ctx: AdminCtx, id: string, patch: ComponentPatch): Promise<ComponentJson> {
  const db = ctx.env.DB;
  const current = await getComponent(db, id, ctx.page);
  if (patch.slug !== undefined) await assertSlugFree(db, patch.slug, id, ctx.page);
  if (patch.group_id !== undefined) await assertGroup(db, patch.group_id, ctx.page);
  const diff = changes(current, patch, EDITABLE);
  if (!diff.changed) return current;
  await commit(ctx.env, [
    updateComponentFields(db, id, componentFields(diff.next), nowIso()),
    audit(db, ctx.actor, "component.update", "component", id, diff.before, diff.after),
  ]);
  return getComponent(db, id);
}

/** Deleting a component changes what the state machine routes to: it runs in the ingestor. */
export async function deleteComponent(ctx: AdminCtx, id: string, force = false): Promise<void> {
  await getComponent(ctx.env.DB, id, ctx.page);
  await command(ctx, { type: "component.delete", componentId: id, force });
}

export async function overrideComponent(ctx: AdminCtx, id: string, status: ComponentStatus | null): Promise<ComponentJson> {
  await getComponent(ctx.env.DB, id, ctx.page);
  await command(ctx, { type: "component.override", componentId: id, status });
  return getComponent(ctx.env.DB, id);
}

// ── Groups ──────────────────────────────────────────────────────────────────

/** A page's groups; without a page, every page's. */
export const listGroups = async (db: D1Database, page?: number): Promise<GroupJson[]> => (await listGroupRows(db, page)).map(groupJson);

async function getGroup(db: D1Database, id: string, page: number): Promise<GroupJson> {
  const row = await getGroupRow(db, id);
  if (!row || row.page !== page) throw new HttpError(404, `no component group ${id}${row ? " on this page" : ""}`);
  return groupJson(row);
}

export async function createGroup(ctx: AdminCtx, body: GroupCreate): Promise<GroupJson> {
  const db = ctx.env.DB;
  const id = newId();
  const fields = { name: body.name, description: body.description ?? null, position: body.position ?? (await nextPosition(db, null, ctx.page)) };
  await commit(ctx.env, [
    insertGroup(db, id, fields, nowIso(), ctx.page),
    audit(db, ctx.actor, "group.create", "group", id, null, { ...fields, page: ctx.page }),
  ]);
  return getGroup(db, id, ctx.page);
}

export async function updateGroup(ctx: AdminCtx, id: string, patch: GroupPatch): Promise<GroupJson> {
  const db = ctx.env.DB;
  const current = await getGroup(db, id, ctx.page);
  const diff = changes(current, patch, ["name", "description", "position"] as const);
  if (!diff.changed) return current;
  const { name, description, position } = diff.next;
  await commit(ctx.env, [
    updateGroupFields(db, id, { name, description, position }, nowIso()),
    audit(db, ctx.actor, "group.update", "group", id, diff.before, diff.after),
  ]);
  return getGroup(db, id, ctx.page);
}

/** Deleting a group keeps its components: they move to the top level. */
export async function deleteGroup(ctx: AdminCtx, id: string): Promise<void> {
  const db = ctx.env.DB;
  const current = await getGroup(db, id, ctx.page);
  await commit(ctx.env, [...deleteGroupRows(db, id, nowIso()), audit(db, ctx.actor, "group.delete", "group", id, current, null)]);
}

/**
 * Moves a component or group one place up or down among its siblings (a group's members, or the
 * top level where groups and ungrouped components share positions), renumbering them 1…n.
 */
export async function move(ctx: AdminCtx, kind: "component" | "group", id: string, direction: "up" | "down"): Promise<void> {
  const db = ctx.env.DB;
  const [groups, components] = await Promise.all([listGroups(db, ctx.page), listComponents(db, ctx.page)]);
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
  const statements = siblings.flatMap((s, n) => (s.position === n + 1 ? [] : [setPosition(db, s.kind, s.id, n + 1, now)]));
  statements.push(audit(db, ctx.actor, `${kind}.move`, kind, id, { position: self.position }, { position: j + 1, direction }));
  await commit(ctx.env, statements);
}

// ── Page settings ───────────────────────────────────────────────────────────

export interface SettingsJson extends PageSettingsValues, PagePolicyValues {
  page_id: string;
  /** Minutes before a maintenance starts when subscribers are reminded, unless the maintenance says otherwise (0: none). */
  maintenance_remind_minutes: number;
  /** Whether a page password is set; the password itself is never shown. */
  page_password_set: boolean;
}

export async function getSettings(db: D1Database, page = 1): Promise<SettingsJson> {
  const settings = await readPageSettings(db, page);
  return {
    page_id: settings.saved ? settings.pageId : "",
    name: settings.name,
    url: settings.url,
    time_zone: settings.timeZone,
    auto_resolve_minutes: settings.autoResolveMinutes,
    delivery_retention_days: settings.deliveryRetentionDays,
    audit_retention_days: settings.auditRetentionDays,
    allow_framing: settings.allowFraming,
    ...brandOf(settings),
    visibility: settings.visibility,
    page_password_set: settings.pagePasswordHash != null,
    turnstile_site_key: settings.turnstileSiteKey || null,
    maintenance_remind_minutes: settings.maintenanceRemindMinutes,
    public_text: settings.publicText,
    public_template: settings.publicTemplate,
    publication: settings.publication,
    publish_after_seconds: settings.publishAfterSeconds,
  };
}

/** The page's policy after a PUT: what it leaves out is kept, null clears; a template needs its wording, a grace period publishing. */
function nextPolicy(before: SettingsJson, body: SettingsPut): PagePolicyValues {
  const pick = <K extends keyof PagePolicyValues>(k: K): PagePolicyValues[K] => (body[k] === undefined ? before[k] : (body[k] as PagePolicyValues[K]));
  const policy = {
    public_text: pick("public_text"),
    public_template: pick("public_template"),
    publication: pick("publication"),
    publish_after_seconds: pick("publish_after_seconds"),
  };
  if (policy.public_text === "template" && !policy.public_template)
    throw new HttpError(400, "`public_template` is required when `public_text` is template (use {{components}}, {{severity}}, {{title}})", "public_template");
  if (policy.publish_after_seconds && policy.publication !== "publish")
    throw new HttpError(400, "`publish_after_seconds` is only meaningful with `publication` publish: set it to 0 or null, or publish", "publish_after_seconds");
  return { ...policy, publish_after_seconds: policy.publish_after_seconds || null };
}

export async function putSettings(ctx: AdminCtx, body: SettingsPut): Promise<SettingsJson> {
  const db = ctx.env.DB;
  const before = await getSettings(db, ctx.page);
  const {
    page_password,
    page_id: _readOnlyId,
    page_password_set: _readOnlySet,
    public_text: _t,
    public_template: _w,
    publication: _p,
    publish_after_seconds: _s,
    maintenance_remind_minutes: remind,
    ...rest
  } = body;
  const policy = nextPolicy(before, body);
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
    upsertPageSettings(db, before.page_id || newId(), next, nowIso(), ctx.page),
    // Read by the Ingestor (db/ingest-reads.ts), which reloads after this write.
    setPagePolicy(db, ctx.page, policy),
    ...(password === undefined ? [] : [setPagePassword(db, password, password === null ? null : newAccessSecret(), ctx.page)]),
    ...(remind === undefined ? [] : [setMaintenanceRemindMinutes(db, remind, ctx.page)]),
    // The audit log says that the password changed, never what it is.
    audit(db, ctx.actor, "settings.update", "page", String(ctx.page), before, {
      ...next,
      ...policy,
      maintenance_remind_minutes: remind ?? before.maintenance_remind_minutes,
      ...(password === undefined ? {} : { page_password: password === null ? "(cleared)" : "(set)" }),
    }),
  ]);
  return getSettings(db, ctx.page);
}
