// New Relic → AlertEvents. Workflow webhooks (the default payload template, `{{json …}}` fields):
// `state` ACTIVATED (or CREATED) → trigger, ACKNOWLEDGED → acknowledge, CLOSED → resolve, by the
// issue `id`; `priority` CRITICAL / HIGH / MEDIUM / LOW. The legacy notification channel's body
// (`current_state` open / acknowledged / closed, by `incident_id`) is read too; its "Send test
// notification" (`current_state: "test"`) is the sender's test.
import type { AlertEvent } from "../../domain/alert-event";
import type { Severity } from "../../domain/status";
import { PayloadError } from "../errors";
import { type Adapted, senderTest } from "./adapted";
import { clipDetails, clipSummary, httpUrl, type JsonObject, lookupWord, parseEpoch, requireObject, severityOfLabel, text } from "./common";

const PRIORITIES: Record<string, Severity> = { critical: "critical", high: "error", medium: "warning", low: "info" };
const WORKFLOW_STATES: Record<string, AlertEvent["action"]> = {
  created: "trigger",
  activated: "trigger",
  acknowledged: "acknowledge",
  closed: "resolve",
};
const LEGACY_STATES: Record<string, AlertEvent["action"]> = { open: "trigger", acknowledged: "acknowledge", closed: "resolve" };

const first = (value: unknown): string | undefined => (Array.isArray(value) ? value.map(text).find(Boolean) : text(value));

export function fromNewRelic(payload: unknown, receivedAt: Date): Adapted {
  const body = requireObject(payload);
  if (text(body.current_state) !== undefined || text(body.incident_id) !== undefined) return legacy(body, receivedAt);
  const id = text(body.id) ?? text(body.issueId);
  if (id === undefined) throw new PayloadError("id", "is required: the issue id ({{issueId}}) of New Relic's workflow webhook");
  const state = text(body.state)?.toLowerCase();
  let action = lookupWord(WORKFLOW_STATES, state);
  if (!action) throw new PayloadError("state", "must be one of ACTIVATED, CREATED, ACKNOWLEDGED, CLOSED");
  // An acknowledgement may come as the trigger of a still-ACTIVATED issue (`trigger` ACKNOWLEDGED,
  // or USER_ACTION with `acknowledgedBy`/`isAcknowledged` set by a custom template).
  const cause = text(body.trigger)?.toUpperCase();
  const acked = text(body.isAcknowledged) === "true" || text(body.acknowledgedBy) !== undefined;
  if (action === "trigger" && (cause === "ACKNOWLEDGED" || (cause === "USER_ACTION" && acked))) action = "acknowledge";
  const condition = first(body.alertConditionNames);
  const policy = first(body.alertPolicyNames);
  const entity = first(body.impactedEntities) ?? first(body.entitiesData);
  const event: AlertEvent = {
    dedupKey: id.slice(0, 255),
    action,
    severity: lookupWord(PRIORITIES, text(body.priority)?.toLowerCase()) ?? "error",
    summary: clipSummary(first(body.title) ?? condition ?? `New Relic issue ${id}`),
    tags: Object.fromEntries(
      [
        ["policy", policy],
        ["entity", entity],
        ["workflow", text(body.workflowName)],
      ].filter((e): e is [string, string] => !!e[1]),
    ),
    occurredAt: parseEpoch(action === "trigger" ? (body.createdAt ?? body.updatedAt) : (body.updatedAt ?? body.closedAt)) ?? receivedAt,
  };
  if (condition || policy) event.monitor = { name: condition ?? policy! };
  const link = httpUrl(text(body.issueUrl));
  if (link) event.link = link;
  return [event];
}

function legacy(body: JsonObject, receivedAt: Date): Adapted {
  const state = text(body.current_state)?.toLowerCase();
  if (state === "test") return senderTest('New Relic channel test (current_state "test")');
  const action = lookupWord(LEGACY_STATES, state);
  if (!action) throw new PayloadError("current_state", "must be open, acknowledged or closed (or test)");
  const id = text(body.incident_id);
  if (id === undefined) throw new PayloadError("incident_id", "is required");
  const condition = text(body.condition_name);
  const event: AlertEvent = {
    dedupKey: `incident-${id}`,
    action,
    severity: text(body.severity) ? severityOfLabel(text(body.severity)) : "error",
    summary: clipSummary(condition ? `${condition}${text(body.policy_name) ? ` (${text(body.policy_name)})` : ""}` : `New Relic incident ${id}`),
    tags: text(body.policy_name) ? { policy: text(body.policy_name)! } : {},
    occurredAt: parseEpoch(body.timestamp) ?? receivedAt,
  };
  if (condition) event.monitor = { ...(text(body.condition_id) ? { id: text(body.condition_id)! } : {}), name: condition };
  const details = clipDetails(text(body.details));
  if (details) event.details = details;
  const link = httpUrl(text(body.incident_url));
  if (link) event.link = link;
  return [event];
}
