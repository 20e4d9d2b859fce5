// The operator's commands on what routes alerts: component overrides and deletion, an alert resolved
// by hand, integrations disabled or deleted, maintenance windows, and links (which re-route the
// integration's unrouted firing alerts at once). Each is one D1 batch with its audit row.
import { alertExists, firingAlerts, unroutedFiringAlertRows } from "../db/alerts";
import { audit } from "../db/audit";
import { componentUsers, deleteComponentRows, getComponentRow, loadComponentStates } from "../db/components";
import { insertMaintenance, loadOpenMaintenances } from "../db/incidents";
import { decisionStatements } from "../db/ingest";
import { loadWorkingSet } from "../db/ingest-reads";
import { deleteIntegrationRow, getIntegrationRow, insertLink, updateIntegrationFields } from "../db/integrations";
import { prepare, type Row, str } from "../db/sql";
import { alertsForNewLink, defaultUpdateBody, retriggerEvent, type UnroutedAlert } from "../domain/admin-actions";
import { newId } from "../domain/ids";
import { applyEventsOnPages } from "../domain/incident-pages";
import type { LinkRule } from "../domain/incidents";
import { dueMaintenanceTransitions, type MaintenanceWindow, windowError } from "../domain/maintenance";
import { applyMaintenanceTransitions, Batch, incidentComponentsInsert, otherPageComponents, uniq, unknownComponents } from "./ingestor-batch";
import type { Cmd, CommandResult } from "./ingestor-command-types";
import { resolveAlerts } from "./resolve-alerts";

export async function overrideComponent(db: D1Database, cmd: Cmd<"component.override">, now: string): Promise<CommandResult> {
  const flags = await loadComponentStates(db, [cmd.componentId]);
  const c = flags.get(cmd.componentId);
  if (!c) return { ok: false, status: 404, error: `no component ${cmd.componentId}` };
  const before = { override_status: c.overrideStatus, status: c.status };
  const b = new Batch(db, flags, now);
  b.patch(new Map([[c.id, { overrideStatus: cmd.status }]]));
  b.add(
    audit(
      db,
      cmd.actor,
      cmd.status ? "component.override" : "component.override.clear",
      "component",
      c.id,
      before,
      {
        override_status: c.overrideStatus,
        status: c.status,
      },
      now,
    ),
  );
  await db.batch(b.finish());
  return { ok: true, id: c.id };
}

export async function deleteComponent(db: D1Database, cmd: Cmd<"component.delete">, now: string): Promise<CommandResult> {
  const row = await getComponentRow(db, cmd.componentId);
  if (!row) return { ok: false, status: 404, error: `no component ${cmd.componentId}` };
  const id = cmd.componentId;
  // What would be left pointing at nothing: refused unless forced, and then recorded.
  const users = await componentUsers(db, id);
  if (users.length && !cmd.force)
    return {
      ok: false,
      status: 409,
      error: `component ${id} is in use by ${users.map((u) => `${u.kind} ${u.id} (${u.name})`).join(", ")}: detach it first, or delete with ?force=true to detach it everywhere`,
    };
  await db.batch([
    ...deleteComponentRows(id).map((st) => prepare(db, st)),
    audit(
      db,
      cmd.actor,
      "component.delete",
      "component",
      id,
      {
        slug: row.slug,
        name: row.name,
        description: row.description,
        group_id: row.groupId,
        position: row.position,
        status: row.status,
      },
      users.length ? { forced: true, detached_from: users } : null,
      now,
    ),
  ]);
  return { ok: true, id };
}

export async function resolveAlert(db: D1Database, cmd: Cmd<"alert.resolve">, now: string): Promise<CommandResult> {
  const [alert] = await firingAlerts(db, "id = ?1", cmd.alertId);
  if (!alert) {
    const exists = await alertExists(db, cmd.alertId);
    return exists ? { ok: false, status: 409, error: "this alert is already resolved" } : { ok: false, status: 404, error: `no alert ${cmd.alertId}` };
  }
  const { statements } = await resolveAlerts(db, [alert], now);
  await db.batch([
    ...statements,
    audit(
      db,
      cmd.actor,
      "alert.resolve",
      "alert",
      alert.id,
      { status: "firing" },
      { status: "resolved", integration_id: alert.integrationId, dedup_key: alert.dedupKey },
      now,
    ),
  ]);
  return { ok: true, id: alert.id, alertsResolved: 1 };
}

