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
import { importApi } from "../admin/import";
import {
  attachToLink,
  createIncidentTemplate,
  deleteIncidentTemplateById,
  getIncidentTemplate,
  listIncidentTemplates,
  updateIncidentTemplateById,
} from "../admin/incident-templates";
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
  heartbeatStates,
  linkAlert,
  listAlerts,
  listIntegrations,
  listLinks,
  resolveAlert,
  rotateIntegrationKey,
  updateIntegration,
} from "../admin/integrations";
import {
  createOperatorKey,
  createPage,
  deleteIdentityPages,
  deletePage,
  listIdentityPages,
  listOperatorKeys,
  mayTouch,
  putIdentityPages,
  resolvePage,
  revokeOperatorKey,
  updatePage,
  visiblePages,
} from "../admin/pages";
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

export const adminCtx = (c: Context<AdminEnv>): AdminCtx => adminContext(c.env, c.get("actor"), baseUrl(c), c.get("page"));

/**
 * Resources that are the install's, not a page's: integrations and links route to components of any page,
 * and the logs, operator keys and page limits cover every page. Only an operator of every page may use them.
 */
const INSTALL_WIDE = new Set(["integrations", "links", "alerts", "deliveries", "ingest", "audit", "failed-attempts", "keys", "operator-pages"]);

/** An operator limited to some pages gets 403 outside them, on every route (pages.ts: mayTouch). */
function refuseOutside(c: Context<AdminEnv>, page: number | null, resource: string | undefined) {
  const pages = c.get("pages");
  if (pages === null) return;
  const who = `this operator may touch page${pages.length === 1 ? "" : "s"} ${pages.join(", ") || "(none)"} only`;
  if (resource && INSTALL_WIDE.has(resource)) throw new HttpError(403, `${who}: ${resource} belong to every page`);
  if (page !== null && !mayTouch(pages, page)) throw new HttpError(403, `${who}, not page ${page}`);
}

// Which page a request acts on: `/pages/:page/<resource>` names it (slug or id), any other path is page 1.
adminApi.use("*", async (c, next) => {
  const path = c.req.path.slice("/admin/api".length);
  const scoped = /^\/pages\/([^/]+)(?:\/([^/]+))?/.exec(path);
  if (scoped) {
    const page = await resolvePage(c.env.DB, decodeURIComponent(scoped[1]!));
    refuseOutside(c, page.id, scoped[2]);
    c.set("page", page.id);
  } else {
    const resource = /^\/([^/]+)/.exec(path)?.[1];
    // The list of pages shows an operator its own; creating one is for operators of every page.
    // An import names its page in its body, and checks it there (admin/import.ts).
    refuseOutside(c, resource === "pages" || resource === "import" ? null : 1, resource === "pages" && c.req.method !== "GET" ? "keys" : resource);
    c.set("page", 1);
  }
  return next();
});

/** Every resource of a page: at `/admin/api/<resource>` on page 1, and at `/admin/api/pages/:page/<resource>` on any. */
const resources = new Hono<AdminEnv>();

// ── Pages ───────────────────────────────────────────────────────────────────

adminApi.get("/pages", async (c) => c.json(await visiblePages(c.env.DB, c.get("pages"))));
adminApi.post("/pages", ...json(s.pageCreate), async (c) => c.json(await createPage(adminCtx(c), c.req.valid("json")), 201));
adminApi.get("/pages/:page", async (c) => c.json(await resolvePage(c.env.DB, c.req.param("page"))));
adminApi.patch("/pages/:page", ...json(s.pagePatch), async (c) => c.json(await updatePage(adminCtx(c), c.req.param("page"), c.req.valid("json"))));
// 409 while it has components (naming how many), and for page 1.
adminApi.delete("/pages/:page", async (c) => {
  await deletePage(adminCtx(c), c.req.param("page"));
  return c.body(null, 204);
});

// ── Operator keys and Access identities' pages ──────────────────────────────

