// POST /hooks/<source>/:key — one receiver per monitoring tool, all through the same pipeline.
import { type Context, Hono } from "hono";
import { type DeliveryOutcome, receive } from "../delivery";
import type { AppEnv } from "../env";
import { HOOK_ADAPTERS } from "../sources";
import { fromAlertmanager } from "../sources/alertmanager";

export const hooks = new Hono<AppEnv>();

/** 202 when the delivery carried events; 200 when there was nothing to apply (a test notification). */
function answer(c: Context<AppEnv>, result: DeliveryOutcome) {
  return c.json(
    { status: "accepted", delivery_id: result.deliveryId, events: result.outcomes.length, outcomes: result.outcomes },
    result.outcomes.length ? 202 : 200,
  );
}

/** Grafana's HMAC headers; checked against the integration's signing secret when it has one. */
function signature(c: Context<AppEnv>) {
  return {
    signature: c.req.header("x-grafana-alerting-signature") ?? null,
    timestamp: c.req.header("x-grafana-alerting-signature-timestamp") ?? null,
  };
}

for (const [source, adapt] of Object.entries(HOOK_ADAPTERS)) {
  hooks.post(`/${source}/:key`, async (c) =>
    answer(c, await receive(c, { key: c.req.param("key"), source, adapt, signature: signature(c) })),
  );
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
      adapt: fromAlertmanager,
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
