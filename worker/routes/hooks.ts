// POST /hooks/<source>/:key — one receiver per monitoring tool, all through the same pipeline.
import { type Context, Hono } from "hono";
import { signalOf } from "../../domain/heartbeat";
import { nowIso, sha256Hex } from "../../domain/ids";
import type { IntegrationOptions } from "../../domain/integration-options";
import { config } from "../config";
import { type DeliveryOutcome, logRefused, receive } from "../delivery";
import type { AppEnv } from "../env";
import { HttpError } from "../errors";
import { ingestor, type PingResult } from "../ingestor";
import { isObject } from "../sources/common";
import { SENDERS } from "../sources/registry";
import { confirmSubscription, verifySnsMessage } from "../sources/sns";

export const hooks = new Hono<AppEnv>();

/**
 * 202 when the delivery carried events; 200 when there was nothing to apply, with `test` saying how a
 * sender's test notification was recognised (it is logged, and changes nothing).
 */
function answer(c: Context<AppEnv>, result: DeliveryOutcome) {
  return c.json(
    {
      status: "accepted",
      // A Watchdog alone is a heartbeat: kept by the ingestor, not logged as a delivery.
      delivery_id: result.heartbeat !== undefined ? null : result.deliveryId,
      events: result.outcomes.length,
      outcomes: result.outcomes,
      ...(result.test !== undefined ? { test: result.test } : {}),
      ...(result.heartbeat !== undefined ? { heartbeat: result.heartbeat } : {}),
    },
    result.outcomes.length ? 202 : 200,
  );
}

// Headers never used for a signature, kept out of the ingestor's input.
const NOT_SIGNATURES = new Set(["authorization", "cookie", "cf-access-jwt-assertion"]);

/**
 * The headers a signature may be in: their names are per integration (Grafana lets the user rename
 * its signature header and type any timestamp header), so the ingestor picks them by its options.
 */
function signedHeaders(c: Context<AppEnv>): Record<string, string> {
  const headers: Record<string, string> = {};
  c.req.raw.headers.forEach((value, name) => {
    if (!NOT_SIGNATURES.has(name)) headers[name] = value;
  });
  return headers;
}

// One receiver per sender with an adapter in the registry, read as its entry says.
for (const [source, sender] of Object.entries(SENDERS)) {
  if (!("adapt" in sender)) continue;
  const { adapt } = sender;
  const formField = "formField" in sender ? sender.formField : undefined;
  hooks.post(`/${source}/:key`, async (c) =>
    answer(
      c,
      await receive(c, {
        key: c.req.param("key"),
        source,
        adapt,
        signedHeaders: signedHeaders(c),
        ...(formField ? { formField } : {}),
        ...("formFields" in sender ? { formFields: true } : {}),
        ...("withOptions" in sender ? { withOptions: true } : {}),
        ...("sns" in sender ? { beforeIngest: (payload: unknown, options: IntegrationOptions) => sns(c, payload, options), snsChecked: true } : {}),
      }),
    ),
  );
}

// Heartbeats, pinged as Healthchecks.io's pinging API is: GET or POST, `/start`, `/fail`, `/log` or an exit
// status after the key. The body is not read (a job may post its output); a ping writes nothing to D1
// unless it changes something (ingestor.ts `ping`). Answers `200 OK` as Healthchecks.io does.
hooks.on(["GET", "POST"], ["/heartbeat/:key", "/heartbeat/:key/:signal"], async (c) => {
  const key = c.req.param("key");
  const signal = signalOf(c.req.param("signal"));
  if (!signal) throw new HttpError(404, "unknown heartbeat signal: ping /hooks/heartbeat/<key>, or add /start, /fail, /log or an exit status 0-255");
  let result: PingResult;
  try {
    result = await ingestor(c.env).ping(await sha256Hex(key), signal, nowIso());
  } catch (e) {
    console.error("heartbeat could not be stored", String(e));
    throw new HttpError(503, "the heartbeat could not be stored; retry later");
  }
  if (!result.ok) {
    await logRefused(c.env, key, "heartbeat", null, result.status, result.error).catch((err) => console.error("delivery log failed", String(err)));
    throw new HttpError(result.status, result.error);
  }
  return c.text("OK");
});

/**
 * Amazon SNS, once the alarm is read: the envelope's signature (unless the integration turned
 * verification off), and a SubscriptionConfirmation confirmed, which the delivery log records.
 */
async function sns(c: Context<AppEnv>, payload: unknown, options: IntegrationOptions): Promise<Record<string, number> | undefined> {
  if (!isObject(payload)) return;
  const testHosts = config(c.env).test.snsHosts;
  const envelope = typeof payload.Type === "string";
  if (options.verify_signatures !== false) {
    if (!envelope) {
      if (!("AlarmName" in payload)) return; // neither SNS nor an alarm: the adapter names what is wrong
      throw new HttpError(401, "raw message delivery carries no SNS signature: turn raw delivery off, or set the integration's verify_signatures to false");
    }
    await verifySnsMessage(payload, testHosts);
  }
  if (payload.Type === "SubscriptionConfirmation") {
    await confirmSubscription(payload, testHosts);
    return { subscription_confirmed: 1 };
  }
  if (payload.Type === "UnsubscribeConfirmation") return { unsubscribed: 1 };
}

// Alertmanager's `http_config.authorization` (bearer) or `basic_auth` (the key as password): the
// key stays out of the URL, and so out of Alertmanager's logs and UI.
hooks.post("/alertmanager", async (c) =>
  answer(
    c,
    await receive(c, {
      key: keyFromAuthorization(c.req.header("authorization")),
      keyHint: "post to /hooks/alertmanager/<key> or send `Authorization: Bearer <key>`",
      source: "alertmanager",
      adapt: SENDERS.alertmanager.adapt,
    }),
  ),
);

export function keyFromAuthorization(header: string | undefined): string | null {
  if (!header) return null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return bearer[1]!;
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return null;
  let decoded: string;
  try {
    decoded = atob(basic[1]!);
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  const [user, password] = colon === -1 ? [decoded, ""] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return password || user || null;
}
