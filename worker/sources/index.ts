// Every sender the worker speaks, and the adapter that turns its payload into AlertEvents.

import type { IntegrationOptions } from "../../domain/integration-options";
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

/** Integration source types. `pagerduty` integrations post to /v2/enqueue with their key as routing_key. */
export const SOURCES = [
  "datadog",
  "uptrends",
  "alertmanager",
  "grafana",
  "uptime-kuma",
  "zabbix",
  "cloudwatch",
  "azure-monitor",
  "google-cloud",
  "sentry",
  "uptimerobot",
  "newrelic",
  "betterstack",
  "checkly",
  "pingdom",
  "generic",
  "custom",
  "pagerduty",
] as const;
export type Source = (typeof SOURCES)[number];

/**
 * The `/hooks/<source>/:key` receivers. PagerDuty's endpoints (key in the body, answers in
 * PagerDuty's own shape) are in routes/pagerduty.ts with the adapters of sources/pagerduty.ts.
 */
export const HOOK_ADAPTERS: Partial<Record<Source, Adapter>> = {
  datadog: fromDatadog,
  uptrends: fromUptrends,
  alertmanager: fromAlertmanager,
  grafana: fromGrafana,
  "uptime-kuma": fromUptimeKuma,
  zabbix: fromZabbix,
  cloudwatch: fromCloudWatch,
  "azure-monitor": fromAzureMonitor,
  "google-cloud": fromGoogleCloud,
  sentry: fromSentry,
  uptimerobot: fromUptimeRobot,
  newrelic: fromNewRelic,
  betterstack: fromBetterStack,
  checkly: fromCheckly,
  pingdom: fromPingdom,
  generic: fromGeneric,
  custom: (payload, receivedAt, options) => fromMapping(options?.mapping, payload, receivedAt),
};

/** Receivers that read the integration's options before adapting (the mapping; SNS signature checks; Sentry's issue events). */
export const NEEDS_OPTIONS: ReadonlySet<Source> = new Set(["custom", "cloudwatch", "sentry"]);
