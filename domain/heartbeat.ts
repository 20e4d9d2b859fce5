// Heartbeats (dead man's switches): a job pings, and its silence is the alert. The signals follow
// Healthchecks.io's pinging API: a ping is a success, `/start` starts a run, `/fail` (or a non-zero exit
// status) is a failure. A check that never pinged is new, never late. Late after its last success plus
// the period plus the grace; after a start without its success, late once the grace has passed.
// Pure: the Ingestor keeps the last signals and decides with these.
import type { AlertEvent } from "./alert-event";
import type { IntegrationOptions } from "./integration-options";
import type { Severity } from "./status";

export const HEARTBEAT_SIGNALS = ["success", "start", "fail", "log"] as const;
export type HeartbeatSignal = (typeof HEARTBEAT_SIGNALS)[number];

/** The defaults: a job every minute, a minute of grace, and its silence a critical outage. */
export const DEFAULT_PERIOD_SECONDS = 60;
export const DEFAULT_GRACE_SECONDS = 60;
const DEFAULT_SEVERITY: Severity = "critical";

/** A path's last segment read as Healthchecks.io does: `start`, `fail`, `log`, or an exit status 0–255. */
export function signalOf(segment: string | undefined): HeartbeatSignal | null {
  if (segment === undefined || segment === "") return "success";
  if (segment === "start" || segment === "fail" || segment === "log") return segment;
  if (/^\d{1,3}$/.test(segment) && Number(segment) <= 255) return Number(segment) === 0 ? "success" : "fail";
  return null;
}

/** The last signals of one heartbeat, as the Ingestor's storage keeps them. */
export interface HeartbeatRecord {
  lastPingAt: string | null;
  lastSignal: HeartbeatSignal | null;
  /** The last success: lateness counts from it. */
  lastSuccessAt: string | null;
  /** A start not yet followed by a success or a failure. */
  startedAt: string | null;
}

export const NEW_HEARTBEAT: HeartbeatRecord = { lastPingAt: null, lastSignal: null, lastSuccessAt: null, startedAt: null };

export interface HeartbeatSettings {
  periodSeconds: number;
  graceSeconds: number;
  severity: Severity;
  /** `components`: its silence is an outage of the integration's components; `operators`: an alert operators see, routed nowhere. */
  scope: "components" | "operators";
}

export function heartbeatSettings(options: IntegrationOptions): HeartbeatSettings {
  return {
    periodSeconds: options.heartbeat_period_seconds ?? DEFAULT_PERIOD_SECONDS,
    graceSeconds: options.heartbeat_grace_seconds ?? DEFAULT_GRACE_SECONDS,
    severity: options.heartbeat_severity ?? DEFAULT_SEVERITY,
    scope: options.heartbeat_scope ?? "components",
  };
}

/** The record after a signal at `at`; `log` changes only the last ping. */
export function recordSignal(record: HeartbeatRecord, signal: HeartbeatSignal, at: string): HeartbeatRecord {
  const next = { ...record, lastPingAt: at, lastSignal: signal };
  if (signal === "success") return { ...next, lastSuccessAt: at, startedAt: null };
  if (signal === "start") return { ...next, startedAt: at };
  if (signal === "fail") return { ...next, startedAt: null };
  return next;
}

const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** When the heartbeat is late unless a success arrives first; null while it is new (never a success nor a start). */
export function dueAt(record: HeartbeatRecord, s: HeartbeatSettings): string | null {
  const afterSuccess = record.lastSuccessAt ? plus(record.lastSuccessAt, s.periodSeconds + s.graceSeconds) : null;
  const afterStart = record.startedAt ? plus(record.startedAt, s.graceSeconds) : null;
  if (afterSuccess && afterStart) return afterSuccess < afterStart ? afterSuccess : afterStart;
  return afterSuccess ?? afterStart;
}

/** The dedup key of a heartbeat's own alert: one per integration (a Watchdog's names its alert). */
export const heartbeatDedupKey = (watchdogAlert?: string) => (watchdogAlert ? `watchdog:${watchdogAlert}` : "heartbeat");

/** The alert a late heartbeat (or a failure signal) fires, through the state machine as any alert. */
export function heartbeatTrigger(name: string, s: HeartbeatSettings, why: { late: string } | { failedAt: string }, watchdogAlert?: string): AlertEvent {
  const late = "late" in why;
  const what = watchdogAlert ? `Alertmanager's ${watchdogAlert} alert` : name;
  return {
    dedupKey: heartbeatDedupKey(watchdogAlert),
    action: "trigger",
    severity: s.severity,
    summary: late ? `${what} stopped arriving` : `${what} reported a failure`,
    details: late
      ? `No ${watchdogAlert ? "notification" : "ping"} since it was due (every ${s.periodSeconds} s, ${s.graceSeconds} s of grace).`
      : "The job signalled a failure.",
    monitor: { name },
    tags: watchdogAlert ? { alertname: watchdogAlert } : {},
    occurredAt: new Date(late ? why.late : why.failedAt),
  };
}

/** The resolve the next success sends. */
export function heartbeatResolve(name: string, at: string, watchdogAlert?: string): AlertEvent {
  return {
    dedupKey: heartbeatDedupKey(watchdogAlert),
    action: "resolve",
    severity: "info",
    summary: `${name} is back`,
    monitor: { name },
    tags: {},
    occurredAt: new Date(at),
  };
}
