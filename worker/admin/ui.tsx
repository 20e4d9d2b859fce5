// The admin UI's routes: pages (GET) and forms (POST, answered with a 303 back to where the operator
// was, carrying a one-line result). Forms build the same inputs as the JSON API and go through the
// same validation and actions, so both behave alike.
import { type Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import {
  accessConfig,
  type AdminEnv,
  clientIp,
  constantTimeEqual,
  crossSite,
  endSession,
  LOGIN_MAX_FAILURES,
  LOGIN_WINDOW_MINUTES,
  recentLoginFailures,
  requireAdminSession,
  SESSION_COOKIE,
  startSession,
  verifySession,
} from "../auth";
import { zonedToUtc } from "../domain/maintenance";
import { HttpError } from "../errors";
import { nowIso } from "../ids";
import { validate } from "../validate";
import { audit, listAudit } from "./audit";
import {
  type AdminCtx,
  baseUrl,
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
} from "./catalog";
import { createIncident, createMaintenance, getIncident, listIncidents, listMaintenances, postUpdate } from "./incidents";
import {
  createIntegration,
  createLink,
  DELIVERY_OUTCOMES,
  deleteLink,
  type IntegrationWithKey,
  linkAlert,
  listAlerts,
  listDeliveries,
  listIntegrations,
  listLinks,
  rotateIntegrationKey,
  updateIntegration,
} from "./integrations";
import type { Flash } from "./layout";
import * as s from "./schemas";
import { DashboardPage, IncidentPage, MaintenancePage } from "./views-incidents";
import { ComponentsPage, IntegrationsPage } from "./views-catalog";
import { AuditPage, DeliveriesPage, LoginPage, MessagePage, SettingsPage } from "./views-logs";

export const adminUi = new Hono<AdminEnv>();

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const session = requireAdminSession({
  unauthenticated: (c) =>
    c.req.method === "GET" || c.req.method === "HEAD"
      ? c.html(<LoginPage accessConfigured={!!accessConfig(c.env)} />, 401)
      : c.html(<MessagePage title="Signed out" message="Your session has expired or you are not signed in: sign in again, then retry." />, 401),
  forbidden: (c, reason) => c.html(<MessagePage title="Refused" message={reason} />, 403),
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

async function common(c: Context<AdminEnv>) {
  const settings = await getSettings(c.env.DB);
  const flash: Flash = {
    ok: c.req.query("ok")?.slice(0, 300) || undefined,
    error: c.req.query("error")?.slice(0, 300) || undefined,
  };
  return { actor: c.get("actor"), csrf: c.get("csrf"), tz: settings.time_zone, flash };
}

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

function redirectWith(c: Context, path: string, flash: Flash): Response {
  const [p, q = ""] = path.split("?");
  const params = new URLSearchParams(q);
  if (flash.ok) params.set("ok", flash.ok);
  if (flash.error) params.set("error", flash.error);
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
function form(fallback: string | ((c: Context<AdminEnv>) => string), run: (c: Context<AdminEnv>, f: Form) => Promise<string | Response>) {
  return async (c: Context<AdminEnv>) => {
    const back = backTo(c, typeof fallback === "string" ? fallback : fallback(c));
    try {
      const f = new Form(await c.req.parseBody({ all: true }));
      const result = await run(c, f);
      return typeof result === "string" ? redirectWith(c, back, { ok: result }) : result;
    } catch (e) {
      if (e instanceof HttpError) return redirectWith(c, back, { error: e.message });
      throw e;
    }
  };
}

function requireConfirm(f: Form) {
  if (!f.confirmed()) throw new HttpError(400, "Tick “sure” to confirm.", "confirm");
}

// ── Sign-in ─────────────────────────────────────────────────────────────────

adminUi.get("/login", async (c) => {
  const token = c.env.ADMIN_TOKEN;
  const cookie = getCookie(c, SESSION_COOKIE);
  if (token && cookie && (await verifySession(token, cookie))) return c.redirect("/admin", 303);
  return c.html(<LoginPage accessConfigured={!!accessConfig(c.env)} />);
});

adminUi.post("/login", async (c) => {
  const token = c.env.ADMIN_TOKEN;
  const accessConfigured = !!accessConfig(c.env);
  if (!token) return c.html(<LoginPage error="ADMIN_TOKEN is not configured on this worker." accessConfigured={accessConfigured} />, 401);
  if (crossSite(c)) return c.html(<MessagePage title="Refused" message="This request came from another site." />, 403);
  const db = c.env.DB;
  const ip = clientIp(c);
  if ((await recentLoginFailures(db, ip)) >= LOGIN_MAX_FAILURES) {
    c.header("Retry-After", String(LOGIN_WINDOW_MINUTES * 60));
    return c.html(
      <LoginPage error={`Too many failed sign-ins from your address: wait ${LOGIN_WINDOW_MINUTES} minutes.`} accessConfigured={accessConfigured} />,
      429,
    );
  }
  const f = new Form(await c.req.parseBody({ all: true }));
  const given = f.str("token");
  if (!given || !(await constantTimeEqual(given, token))) {
    await audit(db, "anonymous", "login.failed", "ip", ip, null, null).run();
    return c.html(<LoginPage error="Wrong token." accessConfigured={accessConfigured} />, 401);
  }
  // The name is only a label for the audit log; never the token pasted into the wrong field.
  const name = f.str("name").replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 60);
  const actor = name && !(await constantTimeEqual(name, token)) ? `${name} (token)` : "admin";
  await startSession(c, token, actor);
  await audit(db, actor, "login", "session", null, null, { ip }).run();
  return c.redirect("/admin", 303);
});

adminUi.post("/logout", async (c) => {
  endSession(c);
  await audit(c.env.DB, c.get("actor"), "logout", "session", null, null, null).run();
  return c.redirect("/admin/login", 303);
});

// ── Dashboard and incidents ─────────────────────────────────────────────────

adminUi.get("/", async (c) => {
  const ctx = ctxOf(c);
  const db = c.env.DB;
  const [base, incidents, maintenances, components, groups, unrouted] = await Promise.all([
    common(c),
    listIncidents(ctx, "open"),
    listMaintenances(ctx, "open"),
    listComponents(db),
    listGroups(db),
    listAlerts(db, { unrouted: true, firing: true }),
  ]);
  return c.html(<DashboardPage {...base} incidents={incidents} maintenances={maintenances} components={components} groups={groups} unrouted={unrouted} />);
});

const pathId = (c: Context) => {
  const id = c.req.param("id") ?? "";
  if (!/^[a-z0-9]{12}$/.test(id)) throw new HttpError(404, "no such item");
  return id;
};

adminUi.get("/incidents/:id", async (c) => {
  const [base, incident, components] = await Promise.all([common(c), getIncident(ctxOf(c), pathId(c)), listComponents(c.env.DB)]);
  return c.html(<IncidentPage {...base} incident={incident} components={components} />);
});

adminUi.post(
  "/incidents/:id/resolve",
  form("/admin", async (c, f) => {
    await postUpdate(ctxOf(c), pathId(c), { status: "resolved", body: f.opt("body") ?? null });
    return "Incident resolved.";
  }),
);

adminUi.post(
  "/incidents/:id/updates",
  form((c) => `/admin/incidents/${c.req.param("id")}`, async (c, f) => {
    const body = validate(s.incidentUpdate, { status: f.str("status"), body: f.opt("body") ?? null, components: f.componentStatuses() });
    const update = await postUpdate(ctxOf(c), pathId(c), body);
    return `Update posted: ${update.status.replace(/_/g, " ")}.`;
  }),
);

adminUi.post(
  "/incidents",
  form("/admin", async (c, f) => {
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
    return redirectWith(c, `/admin/incidents/${incident.id}`, { ok: "Incident opened." });
  }),
);

// ── Components and groups ───────────────────────────────────────────────────

adminUi.post(
  "/components/:id/status",
  form("/admin", async (c, f) => {
    const { status } = validate(s.componentStatusPut, { status: f.str("status") });
    const component = await overrideComponent(ctxOf(c), pathId(c), status);
    return `${component.name} is now shown as ${status.replace(/_/g, " ")} until the override is cleared.`;
  }),
);

adminUi.post(
  "/components/:id/status/clear",
  form("/admin", async (c) => {
    const component = await overrideComponent(ctxOf(c), pathId(c), null);
    return `Override cleared: ${component.name} follows its alerts again.`;
  }),
);

adminUi.get("/components", async (c) => {
  const db = c.env.DB;
  const [base, components, groups] = await Promise.all([common(c), listComponents(db), listGroups(db)]);
  return c.html(<ComponentsPage {...base} components={components} groups={groups} />);
});

adminUi.post(
  "/components",
  form("/admin/components", async (c, f) => {
    const body = validate(s.componentCreate, {
      name: f.str("name"),
      slug: f.opt("slug"),
      description: f.opt("description") ?? null,
      group_id: f.opt("group_id") ?? null,
    });
    const component = await createComponent(ctxOf(c), body);
    return `Component “${component.name}” created.`;
  }),
);

adminUi.post(
  "/components/:id",
  form("/admin/components", async (c, f) => {
    const body = validate(s.componentPatch, {
      name: f.opt("name"),
      slug: f.opt("slug"),
      description: f.opt("description") ?? null,
      group_id: f.opt("group_id") ?? null,
      position: f.int("position"),
      only_show_if_degraded: f.str("only_show_if_degraded") === "yes",
    });
    const component = await updateComponent(ctxOf(c), pathId(c), body);
    return `Component “${component.name}” saved.`;
  }),
);

const direction = (f: Form) => {
  const d = f.str("direction");
  if (d !== "up" && d !== "down") throw new HttpError(400, "`direction` must be up or down", "direction");
  return d;
};

adminUi.post(
  "/components/:id/move",
  form("/admin/components", async (c, f) => {
    await move(ctxOf(c), "component", pathId(c), direction(f));
    return "Moved.";
  }),
);

adminUi.post(
  "/components/:id/delete",
  form("/admin/components", async (c, f) => {
    requireConfirm(f);
    await deleteComponent(ctxOf(c), pathId(c));
    return "Component deleted.";
  }),
);

adminUi.post(
  "/groups",
  form("/admin/components", async (c, f) => {
    const group = await createGroup(ctxOf(c), validate(s.groupCreate, { name: f.str("name"), description: f.opt("description") ?? null }));
    return `Group “${group.name}” created.`;
  }),
);

adminUi.post(
  "/groups/:id",
  form("/admin/components", async (c, f) => {
    const body = validate(s.groupPatch, { name: f.opt("name"), description: f.opt("description") ?? null, position: f.int("position") });
    const group = await updateGroup(ctxOf(c), pathId(c), body);
    return `Group “${group.name}” saved.`;
  }),
);

adminUi.post(
  "/groups/:id/move",
  form("/admin/components", async (c, f) => {
    await move(ctxOf(c), "group", pathId(c), direction(f));
    return "Moved.";
  }),
);

adminUi.post(
  "/groups/:id/delete",
  form("/admin/components", async (c, f) => {
    requireConfirm(f);
    await deleteGroup(ctxOf(c), pathId(c));
    return "Group deleted; its components moved to the top level.";
  }),
);

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
  return c.html(<IntegrationsPage {...base} integrations={integrations} links={links} components={components} groups={groups} created={created} />, status);
}

adminUi.get("/integrations", (c) => integrationsPage(c));

// Create and rotate answer with the page itself, not a redirect: the key is shown in this one
// response and nowhere else, ever.
adminUi.post(
  "/integrations",
  form("/admin/integrations", async (c, f) => {
    const body = validate(s.integrationCreate, { name: f.str("name"), source: f.str("source"), component_ids: f.all("component_ids") });
    const created = await createIntegration(ctxOf(c), body);
    return integrationsPage(c, { ...created, rotated: false }, 201);
  }),
);

adminUi.post(
  "/integrations/:id/rotate",
  form("/admin/integrations", async (c, f) => {
    requireConfirm(f);
    const rotated = await rotateIntegrationKey(ctxOf(c), pathId(c));
    return integrationsPage(c, { ...rotated, rotated: true });
  }),
);

adminUi.post(
  "/integrations/:id",
  form("/admin/integrations", async (c, f) => {
    const disabled = f.str("disabled");
    const body = validate(s.integrationPatch, { disabled: disabled === "true" ? true : disabled === "false" ? false : disabled || undefined });
    const integration = await updateIntegration(ctxOf(c), pathId(c), body);
    return `Integration “${integration.name}” ${integration.disabled ? "disabled: its deliveries are refused" : "enabled"}.`;
  }),
);

// Grafana's signature settings; an empty header field clears it, an empty secret keeps it.
adminUi.post(
  "/integrations/:id/signature",
  form("/admin/integrations", async (c, f) => {
    const header = (name: string) => f.str(name).trim() || null;
    const body = validate(s.integrationPatch, {
      signing_secret: f.str("signing_secret") || undefined,
      options: { signature_header: header("signature_header"), timestamp_header: header("timestamp_header") },
    });
    const integration = await updateIntegration(ctxOf(c), pathId(c), body);
    return `Integration “${integration.name}”: signature ${integration.signed ? "checked" : "not checked"}.`;
  }),
);

adminUi.post(
  "/integrations/:id/components",
  form("/admin/integrations", async (c, f) => {
    const integration = await updateIntegration(ctxOf(c), pathId(c), validate(s.integrationPatch, { component_ids: f.all("component_ids") }));
    return `Integration “${integration.name}” now feeds ${integration.component_ids.length} component(s) directly.`;
  }),
);

adminUi.post(
  "/links",
  form("/admin/integrations", async (c, f) => {
    const type = f.str("match_type") || "monitor";
    const body = validate(s.linkCreate, {
      integration_id: f.str("integration_id"),
      match: { [type]: f.opt("match") },
      component_ids: f.all("component_ids"),
      status: f.opt("status") ?? null,
    });
    const link = await createLink(ctxOf(c), body);
    return `Link added${link.alerts_routed ? `; ${link.alerts_routed} firing alert(s) routed through it` : ""}.`;
  }),
);

adminUi.post(
  "/links/:id/delete",
  form("/admin/integrations", async (c) => {
    await deleteLink(ctxOf(c), pathId(c));
    return "Link removed.";
  }),
);

adminUi.post(
  "/alerts/:id/link",
  form("/admin", async (c, f) => {
    const raw = f.str("match");
    const i = raw.indexOf(":");
    const match = i > 0 ? { [raw.slice(0, i)]: raw.slice(i + 1) } : undefined;
    const body = validate(s.alertLink, { match, component_ids: f.all("component_id"), status: f.opt("status") ?? null });
    const link = await linkAlert(ctxOf(c), pathId(c), body);
    return `Linked: ${link.alerts_routed} firing alert(s) routed.`;
  }),
);

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
  return c.html(<MaintenancePage {...base} open={open} completed={completed} components={components} groups={groups} now={nowIso()} />);
});

