// Every sender the worker speaks, one entry each: the routes (routes/hooks.ts, routes/pagerduty.ts), the
// body signature check (signatures.ts) and the admin forms (admin/schemas.ts, admin/views-integrations.tsx)
// read what they need from here. A sender's test notification is recognised by its adapter, which
// answers `senderTest(how)` instead of events (adapted.ts).
import { DEFAULT_SIGNATURE_HEADER, type IntegrationOptions, LEGACY_TIMESTAMP_HEADER } from "../../domain/integration-options";
import type { Adapted } from "./adapted";
import { fromAlertmanager } from "./alertmanager";
import { fromAzureMonitor } from "./azure-monitor";
import { fromBetterStack } from "./betterstack";
import { fromCheckly } from "./checkly";
import { fromCloudWatch } from "./cloudwatch";
import { fromDatadog } from "./datadog";
import { fromGeneric } from "./generic";
import { fromGoogleCloud } from "./google-cloud";
import { fromGrafana } from "./grafana";
import { fromMapping } from "./mapping";
import { fromNewRelic } from "./newrelic";
import { fromPingdom } from "./pingdom";
import { fromSentry } from "./sentry";
import { fromUptimeKuma } from "./uptime-kuma";
import { fromUptimeRobot } from "./uptimerobot";
import { fromUptrends } from "./uptrends";
import { fromZabbix } from "./zabbix";

/**
 * Payload in, events out (or the sender's test notification); `options` are the integration's own
 * (the custom receiver's mapping, Sentry's issue events).
 */
export type Adapter = (payload: unknown, receivedAt: Date, options?: IntegrationOptions) => Adapted;

/** The admin settings a sender has beyond the common ones, each a form of its own on the integration's card. */
export type SettingsForm = "sns" | "sentry" | "mapping" | "heartbeat" | "watchdog";

interface Sender {
  /**
   * The `/hooks/<source>/:key` receiver's adapter. Without one the sender has routes of its own
   * (PagerDuty: the key in the body, answers in PagerDuty's shape, routes/pagerduty.ts).
   */
  adapt?: Adapter;
  /** The integration's options are read before adapting (the mapping, SNS checks, Sentry's issue events). */
  withOptions?: true;
  /** The JSON may come as this one form field (Uptime Kuma's form-data preset). */
  formField?: string;
  /** Values may come as form fields or in the query string instead of JSON (UptimeRobot without "Send as JSON"). */
  formFields?: true;
  /** The body arrives in an Amazon SNS envelope, whose signature the route checks before ingesting. */
  sns?: true;
  /** Signs its bodies with a hex HMAC-SHA256: the header it uses unless the integration names another. */
  signature?: {
    header: string;
    /** The header as the sender's own settings spell it, shown in the admin form. */
    shown: string;
    /** A timestamp header still honoured when sent although none is configured (the signed string is then `<timestamp>:<body>`). */
    legacyTimestamp?: string;
  };
  settings?: SettingsForm;
  /**
   * Pinged rather than posted alerts (no adapter): `GET` or `POST /hooks/<source>/:key`, with `/start`,
   * `/fail` or an exit status as Healthchecks.io defines them; its silence is the alert (routes/hooks.ts).
   */
  ping?: true;
}

/** The senders, in the order the admin's sender list shows them. */
export const SENDERS = {
  datadog: { adapt: fromDatadog },
  uptrends: { adapt: fromUptrends },
  // An Alertmanager integration may name an alert that must keep arriving (`watchdog_alert`).
  alertmanager: { adapt: fromAlertmanager, settings: "watchdog" },
  grafana: {
    adapt: fromGrafana,
    signature: { header: DEFAULT_SIGNATURE_HEADER, shown: "X-Grafana-Alerting-Signature", legacyTimestamp: LEGACY_TIMESTAMP_HEADER },
  },
  "uptime-kuma": { adapt: fromUptimeKuma, formField: "data" },
  zabbix: { adapt: fromZabbix },
  cloudwatch: { adapt: fromCloudWatch, withOptions: true, sns: true, settings: "sns" },
  "azure-monitor": { adapt: fromAzureMonitor },
  "google-cloud": { adapt: fromGoogleCloud },
  sentry: {
    adapt: fromSentry,
    withOptions: true,
    // Sentry's integration platform: hex HMAC-SHA256 of the body with the client secret.
    signature: { header: "sentry-hook-signature", shown: "Sentry-Hook-Signature" },
    settings: "sentry",
  },
  uptimerobot: { adapt: fromUptimeRobot, formFields: true },
  newrelic: { adapt: fromNewRelic },
  betterstack: { adapt: fromBetterStack },
  checkly: { adapt: fromCheckly },
  pingdom: { adapt: fromPingdom },
  generic: { adapt: fromGeneric },
  custom: { adapt: (payload, receivedAt, options) => fromMapping(options?.mapping, payload, receivedAt), withOptions: true, settings: "mapping" },
  heartbeat: { ping: true, settings: "heartbeat" },
  pagerduty: {},
} satisfies Record<string, Sender>;

export type Source = keyof typeof SENDERS;

/** Integration source types. `pagerduty` integrations post to /v2/enqueue with their key as routing_key. */
export const SOURCES = Object.keys(SENDERS) as [Source, ...Source[]];

/** The sender's entry; undefined for a source no longer known. */
export const senderOf = (source: string): Sender | undefined => (Object.hasOwn(SENDERS, source) ? SENDERS[source as Source] : undefined);

/** The `/hooks/<source>/:key` receivers' adapters, by source. */
export const HOOK_ADAPTERS: Partial<Record<Source, Adapter>> = Object.fromEntries(
  Object.entries(SENDERS).flatMap(([source, sender]) => ("adapt" in sender ? [[source, sender.adapt]] : [])),
);
