// Grafana alerting webhook contact point → AlertEvents. The body is Alertmanager's (Grafana embeds
// it) plus `state`, `title`, `message`, `orgId` and per alert `valueString`, `values`,
// `dashboardURL`, `panelURL`, `silenceURL`; so one event per alert, by its own status and fingerprint.
// The optional HMAC signature is checked by the ingestor against the integration's signing secret.
import type { Adapted } from "./adapted";
import { groupEvents, toEvent } from "./alertmanager";
import { httpUrl, text } from "./common";

export function fromGrafana(payload: unknown, receivedAt: Date): Adapted {
  return groupEvents(payload, receivedAt, (parsed, alert, body) => {
    const link = httpUrl(text(alert.panelURL)) ?? httpUrl(text(alert.dashboardURL)) ?? httpUrl(text(alert.generatorURL));
    return toEvent(parsed, { link, summary: text(body.title), fallbackSummary: "Grafana alert" });
  });
}
