// The operator's commands on incidents: an update (resolving included), a manual incident, and a
// draft or pending incident published or discarded. Each is one D1 batch with its audit row.
import { firingAlerts } from "../db/alerts";
import { audit } from "../db/audit";
import { loadComponentStates } from "../db/components";
import { firstUpdateBody, insertManualIncident, loadIncident, loadOpenMaintenances, setIncidentProgress } from "../db/incidents";
import { decisionStatements } from "../db/ingest";
import { prepare } from "../db/sql";
import { defaultUpdateBody, manualIncidentImpact, planIncidentUpdate } from "../domain/admin-actions";
import { newId } from "../domain/ids";
import type { AffectedComponent } from "../domain/incidents";
import { discardIncident, isUnpublished, publishIncident } from "../domain/incidents";
import { maintenanceFlagPatches } from "../domain/maintenance";
import { Batch, incidentComponentsInsert, incidentsWorkingSet, notPublished, otherPageComponents, uniq, unknownComponents } from "./ingestor-batch";
import type { Cmd, CommandResult } from "./ingestor-command-types";
import { resolveAlerts } from "./resolve-alerts";

export async function updateIncident(db: D1Database, cmd: Cmd<"incident.update">, now: string): Promise<CommandResult> {
  const incident = await loadIncident(db, cmd.incidentId);
  if (!incident) return { ok: false, status: 404, error: `no incident ${cmd.incidentId}` };
  if (incident.publication !== "published") return notPublished(cmd.incidentId, incident.publication);
  const ids = uniq([...incident.componentIds, ...Object.keys(cmd.components)]);
  const flags = await loadComponentStates(db, ids);
  const unknown = unknownComponents(Object.keys(cmd.components), flags, "components");
  if (unknown) return unknown;
  const overrides = new Map([...flags.values()].map((c) => [c.id, c.overrideStatus]));
  const plan = planIncidentUpdate(incident, cmd.status, cmd.components, overrides, now);
  if (!plan.ok) return plan;
  // Resolving an incident resolves its alerts still firing: the components go back to their
  // automatic status, and a newer trigger opens a new incident (worker/resolve-alerts.ts).
  const stillFiring = incident.kind === "incident" && plan.status === "resolved" ? await firingAlerts(db, "incident_id = ?1", incident.id) : [];
  const resolution = stillFiring.length ? await resolveAlerts(db, stillFiring, now, incident.id) : null;
  if (resolution) {
    for (const [cid, c] of resolution.ws.components) {
      const f = flags.get(cid);
      if (f) Object.assign(f, { autoStatus: c.autoStatus, status: c.status });
    }
  }
  const b = new Batch(db, flags, now);
  if (resolution) b.add(...resolution.statements);
  b.add(prepare(db, setIncidentProgress(incident.id, plan, now)));
  if (plan.addComponentIds.length) b.add(incidentComponentsInsert(db, incident.id, plan.addComponentIds));
  const patches = new Map(plan.patches);
  if (plan.maintenanceTransition) {
    const open = await loadOpenMaintenances(db);
    for (const [id, p] of maintenanceFlagPatches(open, new Map([[incident.id, plan.maintenanceTransition]]))) patches.set(id, { ...p, ...patches.get(id) });
  }
  // The update shows every visible change it made: the alerts' resolving, then the overrides'.
  const fromAlerts: AffectedComponent[] = (resolution?.decision.statusChanges ?? []).map((ch) => ({
    code: ch.componentId,
    name: resolution!.ws.components.get(ch.componentId)?.name ?? ch.componentId,
    old_status: ch.from,
    new_status: ch.to,
  }));
  const affected = [...fromAlerts, ...b.patch(patches)];
  const body = cmd.body?.trim() || defaultUpdateBody(plan.status);
  const update = b.update(incident.id, plan.status, body, affected, cmd.deliverNotifications !== false);
  const action =
    incident.kind === "maintenance"
      ? plan.status === "completed"
        ? "maintenance.complete"
        : "maintenance.update"
      : plan.status === "resolved"
        ? "incident.resolve"
        : "incident.update";
  b.add(
    audit(
      db,
      cmd.actor,
      action,
      incident.kind,
      incident.id,
      { status: incident.status },
      {
        status: plan.status,
        body,
        ...(Object.keys(cmd.components).length ? { components: cmd.components } : {}),
        ...(affected.length ? { affected_components: affected } : {}),
        ...(stillFiring.length ? { alerts_resolved: stillFiring.map((a) => a.id) } : {}),
      },
      now,
    ),
  );
  await db.batch(b.finish());
  return { ok: true, id: incident.id, update, alertsResolved: stillFiring.length };
}

