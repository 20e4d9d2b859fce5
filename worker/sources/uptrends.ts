// Uptrends custom integration → AlertEvent. The user's template fills `{{@…}}` system variables
// (docs/senders/uptrends.md); field names are looked up ignoring case and underscores, with the common
// alternative spellings.
import type { AlertEvent } from "../../domain/alert-event";
import { PayloadError } from "../errors";
import { clipDetails, clipSummary, isObject, type JsonObject, normalizeKey, parseIsoDate, requireObject, severityOfLabel, text } from "./common";

type AlertType = "alert" | "error" | "ok" | "reminder";

const TYPES: Record<AlertType, Pick<AlertEvent, "action" | "renotify">> = {
  alert: { action: "trigger" },
  // Uptrends' own articles call the Alert message an "Error message".
  error: { action: "trigger" },
  ok: { action: "resolve" },
  reminder: { action: "trigger", renotify: true },
};

const TYPE_HINT = "must be one of Alert, Ok, Reminder";

// Canonical field → the spellings accepted for it (compared after normalizeKey).
const ALIASES = {
  type: ["type", "alertType"],
  incidentKey: ["incidentKey"],
  monitorGuid: ["monitorGuid"],
  monitorName: ["monitorName"],
  description: ["description"],
  errorDescription: ["errorDescription"],
  timestampUtc: ["timestampUtc"],
  timestamp: ["timestamp"],
  url: ["url", "monitorUrl"],
  severity: ["severity"],
} as const;

type Field = keyof typeof ALIASES;

class Fields {
  private readonly byName = new Map<string, { key: string; value: unknown }[]>();

  constructor(body: JsonObject) {
    for (const [key, value] of Object.entries(body)) {
      if (value === undefined) continue;
      const name = normalizeKey(key);
      this.byName.set(name, [...(this.byName.get(name) ?? []), { key, value }]);
    }
  }

  private entries(field: Field) {
    return ALIASES[field].flatMap((alias) => this.byName.get(normalizeKey(alias)) ?? []);
  }

  /** The first present value (empties and unsubstituted `@` variables are absent). */
  get(field: Field): string | undefined {
    for (const { value } of this.entries(field)) {
      const found = text(value);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** The key the payload used for a field, for errors; the template's spelling when absent. */
  key(field: Field): string {
    return this.entries(field)[0]?.key ?? field;
  }
}

// A bare `@alert.type` is not a variable: Uptrends sends it as it is written.
const BARE_VARIABLE = /^@(?:alert|incident|monitor|account|operator|checkpoint)\.[A-Za-z0-9_.]+$/i;

export function fromUptrends(payload: unknown, receivedAt: Date): AlertEvent[] {
  const body = requireObject(payload);
  const bare = Object.entries(body).find(([, v]) => typeof v === "string" && BARE_VARIABLE.test(v.trim()));
  if (bare) {
    const name = String(bare[1]).trim();
    throw new PayloadError(
      bare[0],
      `holds the literal text \`${name}\`: Uptrends only fills variables written in double curly braces, \`{{${name}}}\` (and text ones inside \`{{@JsonEncode({{${name}}})}}\`)`,
    );
  }
  const fields = new Fields(body);

  const type = fields.get("type")?.toLowerCase();
  if (type === undefined || !Object.hasOwn(TYPES, type)) throw new PayloadError(fields.key("type"), TYPE_HINT);
  const { action, renotify } = TYPES[type as AlertType];

  const dedupKey = fields.get("incidentKey") ?? fields.get("monitorGuid");
  if (dedupKey === undefined) {
    throw new PayloadError(fields.key("incidentKey"), "is required ({{@incident.key}}), or at least monitorGuid ({{@monitor.monitorGuid}})");
  }

  const severityText = fields.get("severity");
  // Free text in a hand-written template: read leniently rather than lose the alert.
  const severity = severityOfLabel(severityText);

  const monitorGuid = fields.get("monitorGuid");
  const monitorName = fields.get("monitorName");
  const description = fields.get("description");
  const url = fields.get("url");

  const event: AlertEvent = {
    dedupKey,
    action,
    severity,
    summary: clipSummary(description ?? defaultSummary(type as AlertType, monitorName ?? monitorGuid)),
    tags: tagsOf(body, monitorName, url),
    occurredAt: occurredAt(fields) ?? receivedAt,
  };
  const details = clipDetails(fields.get("errorDescription") ?? description);
  if (details) event.details = details;
  if (monitorGuid || monitorName) {
    event.monitor = {};
    if (monitorGuid) event.monitor.id = monitorGuid;
    if (monitorName) event.monitor.name = monitorName;
  }
  if (renotify) event.renotify = true;
  return [event];
}

function defaultSummary(type: AlertType, monitor: string | undefined): string {
  const name = monitor ?? "Uptrends monitor";
  if (type === "ok") return `${name} recovered`;
  if (type === "reminder") return `${name} is still down`;
  return `${name} is down`;
}

// `timestampUtc` is UTC even without a zone; the plain `timestamp` is in the account's zone, so
// without an explicit zone it is ambiguous and ignored.
function occurredAt(fields: Fields): Date | undefined {
  const utc = fields.get("timestampUtc");
  const fromUtc = utc === undefined ? undefined : parseIsoDate(utc, "utc");
  if (fromUtc) return fromUtc;
  const local = fields.get("timestamp");
  return local === undefined ? undefined : parseIsoDate(local, "reject");
}

/** `monitor` and `url` from the payload, plus scalar values of an optional `tags` object. */
function tagsOf(body: JsonObject, monitorName: string | undefined, url: string | undefined): Record<string, string> {
  const entries: [string, string][] = [];
  if (monitorName) entries.push(["monitor", monitorName]);
  if (url) entries.push(["url", url]);
  if (isObject(body.tags)) {
    for (const [key, value] of Object.entries(body.tags)) {
      const str = text(value);
      if (str !== undefined && !entries.some(([k]) => k === key)) entries.push([key, str]);
    }
  }
  return Object.fromEntries(entries);
}
