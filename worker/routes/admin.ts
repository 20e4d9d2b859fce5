// /admin: the operators' UI (worker/routes/admin-ui.tsx) and, under /admin/api, the same actions as JSON
// for scripts and CI (bearer ADMIN_TOKEN or Cloudflare Access). Thin: parse, authenticate, validate,
// then the shared actions in worker/admin/*, which write each change with its audit row in one batch.
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { listAudit } from "../../db/audit";
import { listFailedAttempts } from "../../db/failed-attempts";
import { DELIVERY_OUTCOMES } from "../../domain/status";
import {
  type AdminCtx,
  adminContext,
  createComponent,
  createGroup,
  deleteComponent,
  deleteGroup,
  getComponent,
  getSettings,
  listComponents,
  listGroups,
  overrideComponent,
  putSettings,
  updateComponent,
  updateGroup,
} from "../admin/catalog";
import { channelsApi } from "../admin/channels";
import { listDeliveries, maskIntegrationKeys, previewMapping } from "../admin/deliveries";
import {
  createIncident,
  createMaintenance,
  discardIncident,
  getIncident,
  INCIDENT_FILTERS,
  listIncidents,
  listMaintenances,
  MAINTENANCE_FILTERS,
  PUBLICATION_FILTERS,
  postUpdate,
  publishIncident,
} from "../admin/incidents";
import {
  createIntegration,
  createLink,
  deleteIntegration,
  deleteLink,
  getIntegration,
  linkAlert,
  listAlerts,
  listIntegrations,
  listLinks,
  resolveAlert,
  rotateIntegrationKey,
  updateIntegration,
} from "../admin/integrations";
import {
  deleteMaintenanceRule,
  deletePostmortem,
  getMaintenanceRule,
  getPostmortem,
  listMaintenanceRules,
  publishPostmortem,
  saveMaintenanceRule,
  savePostmortem,
} from "../admin/postmortems";
import * as s from "../admin/schemas";
import { subscribersApi } from "../admin/subscribers";
import { type AdminEnv, requireAdminApi } from "../auth";
import { baseUrl } from "../cache";
import { HttpError } from "../errors";
import { ingestor } from "../ingestor";
import { listRefusals } from "../security/refusals";
import { flag, json, jsonBody, limit, oneOf, param, query, text, validate } from "../validate";
import { adminUi } from "./admin-ui";

export const adminApi = new Hono<AdminEnv>();

adminApi.use("*", requireAdminApi);

export const adminCtx = (c: Context<AdminEnv>): AdminCtx => adminContext(c.env, c.get("actor"), baseUrl(c));

// ── Components and groups ───────────────────────────────────────────────────

adminApi.get("/components", async (c) => c.json(await listComponents(c.env.DB)));
adminApi.post("/components", ...json(s.componentCreate), async (c) => c.json(await createComponent(adminCtx(c), c.req.valid("json")), 201));
adminApi.get("/components/:id", param, async (c) => c.json(await getComponent(c.env.DB, c.req.valid("param").id)));
adminApi.patch("/components/:id", param, ...json(s.componentPatch), async (c) =>
  c.json(await updateComponent(adminCtx(c), c.req.valid("param").id, c.req.valid("json"))),
);
// 409 naming what uses it (open incidents, upcoming maintenance, links, integrations) unless ?force=true.
adminApi.delete("/components/:id", param, query(z.object({ force: oneOf(["true", "false"], "false") })), async (c) => {
  await deleteComponent(adminCtx(c), c.req.valid("param").id, c.req.valid("query").force === "true");
  return c.body(null, 204);
});
adminApi.put("/components/:id/status", param, ...json(s.componentStatusPut), async (c) =>
  c.json(await overrideComponent(adminCtx(c), c.req.valid("param").id, c.req.valid("json").status)),
);
adminApi.delete("/components/:id/status", param, async (c) => c.json(await overrideComponent(adminCtx(c), c.req.valid("param").id, null)));

