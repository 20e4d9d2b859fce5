// /admin: the operators' UI (worker/admin/ui.tsx) and, under /admin/api, the same actions as JSON
// for scripts and CI (bearer ADMIN_TOKEN or Cloudflare Access). Thin: parse, authenticate, validate,
// then the shared actions in worker/admin/*, which write each change with its audit row in one batch.
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { listAudit } from "../admin/audit";
import { channelsApi } from "../admin/channels";
import {
  type AdminCtx,
  baseUrl,
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
import {
  createIncident,
  createMaintenance,
  getIncident,
  INCIDENT_FILTERS,
  listIncidents,
  listMaintenances,
  MAINTENANCE_FILTERS,
  postUpdate,
} from "../admin/incidents";
import {
  createIntegration,
  createLink,
  DELIVERY_OUTCOMES,
  deleteIntegration,
  deleteLink,
  getIntegration,
  linkAlert,
  listAlerts,
  listDeliveries,
  listIntegrations,
  listLinks,
  maskIntegrationKeys,
  resolveAlert,
  rotateIntegrationKey,
  updateIntegration,
} from "../admin/integrations";
import { previewMapping } from "../admin/integrations";
import * as s from "../admin/schemas";
import { subscribersApi } from "../admin/subscribers";
import { adminUi } from "../admin/ui";
import { type AdminEnv, requireAdminApi } from "../auth";
import { HttpError } from "../errors";
import { ingestor } from "../ingestor";
import { listRefusals } from "../security/refusals";
import { jsonBody, validate } from "../validate";

export { audit } from "../admin/audit";
export { slugify } from "../admin/catalog";

export const adminApi = new Hono<AdminEnv>();

adminApi.use("*", requireAdminApi);

export const adminCtx = (c: Context<AdminEnv>): AdminCtx => ({ env: c.env, actor: c.get("actor"), base: baseUrl(c) });

/** A path id, or 404 before any query (ids are 12 lowercase letters and digits). */
const id = (c: Context<AdminEnv>, name = "id") => {
  const v = c.req.param(name) ?? "";
  if (!/^[a-z0-9]{12}$/.test(v)) throw new HttpError(404, `no such ${name === "id" ? "resource" : name}: ${JSON.stringify(v.slice(0, 40))}`);
  return v;
};

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], field: string, fallback?: T): T | undefined {
  if (value === undefined || value === "") return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new HttpError(400, `\`${field}\` must be one of ${allowed.join(", ")}`, field);
  return value as T;
}

const limitOf = (c: Context) => {
  const raw = c.req.query("limit");
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new HttpError(400, "`limit` must be an integer from 1 to 500", "limit");
  return n;
};

// ── Components and groups ───────────────────────────────────────────────────

adminApi.get("/components", async (c) => c.json(await listComponents(c.env.DB)));
adminApi.post("/components", async (c) => c.json(await createComponent(adminCtx(c), validate(s.componentCreate, await jsonBody(c.req))), 201));
adminApi.get("/components/:id", async (c) => c.json(await getComponent(c.env.DB, id(c))));
adminApi.patch("/components/:id", async (c) => c.json(await updateComponent(adminCtx(c), id(c), validate(s.componentPatch, await jsonBody(c.req)))));
// 409 naming what uses it (open incidents, upcoming maintenance, links, integrations) unless ?force=true.
adminApi.delete("/components/:id", async (c) => {
  const force = oneOf(c.req.query("force"), ["true", "false"] as const, "force", "false") === "true";
  await deleteComponent(adminCtx(c), id(c), force);
  return c.body(null, 204);
});
adminApi.put("/components/:id/status", async (c) => {
  const body = validate(s.componentStatusPut, await jsonBody(c.req));
  return c.json(await overrideComponent(adminCtx(c), id(c), body.status));
});
adminApi.delete("/components/:id/status", async (c) => c.json(await overrideComponent(adminCtx(c), id(c), null)));

adminApi.get("/groups", async (c) => c.json(await listGroups(c.env.DB)));
adminApi.post("/groups", async (c) => c.json(await createGroup(adminCtx(c), validate(s.groupCreate, await jsonBody(c.req))), 201));
adminApi.patch("/groups/:id", async (c) => c.json(await updateGroup(adminCtx(c), id(c), validate(s.groupPatch, await jsonBody(c.req)))));
adminApi.delete("/groups/:id", async (c) => {
  await deleteGroup(adminCtx(c), id(c));
  return c.body(null, 204);
});

// ── Integrations, links, alerts, deliveries ─────────────────────────────────

