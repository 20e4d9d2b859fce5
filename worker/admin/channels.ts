// Operator channels (/admin/api/channels) and the notification log (/admin/api/notifications): where
// the team hears of every change, each channel limited to some components and some events if wanted.
import { Hono } from "hono";
import { z } from "zod";
import { deleteChannelRow, getChannel, insertChannel, listChannels } from "../../db/channels";
import { claim, listNotifications, NOTIFICATION_STATUSES, record } from "../../db/notifications";
import { getStatus } from "../../db/queries";
import type { Channel, Notification } from "../../db/schema";
import { readPageSettings } from "../../db/settings";
import { CHANNEL_KINDS } from "../../domain/channels";
import { newId, nowIso } from "../../domain/ids";
import type { AdminEnv } from "../auth";
import { HttpError } from "../errors";
import { destinationOf, idempotencyKey, logRow, plan } from "../notify/consumer";
import { DEFAULT_GROUPS, NOTIFY_GROUPS, type NotifyEvent } from "../notify/events";
import { notifyBaseUrl } from "../notify/links";
import { checkOutboundTarget } from "../notify/outbound";
import { maskEmail, maskTarget, send } from "../notify/send";
import { newWebhookSecret } from "../notify/sign";
import { json, paramId } from "../validate";
import { assertComponentsExist } from "./integrations";

/** Datadog sites (https://docs.datadoghq.com/getting_started/site/): the API host of each. */
export const DATADOG_SITES = [
  "datadoghq.com",
  "us3.datadoghq.com",
  "us5.datadoghq.com",
  "datadoghq.eu",
  "ap1.datadoghq.com",
  "ap2.datadoghq.com",
  "ddog-gov.com",
] as const;
export const DEFAULT_DATADOG_API_URL = "https://api.datadoghq.com";

const idSchema = z.string().regex(/^[a-z0-9]{12}$/, "must be a 12-character id");
const common = {
  name: z.string().trim().min(1, "is required").max(120),
  component_ids: z.array(idSchema).max(100).nullable().optional(),
  events: z.array(z.enum(NOTIFY_GROUPS)).min(1, "must name at least one of incident, maintenance, component").max(3).nullable().optional(),
  /** true: it hears of every page; else of the page it is created on. */
  all_pages: z.boolean().optional(),
};
const url = z.string().trim().max(2000);

export const channelCreate = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("webhook"), url, ...common }).strict(),
    z.object({ kind: z.literal("slack"), url, ...common }).strict(),
    z.object({ kind: z.literal("discord"), url, ...common }).strict(),
    z.object({ kind: z.literal("teams"), url, ...common }).strict(),
    z
      .object({
        kind: z.literal("datadog"),
        api_key: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9]{16,64}$/, "must be a Datadog API key (letters and digits)"),
        api_url: url.optional(),
        site: z.enum(DATADOG_SITES).optional(),
        ...common,
      })
      .strict(),
    z.object({ kind: z.literal("email"), email: z.email("must be an email address").max(254), ...common }).strict(),
  ],
  { error: (issue) => (issue.code === "invalid_union" ? `must be one of ${CHANNEL_KINDS.join(", ")}` : undefined) },
);
export type ChannelCreate = z.infer<typeof channelCreate>;

export interface ChannelJson {
  id: string;
  name: string;
  kind: Channel["kind"];
  /** Masked: a webhook URL's path is a secret of its own (Slack, Discord, Teams). */
  target: string;
  component_ids: string[] | null;
  events: string[];
  /** webhook: a signing secret is set (it is shown once, at creation). */
  signed: boolean;
  /** The page it hears of; null: every page. */
  page: number | null;
  created_at: string;
}

export function channelJson(c: Channel): ChannelJson {
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    target: c.kind === "email" ? maskEmail(c.target) : maskTarget(destinationOf(c)),
    component_ids: c.componentIds ?? null,
    events: c.events ?? [...DEFAULT_GROUPS],
    signed: c.kind === "webhook" && !!c.secret,
    page: c.page,
    created_at: c.createdAt,
  };
}

export interface Ctx {
  env: AdminEnv["Bindings"];
  actor: string;
  /** The page it acts on (absent: page 1). */
  page?: number;
}

/** Creates a channel; a webhook's `whsec_…` secret is in this answer and nowhere else, ever. */
export async function createChannel(ctx: Ctx, body: ChannelCreate): Promise<ChannelJson & { secret?: string }> {
  const db = ctx.env.DB;
  let target: string;
  let secret: string | null = null;
  if (body.kind === "email") target = body.email;
  else if (body.kind === "datadog") {
    if (body.api_url && body.site) throw new HttpError(400, "`site` and `api_url` name the same thing: give one", "site");
    target = body.api_url ?? (body.site ? `https://api.${body.site}` : DEFAULT_DATADOG_API_URL);
    secret = body.api_key;
  } else {
    target = body.url;
    if (body.kind === "webhook") secret = newWebhookSecret();
  }
  if (body.kind !== "email") {
    const field = body.kind === "datadog" ? "api_url" : "url";
    await checkOutboundTarget(ctx.env, target, field);
  }
  const componentIds = body.component_ids ? [...new Set(body.component_ids)] : null;
  if (componentIds) await assertComponentsExist(db, componentIds, "component_ids");
  const events = body.events ? [...new Set(body.events)] : null;
  const now = nowIso();
  const row: Channel = {
    id: newId(),
    name: body.name,
    kind: body.kind,
    target,
    secret,
    page: body.all_pages ? null : (ctx.page ?? 1),
    componentIds,
    events,
    createdAt: now,
    updatedAt: now,
  };
  const json = channelJson(row);
  // The audit row never holds the secret, the API key or the URL's path.
  await insertChannel(db, row, ctx.actor, json);
  return { ...json, ...(body.kind === "webhook" ? { secret: secret! } : {}) };
}

