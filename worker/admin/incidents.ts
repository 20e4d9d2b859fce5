// Incidents and maintenances for operators: the public API's shapes (db/queries.ts) plus what only
// operators see (their alerts, whether an alert or an operator opened them). Writes go through the
// ingestor: they change what the state machine owns.

import { BY_ID, OPEN_MAINTENANCES, onPage, PUBLISHED, UNRESOLVED_INCIDENTS } from "../../db/incident-filters";
import { incidentAlerts } from "../../db/incidents";
import { getIncidents, type IncidentJson, type ReadContext } from "../../db/queries";
import { readPageSettings } from "../../db/settings";
import { fillTemplate } from "../../domain/incident-templates";
import type { ComponentStatus, IncidentPublication } from "../../domain/status";
import { HttpError } from "../errors";
import type { IncidentUpdateRow } from "../ingestor-commands";
import { type AdminCtx, command, listComponents } from "./catalog";
import { getIncidentTemplate } from "./incident-templates";
import { type AlertJson, alertJson } from "./integrations";
import type { IncidentCreate, IncidentPublish, IncidentUpdate, MaintenanceCreate } from "./schemas";

export type AdminIncidentJson = IncidentJson & {
  kind: "incident" | "maintenance";
  automatic: boolean;
  /** published, or what only operators see: draft, pending (grace period), suppressed (a blip), discarded. */
  publication: IncidentPublication;
  /** Pending: when it is published if still firing. */
  publish_at: string | null;
  alerts: AlertJson[];
};

export const INCIDENT_FILTERS = {
  open: UNRESOLVED_INCIDENTS,
  resolved: "i.kind = 'incident' AND i.resolved_at IS NOT NULL",
  all: "i.kind = 'incident'",
} as const;

/**
 * Which incidents by publication: `published` ones are what the public sees; `drafts` (drafts and
 * incidents in their grace period), `suppressed` (blips) and `discarded` only operators.
 */
export const PUBLICATION_FILTERS = {
  published: PUBLISHED,
  drafts: "i.publication IN ('draft', 'pending')",
  suppressed: "i.publication = 'suppressed'",
  discarded: "i.publication = 'discarded'",
} as const;

export const MAINTENANCE_FILTERS = {
  open: OPEN_MAINTENANCES,
  completed: "i.kind = 'maintenance' AND i.status = 'completed'",
  all: "i.kind = 'maintenance'",
} as const;

/** What the admin reads incidents against: the page settings, and its base URL. */
const readContext = async (ctx: AdminCtx): Promise<ReadContext> => ({ settings: await readPageSettings(ctx.env.DB, ctx.page), baseUrl: ctx.base });

/** Incidents in the public API's shape, each with its alerts, kind and whether alerts opened it. */
async function withAlerts(db: D1Database, incidents: IncidentJson[]): Promise<AdminIncidentJson[]> {
  if (!incidents.length) return [];
  const { alerts, kinds } = await incidentAlerts(
    db,
    incidents.map((i) => i.id),
  );
  const all = alerts.map((r) => ({ ...alertJson(r), incident: String(r.incident_id) }));
  const byId = new Map(kinds.map((r) => [r.id, r]));
  return incidents.map((i) => ({
    ...i,
    kind: byId.get(i.id)?.kind === "maintenance" ? "maintenance" : "incident",
    automatic: !!byId.get(i.id)?.automatic,
    publication: byId.get(i.id)?.publication ?? "published",
    publish_at: byId.get(i.id)?.publishAt ?? null,
    alerts: all.filter((a) => a.incident === i.id).map(({ incident: _, ...a }) => a),
  }));
}

export async function listIncidents(
  ctx: AdminCtx,
  filter: keyof typeof INCIDENT_FILTERS,
  limit = 50,
  publication: keyof typeof PUBLICATION_FILTERS = "published",
): Promise<AdminIncidentJson[]> {
  const db = ctx.env.DB;
  const where = `${PUBLICATION_FILTERS[publication]} AND ${INCIDENT_FILTERS[filter]} AND ${onPage(ctx.page)}`;
  return withAlerts(db, await getIncidents(db, await readContext(ctx), { where, limit, audience: "operators" }));
}

export async function listMaintenances(ctx: AdminCtx, filter: keyof typeof MAINTENANCE_FILTERS, limit = 50): Promise<AdminIncidentJson[]> {
  const db = ctx.env.DB;
  return withAlerts(
    db,
    await getIncidents(db, await readContext(ctx), { where: `${MAINTENANCE_FILTERS[filter]} AND ${onPage(ctx.page)}`, limit, audience: "operators" }),
  );
}

