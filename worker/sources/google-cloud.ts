// Google Cloud Monitoring webhook notification channel → AlertEvents. `incident.state` open →
// trigger, closed → resolve, by `incident.incident_id`. Schema 1.2 adds `severity` (Critical, Error,
// Warning, No severity) and more; the older 1.1 shape has the same core fields. The channel's "Send
// test notification" sends `version: "test"`: the sender's test.
import type { AlertEvent } from "../../domain/alert-event";
import type { Severity } from "../../domain/status";
import { type Adapted, senderTest } from "./adapted";
import {
  child,
  clipDetails,
  clipSummary,
  httpUrl,
  isObject,
  lookupWord,
  parseEpoch,
  requireChild,
  requireObject,
  requireText,
  requireWord,
  text,
} from "./common";

const SEVERITIES: Record<string, Severity> = { critical: "critical", error: "error", warning: "warning" };

export function fromGoogleCloud(payload: unknown, receivedAt: Date): Adapted {
  const body = requireObject(payload);
  if (text(body.version)?.toLowerCase() === "test") return senderTest('Cloud Monitoring test notification (version "test")');
  const incident = requireChild(body, "incident", "incident", "is this a Cloud Monitoring webhook notification channel?");
  const id = requireText(incident, "incident_id", "incident.incident_id");
  const state = requireWord(incident, "state", "incident.state", ["open", "closed"], "must be open or closed");
  const policy = text(incident.policy_name);
  const condition = text(incident.condition_name) ?? text(child(incident, "condition")?.displayName);
  const resource = text(incident.resource_display_name) ?? text(incident.resource_name);

  const entries = new Map<string, string>();
  for (const labels of [child(incident, "policy_user_labels"), child(child(incident, "metadata"), "user_labels")]) {
    if (labels) for (const [k, v] of Object.entries(labels)) if (text(v) !== undefined && !entries.has(k)) entries.set(k, text(v)!);
  }
  const resourceType = text(child(incident, "resource")?.type) ?? text(incident.resource_type_display_name);
  if (resourceType && !entries.has("resource_type")) entries.set("resource_type", resourceType);
  // fromEntries defines own properties, so a "__proto__" label stays a label.
  const tags = Object.fromEntries(entries);

  const summary = text(incident.summary) ?? [policy, condition, resource].filter(Boolean).join(" — ");
  const event: AlertEvent = {
    dedupKey: id.slice(0, 255),
    action: state === "open" ? "trigger" : "resolve",
    // "No severity" (or none at all, in 1.1): a firing policy counts as an error.
    severity: lookupWord(SEVERITIES, text(incident.severity)?.toLowerCase()) ?? "error",
    summary: clipSummary(summary || `Cloud Monitoring incident ${id}`),
    tags,
    occurredAt: parseEpoch(state === "closed" ? (incident.ended_at ?? incident.started_at) : incident.started_at) ?? receivedAt,
  };
  if (policy || condition) event.monitor = { ...(policy ? { id: policy } : {}), name: [policy, condition].filter(Boolean).join(": ") };
  const documentation = child(incident, "documentation");
  const details = clipDetails(text(documentation?.content) ?? (isObject(incident.documentation) ? undefined : text(incident.documentation)));
  if (details) event.details = details;
  const link = httpUrl(text(incident.url));
  if (link) event.link = link;
  return [event];
}
