// The operator actions that touch what the state machine owns (incident status, component overrides
// and maintenance flags, alert routing): one handler per command, each one D1 batch with the change,
// every visible status change, the incident update and the audit row together. They run inside the
// Ingestor, in turn with deliveries (adminAction).
import { nowIso } from "../domain/ids";
import type { Env } from "./env";
import { createLink, createMaintenance, deleteComponent, disableOrDelete, overrideComponent, resolveAlert } from "./ingestor-catalog-commands";
import type { AdminCommand, Cmd, CommandResult } from "./ingestor-command-types";
import { createIncident, publishOrDiscard, updateIncident } from "./ingestor-incident-commands";
import { deletePostmortem, deleteRuleCommand, publishPostmortemCommand, savePostmortem, saveRule } from "./ingestor-maintenance";

export type { AdminCommand, CommandResult, IncidentUpdateRow } from "./ingestor-command-types";

type Handler<T extends AdminCommand["type"]> = (db: D1Database, cmd: Cmd<T>, now: string) => Promise<CommandResult>;

const HANDLERS: { [T in AdminCommand["type"]]: Handler<T> } = {
  "incident.update": updateIncident,
  "incident.create": createIncident,
  "incident.publish": publishOrDiscard,
  "incident.discard": publishOrDiscard,
  "component.override": overrideComponent,
  "component.delete": deleteComponent,
  "alert.resolve": resolveAlert,
  "integration.disable": disableOrDelete,
  "integration.delete": disableOrDelete,
  "maintenance.create": createMaintenance,
  "link.create": createLink,
  "postmortem.save": savePostmortem,
  "postmortem.publish": publishPostmortemCommand,
  "postmortem.delete": deletePostmortem,
  "maintenance_rule.save": saveRule,
  "maintenance_rule.delete": deleteRuleCommand,
};

/** Runs one operator command. Called only through the Ingestor's serialize chain. */
export function runAdminCommand<T extends AdminCommand["type"]>(env: Env, cmd: Cmd<T>, now = nowIso()): Promise<CommandResult> {
  const handler = HANDLERS[cmd.type as T] as Handler<T>;
  return handler(env.DB, cmd, now);
}