adminUi.post(
  "/maintenances",
  form("/admin/maintenances", async (c, f) => {
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
    return `Maintenance “${m.name}” ${m.status === "in_progress" ? "started" : "scheduled"}.`;
  }),
);

// ── Logs and settings ───────────────────────────────────────────────────────

adminUi.get("/deliveries", async (c) => {
  const integrationId = c.req.query("integration_id") || undefined;
  const outcome = (DELIVERY_OUTCOMES as readonly string[]).includes(c.req.query("outcome") ?? "") ? c.req.query("outcome") : undefined;
  const db = c.env.DB;
  const [base, deliveries, integrations] = await Promise.all([
    common(c),
    listDeliveries(db, { integrationId, outcome, before: c.req.query("before") || undefined }),
    listIntegrations(db, baseUrl(c)),
  ]);
  return c.html(<DeliveriesPage {...base} deliveries={deliveries} integrations={integrations} filter={{ integrationId, outcome }} />);
});

adminUi.get("/audit", async (c) => {
  const before = Number(c.req.query("before"));
  const targetId = c.req.query("target_id") || undefined;
  const [base, entries] = await Promise.all([
    common(c),
    listAudit(c.env.DB, { before: Number.isInteger(before) && before > 0 ? before : undefined, targetId }),
  ]);
  return c.html(<AuditPage {...base} entries={entries} targetId={targetId} />);
});

adminUi.get("/settings", async (c) => {
  const base = await common(c);
  return c.html(<SettingsPage {...base} settings={await getSettings(c.env.DB)} />);
});

adminUi.post(
  "/settings",
  form("/admin/settings", async (c, f) => {
    const body = validate(s.settingsPut, {
      name: f.str("name"),
      url: f.str("url"),
      time_zone: f.str("time_zone").trim(),
      auto_resolve_minutes: f.int("auto_resolve_minutes") ?? null,
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
    });
    await putSettings(ctxOf(c), body);
    return "Settings saved.";
  }),
);

