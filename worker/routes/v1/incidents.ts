// /v1/pages/:page_id/incidents: Statuspage's incidents and scheduled maintenances, through the same
// Ingestor commands as the admin (worker/admin/*): an incident opened or updated here is decided, audited,
// projected and notified exactly as one posted in admin, and an alert-opened incident can be updated here.
import { type Context, Hono } from "hono";
import { z } from "zod";
import { audit } from "../../../db/audit";
import { getIncidents, type IncidentJson, type ReadContext } from "../../../db/queries";
import { readPageSettings } from "../../../db/settings";
import { prepare } from "../../../db/sql";
import { deleteIncidentStatements, editUpdateStatements, incidentOnPage, likePattern, updateOnIncident, type V1_LISTS, v1IncidentWhere } from "../../../db/v1";
import { nowIso } from "../../../domain/ids";
import { command, commit } from "../../admin/catalog";
import { HttpError } from "../../errors";
import { type V1Env, v1Ctx } from "../../v1/context";
import { incidentCreate, incidentPatch, incidentUpdatePatch, MAINTENANCE_STATUSES_V1, type V1IncidentCreate, type V1IncidentPatch } from "../../v1/schemas";
import { v1Incident } from "../../v1/shapes";
import { json, query } from "../../validate";

export const incidents = new Hono<V1Env>();

const MAX_PER_PAGE = 100;
const positive = (field: string, max: number) =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v === "" ? undefined : Number(v)))
    .refine((n) => n === undefined || (Number.isInteger(n) && n >= 1 && n <= max), `\`${field}\` must be an integer from 1 to ${max}`);
/** `limit` (or `per_page`) up to 100, `page` from 1, `q` a text to find in names, statuses and updates. */
const listQuery = query(
  z.object({
    q: z.string().max(200).optional(),
    limit: positive("limit", MAX_PER_PAGE),
    per_page: positive("per_page", MAX_PER_PAGE),
    page: positive("page", 100_000),
  }),
);

const readContext = async (c: Context<V1Env>): Promise<ReadContext> => ({
  settings: { ...(await readPageSettings(c.env.DB, c.get("target").page)), pageId: c.get("target").pageId },
  baseUrl: v1Ctx(c).base,
});

async function listOf(c: Context<V1Env>, list: keyof typeof V1_LISTS, q: { q?: string; limit?: number; per_page?: number; page?: number }) {
  const limit = q.limit ?? q.per_page ?? MAX_PER_PAGE;
  const offset = ((q.page ?? 1) - 1) * limit;
  const found = await getIncidents(c.env.DB, await readContext(c), {
    where: v1IncidentWhere(list),
    params: [c.get("target").page, nowIso(), likePattern(q.q), limit, offset],
    limit,
    audience: "operators",
  });
  return found.map(v1Incident);
}

async function one(c: Context<V1Env>, id: string): Promise<IncidentJson> {
  const [found] = await getIncidents(c.env.DB, await readContext(c), {
    where: v1IncidentWhere("every", true),
    params: [c.get("target").page, nowIso(), null, 1, 0, id],
    limit: 1,
    audience: "operators",
  });
  if (!found) throw new HttpError(404, `The requested resource could not be found: no incident ${id}`);
  return found;
}

incidents.get("/incidents", listQuery, async (c) => c.json(await listOf(c, "all", c.req.valid("query"))));
for (const list of ["unresolved", "scheduled", "upcoming", "active_maintenance"] as const) {
  incidents.get(`/incidents/${list}`, listQuery, async (c) => c.json(await listOf(c, list, c.req.valid("query"))));
}

const isMaintenanceStatus = (s: string | undefined) => (MAINTENANCE_STATUSES_V1 as readonly string[]).includes(s ?? "");

