// The admin UI's routes: pages (GET) and forms (POST, answered with a 303 back to where the operator
// was, carrying a one-line result). Forms build the same inputs as the JSON API and go through the
// same validation and actions, so both behave alike.
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import { audit, listAudit } from "../../db/audit";
import { listFailedAttempts } from "../../db/failed-attempts";
import { constantTimeEqual, nowIso } from "../../domain/ids";
import { zonedToUtc } from "../../domain/maintenance";
import { DELIVERY_OUTCOMES } from "../../domain/status";
import {
  type AdminCtx,
  createComponent,
  createGroup,
  deleteComponent,
  deleteGroup,
  getSettings,
  listComponents,
  listGroups,
  move,
  overrideComponent,
  putSettings,
  updateComponent,
  updateGroup,
} from "../admin/catalog";
import { listDeliveries, previewMapping } from "../admin/deliveries";
import {
  createIncident,
  createMaintenance,
  discardIncident,
  getIncident,
  listIncidents,
  listMaintenances,
  postUpdate,
  publishIncident,
} from "../admin/incidents";
import {
  createIntegration,
  createLink,
  deleteIntegration,
  deleteLink,
  type IntegrationWithKey,
  linkAlert,
  listAlerts,
  listIntegrations,
  listLinks,
  resolveAlert,
  rotateIntegrationKey,
  updateIntegration,
} from "../admin/integrations";
import { type Flash, page } from "../admin/layout";
import * as s from "../admin/schemas";
import { ComponentsPage, IntegrationsPage, MappingPreviewPage } from "../admin/views-catalog";
import { DashboardPage, IncidentPage, MaintenancePage } from "../admin/views-incidents";
import { AuditPage, DeliveriesPage, LoginPage, MessagePage, SettingsPage } from "../admin/views-logs";
import {
  type AdminEnv,
  accessConfig,
  adminTokenProblem,
  crossSite,
  endSession,
  findSession,
  rateLimited,
  requireAdminSession,
  revokeSessions,
  SESSION_COOKIE,
  startSession,
} from "../auth";
import { baseUrl } from "../cache";
import { HttpError, uniqueViolation } from "../errors";
import { ingestor } from "../ingestor";
import { clientAddress } from "../security/rate-limit";
import { listRefusals } from "../security/refusals";
import { validate } from "../validate";
import { channelsUi } from "./admin-channels-ui";
import { subscribersUi } from "./admin-subscribers-ui";

export const adminUi = new Hono<AdminEnv>();

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const session = requireAdminSession({
  unauthenticated: (c) =>
    c.req.method === "GET" || c.req.method === "HEAD"
      ? page(c, <LoginPage accessConfigured={!!accessConfig(c.env)} />, 401)
      : page(c, <MessagePage title="Signed out" message="Your session has expired or you are not signed in: sign in again, then retry." />, 401),
  forbidden: (c, reason) => page(c, <MessagePage title="Refused" message={reason} />, 403),
});

adminUi.use("*", async (c, next) => {
  const path = c.req.path;
  if (path === "/admin/api" || path.startsWith("/admin/api/")) return next();
  if (path === "/admin/login") await next();
  else {
    const refused = await session(c, next);
    if (refused) c.res = refused;
  }
  c.header("Content-Security-Policy", CSP);
  c.header("X-Frame-Options", "DENY");
  // Same-origin referrers let a form send the operator back where they were; nothing leaks out.
  c.header("Referrer-Policy", "same-origin");
});

const ctxOf = (c: Context<AdminEnv>): AdminCtx => ({ env: c.env, actor: c.get("actor"), base: baseUrl(c) });

/** Awaits every value of `parts` at once, keeping their names. */
async function together<T extends Record<string, unknown>>(parts: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const values = await Promise.all(Object.values(parts));
  return Object.fromEntries(Object.keys(parts).map((k, i) => [k, values[i]])) as T;
}

async function common(c: Context<AdminEnv>) {
  const settings = await getSettings(c.env.DB);
  // A code from the table, or nothing: a link cannot make the admin show text of its author's choosing.
  const code = c.req.query("ok") ?? "";
  const flash: Flash = { ok: Object.hasOwn(FLASH, code) ? FLASH[code as FlashCode] : undefined };
  return { actor: c.get("actor"), tz: settings.time_zone, flash };
}

