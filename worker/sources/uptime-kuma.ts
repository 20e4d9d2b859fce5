// Uptime Kuma webhook notification → AlertEvents. One heartbeat per delivery: down triggers, up
// resolves. Kuma notifies only down and up (its isImportantForNotification); pending and
// maintenance never reach a notification, but are handled should a hand-made call send them.
// The "Test" button and the TLS-certificate and domain-expiry notices send
// `heartbeat: null, monitor: null` with only `msg`: the test's is "<notification name> Testing"
// (server.js, testNotification), the sender's test; the notices are nothing to apply.
import type { AlertEvent } from "../../domain/alert-event";
import { PayloadError } from "../errors";
import { type Adapted, senderTest } from "./adapted";
import { clipDetails, clipSummary, httpUrl, isObject, type JsonObject, parseDateLenient, parseSeverity, requireObject, text } from "./common";

const STATUSES = { 0: "down", 1: "up", 2: "pending", 3: "maintenance" } as const;
const STATUS_HINT = "must be one of 0 (down), 1 (up), 2 (pending), 3 (maintenance)";

export function fromUptimeKuma(payload: unknown, receivedAt: Date): Adapted {
  const body = requireObject(payload);
  const heartbeat = optionalObject(body, "heartbeat");
  const monitor = optionalObject(body, "monitor");
  if (!heartbeat) {
    if (monitor) throw new PayloadError("heartbeat", "is required: Uptime Kuma sends it with every monitor notification");
    // The test notification and the certificate/domain expiry notices: text only.
    const msg = text(body.msg);
    if (msg !== undefined) return / Testing$/.test(msg) ? senderTest("Uptime Kuma Test button") : [];
    throw new PayloadError(
      "heartbeat",
      "is required (or `msg` alone, as Kuma's test notification sends): is this Uptime Kuma's webhook with the application/json preset?",
    );
  }

  const status = statusOf(heartbeat.status);
  if (status === "pending") return [];

  const monitorId = text(heartbeat.monitorID) ?? text(monitor?.id);
  if (monitorId === undefined) throw new PayloadError("heartbeat.monitorID", "is required to tell monitors apart (or monitor.id)");
  const name = text(monitor?.name) ?? `Monitor ${monitorId}`;
  const tags = tagsOf(monitor);
  const message = text(heartbeat.msg);

  const event: AlertEvent = {
    dedupKey: `monitor-${monitorId}`,
    action: status === "up" ? "resolve" : "trigger",
    // A down check means the target did not answer: an outage, unless the monitor's
    // `severity` tag says otherwise.
    severity: (tags.severity && parseSeverity(tags.severity)) || "critical",
    summary: clipSummary(status === "down" ? `${name} is down` : status === "up" ? `${name} is up` : `${name} is under maintenance`),
    tags,
    // Kuma writes heartbeat times in UTC without a zone ("2025-11-20 10:15:02.123").
    occurredAt: parseDateLenient(heartbeat.time) ?? receivedAt,
    monitor: { id: monitorId, name },
  };
  if (status === "maintenance") {
    event.severity = "info";
    event.status = "under_maintenance";
  }
  const expiry = status === "down" ? expiresInSeconds(monitor) : undefined;
  if (expiry) event.expiresInSeconds = expiry;
  const details = status === "down" ? clipDetails(message) : undefined;
  if (details) event.details = details;
  const link = httpUrl(text(monitor?.url));
  if (link) event.link = link;
  return [event];
}

/**
 * With "Resend Notification if Down X times consecutively" set, Kuma repeats a down every X checks
 * (`resendInterval` × `interval` seconds) while it lasts. Going from down into maintenance, from
 * maintenance back up, or being paused sends nothing at all: so a down not repeated within two of
 * those periods (plus two checks of slack) has ended, and the alert is resolved then. Without the
 * setting there is nothing to go by, and the alert waits for Kuma's up.
 */
function expiresInSeconds(monitor: JsonObject | undefined): number | undefined {
  const interval = Number(text(monitor?.interval));
  const resend = Number(text(monitor?.resendInterval));
  if (!(interval > 0 && resend > 0) || !Number.isFinite(interval * resend)) return undefined;
  return Math.ceil(Math.min(2 * interval * resend + 2 * interval, 30 * 24 * 3600));
}

function optionalObject(body: JsonObject, field: string): JsonObject | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new PayloadError(field, "must be an object or null");
  return value;
}

function statusOf(value: unknown): (typeof STATUSES)[keyof typeof STATUSES] {
  const raw = text(value);
  if (raw === undefined) throw new PayloadError("heartbeat.status", `is required: ${STATUS_HINT}`);
  const byNumber = /^\d+$/.test(raw) ? STATUSES[Number(raw) as keyof typeof STATUSES] : undefined;
  const byName = Object.values(STATUSES).find((s) => s === raw.toLowerCase());
  const status = byNumber ?? byName;
  if (!status) throw new PayloadError("heartbeat.status", STATUS_HINT);
  return status;
}

/** The monitor's Kuma tags (`[{name, value}]`) as tags, so a `service` tag routes; plus its type. */
function tagsOf(monitor: JsonObject | undefined): Record<string, string> {
  const entries: [string, string][] = [];
  const add = (key: string | undefined, value: string | undefined) => {
    if (key && !entries.some(([k]) => k === key)) entries.push([key, value ?? ""]);
  };
  if (Array.isArray(monitor?.tags)) {
    for (const tag of monitor.tags) if (isObject(tag)) add(text(tag.name), text(tag.value));
  }
  add("monitor_type", text(monitor?.type));
  return Object.fromEntries(entries.filter(([k, v]) => k !== "monitor_type" || v !== ""));
}
