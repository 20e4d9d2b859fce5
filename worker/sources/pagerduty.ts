// PagerDuty Events API v2 (alert and change events) and v1 → AlertEvents. Spoken by Alertmanager's
// pagerduty receiver, Grafana, Zabbix, Checkly and most monitors, so every bad field is reported
// at once, as PagerDuty does, in its `errors` list.
//
// Events are ordered by arrival, as PagerDuty orders them: `payload.timestamp` comes from the
// sender's clock, and a clock running ahead would make the following resolve look older than its
// trigger.
import type { AlertEvent } from "../../domain/alert-event";
import { SEVERITIES, type Severity } from "../../domain/status";
import { PayloadError } from "../errors";
import { clipSummary, codePoints, httpUrl, isObject, type JsonObject, parseIsoDate, parseTags, severityOfLabel, text } from "./common";

export const DEDUP_KEY_MAX = 255;
const TAG_VALUE_MAX = 512;
const ACTIONS = ["trigger", "acknowledge", "resolve"] as const;
type Action = (typeof ACTIONS)[number];
const SEVERITY_HINT = `must be one of ${SEVERITIES.join(", ")}`;

/** A PagerDuty event refused: every problem, each naming its field. */
export class PagerDutyEventError extends PayloadError {
  constructor(
    readonly errors: string[],
    field: string,
  ) {
    super(field, "");
    this.message = errors.join("; ");
  }
}

/** Collects every problem with an event, then throws them together. */
class Problems {
  private readonly list: Array<{ field: string; message: string }> = [];
  add(field: string, message: string): undefined {
    this.list.push({ field, message });
    return undefined;
  }
  throwIfAny(): void {
    if (this.list.length)
      throw new PagerDutyEventError(
        this.list.map((p) => `\`${p.field}\` ${p.message}`),
        this.list[0]!.field,
      );
  }
}

export interface PagerDutyResult {
  events: AlertEvent[];
  /** The dedup (v2) or incident (v1) key the answer returns: the sender's, or the one generated. */
  dedupKey?: string;
  /** The sender's test notification (how it was recognised): logged, answered as PagerDuty does, nothing else. */
  test?: string;
}

/** The integration key in the body (`routing_key`, v1 `service_key`), when it is a usable string. */
export function keyIn(payload: unknown, field: "routing_key" | "service_key"): string | null {
  return isObject(payload) && typeof payload[field] === "string" && payload[field].trim() ? payload[field].trim() : null;
}

/**
 * What every Events API event carries, v1 and v2 by their own field names: the integration key, the
 * action and the key of the alert (required to acknowledge or resolve one).
 */
function readEnvelope(payload: unknown, fields: { key: "routing_key" | "service_key"; action: string; dedup: string; noun: string }) {
  const body = bodyObject(payload);
  const p = new Problems();
  requiredKey(body, fields.key, p);
  const action = actionOf(body, fields.action, p);
  const dedupKey = optionalKey(body, fields.dedup, p);
  if (dedupKey === undefined && action && action !== "trigger") p.add(fields.dedup, `is required to ${action} an ${fields.noun}`);
  return { body, p, action, dedupKey };
}

/** `POST /v2/enqueue`. `newDedupKey` supplies the key a trigger without one gets. */
export function fromPagerDutyV2(payload: unknown, receivedAt: Date, newDedupKey: () => string): PagerDutyResult {
  const { body, p, action, dedupKey } = readEnvelope(payload, {
    key: "routing_key",
    action: "event_action",
    dedup: "dedup_key",
    noun: "alert",
  });

  const payloadObj = body.payload;
  let event: AlertEvent | undefined;
  let test: string | undefined;
  if (action === "trigger") {
    if (!isObject(payloadObj)) {
      p.add("payload", payloadObj === undefined || payloadObj === null ? "is required for a trigger: {summary, source, severity}" : "must be an object");
    } else {
      // Present but blank is a templating quirk (`{{ .CommonAnnotations.summary }}` when a group's
      // annotations differ): the alert is kept under a stand-in text rather than lost.
      const summaryText = requiredText(payloadObj, "summary", "payload.summary", p);
      const source = requiredText(payloadObj, "source", "payload.source", p)?.trim() || text(body.client) || "unknown source";
      const summary = summaryText?.trim() || `Alert from ${source}`;
      const severity = severityOf(payloadObj.severity, p);
      timestampOf(payloadObj.timestamp, p);
      if (summary && source && severity) {
        // Grafana's and Uptime Kuma's PagerDuty providers send their Test as a real trigger they never resolve.
        test = testOf(body, payloadObj, dedupKey);
        event = {
          dedupKey: dedupKey ?? newDedupKey(),
          action,
          severity,
          summary: clipSummary(summary),
          tags: tagsOf(payloadObj),
          occurredAt: receivedAt,
          monitor: { name: clipSummary(source) },
        };
        const link = linkOf(body);
        if (link) event.link = link;
      }
    }
  } else if (payloadObj !== undefined && payloadObj !== null && !isObject(payloadObj)) {
    p.add("payload", "must be an object");
  }
  p.throwIfAny();
  if (test) return { events: [], dedupKey: dedupKey ?? newDedupKey(), test };

  if (!event) {
    // acknowledge or resolve: only the key matters; PagerDuty ignores their payload.
    const summary = isObject(payloadObj) ? text(payloadObj.summary) : undefined;
    event = {
      dedupKey: dedupKey!,
      action: action!,
      severity: "error",
      summary: clipSummary(summary ?? dedupKey!),
      tags: {},
      occurredAt: receivedAt,
    };
  }
  return { events: [event], dedupKey: event.dedupKey };
}