adminApi.get("/integrations", async (c) => c.json(await listIntegrations(c.env.DB, baseUrl(c))));
adminApi.post("/integrations", async (c) => c.json(await createIntegration(adminCtx(c), validate(s.integrationCreate, await jsonBody(c.req))), 201));
adminApi.get("/integrations/:id", async (c) => c.json(await getIntegration(c.env.DB, baseUrl(c), id(c))));
adminApi.patch("/integrations/:id", async (c) =>
  c.json(await updateIntegration(adminCtx(c), id(c), validate(s.integrationPatch, await jsonBody(c.req)))),
);
// The custom receiver's mapping over the last delivery received: `{mapping}` to try one before saving it.
adminApi.post("/integrations/:id/mapping/preview", async (c) => {
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
  return c.json(await previewMapping(c.env.DB, baseUrl(c), id(c), given));
});
adminApi.post("/integrations/:id/rotate", async (c) => c.json(await rotateIntegrationKey(adminCtx(c), id(c))));
adminApi.delete("/integrations/:id", async (c) => c.json(await deleteIntegration(adminCtx(c), id(c))));

adminApi.get("/links", async (c) => {
  const integrationId = c.req.query("integration_id") || undefined;
  return c.json(await listLinks(c.env.DB, integrationId));
});
adminApi.post("/links", async (c) => c.json(await createLink(adminCtx(c), validate(s.linkCreate, await jsonBody(c.req))), 201));
adminApi.delete("/links/:id", async (c) => {
  await deleteLink(adminCtx(c), id(c));
  return c.body(null, 204);
});

adminApi.get("/alerts", async (c) => {
  const flag = (name: string) => ["1", "true"].includes(c.req.query(name) ?? "");
  return c.json(await listAlerts(c.env.DB, { unrouted: flag("unrouted"), firing: flag("firing"), limit: limitOf(c) }));
});
adminApi.post("/alerts/:id/resolve", async (c) => c.json(await resolveAlert(adminCtx(c), id(c))));
adminApi.post("/alerts/:id/link", async (c) => c.json(await linkAlert(adminCtx(c), id(c), validate(s.alertLink, await jsonBody(c.req))), 201));

// Deliveries refused for a missing or unknown key: counts per hour, source and key prefix, no payloads.
adminApi.get("/deliveries/refused", async (c) => c.json(await listRefusals(c.env.DB, limitOf(c))));

adminApi.get("/deliveries", async (c) =>
  c.json(
    await listDeliveries(c.env.DB, {
      integrationId: c.req.query("integration_id") || undefined,
      outcome: oneOf(c.req.query("outcome"), DELIVERY_OUTCOMES, "outcome"),
      before: c.req.query("before") || undefined,
      limit: limitOf(c),
    }),
  ),
);

// The Ingestor's inbox: deliveries accepted but not yet in D1, and the last D1 error. Answered
// from the Durable Object alone, so it works while D1 is down.
adminApi.get("/ingest", async (c) => c.json(await ingestor(c.env).inboxStatus()));
adminApi.post("/ingest/retry", async (c) => c.json(await ingestor(c.env).retryProjection()));

// ── Incidents and maintenances ──────────────────────────────────────────────

adminApi.get("/incidents", async (c) => {
  const filter = oneOf(c.req.query("status"), Object.keys(INCIDENT_FILTERS) as Array<keyof typeof INCIDENT_FILTERS>, "status", "open")!;
  return c.json(await listIncidents(adminCtx(c), filter, limitOf(c)));
});
adminApi.post("/incidents", async (c) => c.json(await createIncident(adminCtx(c), validate(s.incidentCreate, await jsonBody(c.req))), 201));
adminApi.get("/incidents/:id", async (c) => c.json(await getIncident(adminCtx(c), id(c))));
adminApi.post("/incidents/:id/updates", async (c) =>
  c.json(await postUpdate(adminCtx(c), id(c), validate(s.incidentUpdate, await jsonBody(c.req))), 201),
);

adminApi.get("/maintenances", async (c) => {
  const filter = oneOf(c.req.query("status"), Object.keys(MAINTENANCE_FILTERS) as Array<keyof typeof MAINTENANCE_FILTERS>, "status", "open")!;
  return c.json(await listMaintenances(adminCtx(c), filter, limitOf(c)));
});
adminApi.post("/maintenances", async (c) =>
  c.json(await createMaintenance(adminCtx(c), validate(s.maintenanceCreate, await jsonBody(c.req))), 201),
);

// ── Audit log and page settings ─────────────────────────────────────────────

adminApi.get("/audit", async (c) => {
  const before = c.req.query("before");
  if (before !== undefined && !/^\d+$/.test(before)) throw new HttpError(400, "`before` must be an audit entry id", "before");
  return c.json(
    await listAudit(c.env.DB, {
      limit: limitOf(c),
      before: before ? Number(before) : undefined,
      action: c.req.query("action") || undefined,
      targetId: c.req.query("target_id") || undefined,
    }),
  );
});

// ── Subscribers (worker/admin/subscribers.ts) ───────────────────────────────

adminApi.route("/", subscribersApi);

// Operator channels and the notification log (worker/admin/channels.ts).
adminApi.route("/", channelsApi);

adminApi.get("/settings", async (c) => c.json(await getSettings(c.env.DB)));
adminApi.put("/settings", async (c) => c.json(await putSettings(adminCtx(c), validate(s.settingsPut, await jsonBody(c.req)))));

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
