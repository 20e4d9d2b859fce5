// Zabbix Webhook media type → AlertEvent. The README's media-type script posts its parameters (Zabbix
// macros, every value a string) as one JSON object; this reads them. Zabbix leaves a macro it cannot
// resolve in a context as its own text (`{EVENT.RECOVERY.TIMESTAMP}` in a problem) or `*UNKNOWN*`:
// both count as absent.
import type { AlertEvent } from "../../domain/alert-event";
import type { Severity } from "../../domain/status";
import { PayloadError } from "../errors";
import { type Adapted, senderTest } from "./adapted";
import { clipDetails, clipSummary, httpUrl, isObject, type JsonObject, parseEpoch, parseTags, requireObject, severityOfLabel, text } from "./common";

const UNRESOLVED = /^(?:\{[A-Z#$?][A-Z0-9_.#$:"()\s]*\}|\*UNKNOWN\*)$/;

// Zabbix's own mapping in its official PagerDuty media type, by {EVENT.NSEVERITY}: Not classified,
// Information → info; Warning, Average → warning; High → error; Disaster → critical.
const NSEVERITY: readonly Severity[] = ["info", "info", "warning", "warning", "error", "critical"];

function field(body: JsonObject, name: string): string | undefined {
  const value = text(body[name]);
  return value === undefined || UNRESOLVED.test(value) ? undefined : value;
}

export function fromZabbix(payload: unknown, receivedAt: Date): Adapted {
  const body = requireObject(payload);
  // The media type's Test dialog sends the parameters as typed, its defaults being the macros
  // themselves: `{EVENT.ID}` and `{EVENT.VALUE}` nobody filled in are that test, not an event.
  if (text(body.event_id) === "{EVENT.ID}" && field(body, "event_value") === undefined) {
    return senderTest("Zabbix media type test ({EVENT.ID} not filled in)");
  }

  // {EVENT.SOURCE}: 0 triggers; discovery (1), autoregistration (2) and internal (3) events are
  // about Zabbix itself, not the services on the page.
  const source = field(body, "event_source") ?? "0";
  if (source !== "0") return [];

  const eventId = field(body, "event_id");
  if (eventId === undefined || !/^\d+$/.test(eventId)) {
    throw new PayloadError("event_id", "is required: {EVENT.ID}, the problem's event id (the same in its recovery)");
  }
  const value = field(body, "event_value");
  if (value !== "0" && value !== "1") throw new PayloadError("event_value", "must be {EVENT.VALUE}: 1 for a problem, 0 for its recovery");
  const update = field(body, "event_update_status") === "1";
  const acknowledged = field(body, "event_ack_status")?.toLowerCase() === "yes";

  const action: AlertEvent["action"] = value === "0" ? "resolve" : update && acknowledged ? "acknowledge" : "trigger";
  const name = field(body, "event_name") ?? field(body, "alert_subject");
  const host = field(body, "host_name");
  const nseverity = field(body, "event_nseverity");
  const severity =
    nseverity !== undefined && /^[0-5]$/.test(nseverity) ? NSEVERITY[Number(nseverity)]! : severityOfLabel(field(body, "event_severity") ?? nseverity);

  const tags = tagsOf(body);
  if (host && !Object.hasOwn(tags, "host")) tags.host = host;
  // Every time from Zabbix's own clock, so a skew against ours cannot make a recovery look older
  // than an update. An update's time is not among the macros: it is placed just after its problem,
  // so it attaches, and a late one after the recovery is recognised as stale.
  const problemAt = parseEpoch(field(body, "event_timestamp"));
  const at = action === "resolve" ? parseEpoch(field(body, "event_recovery_timestamp")) : update ? problemAt && new Date(problemAt.getTime() + 1) : problemAt;

  const event: AlertEvent = {
    dedupKey: eventId,
    action,
    severity,
    summary: clipSummary(name ?? `Zabbix problem ${eventId}${host ? ` on ${host}` : ""}`),
    tags,
    occurredAt: at ?? receivedAt,
  };
  const details = clipDetails(field(body, "alert_message") ?? field(body, "event_opdata"));
  if (details) event.details = details;
  const triggerId = field(body, "trigger_id")?.match(/^\d+$/)?.[0];
  if (triggerId || name) {
    event.monitor = {};
    if (triggerId) event.monitor.id = triggerId;
    if (name) event.monitor.name = name;
  }
  const base = httpUrl(field(body, "zabbix_url"));
  if (base && triggerId) event.link = `${base.replace(/\/+$/, "")}/tr_events.php?triggerid=${triggerId}&eventid=${eventId}`;
  // A problem update that is not an acknowledgement (a comment, a severity change) re-notifies.
  if (action === "trigger" && update) event.renotify = true;
  return [event];
}

/** {EVENT.TAGSJSON} (`[{"tag":"service","value":"api"}]`), or {EVENT.TAGS} text (`service:api, scope:db`). */
function tagsOf(body: JsonObject): Record<string, string> {
  const raw = field(body, "event_tags");
  if (raw === undefined) return {};
  if (raw.startsWith("[")) {
    let list: unknown;
    try {
      list = JSON.parse(raw);
    } catch {
      throw new PayloadError("event_tags", "is not valid JSON: use {EVENT.TAGSJSON}, or {EVENT.TAGS}");
    }
    const entries: [string, string][] = [];
    if (Array.isArray(list)) {
      for (const item of list) {
        const tag = isObject(item) ? text(item.tag) : undefined;
        if (tag && !entries.some(([k]) => k === tag)) entries.push([tag, (isObject(item) && text(item.value)) || ""]);
      }
    }
    return Object.fromEntries(entries);
  }
  return parseTags(raw);
}
