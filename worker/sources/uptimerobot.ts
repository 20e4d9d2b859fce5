// UptimeRobot webhook alert contact → AlertEvents. The user writes the body (JSON with "Send as JSON"
// ticked, else the same fields form-encoded; or UptimeRobot adds the values to the query string: the
// route reads all three into one object) from its `*variables*`: `*monitorID*`, `*monitorURL*`,
// `*monitorFriendlyName*`, `*alertType*` (1 down, 2 up, 3 SSL expiry), `*alertTypeFriendlyName*`,
// `*alertDetails*`, `*alertDuration*`, `*alertDateTime*` (epoch seconds)… Its quirks: the key names
// are whatever the user typed (monitorID, monitor_id, alert_type…), numbers arrive as text, a
// variable that has no value in this alert stays as its own `*name*` text, and values are put in
// without JSON escaping.
import type { AlertEvent } from "../../domain/alert-event";
import { PayloadError } from "../errors";
import { clipDetails, clipSummary, httpUrl, type JsonObject, parseEpoch, pick as pickText, requireObject } from "./common";

// `*alertFriendlyDuration*` left as it was: no value for this alert.
const UNSUBSTITUTED = /^\*[A-Za-z]+\*$/;

function pick(body: JsonObject, ...names: string[]): string | undefined {
  const value = pickText(body, ...names);
  return value === undefined || UNSUBSTITUTED.test(value) ? undefined : value;
}

export function fromUptimeRobot(payload: unknown, receivedAt: Date): AlertEvent[] {
  const body = requireObject(payload);
  const type = pick(body, "alertType", "alert_type", "type");
  const friendly = pick(body, "alertTypeFriendlyName", "alert_type_friendly_name")?.toLowerCase();
  const kind = type === "1" || friendly === "down" ? "down" : type === "2" || friendly === "up" ? "up" : type === "3" ? "ssl" : undefined;
  if (!kind) throw new PayloadError("alertType", "is required: *alertType* (1 down, 2 up), or *alertTypeFriendlyName*");
  const id = pick(body, "monitorID", "monitor_id", "monitorId", "id");
  const url = pick(body, "monitorURL", "monitor_url", "url");
  const name = pick(body, "monitorFriendlyName", "monitor_friendly_name", "monitorName", "monitor_name", "name") ?? url;
  const monitorKey = id ?? url ?? name;
  if (monitorKey === undefined) throw new PayloadError("monitorID", "is required to tell monitors apart: *monitorID* (or *monitorURL*)");
  const details = pick(body, "alertDetails", "alert_details", "details");
  const event: AlertEvent = {
    dedupKey: `${kind === "ssl" ? "ssl" : "monitor"}-${monitorKey}`.slice(0, 255),
    action: kind === "up" ? "resolve" : "trigger",
    severity: kind === "ssl" ? "warning" : "critical",
    summary: clipSummary(`${name ?? monitorKey} ${kind === "down" ? "is down" : kind === "up" ? "is up" : "certificate expires soon"}`),
    tags: {},
    monitor: { ...(id ? { id } : {}), ...(name ? { name } : {}) },
    occurredAt: parseEpoch(pick(body, "alertDateTime", "alert_datetime", "alert_date_time")) ?? receivedAt,
  };
  const clipped = kind !== "up" ? clipDetails(details) : undefined;
  if (clipped) event.details = clipped;
  const link = httpUrl(url);
  if (link) event.link = link;
  return [event];
}