adminApi.get("/groups", async (c) => c.json(await listGroups(c.env.DB)));
adminApi.post("/groups", ...json(s.groupCreate), async (c) => c.json(await createGroup(adminCtx(c), c.req.valid("json")), 201));
adminApi.patch("/groups/:id", param, ...json(s.groupPatch), async (c) => c.json(await updateGroup(adminCtx(c), c.req.valid("param").id, c.req.valid("json"))));
adminApi.delete("/groups/:id", param, async (c) => {
  await deleteGroup(adminCtx(c), c.req.valid("param").id);
  return c.body(null, 204);
});

// ── Integrations, links, alerts, deliveries ─────────────────────────────────

adminApi.get("/integrations", async (c) => c.json(await listIntegrations(c.env.DB, baseUrl(c))));
adminApi.post("/integrations", ...json(s.integrationCreate), async (c) => c.json(await createIntegration(adminCtx(c), c.req.valid("json")), 201));
adminApi.get("/integrations/:id", param, async (c) => c.json(await getIntegration(c.env.DB, baseUrl(c), c.req.valid("param").id)));
adminApi.patch("/integrations/:id", param, ...json(s.integrationPatch), async (c) =>
  c.json(await updateIntegration(adminCtx(c), c.req.valid("param").id, c.req.valid("json"))),
);
// The custom receiver's mapping over the last delivery received: `{mapping}` to try one before saving it.
adminApi.post("/integrations/:id/mapping/preview", param, async (c) => {
  const text = await c.req.text();
  let body: unknown = {};
  if (text.trim()) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, "`body` is not valid JSON", "body");
    }
  }
  const given = typeof body === "object" && body !== null && "mapping" in body ? (body as { mapping: unknown }).mapping : undefined;
  return c.json(await previewMapping(c.env.DB, baseUrl(c), c.req.valid("param").id, given));
});
adminApi.post("/integrations/:id/rotate", param, async (c) => c.json(await rotateIntegrationKey(adminCtx(c), c.req.valid("param").id)));
adminApi.delete("/integrations/:id", param, async (c) => c.json(await deleteIntegration(adminCtx(c), c.req.valid("param").id)));

adminApi.get("/links", query(z.object({ integration_id: text })), async (c) => c.json(await listLinks(c.env.DB, c.req.valid("query").integration_id)));
adminApi.post("/links", ...json(s.linkCreate), async (c) => c.json(await createLink(adminCtx(c), c.req.valid("json")), 201));
adminApi.delete("/links/:id", param, async (c) => {
  await deleteLink(adminCtx(c), c.req.valid("param").id);
  return c.body(null, 204);
});

adminApi.get("/alerts", query(z.object({ unrouted: flag, firing: flag, limit })), async (c) => c.json(await listAlerts(c.env.DB, c.req.valid("query"))));
adminApi.post("/alerts/:id/resolve", param, async (c) => c.json(await resolveAlert(adminCtx(c), c.req.valid("param").id)));
adminApi.post("/alerts/:id/link", param, ...json(s.alertLink), async (c) =>
  c.json(await linkAlert(adminCtx(c), c.req.valid("param").id, c.req.valid("json")), 201),
);

// Deliveries refused for a missing or unknown key: counts per hour, source and key prefix, no payloads.
adminApi.get("/deliveries/refused", query(z.object({ limit })), async (c) => c.json(await listRefusals(c.env.DB, c.req.valid("query").limit)));

adminApi.get("/deliveries", query(z.object({ integration_id: text, outcome: oneOf(DELIVERY_OUTCOMES), before: text, limit })), async (c) => {
  const q = c.req.valid("query");
  return c.json(await listDeliveries(c.env.DB, { integrationId: q.integration_id, outcome: q.outcome, before: q.before, limit: q.limit }));
});

