// Checkly webhook alert channel → AlertEvents. The body is the channel's template, filled by
// Checkly's Handlebars; the README gives one to paste (and Checkly's own default is read too: key
// names are matched loosely, `alert_type`, `ALERT_TYPE`, `alertType`). ALERT_FAILURE (and
// _REMAIN, _DEGRADED) → critical trigger, ALERT_DEGRADED (and _REMAIN) → warning trigger,
// ALERT_RECOVERY and ALERT_DEGRADED_RECOVERY → resolve, all by check; ALERT_SSL → a warning
// of its own.
import type { AlertEvent } from "../../domain/alert-event";
import { PayloadError } from "../errors";
import { clipDetails, clipSummary, httpUrl, isObject, type JsonObject, parseDateLenient, parseTags, pick, requireObject, text } from "./common";

export function fromCheckly(payload: unknown, receivedAt: Date): AlertEvent[] {
  const body = requireObject(payload);
  const type = pick(body, "alert_type", "alertType")?.toUpperCase();
  if (!type) throw new PayloadError("alert_type", "is required: {{ALERT_TYPE}}");
  const id = pick(body, "check_id", "checkId");
  if (id === undefined) throw new PayloadError("check_id", "is required: {{CHECK_ID}}");
  const name = pick(body, "check_name", "checkName") ?? `Check ${id}`;
  let action: AlertEvent["action"];
  let severity: AlertEvent["severity"] = "critical";
  let what: string;
  let dedupKey = `check-${id}`;
  if (type === "ALERT_RECOVERY" || type === "ALERT_DEGRADED_RECOVERY") {
    action = "resolve";
    what = "has recovered";
  } else if (type === "ALERT_DEGRADED" || type === "ALERT_DEGRADED_REMAIN") {
    action = "trigger";
    severity = "warning";
    what = "is degraded";
  } else if (type === "ALERT_FAILURE" || type === "ALERT_FAILURE_REMAIN" || type === "ALERT_FAILURE_DEGRADED" || type === "ALERT_DEGRADED_FAILURE") {
    action = "trigger";
    what = "is failing";
  } else if (type === "ALERT_SSL") {
    action = "trigger";
    severity = "warning";
    what = "certificate expires soon";
    dedupKey = `ssl-${id}`;
  } else {
    throw new PayloadError(
      "alert_type",
      "must be one of ALERT_FAILURE, ALERT_FAILURE_REMAIN, ALERT_FAILURE_DEGRADED, ALERT_DEGRADED, ALERT_DEGRADED_REMAIN, ALERT_DEGRADED_FAILURE, ALERT_RECOVERY, ALERT_DEGRADED_RECOVERY, ALERT_SSL",
    );
  }
  const tags = tagsOf(body);
  const checkType = pick(body, "check_type", "checkType");
  if (checkType && !Object.hasOwn(tags, "check_type")) tags.check_type = checkType;
  const location = pick(body, "run_location", "runLocation");
  if (location && !Object.hasOwn(tags, "location")) tags.location = location;
  const event: AlertEvent = {
    dedupKey: dedupKey.slice(0, 255),
    action,
    severity,
    summary: clipSummary(`${name} ${what}`),
    tags,
    monitor: { id, name },
    occurredAt: parseDateLenient(pick(body, "started_at", "startedAt")) ?? receivedAt,
  };
  const details = action === "trigger" ? clipDetails(pick(body, "check_error_message", "checkErrorMessage")) : undefined;
  if (details) event.details = details;
  const link = httpUrl(pick(body, "result_link", "resultLink", "link"));
  if (link) event.link = link;
  return [event];
}

/** {{{stringify TAGS}}} (`["service:payments","prod"]`), or {{TAGS}} as text (`service:payments,prod`). */
function tagsOf(body: JsonObject): Record<string, string> {
  const raw = Object.entries(body).find(([k]) => k.toLowerCase() === "tags")?.[1];
  if (Array.isArray(raw)) return parseTags(raw.map(text).filter(Boolean).join(","));
  if (isObject(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, text(v) ?? ""]));
  const str = text(raw);
  if (str === undefined) return {};
  if (str.startsWith("[")) {
    try {
      const list = JSON.parse(str);
      if (Array.isArray(list)) return parseTags(list.map(text).filter(Boolean).join(","));
    } catch {
      // text after all
    }
  }
  return parseTags(str);
}