/** The results a form reports after its redirect, by code (`?ok=<code>`); nothing else is ever shown. */
const FLASH = {
  incident_resolved: "Incident resolved.",
  incident_opened: "Incident opened.",
  update_investigating: "Update posted: investigating.",
  update_identified: "Update posted: identified.",
  update_monitoring: "Update posted: monitoring.",
  update_resolved: "Update posted: resolved.",
  update_scheduled: "Update posted: scheduled.",
  update_in_progress: "Update posted: in progress.",
  update_verifying: "Update posted: verifying.",
  update_completed: "Update posted: completed.",
  override_set: "Status override set: the component shows it until the override is cleared.",
  override_cleared: "Override cleared: the component follows its alerts again.",
  component_created: "Component created.",
  component_saved: "Component saved.",
  component_deleted: "Component deleted.",
  moved: "Moved.",
  group_created: "Group created.",
  group_saved: "Group saved.",
  group_deleted: "Group deleted; its components moved to the top level.",
  integration_enabled: "Integration enabled.",
  integration_disabled: "Integration disabled: its deliveries are refused and its firing alerts resolved.",
  integration_deleted: "Integration deleted; its firing alerts resolved.",
  integration_components: "Integration's components saved.",
  integration_publication: "Publication saved: it applies to the integration's next alerts.",
  draft_published: "Published: it is on the public page and its notifications are sent.",
  draft_discarded: "Discarded: it never reaches the public.",
  signature_checked: "Signature settings saved: deliveries must be signed.",
  signature_not_checked: "Signature settings saved: deliveries are not signature-checked.",
  sns_verified: "SNS settings saved: each message's signature is verified.",
  sentry_saved: "Sentry settings saved.",
  sns_not_verified: "SNS settings saved: signatures are not verified (relays and tests only).",
  mapping_saved: "Mapping saved: deliveries are read through it from now on.",
  link_added: "Link added.",
  link_added_routed: "Link added; the firing alerts it matches are routed through it.",
  link_removed: "Link removed.",
  alert_linked: "Linked: the firing alerts it matches are routed.",
  alert_resolved: "Alert resolved: its components follow their other alerts.",
  maintenance_scheduled: "Maintenance scheduled.",
  maintenance_started: "Maintenance started.",
  settings_saved: "Settings saved.",
  backlog_projected: "The backlog is in the database.",
} as const;
type FlashCode = keyof typeof FLASH;

/** Where to send the operator after a form: the page they posted from, else `fallback`. */
function backTo(c: Context, fallback: string): string {
  const ref = c.req.header("referer");
  if (ref) {
    try {
      const u = new URL(ref);
      if (u.origin === new URL(c.req.url).origin && u.pathname.startsWith("/admin") && u.pathname !== "/admin/login") {
        u.searchParams.delete("ok");
        u.searchParams.delete("error");
        return u.pathname + u.search;
      }
    } catch {
      /* fall back */
    }
  }
  return fallback;
}

function redirectWith(c: Context, path: string, flash: { ok: FlashCode }): Response {
  const [p, q = ""] = path.split("?");
  const params = new URLSearchParams(q);
  params.set("ok", flash.ok);
  const qs = params.toString();
  return c.redirect(`${p}${qs ? `?${qs}` : ""}`, 303);
}

/** A form's fields: strings, with the empty ones as "not given". */
class Form {
  constructor(private readonly data: Record<string, unknown>) {}
  all(k: string): string[] {
    const v = this.data[k];
    return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");
  }
  str(k: string): string {
    return this.all(k)[0] ?? "";
  }
  opt(k: string): string | undefined {
    const v = this.str(k).trim();
    return v === "" ? undefined : v;
  }
  /** Integers stay numbers for the schema to check; "" is not given. */
  int(k: string): number | undefined {
    const v = this.opt(k);
    return v === undefined ? undefined : Number(v);
  }
  /** `component_<id>` selects: "" no change, "auto" back to automatic, else a status. */
  componentStatuses(): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const key of Object.keys(this.data)) {
      if (!key.startsWith("component_") || key === "component_ids" || key === "component_id" || key === "component_status") continue;
      const v = this.str(key);
      if (v) out[key.slice("component_".length)] = v === "auto" ? null : v;
    }
    return out;
  }
  confirmed(): boolean {
    return this.str("confirm") === "yes";
  }
}