// The Ingestor's inbox: deliveries accepted but not yet in D1, and the last D1 error. Answered
// from the Durable Object alone, so it works while D1 is down.
adminApi.get("/ingest", async (c) => c.json(await ingestor(c.env).inboxStatus()));
adminApi.post("/ingest/retry", async (c) => c.json(await ingestor(c.env).retryProjection()));

// ── Incidents and maintenances ──────────────────────────────────────────────

const filterOf = <T extends Record<string, unknown>>(filters: T) =>
  query(z.object({ status: oneOf(Object.keys(filters) as [keyof T & string, ...Array<keyof T & string>], "open"), limit }));

const keysOf = <T extends Record<string, unknown>>(filters: T) => Object.keys(filters) as [keyof T & string, ...Array<keyof T & string>];
// `publication`: published (default), drafts, suppressed or discarded; `status` defaults to open for
// published incidents, to all for the others (suppressed and discarded ones are closed).
const incidentsQuery = z.object({ status: oneOf(keysOf(INCIDENT_FILTERS)), publication: oneOf(keysOf(PUBLICATION_FILTERS), "published"), limit });
adminApi.get("/incidents", query(incidentsQuery), async (c) => {
  const q = c.req.valid("query");
  return c.json(await listIncidents(adminCtx(c), q.status ?? (q.publication === "published" ? "open" : "all"), q.limit, q.publication));
});
adminApi.post("/incidents", ...json(s.incidentCreate), async (c) => c.json(await createIncident(adminCtx(c), c.req.valid("json")), 201));
adminApi.get("/incidents/:id", param, async (c) => c.json(await getIncident(adminCtx(c), c.req.valid("param").id)));
adminApi.post("/incidents/:id/updates", param, ...json(s.incidentUpdate), async (c) =>
  c.json(await postUpdate(adminCtx(c), c.req.valid("param").id, c.req.valid("json")), 201),
);

// Drafts and incidents in their grace period: published (optionally with a new name and
// first update; the body may be empty) or discarded, each with its audit row.
adminApi.post("/incidents/:id/publish", param, async (c) => {
  const body = (await c.req.raw.clone().text()).trim() ? await jsonBody(c.req) : {};
  return c.json(await publishIncident(adminCtx(c), c.req.valid("param").id, validate(s.incidentPublish, body)));
});
adminApi.post("/incidents/:id/discard", param, async (c) => c.json(await discardIncident(adminCtx(c), c.req.valid("param").id)));

adminApi.get("/maintenances", filterOf(MAINTENANCE_FILTERS), async (c) => {
  const q = c.req.valid("query");
  return c.json(await listMaintenances(adminCtx(c), q.status, q.limit));
});
adminApi.post("/maintenances", ...json(s.maintenanceCreate), async (c) => c.json(await createMaintenance(adminCtx(c), c.req.valid("json")), 201));

// Recurring maintenance: the cron creates each rule's occurrences ahead of time; an edit changes the future ones only.
adminApi.get("/maintenance-rules", async (c) => c.json(await listMaintenanceRules(adminCtx(c))));
adminApi.post("/maintenance-rules", ...json(s.maintenanceRule), async (c) => c.json(await saveMaintenanceRule(adminCtx(c), null, c.req.valid("json")), 201));
adminApi.get("/maintenance-rules/:id", param, async (c) => c.json(await getMaintenanceRule(adminCtx(c), c.req.valid("param").id)));
adminApi.put("/maintenance-rules/:id", param, ...json(s.maintenanceRule), async (c) =>
  c.json(await saveMaintenanceRule(adminCtx(c), c.req.valid("param").id, c.req.valid("json"))),
);
adminApi.delete("/maintenance-rules/:id", param, async (c) => {
  await deleteMaintenanceRule(adminCtx(c), c.req.valid("param").id);
  return c.body(null, 204);
});

