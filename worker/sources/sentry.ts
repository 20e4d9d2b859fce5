// Sentry (an internal integration's webhooks, or the legacy WebHooks plugin) → AlertEvents.
// Metric alerts (`Sentry-Hook-Resource: metric_alert`): action critical / warning → trigger at that
// severity, resolved → resolve, by the metric alert incident. Issue alerts (`event_alert`, action
// triggered) open an alert per issue; issue webhooks (`issue`) resolve it when the issue is resolved
// or archived. An issue being created or unresolved is no alert (no rule fired): it opens nothing
// unless the integration's `sentry_issue_events` option is `trigger`; assigned and the rest change
// nothing. An alert rule's "Send Test Notification" sends Sentry's sample event (tagged
// `sample_event: yes`; the legacy plugin's carries the sample's text only): the sender's test.
// The body's signature (`Sentry-Hook-Signature`, hex HMAC-SHA256 of the body with the integration's
// client secret) is checked by the ingestor.
import type { AlertEvent } from "../../domain/alert-event";
import type { IntegrationOptions } from "../../domain/integration-options";
import type { Severity } from "../../domain/status";
import { PayloadError } from "../errors";
import { type Adapted, senderTest } from "./adapted";
import { child, clipDetails, clipSummary, httpUrl, type JsonObject, lookupWord, parseDateLenient, requireObject, text } from "./common";

const LEVELS: Record<string, Severity> = {
  fatal: "critical",
  error: "error",
  warning: "warning",
  info: "info",
  debug: "info",
  sample: "info",
};
const level = (value: unknown): Severity => lookupWord(LEVELS, text(value)?.toLowerCase()) ?? "error";

// Sentry's sample event ("This is an example Python exception", one per platform).
const SAMPLE_MESSAGE = /^This is an example .{1,40} exception$/;

function isSampleEvent(e: JsonObject | undefined, message: string | undefined): boolean {
  return eventTags(e ?? {}).sample_event === "yes" || SAMPLE_MESSAGE.test(message ?? text(e?.title) ?? text(e?.message) ?? "");
}

export function fromSentry(payload: unknown, receivedAt: Date, options?: IntegrationOptions): Adapted {
  const body = requireObject(payload);
  const data = child(body, "data");
  const action = text(body.action)?.toLowerCase();
  const metric = child(data, "metric_alert");
  if (metric) return [metricAlert(data!, metric, action, receivedAt)];
  const event = child(data, "event");
  if (event) {
    if (isSampleEvent(event, undefined)) return senderTest("Sentry sample event (Send Test Notification)");
    return [issueAlert(data!, event, receivedAt)];
  }
  const issue = child(data, "issue");
  if (issue) return issueWebhook(issue, action, receivedAt, options?.sentry_issue_events === "trigger");
  // The legacy WebHooks plugin: the issue at the top level, its latest event inside.
  if (text(body.project_name) !== undefined && text(body.id) !== undefined) {
    const e = child(body, "event");
    if (isSampleEvent(e, text(body.message))) return senderTest("Sentry sample event (WebHooks plugin test)");
    return [
      {
        dedupKey: `issue:${text(body.id)}`,
        action: "trigger",
        severity: level(body.level),
        summary: clipSummary(text(body.message) ?? text(e?.title) ?? `Sentry issue ${text(body.id)}`),
        tags: { project: text(body.project_name)!, ...(text(body.culprit) ? { culprit: text(body.culprit)! } : {}) },
        monitor: { id: text(body.project) ?? text(body.project_name)!, name: text(body.project_name)! },
        occurredAt: parseDateLenient(e?.timestamp ?? e?.received) ?? receivedAt,
        ...(httpUrl(text(body.url)) ? { link: httpUrl(text(body.url))! } : {}),
      },
    ];
  }
  // Installation, comment, error and other resources say nothing about the service.
  if (data && (child(data, "installation") || child(data, "comment") || child(data, "error"))) return [];
  if (child(body, "installation") && !data) return [];
  throw new PayloadError("data", "must hold a metric_alert, an event (issue alert) or an issue: is this a Sentry webhook?");
}