adminApi.get("/keys", async (c) => c.json(await listOperatorKeys(c.env.DB)));
// The key is in this answer only.
adminApi.post("/keys", ...json(s.keyCreate), async (c) => c.json(await createOperatorKey(adminCtx(c), c.req.valid("json")), 201));
adminApi.post("/keys/:keyId/revoke", async (c) => c.json(await revokeOperatorKey(adminCtx(c), c.req.param("keyId"))));
adminApi.get("/operator-pages", async (c) => c.json(await listIdentityPages(c.env.DB)));
adminApi.put("/operator-pages", ...json(s.operatorPagesPut), async (c) => c.json(await putIdentityPages(adminCtx(c), c.req.valid("json"))));
adminApi.delete("/operator-pages/:identity", async (c) => {
  await deleteIdentityPages(adminCtx(c), decodeURIComponent(c.req.param("identity")));
  return c.body(null, 204);
});

// ── Components and groups ───────────────────────────────────────────────────

resources.get("/components", async (c) => c.json(await listComponents(c.env.DB, c.get("page"))));
resources.post("/components", ...json(s.componentCreate), async (c) => c.json(await createComponent(adminCtx(c), c.req.valid("json")), 201));
resources.get("/components/:id", param, async (c) => c.json(await getComponent(c.env.DB, c.req.valid("param").id, c.get("page"))));
resources.patch("/components/:id", param, ...json(s.componentPatch), async (c) =>
  c.json(await updateComponent(adminCtx(c), c.req.valid("param").id, c.req.valid("json"))),
);
// 409 naming what uses it (open incidents, upcoming maintenance, links, integrations) unless ?force=true.
resources.delete("/components/:id", param, query(z.object({ force: oneOf(["true", "false"], "false") })), async (c) => {
  await deleteComponent(adminCtx(c), c.req.valid("param").id, c.req.valid("query").force === "true");
  return c.body(null, 204);
});
resources.put("/components/:id/status", param, ...json(s.componentStatusPut), async (c) =>
  c.json(await overrideComponent(adminCtx(c), c.req.valid("param").id, c.req.valid("json").status)),
);
resources.delete("/components/:id/status", param, async (c) => c.json(await overrideComponent(adminCtx(c), c.req.valid("param").id, null)));

resources.get("/groups", async (c) => c.json(await listGroups(c.env.DB, c.get("page"))));
resources.post("/groups", ...json(s.groupCreate), async (c) => c.json(await createGroup(adminCtx(c), c.req.valid("json")), 201));
resources.patch("/groups/:id", param, ...json(s.groupPatch), async (c) => c.json(await updateGroup(adminCtx(c), c.req.valid("param").id, c.req.valid("json"))));
resources.delete("/groups/:id", param, async (c) => {
  await deleteGroup(adminCtx(c), c.req.valid("param").id);
  return c.body(null, 204);
});

// ── Integrations, links, alerts, deliveries ─────────────────────────────────

