// The admin UI's delivery log (and the projection backlog), audit log and page settings.
import { Hono } from "hono";
import { listAudit } from "../../db/audit";
import { listFailedAttempts } from "../../db/failed-attempts";
import { DELIVERY_OUTCOMES } from "../../domain/status";
import { getSettings, putSettings } from "../admin/catalog";
import { listDeliveries } from "../admin/deliveries";
import { listIntegrations } from "../admin/integrations";
import { page } from "../admin/layout";
import * as s from "../admin/schemas";
import { AuditPage, DeliveriesPage, SettingsPage } from "../admin/views-logs";
import type { AdminEnv } from "../auth";
import { baseUrl } from "../cache";
import { HttpError } from "../errors";
import { ingestor } from "../ingestor";
import { listRefusals } from "../security/refusals";
import { validate } from "../validate";
import { common, ctxOf, formRoutes, together } from "./admin-ui-forms";

export const logsUi = new Hono<AdminEnv>();
const post = formRoutes(logsUi);

// ── Logs and settings ───────────────────────────────────────────────────────

logsUi.get("/deliveries", async (c) => {
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

logsUi.get("/audit", async (c) => {
  const before = Number(c.req.query("before"));
  const targetId = c.req.query("target_id") || undefined;
  const [base, entries, failed] = await Promise.all([
    common(c),
    listAudit(c.env.DB, { before: Number.isInteger(before) && before > 0 ? before : undefined, targetId }),
    listFailedAttempts(c.env.DB, 48),
  ]);
  return page(c, <AuditPage {...base} entries={entries} failed={failed} targetId={targetId} />);
});

logsUi.get("/settings", async (c) => {
  const base = await common(c);
  return page(c, <SettingsPage {...base} settings={await getSettings(c.env.DB, c.get("page"))} />);
});

post("/settings", "/admin/settings", async (c, f) => {
  const body = validate(s.settingsPut, {
    name: f.str("name"),
    url: f.str("url"),
    time_zone: f.str("time_zone").trim(),
    auto_resolve_minutes: f.int("auto_resolve_minutes") ?? null,
    maintenance_remind_minutes: f.int("maintenance_remind_minutes"),
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
    // Empty: each integration's own.
    public_text: f.opt("public_text") ?? null,
    public_template: f.opt("public_template") ?? null,
    publication: f.opt("publication") ?? null,
    publish_after_seconds: f.int("publish_after_seconds") ?? null,
  });
  await putSettings(ctxOf(c), body);
  return "settings_saved";
});