/** A channel of this page or of every page; another page's is not found. */
export async function requireChannel(db: D1Database, id: string, page = 1): Promise<Channel> {
  const c = await getChannel(db, id);
  if (!c || (c.page !== null && c.page !== page)) throw new HttpError(404, `no channel ${id}${c ? " on this page" : ""}`);
  return c;
}

export async function deleteChannel(ctx: Ctx, id: string): Promise<void> {
  const db = ctx.env.DB;
  const c = await requireChannel(db, id, ctx.page);
  await deleteChannelRow(db, id, ctx.actor, channelJson(c), nowIso());
}

/** Sends a test notification now, through the same path as real ones, logged as `test`. */
export async function testChannel(
  env: AdminEnv["Bindings"],
  id: string,
  onPage = 1,
): Promise<{ ok: boolean; status: number | null; error: string | null; notification_id: string }> {
  const channel = await requireChannel(env.DB, id, onPage);
  const base = notifyBaseUrl(env);
  const { page, status } = await getStatus(env.DB, { settings: await readPageSettings(env.DB, onPage), baseUrl: base });
  const now = nowIso();
  const event: NotifyEvent = {
    id: `test${newId()}`,
    type: "test",
    componentIds: [],
    page: { id: page.id, name: page.name, url: page.url, status_indicator: status.indicator, status_description: status.description },
    generated_at: now,
  };
  const recipient = { type: "channel" as const, id };
  const key = idempotencyKey(event.id, recipient);
  const p = plan(env, event, channel, "channel");
  const row = logRow(key, event, recipient, p.destination, now);
  await claim(env.DB, [row], new Date());
  const result = await send(env, { ...p, key });
  await record(env.DB, [result.ok ? { key, ok: true, status: result.status } : { key, ok: false, status: result.status, error: result.error, final: true }]);
  return { ok: result.ok, status: result.status, error: result.ok ? null : result.error, notification_id: row.id };
}

export interface NotificationJson {
  id: string;
  idempotency_key: string;
  event_id: string;
  event_type: string;
  incident_id: string | null;
  component_id: string | null;
  recipient_type: string;
  recipient_id: string;
  channel_kind: string;
  target: string;
  status: string;
  attempts: number;
  last_error: string | null;
  http_status: number | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

export const notificationJson = (n: Notification): NotificationJson => ({
  id: n.id,
  idempotency_key: n.idempotencyKey,
  event_id: n.eventId,
  event_type: n.eventType,
  incident_id: n.incidentId,
  component_id: n.componentId,
  recipient_type: n.recipientType,
  recipient_id: n.recipientId,
  channel_kind: n.channelKind,
  target: n.target,
  status: n.status,
  attempts: n.attempts,
  last_error: n.lastError,
  http_status: n.httpStatus,
  created_at: n.createdAt,
  updated_at: n.updatedAt,
  delivered_at: n.deliveredAt,
});

/** The log's filters, from a query string; a bad one is a 400 naming it. */
export function logFilter(q: (name: string) => string | undefined) {
  const status = q("status") || undefined;
  if (status && !(NOTIFICATION_STATUSES as readonly string[]).includes(status))
    throw new HttpError(400, `\`status\` must be one of ${NOTIFICATION_STATUSES.join(", ")}`, "status");
  const limitRaw = q("limit");
  const limit = limitRaw === undefined ? undefined : Number(limitRaw);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 500))
    throw new HttpError(400, "`limit` must be an integer from 1 to 500", "limit");
  const before = q("before") || undefined;
  if (before && Number.isNaN(Date.parse(before))) throw new HttpError(400, "`before` must be an ISO 8601 time", "before");
  for (const name of ["recipient_id", "incident_id"]) {
    const v = q(name);
    if (v && !/^[a-z0-9]{12}$/.test(v)) throw new HttpError(400, `\`${name}\` must be a 12-character id`, name);
  }
  return {
    status: status as (typeof NOTIFICATION_STATUSES)[number] | undefined,
    recipientId: q("recipient_id") || undefined,
    incidentId: q("incident_id") || undefined,
    before,
    limit,
  };
}

const channelId = paramId("channel");

/** Mounted on /admin/api (bearer ADMIN_TOKEN or Access, checked there). */
export const channelsApi = new Hono<AdminEnv>();
channelsApi.get("/channels", async (c) => c.json((await listChannels(c.env.DB, c.get("page"))).map(channelJson)));
channelsApi.post("/channels", ...json(channelCreate), async (c) => {
  // Only an operator of every page may make a channel that hears of every page.
  if (c.req.valid("json").all_pages && c.get("pages") !== null)
    throw new HttpError(403, "a channel of every page needs an operator of every page", "all_pages");
  return c.json(await createChannel({ env: c.env, actor: c.get("actor"), page: c.get("page") }, c.req.valid("json")), 201);
});
channelsApi.get("/channels/:id", channelId, async (c) => c.json(channelJson(await requireChannel(c.env.DB, c.req.valid("param").id, c.get("page")))));
channelsApi.delete("/channels/:id", channelId, async (c) => {
  await deleteChannel({ env: c.env, actor: c.get("actor"), page: c.get("page") }, c.req.valid("param").id);
  return c.body(null, 204);
});
channelsApi.post("/channels/:id/test", channelId, async (c) => {
  const result = await testChannel(c.env, c.req.valid("param").id, c.get("page"));
  return c.json(result);
});
channelsApi.get("/notifications", async (c) =>
  c.json(
    (
      await listNotifications(
        c.env.DB,
        logFilter((n) => c.req.query(n)),
      )
    ).map(notificationJson),
  ),
);
