// PagerDuty Events API v1 and v2 receivers: the key is in the body and the answers are PagerDuty's
// own, so any tool with a PagerDuty integration and a configurable URL works unchanged. The key of
// any integration is accepted here, whatever its source.
import { type Context, Hono } from "hono";
import { receive } from "../delivery";
import type { AppEnv } from "../env";
import { HttpError } from "../errors";
import { senderTest } from "../sources/adapted";
import { fromPagerDutyChange, fromPagerDutyV1, fromPagerDutyV2, keyIn, PagerDutyEventError, type PagerDutyResult } from "../sources/pagerduty";

export const pagerduty = new Hono<AppEnv>();

/** A new dedup key, shaped like PagerDuty's own (32 hex digits). */
const newDedupKey = () => crypto.randomUUID().replaceAll("-", "");

pagerduty.post("/v2/enqueue", (c) =>
  handle(
    c,
    "routing_key",
    (p, at) => fromPagerDutyV2(p, at, newDedupKey),
    (r) => [{ status: "success", message: "Event processed", dedup_key: r.dedupKey }, 202],
  ),
);

pagerduty.post("/v2/change/enqueue", (c) =>
  handle(
    c,
    "routing_key",
    (p) => fromPagerDutyChange(p),
    () => [{ status: "success", message: "Change event processed" }, 202],
  ),
);

pagerduty.post("/generic/2010-04-15/create_event.json", (c) =>
  handle(
    c,
    "service_key",
    (p, at) => fromPagerDutyV1(p, at, newDedupKey),
    (r) => [{ status: "success", message: "Event processed", incident_key: r.dedupKey }, 200],
  ),
);

async function handle(
  c: Context<AppEnv>,
  keyField: "routing_key" | "service_key",
  adapt: (payload: unknown, receivedAt: Date) => PagerDutyResult,
  success: (result: PagerDutyResult) => [Record<string, unknown>, 200 | 202],
) {
  let adapted: PagerDutyResult | undefined;
  try {
    await receive(c, {
      source: "pagerduty",
      anySource: true,
      key: (payload) => keyIn(payload, keyField),
      acceptedStatus: keyField === "service_key" ? 200 : 202,
      adapt: (payload, receivedAt) => {
        adapted = adapt(payload, receivedAt);
        return adapted.test !== undefined ? senderTest(adapted.test) : adapted.events;
      },
    });
  } catch (e) {
    if (e instanceof HttpError) return c.json(errorBody(e, keyField), e.status);
    throw e;
  }
  const [body, status] = success(adapted!);
  return c.json(body, status);
}

/** PagerDuty's error shape: `status`, `message`, and `errors` naming each bad field. */
function errorBody(e: HttpError, keyField: string) {
  switch (e.status) {
    case 400:
      return {
        status: "invalid event",
        message: "Event object is invalid",
        errors: e instanceof PagerDutyEventError ? e.errors : [e.message],
      };
    case 401:
      return {
        status: "unauthorized",
        message: keyField === "routing_key" ? "Invalid routing key" : "Invalid service key",
        errors: [/signature/.test(e.message) ? e.message : `\`${keyField}\` is not the key of an enabled integration`],
      };
    case 413:
      return { status: "invalid event", message: "Request too large", errors: [e.message.replace(/^body\b/, "`body`")] };
    case 415:
      return { status: "invalid event", message: "Unsupported Content-Encoding", errors: [e.message] };
    default:
      return { status: "error", message: e.message, errors: [] };
  }
}
