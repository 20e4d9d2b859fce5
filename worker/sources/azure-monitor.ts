// Azure Monitor alerts with the common alert schema (action group webhook, "Enable the common alert
// schema" on) → AlertEvents. `data.essentials.monitorCondition` Fired → trigger, Resolved → resolve,
// by `alertId` (the same on the Fired and the Resolved of one alert). Sev0–Sev4 as Azure names them:
// Critical, Error, Warning, Informational, Verbose.
// Activity-log alerts (Administrative, Policy, Security…) only ever fire: each is a one-off event, so
// its alert expires after ACTIVITY_LOG_EXPIRY and the incident moves to monitoring for an operator to
// resolve. Service Health and Resource Health do report the end of what they announced (stage
// Resolved, health Available), and resolve the alert they opened.
// Cost Management's budget and cost alerts come in the same schema with `monitorCondition`, `severity`
// and `alertRule` null (`monitoringService` CostAlerts): spending is no outage, so each is an info
// alert (recorded for operators, no status change, no incident) that expires like an activity-log one.
import type { AlertEvent } from "../../domain/alert-event";
import type { Severity } from "../../domain/status";
import { PayloadError } from "../errors";
import {
  child,
  clipDetails,
  clipSummary,
  encodePart,
  httpUrl,
  isObject,
  type JsonObject,
  lookupWord,
  parseDateLenient,
  requireChild,
  requireObject,
  requireText,
  requireWord,
  text,
} from "./common";

const SEVERITIES: Record<string, Severity> = { sev0: "critical", sev1: "error", sev2: "warning", sev3: "info", sev4: "info" };
export const ACTIVITY_LOG_EXPIRY_SECONDS = 3600;

export function fromAzureMonitor(payload: unknown, receivedAt: Date): AlertEvent[] {
  const body = requireObject(payload);
  const schema = text(body.schemaId);
  if (schema !== undefined && schema !== "azureMonitorCommonAlertSchema") {
    throw new PayloadError("schemaId", `is ${schema.slice(0, 60)}: turn on "Enable the common alert schema" in the action group's webhook`);
  }
  const data = child(body, "data");
  const essentials = requireChild(data, "essentials", "data.essentials", "send the common alert schema (azureMonitorCommonAlertSchema)");
  const alertId = requireText(essentials, "alertId", "data.essentials.alertId");
  if (essentials.monitorCondition == null && isCostAlert(essentials, child(data, "alertContext"))) {
    return [costAlert(essentials, child(child(data, "alertContext"), "AlertData"), alertId, receivedAt)];
  }
  const condition = requireWord(essentials, "monitorCondition", "data.essentials.monitorCondition", ["fired", "resolved"], "must be Fired or Resolved");
  const rule = text(essentials.alertRule) ?? "Azure Monitor alert";
  const signal = text(essentials.signalType)?.toLowerCase();
  const service = text(essentials.monitoringService) ?? "";
  const context = child(data, "alertContext");
  const properties = child(context, "properties");

  let dedupKey = alertId;
  let action: AlertEvent["action"] = condition === "fired" ? "trigger" : "resolve";
  let expires: number | undefined;
  if (signal === "activity log") {
    if (service === "ServiceHealth") {
      // One Service Health issue is one tracking id across its updates; stage Resolved ends it.
      const tracking = text(properties?.trackingId);
      if (tracking) dedupKey = `service-health:${tracking}`;
      if (/^(resolved|rca|complete)$/i.test(text(properties?.stage) ?? "")) action = "resolve";
    } else if (service === "Resource Health") {
      const target = Array.isArray(essentials.alertTargetIDs) ? text(essentials.alertTargetIDs[0]) : undefined;
      if (target) dedupKey = `resource-health:${target.toLowerCase()}`;
      if (/^available$/i.test(text(properties?.currentHealthStatus) ?? "")) action = "resolve";
    } else if (action === "trigger") {
      expires = ACTIVITY_LOG_EXPIRY_SECONDS;
    }
  }

  const severity = lookupWord(SEVERITIES, text(essentials.severity)?.toLowerCase()) ?? "error";
  const targets = Array.isArray(essentials.configurationItems) ? essentials.configurationItems.map(text).filter(Boolean) : [];
  const at = action === "resolve" ? (essentials.resolvedDateTime ?? essentials.firedDateTime) : essentials.firedDateTime;
  const event: AlertEvent = {
    dedupKey: dedupKey.slice(0, 255),
    action,
    severity,
    summary: clipSummary(`${rule}${targets.length ? ` on ${targets.join(", ")}` : ""}`),
    tags: Object.fromEntries(
      [
        ["signal_type", text(essentials.signalType)],
        ["monitoring_service", service || undefined],
        ["severity", text(essentials.severity)],
        ...(targets[0] ? [["resource", targets[0]]] : []),
      ].filter((e): e is [string, string] => !!e[1]),
    ),
    monitor: { id: text(essentials.originAlertId) ?? rule, name: rule },
    occurredAt: parseDateLenient(at) ?? receivedAt,
  };
  const details = clipDetails(text(essentials.description) ?? text(properties?.title) ?? text(properties?.communication));
  if (details) event.details = details;
  const link = httpUrl(text(essentials.investigationLink));
  if (link) event.link = link;
  else event.link = `https://portal.azure.com/#blade/Microsoft_Azure_Monitoring/AlertDetailsTemplateBlade/alertId/${encodePart(alertId)}`;
  if (expires) event.expiresInSeconds = expires;
  if (isObject(context) && action === "trigger" && signal === "log" && text(context.SearchQuery)) {
    event.details = clipDetails(`${event.details ? `${event.details}\n\n` : ""}${text(context.SearchQuery)}`);
  }
  return [event];
}

function isCostAlert(essentials: JsonObject, context: JsonObject | undefined): boolean {
  return /^cost/i.test(text(essentials.monitoringService) ?? "") || /^(budgets?|cost)/i.test(text(context?.AlertCategory) ?? "");
}

/** A budget or cost alert: who spent what, against which threshold; info, never an outage. */
function costAlert(essentials: JsonObject, alert: JsonObject | undefined, alertId: string, receivedAt: Date): AlertEvent {
  const budget = text(alert?.BudgetName);
  const spent = text(alert?.SpentAmount);
  const threshold = text(alert?.NotificationThresholdAmount) ?? text(alert?.BudgetThreshold);
  const title = budget ? `Budget ${budget}${spent ? `: ${spent} spent` : ""}${threshold ? ` (threshold ${threshold})` : ""}` : "Azure cost alert";
  const event: AlertEvent = {
    dedupKey: alertId.slice(0, 255),
    action: "trigger",
    severity: "info",
    summary: clipSummary(title),
    tags: Object.fromEntries(
      [
        ["monitoring_service", text(essentials.monitoringService)],
        ["budget", budget],
      ].filter((e): e is [string, string] => !!e[1]),
    ),
    monitor: { id: text(alert?.BudgetId) ?? alertId, name: budget ?? "Azure cost alert" },
    occurredAt: parseDateLenient(essentials.firedDateTime) ?? receivedAt,
    expiresInSeconds: ACTIVITY_LOG_EXPIRY_SECONDS,
  };
  const details = clipDetails(text(essentials.description));
  if (details) event.details = details;
  return event;
}
