// The operator actions and cron work that touch what the state machine owns (incident status,
// component overrides and maintenance flags, alert routing). They run inside the Ingestor, in turn
// with deliveries, and each is one D1 batch: the change, every visible status change, the incident
// update and the audit row together.

import { alertExists, firingAlerts, unroutedFiringAlertRows } from "../db/alerts";
import { type Actor, audit } from "../db/audit";
import { componentUsers, deleteComponentRows, getComponentRow, insertStatusChanges, loadComponentStates, updateComponentFlags } from "../db/components";
import {
  autoResolveIncident,
  duePendingIncidents,
  firstUpdateBody,
  incidentAlertKeys,
  insertIncidentComponents,
  insertIncidentUpdates,
  insertMaintenance,
  insertManualIncident,
  loadIncident,
  loadOpenMaintenances,
  monitoringIncidents,
  setIncidentProgress,
  setMaintenanceStatus,
} from "../db/incidents";
import { decisionStatements } from "../db/ingest";
import { loadWorkingSet, loadWorkingSets } from "../db/ingest-reads";
import { deleteIntegrationRow, getIntegrationRow, insertLink, updateIntegrationFields } from "../db/integrations";
import { autoResolveMinutes } from "../db/settings";
import { prepare, type Row, str } from "../db/sql";
import {
  alertsForNewLink,
  type ComponentFlags,
  type ComponentPatch,
  type ComponentStatusRequest,
  defaultUpdateBody,
  type IncidentRecord,
  manualIncidentImpact,
  patchComponents,
  planIncidentUpdate,
  retriggerEvent,
  type UnroutedAlert,
} from "../domain/admin-actions";
import { newId, nowIso } from "../domain/ids";
import type { AffectedComponent, LinkRule, StatusChange, WorkingSet } from "../domain/incidents";
import { applyEvents, discardIncident, isUnpublished, publishDueIncidents, publishIncident } from "../domain/incidents";
import {
  dueAutoResolve,
  dueMaintenanceTransitions,
  type MaintenanceTransition,
  type MaintenanceWindow,
  maintenanceFlagPatches,
  windowError,
} from "../domain/maintenance";
import type { ComponentStatus, Impact, MaintenanceStatus } from "../domain/status";
import type { Env } from "./env";
import { resolveAlerts } from "./resolve-alerts";

export type AdminCommand =
  | {
      type: "incident.update";
      actor: Actor;
      incidentId: string;
      status: string;
      body: string | null;
      components: ComponentStatusRequest;
    }
  | {
      type: "incident.create";
      actor: Actor;
      name: string;
      status: "investigating" | "identified" | "monitoring";
      impact: Impact | null;
      body: string | null;
      componentIds: string[];
      components: ComponentStatusRequest;
    }
  | { type: "incident.publish"; actor: Actor; incidentId: string; name: string | null; body: string | null }
  | { type: "incident.discard"; actor: Actor; incidentId: string }
  | { type: "component.override"; actor: Actor; componentId: string; status: ComponentStatus | null }
  | { type: "component.delete"; actor: Actor; componentId: string; force?: boolean }
  | { type: "alert.resolve"; actor: Actor; alertId: string }
  | { type: "integration.disable"; actor: Actor; integrationId: string }
  | { type: "integration.delete"; actor: Actor; integrationId: string }
  | {
      type: "maintenance.create";
      actor: Actor;
      name: string;
      body: string | null;
      scheduledFor: string;
      scheduledUntil: string;
      componentIds: string[];
    }
  | {
      type: "link.create";
      actor: Actor;
      integrationId: string;
      matchType: LinkRule["matchType"];
      matchKey: string;
      matchValue: string | null;
      componentIds: string[];
      status: ComponentStatus | null;
      /** The alert the operator linked from, for the audit log. */
      fromAlertId?: string;
    };

export interface IncidentUpdateRow {
  id: string;
  incident_id: string;
  status: string;
  body: string;
  created_at: string;
  display_at: string;
  affected_components: AffectedComponent[] | null;
}