function metricAlert(data: JsonObject, metric: JsonObject, action: string | undefined, receivedAt: Date): AlertEvent {
  if (action !== "critical" && action !== "warning" && action !== "resolved") {
    throw new PayloadError("action", "must be critical, warning or resolved for a metric alert");
  }
  const id = text(metric.id) ?? text(metric.identifier);
  if (id === undefined) throw new PayloadError("data.metric_alert.id", "is required");
  const rule = child(metric, "alert_rule");
  const title = text(data.description_title) ?? text(metric.title) ?? text(rule?.name) ?? `Sentry metric alert ${id}`;
  const event: AlertEvent = {
    dedupKey: `metric-alert:${id}`,
    action: action === "resolved" ? "resolve" : "trigger",
    severity: action === "warning" ? "warning" : "critical",
    summary: clipSummary(title),
    tags: {},
    occurredAt:
      parseDateLenient(action === "resolved" ? (metric.date_closed ?? metric.date_detected) : (metric.date_detected ?? metric.date_started)) ?? receivedAt,
  };
  const ruleId = text(rule?.id);
  const ruleName = text(rule?.name) ?? text(metric.title);
  if (ruleId || ruleName) event.monitor = { ...(ruleId ? { id: ruleId } : {}), ...(ruleName ? { name: ruleName } : {}) };
  const details = clipDetails(text(data.description_text));
  if (details) event.details = details;
  const link = httpUrl(text(data.web_url));
  if (link) event.link = link;
  return event;
}

function issueAlert(data: JsonObject, e: JsonObject, receivedAt: Date): AlertEvent {
  const issueId = text(e.issue_id) ?? text(e.group_id);
  if (issueId === undefined) throw new PayloadError("data.event.issue_id", "is required");
  const rule = text(data.triggered_rule);
  const event: AlertEvent = {
    dedupKey: `issue:${issueId}`,
    action: "trigger",
    severity: level(e.level),
    summary: clipSummary(text(e.title) ?? text(e.message) ?? `Sentry issue ${issueId}`),
    tags: eventTags(e),
    occurredAt: parseDateLenient(e.datetime ?? e.timestamp) ?? receivedAt,
  };
  if (rule) event.monitor = { name: rule };
  const details = clipDetails(text(e.culprit) ?? text(e.message));
  if (details) event.details = details;
  const link = httpUrl(text(e.web_url)) ?? httpUrl(text(e.issue_url));
  if (link) event.link = link;
  return event;
}

/**
 * An issue webhook: resolved, ignored or archived resolves the issue's alert (opened by an issue alert
 * rule); created and unresolved trigger only when the integration asks for it (`issueEvents`);
 * assigned and anything else change nothing.
 */
function issueWebhook(issue: JsonObject, action: string | undefined, receivedAt: Date, issueEvents: boolean): AlertEvent[] {
  const id = text(issue.id);
  if (id === undefined) throw new PayloadError("data.issue.id", "is required");
  const act: AlertEvent["action"] | undefined =
    action === "created" || action === "unresolved"
      ? issueEvents
        ? "trigger"
        : undefined
      : action === "resolved" || action === "ignored" || action === "archived"
        ? "resolve"
        : undefined;
  if (!act) return [];
  const event: AlertEvent = {
    dedupKey: `issue:${id}`,
    action: act,
    severity: level(issue.level),
    summary: clipSummary(text(issue.title) ?? `Sentry issue ${text(issue.shortId) ?? id}`),
    tags: text(child(issue, "project")?.slug) ? { project: text(child(issue, "project")?.slug)! } : {},
    occurredAt: (act === "trigger" ? parseDateLenient(issue.lastSeen ?? issue.firstSeen) : undefined) ?? receivedAt,
  };
  const link = httpUrl(text(issue.web_url)) ?? httpUrl(text(issue.permalink));
  if (link) event.link = link;
  return [event];
}

/** The event's tags: Sentry sends `[[key, value], …]` (or `[{key, value}]`). */
function eventTags(e: JsonObject): Record<string, string> {
  const entries: [string, string][] = [];
  if (Array.isArray(e.tags)) {
    for (const t of e.tags) {
      const [k, v] = Array.isArray(t) ? [text(t[0]), text(t[1])] : [text((t as JsonObject)?.key), text((t as JsonObject)?.value)];
      if (k && !entries.some(([key]) => key === k)) entries.push([k, v ?? ""]);
    }
  }
  return Object.fromEntries(entries);
}