resources.get("/integrations", async (c) => c.json(await listIntegrations(c.env.DB, baseUrl(c), await heartbeatStates(c.env))));
resources.post("/integrations", ...json(s.integrationCreate), async (c) => c.json(await createIntegration(adminCtx(c), c.req.valid("json")), 201));
resources.get("/integrations/:id", param, async (c) =>
  c.json(await getIntegration(c.env.DB, baseUrl(c), c.req.valid("param").id, await heartbeatStates(c.env))),
);
resources.patch("/integrations/:id", param, ...json(s.integrationPatch), async (c) =>
  c.json(await updateIntegration(adminCtx(c), c.req.valid("param").id, c.req.valid("json"))),
);
// The custom receiver's mapping over the last delivery received: `{mapping}` to try one before saving it.
resources.post("/integrations/:id/mapping/preview", param, async (c) => {
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
resources.post("/integrations/:id/rotate", param, async (c) => c.json(await rotateIntegrationKey(adminCtx(c), c.req.valid("param").id)));
resources.delete("/integrations/:id", param, async (c) => c.json(await deleteIntegration(adminCtx(c), c.req.valid("param").id)));

resources.get("/links", query(z.object({ integration_id: text })), async (c) => c.json(await listLinks(c.env.DB, c.req.valid("query").integration_id)));
resources.post("/links", ...json(s.linkCreate), async (c) => c.json(await createLink(adminCtx(c), c.req.valid("json")), 201));
resources.patch("/links/:id", param, ...json(s.linkPatch), async (c) => {
  const id = c.req.valid("param").id;
  await attachToLink(adminCtx(c), id, c.req.valid("json").incident_template_id);
  const link = (await listLinks(c.env.DB)).find((l) => l.id === id);
  if (!link) throw new HttpError(404, `no link ${id}`);
  return c.json(link);
});
resources.delete("/links/:id", param, async (c) => {
  await deleteLink(adminCtx(c), c.req.valid("param").id);
  return c.body(null, 204);
});

resources.get("/alerts", query(z.object({ unrouted: flag, firing: flag, limit })), async (c) => c.json(await listAlerts(c.env.DB, c.req.valid("query"))));
resources.post("/alerts/:id/resolve", param, async (c) => c.json(await resolveAlert(adminCtx(c), c.req.valid("param").id)));
resources.post("/alerts/:id/link", param, ...json(s.alertLink), async (c) =>
  c.json(await linkAlert(adminCtx(c), c.req.valid("param").id, c.req.valid("json")), 201),
);

// Deliveries refused for a missing or unknown key: counts per hour, source and key prefix, no payloads.
resources.get("/deliveries/refused", query(z.object({ limit })), async (c) => c.json(await listRefusals(c.env.DB, c.req.valid("query").limit)));

resources.get("/deliveries", query(z.object({ integration_id: text, outcome: oneOf(DELIVERY_OUTCOMES), before: text, limit })), async (c) => {
  const q = c.req.valid("query");
  return c.json(await listDeliveries(c.env.DB, { integrationId: q.integration_id, outcome: q.outcome, before: q.before, limit: q.limit }));
});

// The Ingestor's inbox: deliveries accepted but not yet in D1, and the last D1 error. Answered
// from the Durable Object alone, so it works while D1 is down.
resources.get("/ingest", async (c) => c.json(await ingestor(c.env).inboxStatus()));
resources.post("/ingest/retry", async (c) => c.json(await ingestor(c.env).retryProjection()));

// ── Incidents and maintenances ──────────────────────────────────────────────

// Incident templates, per page: the words an incident opens with.
resources.get("/incident-templates", async (c) => c.json(await listIncidentTemplates(c.env.DB, c.get("page"))));
resources.post("/incident-templates", ...json(s.incidentTemplateCreate), async (c) =>
  c.json(await createIncidentTemplate(adminCtx(c), c.req.valid("json"), c.get("page")), 201),
);
resources.get("/incident-templates/:id", param, async (c) => c.json(await getIncidentTemplate(c.env.DB, c.req.valid("param").id, c.get("page"))));
resources.patch("/incident-templates/:id", param, ...json(s.incidentTemplatePatch), async (c) =>
  c.json(await updateIncidentTemplateById(adminCtx(c), c.req.valid("param").id, c.req.valid("json"), c.get("page"))),
);
resources.delete("/incident-templates/:id", param, async (c) => {
  await deleteIncidentTemplateById(adminCtx(c), c.req.valid("param").id, c.get("page"));
  return c.body(null, 204);
});

const filterOf = <T extends Record<string, unknown>>(filters: T) =>
  query(z.object({ status: oneOf(Object.keys(filters) as [keyof T & string, ...Array<keyof T & string>], "open"), limit }));

const keysOf = <T extends Record<string, unknown>>(filters: T) => Object.keys(filters) as [keyof T & string, ...Array<keyof T & string>];
// `publication`: published (default), drafts, suppressed or discarded; `status` defaults to open for
// published incidents, to all for the others (suppressed and discarded ones are closed).
const incidentsQuery = z.object({ status: oneOf(keysOf(INCIDENT_FILTERS)), publication: oneOf(keysOf(PUBLICATION_FILTERS), "published"), limit });
resources.get("/incidents", query(incidentsQuery), async (c) => {
  const q = c.req.valid("query");
  return c.json(await listIncidents(adminCtx(c), q.status ?? (q.publication === "published" ? "open" : "all"), q.limit, q.publication));
});
resources.post("/incidents", ...json(s.incidentCreate), async (c) => c.json(await createIncident(adminCtx(c), c.req.valid("json")), 201));
resources.get("/incidents/:id", param, async (c) => c.json(await getIncident(adminCtx(c), c.req.valid("param").id)));
resources.post("/incidents/:id/updates", param, ...json(s.incidentUpdate), async (c) =>
  c.json(await postUpdate(adminCtx(c), c.req.valid("param").id, c.req.valid("json")), 201),
);

// Drafts and incidents in their grace period: published (optionally with a new name and
// first update; the body may be empty) or discarded, each with its audit row.
resources.post("/incidents/:id/publish", param, async (c) => {
  const body = (await c.req.raw.clone().text()).trim() ? await jsonBody(c.req) : {};
  return c.json(await publishIncident(adminCtx(c), c.req.valid("param").id, validate(s.incidentPublish, body)));
});
resources.post("/incidents/:id/discard", param, async (c) => c.json(await discardIncident(adminCtx(c), c.req.valid("param").id)));

resources.get("/maintenances", filterOf(MAINTENANCE_FILTERS), async (c) => {
  const q = c.req.valid("query");
  return c.json(await listMaintenances(adminCtx(c), q.status, q.limit));
});
resources.post("/maintenances", ...json(s.maintenanceCreate), async (c) => c.json(await createMaintenance(adminCtx(c), c.req.valid("json")), 201));

// Recurring maintenance: the cron creates each rule's occurrences ahead of time; an edit changes the future ones only.
resources.get("/maintenance-rules", async (c) => c.json(await listMaintenanceRules(adminCtx(c))));
resources.post("/maintenance-rules", ...json(s.maintenanceRule), async (c) => c.json(await saveMaintenanceRule(adminCtx(c), null, c.req.valid("json")), 201));
resources.get("/maintenance-rules/:id", param, async (c) => c.json(await getMaintenanceRule(adminCtx(c), c.req.valid("param").id)));
resources.put("/maintenance-rules/:id", param, ...json(s.maintenanceRule), async (c) =>
  c.json(await saveMaintenanceRule(adminCtx(c), c.req.valid("param").id, c.req.valid("json"))),
);
resources.delete("/maintenance-rules/:id", param, async (c) => {
  await deleteMaintenanceRule(adminCtx(c), c.req.valid("param").id);
  return c.body(null, 204);
});

// A resolved incident's postmortem: drafted (PUT), then published (optionally told to subscribers), or withdrawn.
resources.get("/incidents/:id/postmortem", param, async (c) => c.json(await getPostmortem(adminCtx(c), c.req.valid("param").id)));
resources.put("/incidents/:id/postmortem", param, ...json(s.postmortemPut), async (c) =>
  c.json(await savePostmortem(adminCtx(c), c.req.valid("param").id, c.req.valid("json"))),
);
resources.post("/incidents/:id/postmortem/publish", param, async (c) => {
  const body = (await c.req.raw.clone().text()).trim() ? await jsonBody(c.req) : {};
  return c.json(await publishPostmortem(adminCtx(c), c.req.valid("param").id, validate(s.postmortemPublish, body).notify ?? false));
});
resources.delete("/incidents/:id/postmortem", param, async (c) => {
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
resources.get("/failed-attempts", query(z.object({ limit })), async (c) => c.json(await listFailedAttempts(c.env.DB, c.req.valid("query").limit)));

resources.get("/audit", query(auditQuery), async (c) => {
  const q = c.req.valid("query");
  return c.json(await listAudit(c.env.DB, { limit: q.limit, before: q.before, action: q.action, targetId: q.target_id }));
});

// ── Subscribers (worker/admin/subscribers.ts) ───────────────────────────────

resources.route("/", subscribersApi);

// Operator channels and the notification log (worker/admin/channels.ts).
resources.route("/", channelsApi);

resources.get("/settings", async (c) => c.json(await getSettings(c.env.DB, c.get("page"))));
resources.put("/settings", ...json(s.settingsPut), async (c) => c.json(await putSettings(adminCtx(c), c.req.valid("json"))));

// Import from a Statuspage page's v2 API (it names its page), and a page's export (worker/admin/import.ts).
adminApi.route("/", importApi);

adminApi.route("/", resources);
adminApi.route("/pages/:page", resources);

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