/** Every component named (in `components` or `component_ids`) must be on this page. */
async function componentsOnThisPage(c: Context<V1Env>, ids: string[], field: string) {
  if (!ids.length) return;
  const { results } = await c.env.DB.prepare("SELECT id FROM components WHERE page = ?1 AND id IN (SELECT value FROM json_each(?2))")
    .bind(c.get("target").page, JSON.stringify(ids))
    .all<{ id: string }>();
  const known = new Set(results.map((r) => r.id));
  const missing = ids.find((id) => !known.has(id));
  if (missing) throw new HttpError(400, `\`incident.${field}\` names ${missing}, not a component of this page`, `incident.${field}`);
}

async function createMaintenance(c: Context<V1Env>, body: V1IncidentCreate) {
  if (!body.scheduled_for) throw new HttpError(400, "`incident.scheduled_for` is required for a scheduled maintenance", "incident.scheduled_for");
  if (!body.scheduled_until) throw new HttpError(400, "`incident.scheduled_until` is required for a scheduled maintenance", "incident.scheduled_until");
  if (body.status && !["scheduled", "in_progress"].includes(body.status))
    throw new HttpError(400, "`incident.status` of a new maintenance must be scheduled or in_progress", "incident.status");
  if (body.status === "in_progress" && body.scheduled_for > nowIso())
    throw new HttpError(400, "`incident.status` in_progress needs a window that has begun (`scheduled_for` in the past)", "incident.status");
  if (body.impact_override !== undefined) throw new HttpError(400, "`incident.impact_override` is not supported on a maintenance", "incident.impact_override");
  const mapped = Object.entries(body.components ?? {});
  const notMaintenance = mapped.find(([, s]) => s !== "under_maintenance");
  if (notMaintenance)
    throw new HttpError(
      400,
      `\`incident.components.${notMaintenance[0]}\` must be under_maintenance: a window's components are under maintenance while it runs`,
      `incident.components.${notMaintenance[0]}`,
    );
  const componentIds = [...new Set([...(body.component_ids ?? []), ...mapped.map(([id]) => id)])];
  await componentsOnThisPage(c, componentIds, "component_ids");
  return command(v1Ctx(c), {
    type: "maintenance.create",
    page: c.get("target").page,
    name: body.name,
    body: body.body ?? null,
    scheduledFor: body.scheduled_for,
    scheduledUntil: body.scheduled_until,
    componentIds,
    deliverNotifications: body.deliver_notifications !== false,
  });
}

incidents.post("/incidents", ...json(incidentCreate), async (c) => {
  const body = c.req.valid("json").incident;
  const scheduled = body.scheduled_for !== undefined || body.scheduled_until !== undefined || isMaintenanceStatus(body.status);
  if (scheduled) {
    const made = await createMaintenance(c, body);
    return c.json(v1Incident(await one(c, made.id)), 201);
  }
  const status = body.status ?? "investigating";
  if (status !== "investigating" && status !== "identified" && status !== "monitoring")
    throw new HttpError(
      400,
      "`incident.status` of a new incident must be investigating, identified or monitoring (past incidents come in through the import)",
      "incident.status",
    );
  const components = body.components ?? {};
  await componentsOnThisPage(c, [...(body.component_ids ?? []), ...Object.keys(components)], "component_ids");
  const made = await command(v1Ctx(c), {
    type: "incident.create",
    page: c.get("target").page,
    name: body.name,
    status,
    impact: body.impact_override ?? null,
    body: body.body ?? null,
    componentIds: body.component_ids ?? [],
    components,
    deliverNotifications: body.deliver_notifications !== false,
  });
  return c.json(v1Incident(await one(c, made.id)), 201);
});

incidents.get("/incidents/:id", async (c) => c.json(v1Incident(await one(c, c.req.param("id")))));

/**
 * An update: a new status and body become an incident update, component statuses are set with it.
 * A name or impact other than the incident's own is refused: this page keeps them as they were opened.
 */