/**
 * A form handler: runs the action, then 303 back with its result; an error the operator can fix
 * (HttpError) comes back as the flash error, on the same page.
 */
function form(fallback: string | ((c: Context<AdminEnv>) => string), run: (c: Context<AdminEnv>, f: Form) => Promise<FlashCode | Response>) {
  return async (c: Context<AdminEnv>) => {
    const back = backTo(c, typeof fallback === "string" ? fallback : fallback(c));
    try {
      const f = new Form(await c.req.parseBody({ all: true }));
      const result = await run(c, f);
      return typeof result === "string" ? redirectWith(c, back, { ok: result }) : result;
    } catch (e) {
      // The error answers this very post (never a URL anyone could send the operator): its text is
      // the server's, about the operator's own input.
      const known = e instanceof HttpError ? e : uniqueViolation(e);
      if (known) return page(c, <MessagePage title="Not done" message={known.message} back={back} />, known.status);
      throw e;
    }
  };
}

/** A form route: `run` does the action; the operator is sent back to `back` with its result. */
function post(path: string, back: Parameters<typeof form>[0], run: Parameters<typeof form>[1]) {
  adminUi.post(path, form(back, run));
}

function requireConfirm(f: Form) {
  if (!f.confirmed()) throw new HttpError(400, "Tick “sure” to confirm.", "confirm");
}

// ── Sign-in ─────────────────────────────────────────────────────────────────

adminUi.get("/login", async (c) => {
  const token = c.env.ADMIN_TOKEN;
  const cookie = getCookie(c, SESSION_COOKIE);
  if (!adminTokenProblem(token) && cookie && (await findSession(c.env.DB, token!, cookie))) return c.redirect("/admin", 303);
  return page(c, <LoginPage accessConfigured={!!accessConfig(c.env)} />);
});

/**
 * The label the audit log records for a sign-in: the name given, unless it is empty or has anything
 * to do with the token (contains it, or is a piece of it: a token pasted into the wrong field, or half
 * of one), so the token never reaches the audit log.
 */
export function loginActor(name: string, token: string): string {
  const label = name
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, "")
    .trim()
    .slice(0, 60);
  if (!label) return "admin";
  const lower = label.toLowerCase();
  const t = token.toLowerCase();
  if (lower.includes(t) || (label.length >= 8 && t.includes(lower))) return "admin";
  // Any 8-character stretch of the token inside the name (the token with a typo, cut or wrapped).
  for (let i = 0; i + 8 <= t.length; i++) if (lower.includes(t.slice(i, i + 8))) return "admin";
  return `${label} (token)`;
}

adminUi.post("/login", async (c) => {
  const token = c.env.ADMIN_TOKEN;
  const accessConfigured = !!accessConfig(c.env);
  const problem = adminTokenProblem(token);
  if (problem || !token) return page(c, <LoginPage error={`${problem}.`} accessConfigured={accessConfigured} />, 401);
  if (crossSite(c)) return page(c, <MessagePage title="Refused" message="This request came from another site." />, 403);
  const db = c.env.DB;
  const f = new Form(await c.req.parseBody({ all: true }));
  const given = f.str("token");
  const ok = !!given && (await constantTimeEqual(given, token));
  const refused = await rateLimited(c, "login", ok, (retryAfter) =>
    page(
      c,
      <LoginPage error={`Too many failed sign-ins from your address: wait ${Math.ceil(retryAfter / 60)} minutes.`} accessConfigured={accessConfigured} />,
      429,
    ),
  );
  if (refused) return refused;
  const { bucket } = clientAddress(c);
  // A wrong token is counted (failed_attempts, by rateLimited), not written to the audit log row by row.
  if (!ok) return page(c, <LoginPage error="Wrong token." accessConfigured={accessConfigured} />, 401);
  // The name is only a label for the audit log; never the token pasted into the wrong field.
  const actor = loginActor(f.str("name"), token);
  await startSession(c, token, actor);
  await audit(db, actor, "login", "session", null, null, { client: bucket }).run();
  return c.redirect("/admin", 303);
});