// A resolved incident's postmortem: drafted (PUT), then published (optionally told to subscribers), or withdrawn.
adminApi.get("/incidents/:id/postmortem", param, async (c) => c.json(await getPostmortem(adminCtx(c), c.req.valid("param").id)));
adminApi.put("/incidents/:id/postmortem", param, ...json(s.postmortemPut), async (c) =>
  c.json(await savePostmortem(adminCtx(c), c.req.valid("param").id, c.req.valid("json"))),
);
adminApi.post("/incidents/:id/postmortem/publish", param, async (c) => {
  const body = (await c.req.raw.clone().text()).trim() ? await jsonBody(c.req) : {};
  return c.json(await publishPostmortem(adminCtx(c), c.req.valid("param").id, validate(s.postmortemPublish, body).notify ?? false));
});
adminApi.delete("/incidents/:id/postmortem", param, async (c) => {
  await deletePostmortem(adminCtx(c), c.req.valid("param").id);
  return c.body(null, 204);
});

// ── Audit log and page settings ─────────────────────────────────────────────

const auditQuery = z.object({
  limit,
  before: z
    .string()
    .regex(/^\d+$/, "must be an audit entry id")
    .optional()
    .transform((v) => (v ? Number(v) : undefined)),
  action: text,
  target_id: text,
});
// Failed sign-ins, wrong tokens and passwords, subscribe requests: counts per hour, kind and client, no rows per attempt.
adminApi.get("/failed-attempts", query(z.object({ limit })), async (c) => c.json(await listFailedAttempts(c.env.DB, c.req.valid("query").limit)));

adminApi.get("/audit", query(auditQuery), async (c) => {
  const q = c.req.valid("query");
  return c.json(await listAudit(c.env.DB, { limit: q.limit, before: q.before, action: q.action, targetId: q.target_id }));
});

// ── Subscribers (worker/admin/subscribers.ts) ───────────────────────────────

adminApi.route("/", subscribersApi);

// Operator channels and the notification log (worker/admin/channels.ts).
adminApi.route("/", channelsApi);

adminApi.get("/settings", async (c) => c.json(await getSettings(c.env.DB)));
adminApi.put("/settings", ...json(s.settingsPut), async (c) => c.json(await putSettings(adminCtx(c), c.req.valid("json"))));

/** The answers that show a new integration key: its creation and its rotation, and nothing else. */
const SHOWS_NEW_KEY = /^\/admin(\/api)?\/integrations(\/[a-z0-9]{12}\/rotate)?$/;
/** Counters and D1's error text, no key can be in them; masking reads D1, which may be down. */
const NEEDS_NO_MASK = /^\/admin\/api\/ingest(\/retry)?$/;

/** /admin: the UI and, under /admin/api, the JSON API. Nothing under /admin is ever cached. */
export const admin = new Hono<AdminEnv>();

/** Every admin body, the login form's too: no action needs more, and nobody reads a larger one. */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

admin.use("*", async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
  c.header("X-Content-Type-Options", "nosniff");
  if (!(c.req.method === "POST" && SHOWS_NEW_KEY.test(c.req.path)) && !NEEDS_NO_MASK.test(c.req.path)) {
    const type = c.res.headers.get("content-type") ?? "";
    if (/^(application\/json|text\/html)/.test(type) && c.res.body) {
      const text = await c.res.text();
      const masked = await maskIntegrationKeys(c.env.DB, text);
      if (masked !== text) {
        c.res = new Response(masked, c.res);
        c.res.headers.delete("content-length");
      } else c.res = new Response(text, c.res);
    }
  }
});
// Declared or streamed, a body past the limit is refused before anything parses it.
admin.use(
  "*",
  bodyLimit({
    maxSize: MAX_ADMIN_BODY_BYTES,
    onError: () => {
      throw new HttpError(413, `admin request bodies are limited to ${MAX_ADMIN_BODY_BYTES / 1024} KB`);
    },
  }),
);
admin.route("/api", adminApi);
admin.route("/", adminUi);