async function patchIncident(c: Context<V1Env>, body: V1IncidentPatch) {
  const current = await one(c, c.req.param("id")!);
  const maintenance = current.scheduled_for !== undefined;
  if (body.name !== undefined && body.name !== current.name)
    throw new HttpError(400, "`incident.name` cannot be changed through this API: it keeps the name it was opened with", "incident.name");
  if (body.impact_override !== undefined && body.impact_override !== current.impact)
    throw new HttpError(400, "`incident.impact_override` cannot be changed after the incident is opened", "incident.impact_override");
  if (body.status !== undefined && isMaintenanceStatus(body.status) !== maintenance)
    throw new HttpError(400, `\`incident.status\` ${body.status} is not a status of ${maintenance ? "a maintenance" : "an incident"}`, "incident.status");
  const components = body.components ?? {};
  const onIt = new Set([...current.components.map((x) => x.id), ...Object.keys(components)]);
  const unplaced = (body.component_ids ?? []).find((id) => !onIt.has(id));
  if (unplaced)
    throw new HttpError(
      400,
      `\`incident.component_ids\` names ${unplaced}, which is not on the incident: add it with a status in \`incident.components\``,
      "incident.component_ids",
    );
  await componentsOnThisPage(c, Object.keys(components), "components");
  const changes = body.status !== undefined || !!body.body || Object.keys(components).length > 0;
  if (changes) {
    await command(v1Ctx(c), {
      type: "incident.update",
      incidentId: current.id,
      status: body.status ?? current.status,
      body: body.body ?? null,
      components,
      deliverNotifications: body.deliver_notifications !== false,
    });
  }
  return c.json(v1Incident(await one(c, current.id)));
}
incidents.patch("/incidents/:id", ...json(incidentPatch), (c) => patchIncident(c, c.req.valid("json").incident));
incidents.put("/incidents/:id", ...json(incidentPatch), (c) => patchIncident(c, c.req.valid("json").incident));

// Statuspage answers a deleted incident with the incident as it was. It is gone from every list and
// page (operators still find it among the discarded); one whose alerts still fire is refused.
incidents.delete("/incidents/:id", async (c) => {
  const id = c.req.param("id");
  const current = await one(c, id);
  const row = await incidentOnPage(c.env.DB, c.get("target").page, id);
  if (row && row.firing > 0)
    throw new HttpError(409, `incident ${id} has ${row.firing} alert(s) still firing: resolve it first (resolving resolves its alerts), then delete it`);
  const ctx = v1Ctx(c);
  await commit(ctx.env, [
    ...deleteIncidentStatements(id, nowIso()).map((s) => prepare(ctx.env.DB, s)),
    audit(
      ctx.env.DB,
      ctx.actor,
      `${current.scheduled_for !== undefined ? "maintenance" : "incident"}.delete`,
      "incident",
      id,
      { name: current.name, status: current.status },
      null,
    ),
  ]);
  return c.json(v1Incident(current));
});

const editUpdate = async (c: Context<V1Env>, edit: z.infer<typeof incidentUpdatePatch>["incident_update"]) => {
  const incidentId = c.req.param("id")!;
  const updateId = c.req.param("update_id")!;
  await one(c, incidentId);
  const update = await updateOnIncident(c.env.DB, incidentId, updateId);
  if (!update) throw new HttpError(404, `The requested resource could not be found: no incident update ${updateId} on incident ${incidentId}`);
  const body = edit.body ?? update.body;
  const displayAt = edit.display_at ?? update.displayAt;
  if (body !== update.body || displayAt !== update.displayAt) {
    const ctx = v1Ctx(c);
    await commit(ctx.env, [
      ...editUpdateStatements(incidentId, updateId, body, displayAt, nowIso()).map((s) => prepare(ctx.env.DB, s)),
      audit(
        ctx.env.DB,
        ctx.actor,
        "incident_update.edit",
        "incident_update",
        updateId,
        { body: update.body, display_at: update.displayAt },
        { body, display_at: displayAt },
      ),
    ]);
  }
  return c.json(v1Incident(await one(c, incidentId)).incident_updates.find((u) => u.id === updateId));
};
incidents.patch("/incidents/:id/incident_updates/:update_id", ...json(incidentUpdatePatch), (c) => editUpdate(c, c.req.valid("json").incident_update));
incidents.put("/incidents/:id/incident_updates/:update_id", ...json(incidentUpdatePatch), (c) => editUpdate(c, c.req.valid("json").incident_update));
