// What an operator asks of the Ingestor (one typed command per action), and what it answers.
import type { Actor } from "../db/audit";
import type { ComponentStatusRequest } from "../domain/admin-actions";
import type { AffectedComponent, LinkRule } from "../domain/incidents";
import type { RecurrenceRule } from "../domain/recurrence";
import type { ComponentStatus, Impact } from "../domain/status";

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
      /** Minutes before the start when subscribers are reminded; null: the page's setting. */
      remindMinutes?: number | null;
    }
  | { type: "postmortem.save"; actor: Actor; incidentId: string; body: string }
  | { type: "postmortem.publish"; actor: Actor; incidentId: string; notify: boolean }
  | { type: "postmortem.delete"; actor: Actor; incidentId: string }
  | { type: "maintenance_rule.save"; actor: Actor; ruleId: string | null; rule: MaintenanceRuleInput }
  | { type: "maintenance_rule.delete"; actor: Actor; ruleId: string }
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

/** A recurring maintenance rule as an operator sets it (domain/recurrence.ts). */
export interface MaintenanceRuleInput extends RecurrenceRule {
  name: string;
  body: string | null;
  componentIds: string[];
  remindMinutes: number | null;
}

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

/** The command of one type. */
export type Cmd<T extends AdminCommand["type"]> = Extract<AdminCommand, { type: T }>;
