// Better Stack (Better Uptime) incident webhooks → AlertEvents. JSON:API shaped: `event` started /
// acknowledged / resolved (and `data.attributes.status` Started / Acknowledged / Resolved), one
// incident `data.id` from start to resolution, its monitor in `data.relationships.monitor`.
// Monitor and on-call webhooks (created, paused…) say nothing about the service: ignored.
import type { AlertEvent } from "../../domain/alert-event";
import { PayloadError } from "../errors";
import { child, clipDetails, clipSummary, httpUrl, lookupWord, parseDateLenient, requireObject, text } from "./common";

const ACTIONS: Record<string, AlertEvent["action"]> = { started: "trigger", acknowledged: "acknowledge", resolved: "resolve" };

export function fromBetterStack(payload: unknown, receivedAt: Date): AlertEvent[] {
  const body = requireObject(payload);
  const data = child(body, "data");
  if (!data) throw new PayloadError("data", "is required: is this a Better Stack incident webhook?");
  const type = text(data.type)?.toLowerCase();
  if (type !== undefined && type !== "incident") return [];
  const attributes = child(data, "attributes") ?? {};
  const said = (text(body.event) ?? text(attributes.status))?.toLowerCase();
  const action = lookupWord(ACTIONS, said);
  if (!action) throw new PayloadError("event", "must be started, acknowledged or resolved (or data.attributes.status Started, Acknowledged, Resolved)");
  const id = text(data.id);
  if (id === undefined) throw new PayloadError("data.id", "is required");
  const monitorId = text(child(child(child(data, "relationships"), "monitor"), "data")?.id);
  const name = text(attributes.name) ?? text(attributes.url);
  const cause = text(attributes.cause);
  const at = action === "resolve" ? attributes.resolved_at : action === "acknowledge" ? attributes.acknowledged_at : attributes.started_at;
  const event: AlertEvent = {
    dedupKey: `incident-${id}`,
    action,
    severity: "critical",
    summary: clipSummary(`${name ?? `Better Stack incident ${id}`}${action === "resolve" ? " recovered" : cause ? `: ${cause}` : " is down"}`),
    tags: text(attributes.team_name) ? { team: text(attributes.team_name)! } : {},
    occurredAt: parseDateLenient(at) ?? parseDateLenient(attributes.started_at) ?? receivedAt,
  };
  if (monitorId || name) event.monitor = { ...(monitorId ? { id: monitorId } : {}), ...(name ? { name } : {}) };
  const details = action === "trigger" ? clipDetails(cause) : undefined;
  if (details) event.details = details;
  const link = httpUrl(text(attributes.url));
  if (link) event.link = link;
  return [event];
}
