// What the operator commands and the cron tick share: one action's writes collected over a shared
// view of the components (Batch), maintenance transitions, and the working set of incidents.
import { type Actor, audit } from "../db/audit";
import { insertStatusChanges, updateComponentFlags } from "../db/components";
import { incidentAlertKeys, insertIncidentComponents, insertIncidentUpdates, setMaintenanceStatus } from "../db/incidents";
import { loadWorkingSets } from "../db/ingest-reads";
import { prepare } from "../db/sql";
import { type ComponentPatch, defaultUpdateBody, patchComponents } from "../domain/admin-actions";
import { newId } from "../domain/ids";
import type { AffectedComponent, ComponentState, StatusChange, WorkingSet } from "../domain/incidents";
import { type MaintenanceTransition, type MaintenanceWindow, maintenanceFlagPatches } from "../domain/maintenance";
import type { MaintenanceStatus } from "../domain/status";
import type { CommandResult, IncidentUpdateRow } from "./ingestor-command-types";

export const uniq = <T>(xs: T[]) => [...new Set(xs)];

/** The refusal of ids that name no component, or null when all do. */
export function unknownComponents(ids: string[], found: Map<string, unknown>, field: string): CommandResult | null {
  const missing = ids.filter((id) => !found.has(id));
  return missing.length ? { ok: false, status: 400, error: `\`${field}\` names unknown components: ${missing.join(", ")}`, field } : null;
}

/** The refusal of components that are on another page than the incident's, or null when all are on it. */
export function otherPageComponents(ids: string[], found: Map<string, ComponentState>, page: number, field: string): CommandResult | null {
  const elsewhere = ids.filter((id) => (found.get(id)?.page ?? 1) !== page);
  return elsewhere.length ? { ok: false, status: 400, error: `\`${field}\` names components of another page: ${elsewhere.join(", ")}`, field } : null;
}

/**
 * Collects one action's writes over a shared view of the components, so several steps in one batch
 * (a maintenance starting as another ends, a cron tick) record each visible change once, in order.
 */
export class Batch {
  readonly statements: D1PreparedStatement[] = [];
  private readonly touched = new Set<string>();
  private readonly statusChanges: StatusChange[] = [];

  constructor(
    readonly db: D1Database,
    readonly flags: Map<string, ComponentState>,
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

  update(incidentId: string, status: string, body: string, affected: AffectedComponent[], deliverNotifications = true): IncidentUpdateRow {
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
      prepare(
        this.db,
        insertIncidentUpdates([
          { id: row.id, incidentId, status, body, affectedComponents: row.affected_components, createdAt: this.now, deliverNotifications },
        ]),
      ),
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

export const incidentComponentsInsert = (db: D1Database, incidentId: string, ids: string[]) => prepare(db, insertIncidentComponents(incidentId, ids));

/** Moves maintenance windows on (cron or operator), with their updates and in_maintenance flags. */
export function applyMaintenanceTransitions(b: Batch, open: MaintenanceWindow[], transitions: MaintenanceTransition[], actor: Actor) {
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

export const notPublished = (id: string, publication: string): CommandResult => ({
  ok: false,
  status: 409,
  error:
    publication === "draft" || publication === "pending"
      ? `incident ${id} is not public yet (${publication}): publish or discard it first`
      : `incident ${id} was ${publication}: it is closed and never public`,
});

/** What the state machine needs to publish or discard these incidents: their alerts, components and the alerts sharing them. */
export async function incidentsWorkingSet(db: D1Database, incidentIds: string[]): Promise<WorkingSet> {
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
