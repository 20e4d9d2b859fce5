// /admin/api: the operators' JSON API (bearer ADMIN_TOKEN). Writes that touch what the state machine
// owns go through the ingestor so they never interleave with a delivery.
import { Hono } from "hono";
import { z } from "zod";
import { requireAdminBearer } from "../auth";
import type { AppEnv } from "../env";
import { HttpError } from "../errors";
import { newId, newIntegrationKey, nowIso, sha256Hex } from "../ids";
import { ingestor } from "../ingestor";
import { COMPONENT_STATUSES } from "../domain/status";
import { SOURCES } from "../sources";
import { jsonBody, validate } from "../validate";
import { baseUrl } from "./statuspage-api";


export const adminApi = new Hono<AppEnv>();

adminApi.use("*", async (c, next) => {
  c.header("Cache-Control", "no-store");
  await next();
});
adminApi.use("*", requireAdminBearer);

const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be lowercase letters, digits and dashes");
const idSchema = z.string().regex(/^[a-z0-9]{12}$/, "must be a 12-character id");

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

const componentRow = (r: Record<string, unknown>) => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  group_id: r.group_id ?? null,
  status: r.status,
  position: r.position,
  description: r.description ?? null,
});

adminApi.get("/components", async (c) => {
  const { results } = await c.env.DB.prepare("SELECT * FROM components ORDER BY position, name").all();
  return c.json(results.map(componentRow));
});

adminApi.post("/components", async (c) => {
  const body = validate(
    z.object({
      name: z.string().trim().min(1).max(120),
      slug: slugSchema.optional(),
      group_id: idSchema.nullable().optional(),
      description: z.string().max(2000).nullable().optional(),
      position: z.number().int().min(0).optional(),
    }),
    await jsonBody(c.req),
  );
  const db = c.env.DB;
  const slug = body.slug ?? slugify(body.name);
  if (await db.prepare("SELECT 1 FROM components WHERE slug = ?1").bind(slug).first())
    throw new HttpError(409, `\`slug\` "${slug}" is already used by another component`, "slug");
  if (body.group_id && !(await db.prepare("SELECT 1 FROM component_groups WHERE id = ?1").bind(body.group_id).first()))
    throw new HttpError(400, "`group_id` does not name a component group", "group_id");
  const now = nowIso();
  const id = newId();
  const position =
    body.position ?? Number((await db.prepare("SELECT coalesce(max(position), 0) + 1 AS p FROM components").first<{ p: number }>())?.p ?? 1);
  await db.batch([
    db
      .prepare(
        `INSERT INTO components (id, slug, name, description, group_id, position, status, auto_status, start_date, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'operational', 'operational', ?7, ?7, ?7)`,
      )
      .bind(id, slug, body.name, body.description ?? null, body.group_id ?? null, position, now),
    audit(db, "admin", "component.create", "component", id, null, { slug, name: body.name }),
  ]);
  const row = await db.prepare("SELECT * FROM components WHERE id = ?1").bind(id).first();
  return c.json(componentRow(row!), 201);
});

