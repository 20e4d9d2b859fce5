// The admin UI's dashboard, incidents (resolve, updates, drafts, opened by hand) and maintenance.
import { Hono } from "hono";
import { nowIso } from "../../domain/ids";
import { zonedToUtc } from "../../domain/maintenance";
import { getSettings, listComponents, listGroups } from "../admin/catalog";
import { listIncidentTemplates } from "../admin/incident-templates";
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
import { listAlerts } from "../admin/integrations";
import { page } from "../admin/layout";
import { getPostmortem, listMaintenanceRules } from "../admin/postmortems";
import * as s from "../admin/schemas";
import { DashboardPage } from "../admin/views-dashboard";
import { IncidentPage, MaintenancePage } from "../admin/views-incidents";
import type { AdminEnv } from "../auth";
import { validate } from "../validate";
import { common, ctxOf, type FlashCode, formRoutes, pathId, redirectWith, requireConfirm, together } from "./admin-ui-forms";

export const incidentsUi = new Hono<AdminEnv>();
const post = formRoutes(incidentsUi);

// ── Dashboard and incidents ─────────────────────────────────────────────────

incidentsUi.get("/", async (c) => {
  const ctx = ctxOf(c);
  const db = c.env.DB;
  const data = await together({
    base: common(c),
    incidents: listIncidents(ctx, "open"),
    drafts: listIncidents(ctx, "all", 50, "drafts"),
    blips: listIncidents(ctx, "all", 20, "suppressed"),
    discarded: listIncidents(ctx, "all", 20, "discarded"),
    maintenances: listMaintenances(ctx, "open"),
    components: listComponents(db, c.get("page")),
    groups: listGroups(db, c.get("page")),
    unrouted: listAlerts(db, { unrouted: true, firing: true }),
    templates: listIncidentTemplates(db, c.get("page")),
  });
  return page(c, <DashboardPage {...data.base} {...data} />);
});

incidentsUi.get("/incidents/:id", async (c) => {
  const [base, incident, components] = await Promise.all([common(c), getIncident(ctxOf(c), pathId(c)), listComponents(c.env.DB, c.get("page"))]);
  // A resolved, public incident can get a postmortem.
  const postmortem =
    incident.kind === "incident" && incident.resolved_at && incident.publication === "published" ? await getPostmortem(ctxOf(c), incident.id) : null;
  return page(c, <IncidentPage {...base} incident={incident} components={components} postmortem={postmortem} />);
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
  const templateId = f.opt("template_id");
  if (templateId) {
    const incident = await createIncident(ctxOf(c), validate(s.incidentCreate, { template_id: templateId }));
    return redirectWith(c, `/admin/incidents/${incident.id}`, { ok: "incident_opened" });
  }
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

// ── Maintenance ─────────────────────────────────────────────────────────────

incidentsUi.get("/maintenances", async (c) => {
  const ctx = ctxOf(c);
  const db = c.env.DB;
  const [base, open, completed, components, groups, rules] = await Promise.all([
    common(c),
    listMaintenances(ctx, "open"),
    listMaintenances(ctx, "completed", 20),
    listComponents(db, c.get("page")),
    listGroups(db, c.get("page")),
    listMaintenanceRules(ctx),
  ]);
  return page(c, <MaintenancePage {...base} open={open} completed={completed} components={components} groups={groups} rules={rules} now={nowIso()} />);
});

post("/maintenances", "/admin/maintenances", async (c, f) => {
  const { time_zone: tz } = await getSettings(c.env.DB, c.get("page"));
  // datetime-local fields are wall-clock times in the page's time zone.
  const at = (k: string) => zonedToUtc(f.str(k), tz)?.toISOString() ?? f.str(k);
  const body = validate(s.maintenanceCreate, {
    name: f.str("name"),
    body: f.opt("body") ?? null,
    scheduled_for: at("scheduled_for"),
    scheduled_until: at("scheduled_until"),
    component_ids: f.all("component_ids"),
    remind_minutes: f.int("remind_minutes") ?? null,
  });
  const m = await createMaintenance(ctxOf(c), body);
  return m.status === "in_progress" ? "maintenance_started" : "maintenance_scheduled";
});