export async function disableOrDelete(db: D1Database, cmd: Cmd<"integration.disable"> | Cmd<"integration.delete">, now: string): Promise<CommandResult> {
  const row = await getIntegrationRow(db, cmd.integrationId);
  if (!row) return { ok: false, status: 404, error: `no integration ${cmd.integrationId}` };
  // Its monitor's resolve would be refused from now on: its firing alerts are resolved here.
  const alerts = await firingAlerts(db, "integration_id = ?1", cmd.integrationId);
  const { statements } = await resolveAlerts(db, alerts, now);
  const resolved = alerts.map((a) => a.id);
  const change =
    cmd.type === "integration.disable"
      ? [
          updateIntegrationFields(db, cmd.integrationId, { disabled: true }, now),
          audit(
            db,
            cmd.actor,
            "integration.disable",
            "integration",
            cmd.integrationId,
            { disabled: !!row.disabled },
            { disabled: true, alerts_resolved: resolved },
            now,
          ),
        ]
      : [
          // Its alerts, links and own components go with it (foreign keys cascade); deliveries stay.
          deleteIntegrationRow(db, cmd.integrationId),
          audit(
            db,
            cmd.actor,
            "integration.delete",
            "integration",
            cmd.integrationId,
            { name: row.name, source: row.source, key_prefix: row.keyPrefix },
            { alerts_resolved: resolved },
            now,
          ),
        ];
  await db.batch([...statements, ...change]);
  return { ok: true, id: cmd.integrationId, alertsResolved: alerts.length };
}

/** One maintenance's rows (the window, its components, its first update and audit row) added to `b`. */
export function scheduleMaintenance(
  b: Batch,
  m: {
    name: string;
    body: string | null;
    scheduledFor: string;
    scheduledUntil: string;
    componentIds: string[];
    page?: number;
    remindMinutes?: number | null;
    ruleId?: string;
    /** false: the scheduled update is recorded without telling subscribers (an import's history). */
    deliverNotifications?: boolean;
  },
  actor: string,
): MaintenanceWindow {
  const id = newId();
  b.add(
    prepare(
      b.db,
      insertMaintenance(
        {
          id,
          name: m.name,
          scheduledFor: m.scheduledFor,
          scheduledUntil: m.scheduledUntil,
          page: m.page ?? 1,
          remindMinutes: m.remindMinutes,
          ruleId: m.ruleId,
        },
        b.now,
      ),
    ),
    incidentComponentsInsert(b.db, id, m.componentIds),
  );
  const body = m.body?.trim() || defaultUpdateBody("scheduled");
  b.update(id, "scheduled", body, [], m.deliverNotifications !== false);
  b.add(
    audit(
      b.db,
      actor,
      "maintenance.create",
      "maintenance",
      id,
      null,
      {
        name: m.name,
        body,
        scheduled_for: m.scheduledFor,
        scheduled_until: m.scheduledUntil,
        component_ids: m.componentIds,
        ...(m.remindMinutes != null ? { remind_minutes: m.remindMinutes } : {}),
        ...(m.ruleId ? { rule_id: m.ruleId } : {}),
      },
      b.now,
    ),
  );
  return { id, status: "scheduled", scheduledFor: m.scheduledFor, scheduledUntil: m.scheduledUntil, componentIds: m.componentIds };
}

export async function createMaintenance(db: D1Database, cmd: Cmd<"maintenance.create">, now: string): Promise<CommandResult> {
  const invalid = windowError(cmd.scheduledFor, cmd.scheduledUntil, now);
  if (invalid) return { ok: false, status: 400, error: invalid.error, field: invalid.field };
  const ids = uniq(cmd.componentIds);
  const flags = await loadComponentStates(db, ids);
  const unknown = unknownComponents(ids, flags, "component_ids") ?? otherPageComponents(ids, flags, cmd.page ?? 1, "component_ids");
  if (unknown) return unknown;
  const b = new Batch(db, flags, now);
  const window = scheduleMaintenance(b, { ...cmd, componentIds: ids }, cmd.actor);
  // A window that has already begun starts now, in the same batch.
  const due = dueMaintenanceTransitions([window], now);
  if (due.length) {
    const open = [...(await loadOpenMaintenances(db)), window];
    const moreFlags = await loadComponentStates(
      db,
      open.flatMap((w) => w.componentIds).filter((c) => !flags.has(c)),
    );
    for (const [k, v] of moreFlags) flags.set(k, v);
    applyMaintenanceTransitions(b, open, due, cmd.actor);
  }
  await db.batch(b.finish());
  return { ok: true, id: window.id };
}

