// Every sender the worker speaks, and the adapter that turns its payload into AlertEvents.
import type { AlertEvent } from "../domain/alert-event";
import { fromAlertmanager } from "./alertmanager";
import { fromDatadog } from "./datadog";
import { fromGeneric } from "./generic";
import { fromGrafana } from "./grafana";
import { fromUptimeKuma } from "./uptime-kuma";
import { fromUptrends } from "./uptrends";
import { fromZabbix } from "./zabbix";

export type Adapter = (payload: unknown, receivedAt: Date) => AlertEvent[];

/** Integration source types. `pagerduty` integrations post to /v2/enqueue with their key as routing_key. */
export const SOURCES = ["datadog", "uptrends", "alertmanager", "grafana", "uptime-kuma", "zabbix", "generic", "pagerduty"] as const;
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
  generic: fromGeneric,
};