/** `POST /v2/change/enqueue`: validated and recorded in the delivery log; no alert, no status. */
export function fromPagerDutyChange(payload: unknown): PagerDutyResult {
  const body = bodyObject(payload);
  const p = new Problems();
  requiredKey(body, "routing_key", p);
  if (!isObject(body.payload)) {
    p.add(
      "payload",
      body.payload === undefined || body.payload === null ? "is required: {summary, timestamp?, source?, custom_details?}" : "must be an object",
    );
  } else {
    requiredText(body.payload, "summary", "payload.summary", p);
    timestampOf(body.payload.timestamp, p);
  }
  p.throwIfAny();
  return { events: [] };
}

/** `POST /generic/2010-04-15/create_event.json` (Events API v1). */
export function fromPagerDutyV1(payload: unknown, receivedAt: Date, newIncidentKey: () => string): PagerDutyResult {
  const envelope = readEnvelope(payload, { key: "service_key", action: "event_type", dedup: "incident_key", noun: "incident" });
  const { body, p, action } = envelope;
  const incidentKey = envelope.dedupKey;
  const description = action === "trigger" ? requiredText(body, "description", "description", p) : text(body.description);
  if (body.details !== undefined && body.details !== null && !isObject(body.details)) p.add("details", "must be an object");
  p.throwIfAny();

  const dedupKey = incidentKey ?? newIncidentKey();
  const event: AlertEvent = {
    dedupKey,
    action: action!,
    // v1 events carry no severity: a trigger is an outage affecting part of the service.
    severity: "error",
    summary: clipSummary(description?.trim() || dedupKey),
    tags: isObject(body.details) ? scalarTags(body.details) : {},
    occurredAt: receivedAt,
  };
  const client = text(body.client);
  if (client) event.monitor = { name: client };
  const link = httpUrl(text(body.client_url));
  if (link) event.link = link;
  return { events: [event], dedupKey };
}

function bodyObject(payload: unknown): JsonObject {
  if (!isObject(payload)) throw new PagerDutyEventError(["`body` must be a JSON object (one event)"], "body");
  return payload;
}

function requiredKey(body: JsonObject, field: string, p: Problems): void {
  const value = body[field];
  if (value === undefined || value === null) p.add(field, "is required: the integration key");
  else if (typeof value !== "string") p.add(field, "must be a string");
  else if (!value.trim()) p.add(field, "must not be empty");
}

function actionOf(body: JsonObject, field: string, p: Problems): Action | undefined {
  const value = body[field];
  if (value === undefined || value === null) return p.add(field, `is required: one of ${ACTIONS.join(", ")}`);
  if (typeof value !== "string" || !(ACTIONS as readonly string[]).includes(value.trim())) {
    return p.add(field, `must be one of ${ACTIONS.join(", ")}`);
  }
  return value.trim() as Action;
}

/** dedup_key / incident_key: a string (a number is taken as its digits), at most 255 characters. */
function optionalKey(body: JsonObject, field: string, p: Problems): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" && typeof value !== "number") return p.add(field, "must be a string");
  const key = String(value).trim();
  // Refused rather than clipped: two long keys cut to one prefix would become one alert.
  if (codePoints(key) > DEDUP_KEY_MAX) return p.add(field, `must be at most ${DEDUP_KEY_MAX} characters`);
  return key || undefined;
}

// Text past PagerDuty's 1024 characters is clipped, not refused: Alertmanager and Grafana cut the
// summary to 1024 code points themselves, and an over-long text is no reason to lose an alert.
function requiredText(obj: JsonObject, key: string, field: string, p: Problems): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return p.add(field, "is required");
  if (typeof value !== "string") return p.add(field, "must be a string");
  return value;
}

