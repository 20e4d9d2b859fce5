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
      /** false: the update is written without notifying anyone (Statuspage's deliver_notifications). */
      deliverNotifications?: boolean;
    }
  | {
      type: "incident.create";
      actor: Actor;
      /** The page it is on (absent: page 1); its components must be on it. */
      page?: number;
      name: string;
      status: "investigating" | "identified" | "monitoring";
      impact: Impact | null;
      body: string | null;
      componentIds: string[];
      components: ComponentStatusRequest;
      deliverNotifications?: boolean;
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
      /** The page it is on (absent: page 1); its components must be on it. */
      page?: number;
      name: string;
      body: string | null;
      scheduledFor: string;
      scheduledUntil: string;
      componentIds: string[];
      /** Minutes before the start when subscribers are reminded; null: the page's setting. */
      remindMinutes?: number | null;
      deliverNotifications?: boolean;
    }
  // A postmortem follows its incident's page: an incident of another page than `page` is not found.
  | { type: "postmortem.save"; actor: Actor; page?: number; incidentId: string; body: string }
  | { type: "postmortem.publish"; actor: Actor; page?: number; incidentId: string; notify: boolean }
  | { type: "postmortem.delete"; actor: Actor; page?: number; incidentId: string }
  | {
      type: "maintenance_rule.save";
      actor: Actor;
      /** The page it is on (absent: page 1); its components must be on it, and a rule of another page is not found. */
      page?: number;
      ruleId: string | null;
      rule: MaintenanceRuleInput;
    }
  | { type: "maintenance_rule.delete"; actor: Actor; page?: number; ruleId: string }
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
      /** The incident template the alerts it matches open incidents with. */
      incidentTemplateId?: string | null;
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