export async function createIncident(db: D1Database, cmd: Cmd<"incident.create">, now: string): Promise<CommandResult> {
  const ids = uniq([...cmd.componentIds, ...Object.keys(cmd.components)]);
  const flags = await loadComponentStates(db, ids);
  const unknown = unknownComponents(ids, flags, "component_ids") ?? otherPageComponents(ids, flags, cmd.page ?? 1, "component_ids");
  if (unknown) return unknown;
  const id = newId();
  const impact = cmd.impact ?? manualIncidentImpact(cmd.components);
  const b = new Batch(db, flags, now);
  // automatic = 0: the state machine never attaches alerts to an operator's incident.
  b.add(prepare(db, insertManualIncident({ id, name: cmd.name, status: cmd.status, impact, page: cmd.page ?? 1 }, now)));
  if (ids.length) b.add(incidentComponentsInsert(db, id, ids));
  const affected = b.patch(new Map(Object.entries(cmd.components).map(([cid, s]) => [cid, { overrideStatus: s }])));
  const body = cmd.body?.trim() || defaultUpdateBody(cmd.status);
  b.update(id, cmd.status, body, affected, cmd.deliverNotifications !== false);
  b.add(
    audit(
      db,
      cmd.actor,
      "incident.create",
      "incident",
      id,
      null,
      { name: cmd.name, status: cmd.status, impact, body, component_ids: ids, components: cmd.components },
      now,
    ),
  );
  await db.batch(b.finish());
  return { ok: true, id };
}

export async function publishOrDiscard(db: D1Database, cmd: Cmd<"incident.publish"> | Cmd<"incident.discard">, now: string): Promise<CommandResult> {
  const incident = await loadIncident(db, cmd.incidentId);
  if (incident?.kind !== "incident") return { ok: false, status: 404, error: `no incident ${cmd.incidentId}` };
  if (!isUnpublished(incident))
    return {
      ok: false,
      status: 409,
      error: `incident ${cmd.incidentId} is ${incident.publication}: only a draft or an incident in its grace period can be published or discarded`,
    };
  const ws = await incidentsWorkingSet(db, [incident.id]);
  const opts = { now, newId };
  const decision =
    cmd.type === "incident.publish" ? publishIncident(ws, incident.id, opts, { name: cmd.name, body: cmd.body }) : discardIncident(ws, incident.id, opts);
  if (!decision) return { ok: false, status: 409, error: `incident ${cmd.incidentId} has no alerts to publish or discard` };
  const body = await firstUpdateBody(db, incident.id);
  const published = cmd.type === "incident.publish" ? decision.published?.[0] : undefined;
  const edit = cmd.type === "incident.publish" ? cmd : { name: null, body: null };
  await db.batch([
    ...decisionStatements(db, ws, decision, now, []),
    audit(
      db,
      cmd.actor,
      cmd.type,
      "incident",
      incident.id,
      { publication: incident.publication, status: incident.status, name: incident.name, body },
      published
        ? {
            publication: "published",
            name: edit.name ?? incident.name,
            body: edit.body ?? body,
            ...(published.affectedComponents ? { affected_components: published.affectedComponents } : {}),
          }
        : { publication: "discarded", alerts_made_private: [...decision.alerts] },
      now,
    ),
  ]);
  return { ok: true, id: incident.id };
}