export function audit(
  db: D1Database,
  actor: string,
  action: string,
  targetType: string,
  targetId: string | null,
  before: unknown,
  after: unknown,
) {
  return db
    .prepare("INSERT INTO audit_log (at, actor, action, target_type, target_id, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
    .bind(nowIso(), actor, action, targetType, targetId, before == null ? null : JSON.stringify(before), after == null ? null : JSON.stringify(after));
}

function webhookUrl(base: string, source: string, key: string): string {
  return source === "pagerduty" ? `${base}/v2/enqueue` : `${base}/hooks/${source}/${key}`;
}

adminApi.get("/integrations", async (c) => {
  const { results } = await c.env.DB.prepare(
    `SELECT i.id, i.name, i.source, i.key_prefix, i.disabled, i.last_delivery_at,
       (SELECT json_group_array(component_id) FROM integration_components WHERE integration_id = i.id) AS component_ids
     FROM integrations i ORDER BY i.created_at`,
  ).all<Record<string, unknown>>();
  const base = baseUrl(c);
  return c.json(
    results.map((r) => ({
      id: r.id,
      name: r.name,
      source: r.source,
      key_prefix: r.key_prefix,
      webhook_url_template: webhookUrl(base, String(r.source), `${r.key_prefix}…`),
      component_ids: JSON.parse(String(r.component_ids)),
      disabled: !!r.disabled,
      last_delivery_at: r.last_delivery_at ?? null,
    })),
  );
});

adminApi.post("/integrations", async (c) => {
  const body = validate(
    z.object({
      name: z.string().trim().min(1).max(120),
      source: z.enum(SOURCES),
      component_ids: z.array(idSchema).max(100).optional(),
      /** Shared secret for signed deliveries (Grafana's X-Grafana-Alerting-Signature). */
      signing_secret: z.string().min(8).max(256).nullable().optional(),
    }),
    await jsonBody(c.req),
  );
  const db = c.env.DB;
  const componentIds = [...new Set(body.component_ids ?? [])];
  await assertComponentsExist(db, componentIds, "component_ids");
  const id = newId();
  const key = newIntegrationKey();
  const now = nowIso();
  await db.batch([
    db
      .prepare(
        `INSERT INTO integrations (id, name, source, key_hash, key_prefix, signing_secret, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?6, ?6)`,
      )
      .bind(id, body.name, body.source, await sha256Hex(key), key.slice(0, 6), now, body.signing_secret ?? null),
    ...componentIds.map((cid) =>
      db.prepare("INSERT INTO integration_components (integration_id, component_id) VALUES (?1, ?2)").bind(id, cid),
    ),
    audit(db, "admin", "integration.create", "integration", id, null, { name: body.name, source: body.source, component_ids: componentIds }),
  ]);
  await ingestor(c.env).invalidate();
  return c.json({ id, name: body.name, source: body.source, key, webhook_url: webhookUrl(baseUrl(c), body.source, key) }, 201);
});

async function assertComponentsExist(db: D1Database, ids: string[], field: string) {
  if (!ids.length) return;
  const { results } = await db
    .prepare("SELECT id FROM components WHERE id IN (SELECT value FROM json_each(?1))")
    .bind(JSON.stringify(ids))
    .all<{ id: string }>();
  const missing = ids.filter((id) => !results.some((r) => r.id === id));
  if (missing.length) throw new HttpError(400, `\`${field}\` names unknown components: ${missing.join(", ")}`, field);
}

adminApi.post("/links", async (c) => {
  const body = validate(
    z.object({
      integration_id: idSchema,
      match: z
        .object({
          monitor: z.string().min(1).max(255).optional(),
          tag: z.string().min(1).max(255).optional(),
          label: z.string().min(1).max(255).optional(),
        })
        .refine((m) => [m.monitor, m.tag, m.label].filter(Boolean).length === 1, "must have exactly one of monitor, tag, label"),
      component_ids: z.array(idSchema).min(1).max(100),
      status: z.enum(COMPONENT_STATUSES).nullable().optional(),
    }),
    await jsonBody(c.req),
  );
  const db = c.env.DB;
  if (!(await db.prepare("SELECT 1 FROM integrations WHERE id = ?1").bind(body.integration_id).first()))
    throw new HttpError(400, "`integration_id` does not name an integration", "integration_id");
  const componentIds = [...new Set(body.component_ids)];
  await assertComponentsExist(db, componentIds, "component_ids");
  const matchType = body.match.monitor ? "monitor" : body.match.tag ? "tag" : "label";
  const raw = (body.match.monitor ?? body.match.tag ?? body.match.label)!;
  // tag and label are "key=value" or "key:value" (any value when none is given).
  const [matchKey, matchValue] = matchType === "monitor" ? [raw, null] : splitMatch(raw);
  const id = newId();
  await db.batch([
    db
      .prepare(
        "INSERT INTO links (id, integration_id, match_type, match_key, match_value, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      )
      .bind(id, body.integration_id, matchType, matchKey, matchValue, body.status ?? null, nowIso()),
    ...componentIds.map((cid) => db.prepare("INSERT INTO link_components (link_id, component_id) VALUES (?1, ?2)").bind(id, cid)),
    audit(db, "admin", "link.create", "link", id, null, body),
  ]);
  return c.json(
    { id, integration_id: body.integration_id, match: body.match, match_type: matchType, match_key: matchKey, match_value: matchValue, component_ids: componentIds, status: body.status ?? null },
    201,
  );
});

function splitMatch(raw: string): [string, string | null] {
  const i = raw.search(/[=:]/);
  return i < 0 ? [raw, null] : [raw.slice(0, i), raw.slice(i + 1)];
}

/** /admin: the UI and, under /admin/api, the JSON API. Mounted last: Hono copies routes when mounting. */
export const admin = new Hono<AppEnv>();
admin.route("/api", adminApi);
