// The admin UI's integrations (the key shown once, each sender's settings, publication) and links,
// and the alerts an operator links or resolves from the dashboard.
import { type Context, Hono } from "hono";
import { listComponents, listGroups } from "../admin/catalog";
import { previewMapping } from "../admin/deliveries";
import { listIncidentTemplates } from "../admin/incident-templates";
import {
  createIntegration,
  createLink,
  deleteIntegration,
  deleteLink,
  heartbeatStates,
  type IntegrationWithKey,
  linkAlert,
  listIntegrations,
  listLinks,
  resolveAlert,
  rotateIntegrationKey,
  updateIntegration,
} from "../admin/integrations";
import { page } from "../admin/layout";
import * as s from "../admin/schemas";
import { IntegrationsPage, MappingPreviewPage } from "../admin/views-integrations";
import type { AdminEnv } from "../auth";
import { baseUrl } from "../cache";
import { HttpError } from "../errors";
import { validate } from "../validate";
import { common, ctxOf, type Form, formRoutes, pathId, requireConfirm } from "./admin-ui-forms";

export const integrationsUi = new Hono<AdminEnv>();
const post = formRoutes(integrationsUi);

// ── Integrations and links ──────────────────────────────────────────────────

async function integrationsPage(c: Context<AdminEnv>, created?: IntegrationWithKey & { rotated: boolean }, status: 200 | 201 = 200) {
  const db = c.env.DB;
  const [base, integrations, links, components, groups, templates] = await Promise.all([
    common(c),
    heartbeatStates(c.env).then((heartbeats) => listIntegrations(db, baseUrl(c), heartbeats)),
    listLinks(db),
    listComponents(db),
    listGroups(db),
    // The selected page's templates: what an integration or link may open incidents with from this page.
    listIncidentTemplates(db, c.get("page")),
  ]);
  return page(
    c,
    <IntegrationsPage {...base} integrations={integrations} links={links} components={components} groups={groups} created={created} templates={templates} />,
    status,
  );
}

integrationsUi.get("/integrations", (c) => integrationsPage(c));

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

post("/integrations/:id/template", "/admin/integrations", async (c, f) => {
  await updateIntegration(ctxOf(c), pathId(c), validate(s.integrationPatch, { incident_template_id: f.opt("incident_template_id") ?? null }));
  return "integration_template";
});

// A heartbeat's period, grace, severity and scope; an Alertmanager integration's Watchdog alert (empty: none).
post("/integrations/:id/heartbeat", "/admin/integrations", async (c, f) => {
  const watchdog = f.opt("watchdog_alert");
  await updateIntegration(
    ctxOf(c),
    pathId(c),
    validate(s.integrationPatch, {
      options: {
        heartbeat_period_seconds: f.int("heartbeat_period_seconds") ?? null,
        heartbeat_grace_seconds: f.int("heartbeat_grace_seconds") ?? null,
        heartbeat_severity: f.opt("heartbeat_severity") ?? null,
        heartbeat_scope: f.opt("heartbeat_scope") ?? null,
        ...(f.str("has_watchdog") === "yes" ? { watchdog_alert: watchdog ?? null } : {}),
      },
    }),
  );
  return "heartbeat_saved";
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