export async function getIncident(ctx: AdminCtx, id: string): Promise<AdminIncidentJson> {
  const db = ctx.env.DB;
  const [incident] = await withAlerts(
    db,
    await getIncidents(db, await readContext(ctx), { where: `${BY_ID} AND ${onPage(ctx.page)}`, params: [id], limit: 1, audience: "operators" }),
  );
  if (!incident) throw new HttpError(404, `no incident ${id}${ctx.page === 1 ? "" : " on this page"}`);
  return incident;
}

/** 404 for an incident or maintenance of another page, as if it did not exist there. */
async function onThisPage(ctx: AdminCtx, id: string) {
  const [found] = (await incidentAlerts(ctx.env.DB, [id])).kinds;
  if (found && found.page !== ctx.page) throw new HttpError(404, `no incident ${id} on this page`);
}

/** An update on an incident (resolved resolves it) or a maintenance (completed ends it). */
export async function postUpdate(ctx: AdminCtx, incidentId: string, body: IncidentUpdate): Promise<IncidentUpdateRow> {
  await onThisPage(ctx, incidentId);
  const result = await command(ctx, {
    type: "incident.update",
    incidentId,
    status: body.status,
    body: body.body ?? null,
    components: body.components ?? {},
  });
  return result.update!;
}

/**
 * A draft (or an incident in its grace period) made public, optionally with a new name and first
 * update: shown everywhere and notified once from now on. Its held alerts count in the components'
 * public status from now on.
 */
export async function publishIncident(ctx: AdminCtx, incidentId: string, edit: IncidentPublish): Promise<AdminIncidentJson> {
  await onThisPage(ctx, incidentId);
  await command(ctx, { type: "incident.publish", incidentId, name: edit.name ?? null, body: edit.body ?? null });
  return getIncident(ctx, incidentId);
}

/** A draft (or an incident in its grace period) dropped: closed, never public; operators still find it. */
export async function discardIncident(ctx: AdminCtx, incidentId: string): Promise<AdminIncidentJson> {
  await onThisPage(ctx, incidentId);
  await command(ctx, { type: "incident.discard", incidentId });
  return getIncident(ctx, incidentId);
}

/** A manual incident: automatic = 0, so alerts never attach to it. */
/**
 * An operator's incident; with `template_id`, the template gives what the body leaves out (its name and
 * first update, with {{components}} filled in, its status, impact and components).
 */
export async function createIncident(ctx: AdminCtx, body: IncidentCreate): Promise<AdminIncidentJson> {
  const template = body.template_id ? await getIncidentTemplate(ctx.env.DB, body.template_id, ctx.page, "template_id") : null;
  const fromTemplate = template ? Object.entries(template.components) : [];
  const componentIds = body.component_ids ?? (body.components ? [] : fromTemplate.map(([id]) => id));
  const components = body.components ?? Object.fromEntries(fromTemplate.filter((e): e is [string, ComponentStatus] => e[1] !== null && !body.component_ids));
  let name = body.name;
  let text = body.body ?? null;
  if (template) {
    const ids = new Set([...componentIds, ...Object.keys(components)]);
    const names = (await listComponents(ctx.env.DB)).filter((c) => ids.has(c.id)).map((c) => c.name);
    name ??= fillTemplate(template.title, null, null, names).slice(0, 255) || template.name;
    text ??= fillTemplate(template.body, null, null, names);
  }
  const result = await command(ctx, {
    type: "incident.create",
    page: ctx.page,
    name: name!,
    status: body.status ?? template?.status ?? "investigating",
    impact: body.impact ?? template?.impact ?? null,
    body: text,
    componentIds,
    components,
  });
  return getIncident(ctx, result.id);
}

export async function createMaintenance(ctx: AdminCtx, body: MaintenanceCreate): Promise<IncidentJson> {
  const result = await command(ctx, {
    type: "maintenance.create",
    page: ctx.page,
    name: body.name,
    body: body.body ?? null,
    scheduledFor: body.scheduled_for,
    scheduledUntil: body.scheduled_until,
    componentIds: body.component_ids,
    remindMinutes: body.remind_minutes ?? null,
  });
  const [maintenance] = await getIncidents(ctx.env.DB, await readContext(ctx), { where: BY_ID, params: [result.id], limit: 1 });
  return maintenance!;
}
