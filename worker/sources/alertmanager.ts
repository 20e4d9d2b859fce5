// Prometheus Alertmanager webhook (v4) → AlertEvents: one per alert of the group, each by its own
// `status` (a `firing` group can carry alerts that have resolved), deduplicated by the alert's
// `fingerprint`. Grafana's contact point sends the same shape, so grafana.ts reuses this.
import type { AlertEvent } from "../../domain/alert-event";
import { PayloadError } from "../errors";
import { type Adapted, senderTest } from "./adapted";
import { clipDetails, clipSummary, httpUrl, isObject, type JsonObject, parseDateLenient, requireObject, severityOfLabel, text } from "./common";

const STATUSES = ["firing", "resolved"] as const;

export function fromAlertmanager(payload: unknown, receivedAt: Date): Adapted {
  return groupEvents(payload, receivedAt, (parsed, alert) =>
    toEvent(parsed, { link: httpUrl(text(alert.generatorURL)), fallbackSummary: "Alertmanager alert" }),
  );
}

/**
 * One event per alert of an Alertmanager-shaped group (Alertmanager's own, Grafana's), made by `toOne`.
 * Grafana's test notification (its contact point's "Test" button, or through an Alertmanager contact
 * point) proves the wiring and is no outage: a group of only that alert is the sender's test.
 */
export function groupEvents(payload: unknown, receivedAt: Date, toOne: (parsed: GroupAlert, alert: JsonObject, body: JsonObject) => AlertEvent): Adapted {
  const body = requireObject(payload);
  const alerts = groupAlerts(body).map(({ alert, path }) => ({ alert, parsed: readAlert(body, alert, path, receivedAt) }));
  const real = alerts.filter(({ parsed }) => !isGrafanaTestAlert(parsed.labels));
  if (alerts.length && !real.length) return senderTest("Grafana test notification (TestAlert on instance Grafana)");
  return real.map(({ alert, parsed }) => toOne(parsed, alert, body));
}

/**
 * Grafana's test notification: labels alertname=TestAlert and instance=Grafana, and nothing that
 * routes. It proves the wiring; it is no outage, and Grafana never resolves it.
 */
export function isGrafanaTestAlert(labels: Record<string, string>): boolean {
  return labels.alertname === "TestAlert" && labels.instance === "Grafana" && labels.service === undefined;
}

/** The group's alerts, each an object, with the path to name it by in errors. */
export function groupAlerts(body: JsonObject): Array<{ alert: JsonObject; path: string }> {
  if (body.alerts === undefined || body.alerts === null) throw new PayloadError("alerts", "is required: the list of alerts in this notification");
  if (!Array.isArray(body.alerts)) throw new PayloadError("alerts", "must be an array of alerts");
  if (body.alerts.length === 0) throw new PayloadError("alerts", "must hold at least one alert");
  return body.alerts.map((alert: unknown, i) => {
    const path = `alerts[${i}]`;
    if (!isObject(alert)) throw new PayloadError(path, "must be a JSON object");
    return { alert, path };
  });
}

export interface GroupAlert {
  status: (typeof STATUSES)[number];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  fingerprint: string;
  occurredAt: Date;
}

/** The fields every Alertmanager-shaped alert has, read leniently (numbers as text, empties absent). */
export function readAlert(body: JsonObject, alert: JsonObject, path: string, receivedAt: Date): GroupAlert {
  // Each alert's own status counts; the group's is only a fallback for hand-written payloads.
  const own = text(alert.status);
  const status = (own ?? text(body.status))?.toLowerCase();
  const statusField = own !== undefined ? `${path}.status` : body.status !== undefined ? "status" : `${path}.status`;
  if (status === undefined) throw new PayloadError(statusField, `is required: ${STATUSES.join(" or ")}`);
  if (!(STATUSES as readonly string[]).includes(status)) throw new PayloadError(statusField, `must be one of ${STATUSES.join(", ")}`);

  // Label values are data, kept as sent; annotations are rendered templates, so one left
  // unrendered ("{{ $labels.instance }}") is as good as absent.
  const labels = stringMap(alert.labels, `${path}.labels`, (v) => (typeof v === "string" ? v.trim() || undefined : text(v)));
  const annotations = stringMap(alert.annotations, `${path}.annotations`, text);
  const fingerprint = text(alert.fingerprint) ?? labelsFingerprint(labels);
  if (fingerprint === undefined) {
    throw new PayloadError(`${path}.fingerprint`, "is required to tell alerts apart (or labels to derive it from)");
  }
  // While firing, `endsAt` is 0001-01-01 or a guess; a resolved alert's `endsAt` is when it ended.
  const when = status === "firing" ? alert.startsAt : alert.endsAt;
  return {
    status: status as GroupAlert["status"],
    labels,
    annotations,
    fingerprint,
    occurredAt: parseDateLenient(when) ?? receivedAt,
  };
}

export function toEvent(a: GroupAlert, opts: { link?: string; fallbackSummary: string; summary?: string }): AlertEvent {
  const alertname = a.labels.alertname;
  const instance = a.labels.instance;
  const named = alertname ? (instance ? `${alertname} on ${instance}` : alertname) : undefined;
  const summary = a.annotations.summary ?? a.annotations.title ?? named ?? opts.summary ?? opts.fallbackSummary;
  const event: AlertEvent = {
    dedupKey: a.fingerprint,
    action: a.status === "firing" ? "trigger" : "resolve",
    severity: severityOfLabel(a.labels.severity ?? a.labels.priority),
    summary: clipSummary(summary),
    tags: a.labels,
    occurredAt: a.occurredAt,
  };
  const details = clipDetails(a.annotations.description ?? a.annotations.message);
  if (details) event.details = details;
  if (alertname) event.monitor = { name: alertname };
  if (opts.link) event.link = opts.link;
  return event;
}

/** Labels or annotations: scalar values as text; empty values are the same as absent in Prometheus. */
function stringMap(value: unknown, field: string, read: (v: unknown) => string | undefined): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new PayloadError(field, "must be an object of names to values");
  const entries: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) {
    const str = read(v);
    if (str) entries.push([k, str]);
  }
  return Object.fromEntries(entries);
}

/**
 * A stable key from the label set when the sender gave no fingerprint (Alertmanager's own fingerprint
 * is also a hash of the labels): cyrb53 over the sorted `name=value` pairs.
 */
export function labelsFingerprint(labels: Record<string, string>): string | undefined {
  const pairs = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (pairs.length === 0) return undefined;
  const input = pairs.map(([k, v]) => `${k}=${v}`).join("\u00ff");
  let h1 = 0xdeadbeef,
    h2 = 0x41c6ce57;
  for (let i = 0; i < input.length; i++) {
    const ch = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `labels-${(h2 >>> 0).toString(16).padStart(8, "0")}${(h1 >>> 0).toString(16).padStart(8, "0")}`;
}
