// Per-integration receiver settings, stored as one JSON object in `integrations.options`. Typed and
// validated here so every setting is checked the same way at the admin edge and read safely back.
import { z } from "zod";
import { customMapping } from "./custom-mapping";
import { SEVERITIES } from "./status";

const MONTH_SECONDS = 31 * 24 * 3600;
const seconds = (min: number) =>
  z
    .number({ error: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(min, `must be at least ${min}`)
    .max(MONTH_SECONDS, `must be at most ${MONTH_SECONDS} (31 days)`);

// RFC 9110 field-name token; lower-cased, as the Fetch API reads headers.
const headerName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name, e.g. X-Grafana-Alerting-Signature")
  .transform((name) => name.toLowerCase());

const fields = {
  /** Grafana: the header its HMAC signature arrives in (Grafana's default X-Grafana-Alerting-Signature). */
  signature_header: headerName,
  /** Grafana: the timestamp header the user typed (it has no default); signed string `<timestamp>:<body>`. */
  timestamp_header: headerName,
  /**
   * CloudWatch (Amazon SNS): check each message's signature against Amazon's certificate (the
   * default). Off for a relay that re-posts SNS messages, or for tests.
   */
  verify_signatures: z.boolean({ error: "must be true or false" }),
  /** The `custom` receiver: where each alert field is in the sender's JSON (domain/custom-mapping.ts). */
  mapping: customMapping,
  /**
   * Sentry: what an issue being created or unresolved does. `ignore` (the default): nothing, only alert
   * rules open incidents; `trigger`: every new or regressed issue is an alert.
   */
  sentry_issue_events: z.enum(["ignore", "trigger"], { error: "must be ignore or trigger" }),
  /** Heartbeats (the `heartbeat` receiver, an Alertmanager Watchdog): the expected time between pings (default 60). */
  heartbeat_period_seconds: seconds(60),
  /** Heartbeats: how long past the period before the silence is an outage (default 60). */
  heartbeat_grace_seconds: seconds(0),
  /** Heartbeats: the severity of the alert a late heartbeat fires (default critical). */
  heartbeat_severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(", ")}` }),
  /** Heartbeats: `components` (default): the silence is an outage of the integration's components; `operators`: an alert routed nowhere. */
  heartbeat_scope: z.enum(["components", "operators"], { error: "must be components or operators" }),
  /** Alertmanager: the alert that must keep arriving (its `alertname`, e.g. Watchdog); its silence is the outage. */
  watchdog_alert: z
    .string()
    .trim()
    .min(1, "is required")
    .max(200)
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, "must be a Prometheus alert name, e.g. Watchdog"),
};

export const integrationOptions = z.strictObject({
  signature_header: fields.signature_header.optional(),
  timestamp_header: fields.timestamp_header.optional(),
  verify_signatures: fields.verify_signatures.optional(),
  mapping: fields.mapping.optional(),
  sentry_issue_events: fields.sentry_issue_events.optional(),
  heartbeat_period_seconds: fields.heartbeat_period_seconds.optional(),
  heartbeat_grace_seconds: fields.heartbeat_grace_seconds.optional(),
  heartbeat_severity: fields.heartbeat_severity.optional(),
  heartbeat_scope: fields.heartbeat_scope.optional(),
  watchdog_alert: fields.watchdog_alert.optional(),
});
export type IntegrationOptions = z.infer<typeof integrationOptions>;

/** A change to the options: a value sets a setting, null clears it, an absent key leaves it. */
export const integrationOptionsPatch = z.strictObject({
  signature_header: fields.signature_header.nullable().optional(),
  timestamp_header: fields.timestamp_header.nullable().optional(),
  verify_signatures: fields.verify_signatures.nullable().optional(),
  /** Replaced whole, not merged: a mapping is one thing. */
  mapping: fields.mapping.nullable().optional(),
  sentry_issue_events: fields.sentry_issue_events.nullable().optional(),
  heartbeat_period_seconds: fields.heartbeat_period_seconds.nullable().optional(),
  heartbeat_grace_seconds: fields.heartbeat_grace_seconds.nullable().optional(),
  heartbeat_severity: fields.heartbeat_severity.nullable().optional(),
  heartbeat_scope: fields.heartbeat_scope.nullable().optional(),
  watchdog_alert: fields.watchdog_alert.nullable().optional(),
});
export type IntegrationOptionsPatch = z.infer<typeof integrationOptionsPatch>;

export function applyOptionsPatch(current: IntegrationOptions, patch: IntegrationOptionsPatch): IntegrationOptions {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  return integrationOptions.parse(next);
}

/** The stored JSON read back; a row written by an older or newer version never breaks a delivery. */
export function readOptions(stored: unknown): IntegrationOptions {
  let value = stored;
  if (typeof stored === "string") {
    try {
      value = JSON.parse(stored);
    } catch {
      return {};
    }
  }
  if (typeof value !== "object" || value === null) return {};
  // Each setting on its own: one this version does not know, or a bad one, drops only itself.
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(fields)) {
    const parsed = schema.safeParse((value as Record<string, unknown>)[key]);
    if (parsed.success) out[key] = parsed.data;
  }
  return out as IntegrationOptions;
}

export const DEFAULT_SIGNATURE_HEADER = "x-grafana-alerting-signature";
/** The timestamp header this page documented before it was configurable; still honoured when sent. */
export const LEGACY_TIMESTAMP_HEADER = "x-grafana-alerting-signature-timestamp";
