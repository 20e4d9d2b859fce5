// Pingdom state-change webhooks → AlertEvents. `current_state` DOWN → trigger, UP → resolve, by
// `check_id`; transaction checks say FAILING / SUCCESSFUL. `importance_level` HIGH → critical,
// LOW → warning. `state_changed_timestamp` is epoch seconds.
import type { AlertEvent } from "../../domain/alert-event";
import { PayloadError } from "../errors";
import { child, clipDetails, clipSummary, httpUrl, isObject, parseEpoch, parseTags, requireObject, text } from "./common";

const DOWN = new Set(["down", "failing"]);
const UP = new Set(["up", "successful", "success"]);

export function fromPingdom(payload: unknown, receivedAt: Date): AlertEvent[] {
  const body = requireObject(payload);
  const state = text(body.current_state)?.toLowerCase();
  if (!state) throw new PayloadError("current_state", "is required: is this a Pingdom webhook integration?");
  const id = text(body.check_id);
  if (id === undefined) throw new PayloadError("check_id", "is required");
  // UNKNOWN, PAUSED, UNCONFIRMED_DOWN: nothing the page should act on.
  if (!DOWN.has(state) && !UP.has(state)) return [];
  const name = text(body.check_name) ?? `Pingdom check ${id}`;
  const down = DOWN.has(state);
  const params = child(body, "check_params");
  const event: AlertEvent = {
    dedupKey: `check-${id}`,
    action: down ? "trigger" : "resolve",
    severity: text(body.importance_level)?.toUpperCase() === "LOW" ? "warning" : "critical",
    summary: clipSummary(`${name} is ${down ? "down" : "up"}${down && text(body.description) ? `: ${text(body.description)}` : ""}`),
    // Pingdom tags are words; a `service:api` one routes like everywhere else.
    tags: {
      ...(Array.isArray(body.tags)
        ? parseTags(
            body.tags
              .map((t) => text(isObject(t) ? t.name : t))
              .filter(Boolean)
              .join(","),
          )
        : {}),
      ...(text(body.check_type) ? { check_type: text(body.check_type)! } : {}),
    },
    monitor: { id, name },
    occurredAt: parseEpoch(body.state_changed_timestamp) ?? receivedAt,
  };
  const details = down ? clipDetails(text(body.long_description) ?? text(body.description)) : undefined;
  if (details) event.details = details;
  const link = httpUrl(text(params?.full_url));
  if (link) event.link = link;
  return [event];
}
