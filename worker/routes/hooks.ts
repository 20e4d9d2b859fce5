// POST /hooks/<source>/:key — one receiver per monitoring tool, all through the same pipeline.
import { Hono } from "hono";
import { receive } from "../delivery";
import type { AppEnv } from "../env";
import { HOOK_ADAPTERS } from "../sources";

export const hooks = new Hono<AppEnv>();

for (const [source, adapt] of Object.entries(HOOK_ADAPTERS)) {
  hooks.post(`/${source}/:key`, async (c) => {
    const result = await receive(c, { key: c.req.param("key"), source, adapt });
    return c.json(
      { status: "accepted", delivery_id: result.deliveryId, events: result.outcomes.length, outcomes: result.outcomes },
      202,
    );
  });
}