// Sign-out ends the session in D1, not only in this browser: a copied cookie opens nothing after it.
adminUi.post("/logout", async (c) => {
  const db = c.env.DB;
  const id = c.get("sessionId");
  endSession(c);
  await db.batch([...(id ? [revokeSessions(db, { id })] : []), audit(db, c.get("actor"), "logout", "session", null, null, null)]);
  return c.redirect("/admin/login", 303);
});

adminUi.post("/logout/everywhere", async (c) => {
  const db = c.env.DB;
  endSession(c);
  await db.batch([revokeSessions(db, "everywhere"), audit(db, c.get("actor"), "logout.everywhere", "session", null, null, null)]);
  return c.redirect("/admin/login", 303);
});

// ── Dashboard and incidents ─────────────────────────────────────────────────

adminUi.get("/", async (c) => {
  const ctx = ctxOf(c);
  const db = c.env.DB;
  const data = await together({
    base: common(c),
    incidents: listIncidents(ctx, "open"),
    drafts: listIncidents(ctx, "all", 50, "drafts"),
    blips: listIncidents(ctx, "all", 20, "suppressed"),
    discarded: listIncidents(ctx, "all", 20, "discarded"),
    maintenances: listMaintenances(ctx, "open"),
    components: listComponents(db),
    groups: listGroups(db),
    unrouted: listAlerts(db, { unrouted: true, firing: true }),
  });
  return page(c, <DashboardPage {...data.base} {...data} />);
});

const pathId = (c: Context) => {
  const id = c.req.param("id") ?? "";
  if (!/^[a-z0-9]{12}$/.test(id)) throw new HttpError(404, "no such item");
  return id;
};

adminUi.get("/incidents/:id", async (c) => {
  const [base, incident, components] = await Promise.all([common(c), getIncident(ctxOf(c), pathId(c)), listComponents(c.env.DB)]);
  return page(c, <IncidentPage {...base} incident={incident} components={components} />);
});

post("/incidents/:id/resolve", "/admin", async (c, f) => {
  await postUpdate(ctxOf(c), pathId(c), { status: "resolved", body: f.opt("body") ?? null });
  return "incident_resolved";
});

post(
  "/incidents/:id/updates",
  (c) => `/admin/incidents/${c.req.param("id")}`,
  async (c, f) => {
    const body = validate(s.incidentUpdate, { status: f.str("status"), body: f.opt("body") ?? null, components: f.componentStatuses() });
    const update = await postUpdate(ctxOf(c), pathId(c), body);
    return `update_${update.status}` as FlashCode;
  },
);

// Drafts and incidents in their grace period.
post("/incidents/:id/publish", "/admin", async (c, f) => {
  await publishIncident(ctxOf(c), pathId(c), validate(s.incidentPublish, { name: f.opt("name"), body: f.opt("body") }));
  return "draft_published";
});

post("/incidents/:id/discard", "/admin", async (c, f) => {
  requireConfirm(f);
  await discardIncident(ctxOf(c), pathId(c));
  return "draft_discarded";
});

post("/incidents", "/admin", async (c, f) => {
  const ids = f.all("component_ids");
  const status = f.opt("component_status");
  const body = validate(s.incidentCreate, {
    name: f.str("name"),
    body: f.opt("body") ?? null,
    status: f.opt("status"),
    impact: f.opt("impact"),
    component_ids: ids,
    components: status ? Object.fromEntries(ids.map((id) => [id, status])) : undefined,
  });
  const incident = await createIncident(ctxOf(c), body);
  return redirectWith(c, `/admin/incidents/${incident.id}`, { ok: "incident_opened" });
});

// ── Components and groups ───────────────────────────────────────────────────

post("/components/:id/status", "/admin", async (c, f) => {
  const { status } = validate(s.componentStatusPut, { status: f.str("status") });
  const component = await overrideComponent(ctxOf(c), pathId(c), status);
  void component;
  return "override_set";
});

post("/components/:id/status/clear", "/admin", async (c) => {
  const component = await overrideComponent(ctxOf(c), pathId(c), null);
  void component;
  return "override_cleared";
});

adminUi.get("/components", async (c) => {
  const db = c.env.DB;
  const [base, components, groups] = await Promise.all([common(c), listComponents(db), listGroups(db)]);
  return page(c, <ComponentsPage {...base} components={components} groups={groups} />);
});