export type CommandResult =
  | { ok: true; id: string; update?: IncidentUpdateRow; reapplied?: number; alertsResolved?: number }
  | { ok: false; status: 400 | 404 | 409 | 503; error: string; field?: string };

const uniq = <T>(xs: T[]) => [...new Set(xs)];

/** The refusal of ids that name no component, or null when all do. */
function unknownComponents(ids: string[], found: Map<string, unknown>, field: string): CommandResult | null {
  const missing = ids.filter((id) => !found.has(id));
  return missing.length ? { ok: false, status: 400, error: `\`${field}\` names unknown components: ${missing.join(", ")}`, field } : null;
}

/**
 * Collects one action's writes over a shared view of the components, so several steps in one batch
 * (a maintenance starting as another ends, a cron tick) record each visible change once, in order.
 */
class Batch {
  readonly statements: D1PreparedStatement[] = [];
  private readonly touched = new Set<string>();
  private readonly statusChanges: StatusChange[] = [];

  constructor(
    readonly db: D1Database,
    readonly flags: Map<string, ComponentFlags>,
    readonly now: string,
  ) {}

  add(...s: D1PreparedStatement[]) {
    this.statements.push(...s);
  }

  /** Applies the patches; returns the visible changes, as an update's affected_components. */
  patch(patches: Map<string, ComponentPatch>): AffectedComponent[] {
    const out = patchComponents(this.flags, patches, this.now);
    for (const id of out.touched) this.touched.add(id);
    this.statusChanges.push(...out.changes);
    return out.affected;
  }

  update(incidentId: string, status: string, body: string, affected: AffectedComponent[]): IncidentUpdateRow {
    const row: IncidentUpdateRow = {
      id: newId(),
      incident_id: incidentId,
      status,
      body,
      created_at: this.now,
      display_at: this.now,
      affected_components: affected.length ? affected : null,
    };
    this.add(
      prepare(this.db, insertIncidentUpdates([{ id: row.id, incidentId, status, body, affectedComponents: row.affected_components, createdAt: this.now }])),
    );
    return row;
  }

  /** Every statement, with the components' new flags and status history last. */
  finish(): D1PreparedStatement[] {
    const out = [...this.statements];
    if (this.touched.size)
      out.push(
        prepare(
          this.db,
          updateComponentFlags(
            [...this.touched].map((id) => this.flags.get(id)!),
            this.now,
          ),
        ),
      );
    if (this.statusChanges.length) out.push(prepare(this.db, insertStatusChanges(this.statusChanges)));
    return out;
  }
}

const incidentComponentsInsert = (db: D1Database, incidentId: string, ids: string[]) => prepare(db, insertIncidentComponents(incidentId, ids));

/** Moves maintenance windows on (cron or operator), with their updates and in_maintenance flags. */
function applyMaintenanceTransitions(b: Batch, open: MaintenanceWindow[], transitions: MaintenanceTransition[], actor: Actor) {
  if (!transitions.length) return;
  const byId = new Map(transitions.map((t) => [t.id, t.to as MaintenanceStatus]));
  const affected = b.patch(maintenanceFlagPatches(open, byId));
  for (const t of transitions) {
    const w = open.find((m) => m.id === t.id)!;
    b.add(prepare(b.db, setMaintenanceStatus(t.id, t.to as MaintenanceStatus, b.now)));
    b.update(
      t.id,
      t.to,
      defaultUpdateBody(t.to),
      affected.filter((a) => w.componentIds.includes(a.code)),
    );
    b.add(
      audit(
        b.db,
        actor,
        t.to === "completed" ? "maintenance.complete" : "maintenance.start",
        "maintenance",
        t.id,
        { status: w.status },
        { status: t.to },
        b.now,
      ),
    );
  }
}

