// Grafana alerting webhook contact point → AlertEvents. The body is Alertmanager's (Grafana embeds
// it) plus `state`, `title`, `message`, `orgId` and per alert `valueString`, `values`,
// `dashboardURL`, `panelURL`, `silenceURL`; so one event per alert, by its own status and fingerprint.
// The optional HMAC signature is checked by the ingestor against the integration's signing secret.
import type { AlertEvent } from "../domain/alert-event";
import { httpUrl, requireObject, text } from "./common";
import { groupAlerts, isGrafanaTestAlert, readAlert, toEvent } from "./alertmanager";

export function fromGrafana(payload: unknown, receivedAt: Date): AlertEvent[] {
  const body = requireObject(payload);
  const events: AlertEvent[] = [];
  for (const { alert, path } of groupAlerts(body)) {
    const parsed = readAlert(body, alert, path, receivedAt);
    // The contact point's "Test" button sends a made-up alert; it proves the wiring, it is no outage.
    if (isGrafanaTestAlert(parsed.labels)) continue;
    const link = httpUrl(text(alert.panelURL)) ?? httpUrl(text(alert.dashboardURL)) ?? httpUrl(text(alert.generatorURL));
    events.push(toEvent(parsed, { link, summary: text(body.title), fallbackSummary: "Grafana alert" }));
  }
  return events;
}