/** What the component forms (add and edit) share. */
const componentFields = (f: Form) => ({
  slug: f.opt("slug"),
  description: f.opt("description") ?? null,
  group_id: f.opt("group_id") ?? null,
});

post("/components", "/admin/components", async (c, f) => {
  await createComponent(ctxOf(c), validate(s.componentCreate, { name: f.str("name"), ...componentFields(f) }));
  return "component_created";
});

post("/components/:id", "/admin/components", async (c, f) => {
  const body = validate(s.componentPatch, {
    name: f.opt("name"),
    ...componentFields(f),
    position: f.int("position"),
    only_show_if_degraded: f.str("only_show_if_degraded") === "yes",
  });
  const component = await updateComponent(ctxOf(c), pathId(c), body);
  void component;
  return "component_saved";
});

const direction = (f: Form) => {
  const d = f.str("direction");
  if (d !== "up" && d !== "down") throw new HttpError(400, "`direction` must be up or down", "direction");
  return d;
};

post("/components/:id/move", "/admin/components", async (c, f) => {
  await move(ctxOf(c), "component", pathId(c), direction(f));
  return "moved";
});

post("/components/:id/delete", "/admin/components", async (c, f) => {
  requireConfirm(f);
  await deleteComponent(ctxOf(c), pathId(c), f.str("force") === "true");
  return "component_deleted";
});

post("/groups", "/admin/components", async (c, f) => {
  const group = await createGroup(ctxOf(c), validate(s.groupCreate, { name: f.str("name"), description: f.opt("description") ?? null }));
  void group;
  return "group_created";
});

post("/groups/:id", "/admin/components", async (c, f) => {
  const body = validate(s.groupPatch, { name: f.opt("name"), description: f.opt("description") ?? null, position: f.int("position") });
  const group = await updateGroup(ctxOf(c), pathId(c), body);
  void group;
  return "group_saved";
});

post("/groups/:id/move", "/admin/components", async (c, f) => {
  await move(ctxOf(c), "group", pathId(c), direction(f));
  return "moved";
});

post("/groups/:id/delete", "/admin/components", async (c, f) => {
  requireConfirm(f);
  await deleteGroup(ctxOf(c), pathId(c));
  return "group_deleted";
});

// ── Integrations and links ──────────────────────────────────────────────────

async function integrationsPage(c: Context<AdminEnv>, created?: IntegrationWithKey & { rotated: boolean }, status: 200 | 201 = 200) {
  const db = c.env.DB;
  const [base, integrations, links, components, groups] = await Promise.all([
    common(c),
    listIntegrations(db, baseUrl(c)),
    listLinks(db),
    listComponents(db),
    listGroups(db),
  ]);
  return page(c, <IntegrationsPage {...base} integrations={integrations} links={links} components={components} groups={groups} created={created} />, status);
}

adminUi.get("/integrations", (c) => integrationsPage(c));

// Create and rotate answer with the page itself, not a redirect: the key is shown in this one
// response and nowhere else, ever.
post("/integrations", "/admin/integrations", async (c, f) => {
  const body = validate(s.integrationCreate, {
    name: f.str("name"),
    source: f.str("source"),
    component_ids: f.all("component_ids"),
    public_text: f.opt("public_text"),
    public_template: f.opt("public_template") ?? null,
    ...publicationFields(f),
  });
  const created = await createIntegration(ctxOf(c), body);
  return integrationsPage(c, { ...created, rotated: false }, 201);
});

post("/integrations/:id/rotate", "/admin/integrations", async (c, f) => {
  requireConfirm(f);
  const rotated = await rotateIntegrationKey(ctxOf(c), pathId(c));
  return integrationsPage(c, { ...rotated, rotated: true });
});

post("/integrations/:id", "/admin/integrations", async (c, f) => {
  const disabled = f.str("disabled");
  const body = validate(s.integrationPatch, {
    disabled: disabled === "true" ? true : disabled === "false" ? false : disabled || undefined,
  });
  const integration = await updateIntegration(ctxOf(c), pathId(c), body);
  return integration.disabled ? "integration_disabled" : "integration_enabled";
});

