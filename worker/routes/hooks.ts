// POST /hooks/<source>/:key — one receiver per monitoring tool, all through the same pipeline.
import { Hono } from "hono";
import type { AlertEvent } from "../domain/alert-event";
import { receive } from "../delivery";
import type { AppEnv } from "../env";
import { fromDatadog } from "../sources/datadog";
import { fromGeneric } from "../sources/generic";
import { fromUptrends } from "../sources/uptrends";

type Adapter = (payload: unknown, receivedAt: Date) => AlertEvent[];

export const ADAPTERS: Record<string, Adapter> = {
  datadog: fromDatadog,
  uptrends: fromUptrends,
  generic: fromGeneric,
};

export const hooks = new Hono<AppEnv>();

for (const [source, adapt] of Object.entries(ADAPTERS)) {
  hooks.post(`/${source}/:key`, async (c) => {
    const result = await receive(c, { key: c.req.param("key"), source, adapt });
    return c.json(
      {
        status: "accepted",
        delivery_id: result.deliveryId,
        events: result.outcomes.length,
        outcomes: result.outcomes,
      },
      202,
    );
  });
}