export async function createLink(db: D1Database, cmd: Cmd<"link.create">, now: string): Promise<CommandResult> {
  if (!(await getIntegrationRow(db, cmd.integrationId)))
    return { ok: false, status: 400, error: "`integration_id` does not name an integration", field: "integration_id" };
  const ids = uniq(cmd.componentIds);
  const flags = await loadComponentStates(db, ids);
  const unknown = unknownComponents(ids, flags, "component_ids");
  if (unknown) return unknown;
  const id = newId();
  const link: LinkRule = {
    id,
    matchType: cmd.matchType,
    matchKey: cmd.matchKey,
    matchValue: cmd.matchValue,
    status: cmd.status,
    componentIds: ids,
  };
  const statements = insertLink(db, cmd.integrationId, link, now, cmd.incidentTemplateId ?? null);
  const reapplied = await reapplyThroughLink(db, cmd.integrationId, link, now);
  statements.push(...reapplied.statements);
  statements.push(
    audit(
      db,
      cmd.actor,
      "link.create",
      "link",
      id,
      null,
      {
        integration_id: cmd.integrationId,
        match_type: cmd.matchType,
        match_key: cmd.matchKey,
        match_value: cmd.matchValue,
        component_ids: ids,
        status: cmd.status,
        ...(cmd.fromAlertId ? { from_alert_id: cmd.fromAlertId } : {}),
        ...(cmd.incidentTemplateId ? { incident_template_id: cmd.incidentTemplateId } : {}),
        alerts_routed: reapplied.count,
      },
      now,
    ),
  );
  await db.batch(statements);
  return { ok: true, id, reapplied: reapplied.count };
}

/**
 * The integration's firing unrouted alerts that the new link matches, run through the state
 * machine again as triggers: their components change and incidents open at once, as if the monitor
 * had sent them after the link existed.
 */
async function reapplyThroughLink(
  db: D1Database,
  integrationId: string,
  link: LinkRule,
  now: string,
): Promise<{ statements: D1PreparedStatement[]; count: number }> {
  const results = await unroutedFiringAlertRows(db, integrationId);
  const matched = alertsForNewLink(link, results.map(unroutedAlert), now);
  if (!matched.length) return { statements: [], count: 0 };
  const events = matched.map((a) => retriggerEvent(a, now));
  const slugs = uniq(events.map((e) => e.tags.service?.toLowerCase()).filter((s): s is string => !!s));
  const { ws, routing } = await loadWorkingSet(db, integrationId, uniq(events.map((e) => e.dedupKey)), slugs);
  routing.links.push(link);
  // The new link's components may be outside what the working set loaded (it was read before the link existed).
  const extra = link.componentIds.filter((id) => !ws.components.has(id));
  for (const [id, c] of await loadComponentStates(db, extra)) ws.components.set(id, c);
  const decision = applyEventsOnPages(ws, routing, events, { now, newId });
  // No delivery log row: this is an operator's action, recorded in the audit log instead.
  const statements = decisionStatements(db, ws, decision, now, []);
  return { statements, count: matched.length };
}

function unroutedAlert(r: Row): UnroutedAlert {
  return {
    id: String(r.id),
    dedupKey: String(r.dedup_key),
    severity: r.severity as UnroutedAlert["severity"],
    summary: String(r.summary),
    details: str(r.details),
    monitorId: str(r.monitor_id),
    monitorName: str(r.monitor_name),
    tags: JSON.parse(String(r.tags ?? "{}")),
    link: str(r.link),
    lastEventAt: String(r.last_event_at),
  };
}