/** Runs one operator command. Called only through the Ingestor's serialize chain. */
export async function runAdminCommand(env: Env, cmd: AdminCommand, now = nowIso()): Promise<CommandResult> {
  const db = env.DB;
  switch (cmd.type) {
    case "incident.update": {
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
      const update = b.update(incident.id, plan.status, body, affected);
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

    case "incident.create": {
      const ids = uniq([...cmd.componentIds, ...Object.keys(cmd.components)]);
      const flags = await loadComponentStates(db, ids);
      const unknown = unknownComponents(ids, flags, "component_ids");
      if (unknown) return unknown;
      const id = newId();
      const impact = cmd.impact ?? manualIncidentImpact(cmd.components);
      const b = new Batch(db, flags, now);
      // automatic = 0: the state machine never attaches alerts to an operator's incident.
      b.add(prepare(db, insertManualIncident({ id, name: cmd.name, status: cmd.status, impact }, now)));
      if (ids.length) b.add(incidentComponentsInsert(db, id, ids));
      const affected = b.patch(new Map(Object.entries(cmd.components).map(([cid, s]) => [cid, { overrideStatus: s }])));
      const body = cmd.body?.trim() || defaultUpdateBody(cmd.status);
      b.update(id, cmd.status, body, affected);
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

    case "incident.publish":
    case "incident.discard": {
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

    case "component.override": {
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

    case "component.delete": {
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

    case "alert.resolve": {
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

    case "integration.disable":
    case "integration.delete": {
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

    case "maintenance.create": {
      const invalid = windowError(cmd.scheduledFor, cmd.scheduledUntil, now);
      if (invalid) return { ok: false, status: 400, error: invalid.error, field: invalid.field };
      const ids = uniq(cmd.componentIds);
      const flags = await loadComponentStates(db, ids);
      const unknown = unknownComponents(ids, flags, "component_ids");
      if (unknown) return unknown;
      const id = newId();
      const b = new Batch(db, flags, now);
      b.add(
        prepare(db, insertMaintenance({ id, name: cmd.name, scheduledFor: cmd.scheduledFor, scheduledUntil: cmd.scheduledUntil }, now)),
        incidentComponentsInsert(db, id, ids),
      );
      const body = cmd.body?.trim() || defaultUpdateBody("scheduled");
      b.update(id, "scheduled", body, []);
      b.add(
        audit(
          db,
          cmd.actor,
          "maintenance.create",
          "maintenance",
          id,
          null,
          {
            name: cmd.name,
            body,
            scheduled_for: cmd.scheduledFor,
            scheduled_until: cmd.scheduledUntil,
            component_ids: ids,
          },
          now,
        ),
      );
      // A window that has already begun starts now, in the same batch.
      const window: MaintenanceWindow = {
        id,
        status: "scheduled",
        scheduledFor: cmd.scheduledFor,
        scheduledUntil: cmd.scheduledUntil,
        componentIds: ids,
      };
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
      return { ok: true, id };
    }

    case "link.create": {
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
      const statements = insertLink(db, cmd.integrationId, link, now);
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
            alerts_routed: reapplied.count,
          },
          now,
        ),
      );
      await db.batch(statements);
      return { ok: true, id, reapplied: reapplied.count };
    }
  }
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
  const decision = applyEvents(ws, routing, events, { now, newId });
  // No delivery log row: this is an operator's action, recorded in the audit log instead.
  const statements = decisionStatements(db, ws, decision, now, []);
  return { statements, count: matched.length };
}

const notPublished = (id: string, publication: string): CommandResult => ({
  ok: false,
  status: 409,
  error:
    publication === "draft" || publication === "pending"
      ? `incident ${id} is not public yet (${publication}): publish or discard it first`
      : `incident ${id} was ${publication}: it is closed and never public`,
});

/** What the state machine needs to publish or discard these incidents: their alerts, components and the alerts sharing them. */
async function incidentsWorkingSet(db: D1Database, incidentIds: string[]): Promise<WorkingSet> {
  const byIntegration = new Map<string, { dedupKeys: string[]; serviceSlugs: Set<string> }>();
  for (const a of await incidentAlertKeys(db, incidentIds)) {
    const r = byIntegration.get(a.integrationId) ?? { dedupKeys: [], serviceSlugs: new Set<string>() };
    r.dedupKeys.push(a.dedupKey);
    if (a.service) r.serviceSlugs.add(a.service.toLowerCase());
    byIntegration.set(a.integrationId, r);
  }
  if (!byIntegration.size) return { components: new Map(), alerts: new Map(), incidents: new Map() };
  const requests = [...byIntegration].map(([integrationId, r]) => ({ integrationId, dedupKeys: r.dedupKeys, serviceSlugs: [...r.serviceSlugs] }));
  return (await loadWorkingSets(db, requests)).ws;
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

export interface TickResult {
  started: string[];
  completed: string[];
  autoResolved: string[];
  /** Incidents whose grace period ran out while they still fired. */
  published: string[];
}

/** Pending incidents whose grace period is over, still firing: published, in their own batch, before the rest of the tick. */
async function publishDue(db: D1Database, now: string): Promise<string[]> {
  const due = await duePendingIncidents(db, now);
  if (!due.length) return [];
  const ws = await incidentsWorkingSet(db, due);
  const decision = publishDueIncidents(ws, { now, newId });
  const published = (decision.published ?? []).map((p) => p.incidentId);
  if (!published.length) return [];
  await db.batch([
    ...decisionStatements(db, ws, decision, now, []),
    ...published.map((id) =>
      audit(
        db,
        "cron",
        "incident.publish",
        "incident",
        id,
        { publication: "pending" },
        { publication: "published", reason: "still firing after its grace period" },
        now,
      ),
    ),
  ]);
  return published;
}

/**
 * The cron's work at `now`: maintenance windows that start or end, and monitoring incidents quiet
 * for the page's auto-resolve minutes. One batch; called only through the Ingestor's serialize chain.
 */
export async function runTick(env: Env, now = nowIso()): Promise<TickResult> {
  const db = env.DB;
  const actor = "cron";
  const published = await publishDue(db, now);
  const [open, settings] = await Promise.all([loadOpenMaintenances(db), autoResolveMinutes(db)]);
  const transitions = dueMaintenanceTransitions(open, now);
  const minutes = settings;
  let quiet: Array<IncidentRecord & { lastAlertAt: string | null }> = [];
  if (minutes) {
    const candidates = await monitoringIncidents(db);
    const due = new Set(dueAutoResolve(candidates, minutes, now));
    quiet = candidates.filter((c) => due.has(c.id));
  }
  const result: TickResult = {
    started: transitions.filter((t) => t.to === "in_progress").map((t) => t.id),
    completed: transitions.filter((t) => t.to === "completed").map((t) => t.id),
    autoResolved: quiet.map((q) => q.id),
    published,
  };
  if (!transitions.length && !quiet.length) return result;

  const flags = await loadComponentStates(db, uniq([...open.flatMap((w) => w.componentIds), ...quiet.flatMap((q) => q.componentIds)]));
  const b = new Batch(db, flags, now);
  applyMaintenanceTransitions(b, open, transitions, actor);
  for (const incident of quiet) {
    const overrides = new Map(incident.componentIds.map((id) => [id, flags.get(id)?.overrideStatus ?? null]));
    const plan = planIncidentUpdate(incident, "resolved", {}, overrides, now);
    if (!plan.ok) continue;
    b.add(prepare(db, autoResolveIncident(incident.id, now)));
    const affected = b.patch(plan.patches);
    const body = `This incident has been resolved: no alerts for ${minutes} minutes.`;
    b.update(incident.id, "resolved", body, affected);
    b.add(audit(db, actor, "incident.auto_resolve", "incident", incident.id, { status: "monitoring" }, { status: "resolved", body }, now));
  }
  await db.batch(b.finish());
  return result;
}