// Grafana's signature settings; an empty header field clears it, an empty secret keeps it.
post("/integrations/:id/signature", "/admin/integrations", async (c, f) => {
  const header = (name: string) => f.str(name).trim() || null;
  const body = validate(s.integrationPatch, {
    signing_secret: f.str("signing_secret") || undefined,
    options: { signature_header: header("signature_header"), timestamp_header: header("timestamp_header") },
  });
  const integration = await updateIntegration(ctxOf(c), pathId(c), body);
  return integration.signed ? "signature_checked" : "signature_not_checked";
});

post("/integrations/:id/sns", "/admin/integrations", async (c, f) => {
  const integration = await updateIntegration(
    ctxOf(c),
    pathId(c),
    validate(s.integrationPatch, { options: { verify_signatures: f.str("verify_signatures") === "yes" } }),
  );
  return integration.options.verify_signatures === false ? "sns_not_verified" : "sns_verified";
});

post("/integrations/:id/sentry", "/admin/integrations", async (c, f) => {
  await updateIntegration(
    ctxOf(c),
    pathId(c),
    validate(s.integrationPatch, { options: { sentry_issue_events: f.str("sentry_issue_events") === "trigger" ? "trigger" : null } }),
  );
  return "sentry_saved";
});

// The custom receiver's mapping: saved, or previewed against the last delivery without saving.
post("/integrations/:id/mapping", "/admin/integrations", async (c, f) => {
  let mapping: unknown;
  try {
    mapping = JSON.parse(f.str("mapping"));
  } catch {
    throw new HttpError(400, "`mapping` is not valid JSON", "mapping");
  }
  if (f.str("intent") === "preview") {
    const preview = await previewMapping(c.env.DB, ctxOf(c).base, pathId(c), mapping);
    return page(c, <MappingPreviewPage preview={preview} mapping={mapping} back="/admin/integrations" actor={c.get("actor")} />);
  }
  await updateIntegration(ctxOf(c), pathId(c), validate(s.integrationPatch, { options: { mapping } }));
  return "mapping_saved";
});

/** The policy select and the grace period field (empty: none) of the integration forms. */
const publicationFields = (f: Form) => ({ publication: f.opt("publication"), publish_after_seconds: f.int("publish_after_seconds") ?? null });

post("/integrations/:id/publication", "/admin/integrations", async (c, f) => {
  await updateIntegration(ctxOf(c), pathId(c), validate(s.integrationPatch, publicationFields(f)));
  return "integration_publication";
});

post("/integrations/:id/components", "/admin/integrations", async (c, f) => {
  await updateIntegration(ctxOf(c), pathId(c), validate(s.integrationPatch, { component_ids: f.all("component_ids") }));
  return "integration_components";
});

post("/integrations/:id/delete", "/admin/integrations", async (c, f) => {
  requireConfirm(f);
  await deleteIntegration(ctxOf(c), pathId(c));
  return "integration_deleted";
});

post("/alerts/:id/resolve", "/admin", async (c) => {
  await resolveAlert(ctxOf(c), pathId(c));
  return "alert_resolved";
});

post("/links", "/admin/integrations", async (c, f) => {
  const type = f.str("match_type") || "monitor";
  const body = validate(s.linkCreate, {
    integration_id: f.str("integration_id"),
    match: { [type]: f.opt("match") },
    component_ids: f.all("component_ids"),
    status: f.opt("status") ?? null,
  });
  const link = await createLink(ctxOf(c), body);
  return link.alerts_routed ? "link_added_routed" : "link_added";
});

post("/links/:id/delete", "/admin/integrations", async (c) => {
  await deleteLink(ctxOf(c), pathId(c));
  return "link_removed";
});

post("/alerts/:id/link", "/admin", async (c, f) => {
  const raw = f.str("match");
  const i = raw.indexOf(":");
  const match = i > 0 ? { [raw.slice(0, i)]: raw.slice(i + 1) } : undefined;
  const body = validate(s.alertLink, { match, component_ids: f.all("component_id"), status: f.opt("status") ?? null });
  const link = await linkAlert(ctxOf(c), pathId(c), body);
  void link;
  return "alert_linked";
});

// ── Maintenance ─────────────────────────────────────────────────────────────

adminUi.get("/maintenances", async (c) => {
  const ctx = ctxOf(c);
  const db = c.env.DB;
  const [base, open, completed, components, groups] = await Promise.all([
    common(c),
    listMaintenances(ctx, "open"),
    listMaintenances(ctx, "completed", 20),
    listComponents(db),
    listGroups(db),
  ]);
  return page(c, <MaintenancePage {...base} open={open} completed={completed} components={components} groups={groups} now={nowIso()} />);
});