/**
 * The four PagerDuty severities, and leniently anything a template fills in: Alertmanager's
 * `severity: '{{ .CommonLabels.severity }}'` passes any label value through (`none`, `page`, `P1`),
 * or `""` when a group mixes severities. A 400 is never retried, so the alert would be lost: the
 * usual words map (`severityOfLabel`), anything else counts as `error`.
 */
function severityOf(value: unknown, p: Problems): Severity | undefined {
  if (value === undefined || value === null) return p.add("payload.severity", `is required: ${SEVERITY_HINT.replace("must be ", "")}`);
  if (typeof value !== "string" && typeof value !== "number") return p.add("payload.severity", SEVERITY_HINT);
  return severityOfLabel(String(value));
}

// Grafana's test notification (alert TestAlert, instance Grafana, nothing else) as its PagerDuty
// contact point renders it: the default `firing` detail lists the alert's labels, sorted.
const GRAFANA_TEST_LABELS = /(?:^|\n)Labels:\n - alertname = TestAlert\n - instance = Grafana\nAnnotations:\n/;

/**
 * A Test button's trigger: Grafana's (above), or Uptime Kuma's PagerDuty provider's, which sends
 * `dedup_key` "Uptime Kuma/test" and `payload.source` "Uptime Kuma Test Button" (its pagerduty.js).
 */
function testOf(body: JsonObject, payload: JsonObject, dedupKey: string | undefined): string | undefined {
  if (isGrafanaTest(body, payload)) return "Grafana test notification (TestAlert on instance Grafana)";
  if (dedupKey === "Uptime Kuma/test" || text(payload.source) === "Uptime Kuma Test Button") return "Uptime Kuma Test Button";
  return undefined;
}

function isGrafanaTest(body: JsonObject, payload: JsonObject): boolean {
  const details = isObject(payload.custom_details) ? payload.custom_details : {};
  const firing = typeof details.firing === "string" ? details.firing : "";
  if (GRAFANA_TEST_LABELS.test(firing)) return text(details.num_firing) === "1" || details.num_firing === undefined;
  // Details overridden by the user: the default summary still names the test alert.
  return text(body.client) === "Grafana" && /^\[FIRING:1\] TestAlert Grafana\s*$/.test(String(payload.summary ?? ""));
}

function timestampOf(value: unknown, p: Problems): void {
  if (value === undefined || value === null || value === "") return;
  if (typeof value !== "string" || !parseIsoDate(value, "utc")) {
    p.add("payload.timestamp", "must be an ISO 8601 date-time, e.g. 2025-11-20T10:15:02.000Z");
  }
}

/** component, group, class and the scalar custom_details, so `custom_details.service` routes. */
function tagsOf(payload: JsonObject): Record<string, string> {
  const tags: [string, string][] = [];
  for (const key of ["component", "group", "class"] as const) {
    const value = text(payload[key]);
    if (value) tags.push([key, value]);
  }
  const details = isObject(payload.custom_details) ? scalarTags(payload.custom_details) : {};
  for (const [k, v] of Object.entries(details)) if (!tags.some(([t]) => t === k)) tags.push([k, v]);
  // Zabbix's official PagerDuty media type sends its tags only as text: "Event tags": "scope:db, service:api".
  const zabbixTags = details["Event tags"];
  if (zabbixTags) {
    for (const [k, v] of Object.entries(parseZabbixTags(zabbixTags))) if (!tags.some(([t]) => t === k)) tags.push([k, v]);
  }
  return Object.fromEntries(tags);
}

/** Zabbix `{EVENT.TAGS}`: `name:value` pairs joined by ", " (a tag without value is just its name). */
function parseZabbixTags(value: string): Record<string, string> {
  return parseTags(value.replace(/^\{EVENT\.TAGS\}$/, ""));
}

function scalarTags(obj: JsonObject): Record<string, string> {
  const tags: [string, string][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const value = text(v);
    if (value) tags.push([k, value.length > TAG_VALUE_MAX ? `${value.slice(0, TAG_VALUE_MAX - 1)}…` : value]);
  }
  return Object.fromEntries(tags);
}

/** The first http(s) `links[].href`, else `client_url`. */
function linkOf(body: JsonObject): string | undefined {
  if (Array.isArray(body.links)) {
    for (const l of body.links) {
      const href = isObject(l) ? httpUrl(text(l.href)) : undefined;
      if (href) return href;
    }
  }
  return httpUrl(text(body.client_url));
}