post("/maintenances", "/admin/maintenances", async (c, f) => {
  const { time_zone: tz } = await getSettings(c.env.DB);
  // datetime-local fields are wall-clock times in the page's time zone.
  const at = (k: string) => zonedToUtc(f.str(k), tz)?.toISOString() ?? f.str(k);
  const body = validate(s.maintenanceCreate, {
    name: f.str("name"),
    body: f.opt("body") ?? null,
    scheduled_for: at("scheduled_for"),
    scheduled_until: at("scheduled_until"),
    component_ids: f.all("component_ids"),
  });
  const m = await createMaintenance(ctxOf(c), body);
  return m.status === "in_progress" ? "maintenance_started" : "maintenance_scheduled";
});

// ── Logs and settings ───────────────────────────────────────────────────────

adminUi.get("/deliveries", async (c) => {
  const integrationId = c.req.query("integration_id") || undefined;
  const outcome = (DELIVERY_OUTCOMES as readonly string[]).includes(c.req.query("outcome") ?? "") ? c.req.query("outcome") : undefined;
  const db = c.env.DB;
  const data = await together({
    base: common(c),
    deliveries: listDeliveries(db, { integrationId, outcome, before: c.req.query("before") || undefined }),
    refused: listRefusals(db, 48),
    integrations: listIntegrations(db, baseUrl(c)),
    ingest: ingestor(c.env).inboxStatus(),
  });
  return page(c, <DeliveriesPage {...data.base} {...data} filter={{ integrationId, outcome }} />);
});

post("/deliveries/retry", "/admin/deliveries", async (c) => {
  const status = await ingestor(c.env).retryProjection();
  if (status.backlog.deliveries)
    throw new HttpError(503, `The database still refuses the backlog (${status.backlog.deliveries} waiting): ${status.lastError ?? "unknown error"}`);
  return "backlog_projected";
});

adminUi.route("/", subscribersUi);

adminUi.get("/audit", async (c) => {
  const before = Number(c.req.query("before"));
  const targetId = c.req.query("target_id") || undefined;
  const [base, entries, failed] = await Promise.all([
    common(c),
    listAudit(c.env.DB, { before: Number.isInteger(before) && before > 0 ? before : undefined, targetId }),
    listFailedAttempts(c.env.DB, 48),
  ]);
  return page(c, <AuditPage {...base} entries={entries} failed={failed} targetId={targetId} />);
});

adminUi.get("/settings", async (c) => {
  const base = await common(c);
  return page(c, <SettingsPage {...base} settings={await getSettings(c.env.DB)} />);
});

post("/settings", "/admin/settings", async (c, f) => {
  const body = validate(s.settingsPut, {
    name: f.str("name"),
    url: f.str("url"),
    time_zone: f.str("time_zone").trim(),
    auto_resolve_minutes: f.int("auto_resolve_minutes") ?? null,
    delivery_retention_days: f.int("delivery_retention_days"),
    audit_retention_days: f.int("audit_retention_days"),
    allow_framing: f.str("allow_framing") === "true",
    language: f.opt("language"),
    logo_url: f.str("logo_url"),
    favicon_url: f.str("favicon_url"),
    brand_color: f.str("brand_color"),
    // "Label | https://…" per line.
    header_links: f
      .str("header_links")
      .split(/\r?\n/)
      .filter((line) => line.trim())
      .map((line) => {
        const at = line.lastIndexOf("|");
        return { label: at < 0 ? line.trim() : line.slice(0, at).trim(), url: at < 0 ? "" : line.slice(at + 1).trim() };
      }),
    support_url: f.str("support_url"),
    footer_text: f.str("footer_text"),
    visibility: f.opt("visibility"),
    page_password: f.str("clear_password") === "yes" ? null : f.str("page_password") || undefined,
    turnstile_site_key: f.str("turnstile_site_key"),
  });
  await putSettings(ctxOf(c), body);
  return "settings_saved";
});

// Notification channels and the notification log (worker/routes/admin-channels-ui.tsx).
adminUi.route("/", channelsUi);
