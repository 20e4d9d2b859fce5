// The public API, in Atlassian Statuspage's v2 shapes (https://<page>/api/v2/...), so existing widgets
// and client libraries work when pointed at this base URL. Every document is read from db/queries.ts,
// the read model the site is built from, and served through the edge cache (worker/cache.ts).
import { Hono } from "hono";
import { cors } from "hono/cors";
import { getComponentList, getIncidentList, getMaintenanceList, getStatus, getSummary, type ReadContext } from "../../db/queries";
import { AS_OF_HEADER, cachedPublic } from "../cache";
import type { AppEnv } from "../env";
import { requestSettings } from "../reader-settings";

export const statuspageApi = new Hono<AppEnv>();

statuspageApi.use("*", cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"], exposeHeaders: ["ETag", AS_OF_HEADER], maxAge: 86400 }));

const DOCUMENTS: Record<string, (db: D1Database, ctx: ReadContext) => Promise<unknown>> = {
  "/summary.json": getSummary,
  "/status.json": getStatus,
  "/components.json": getComponentList,
  "/incidents.json": (db, ctx) => getIncidentList(db, ctx, "all"),
  "/incidents/unresolved.json": (db, ctx) => getIncidentList(db, ctx, "unresolved"),
  "/scheduled-maintenances.json": (db, ctx) => getMaintenanceList(db, ctx, "all"),
  "/scheduled-maintenances/upcoming.json": (db, ctx) => getMaintenanceList(db, ctx, "upcoming"),
  "/scheduled-maintenances/active.json": (db, ctx) => getMaintenanceList(db, ctx, "active"),
};

for (const [path, load] of Object.entries(DOCUMENTS)) {
  statuspageApi.get(path, (c) =>
    cachedPublic(c, async (base) => ({
      body: JSON.stringify(await load(c.env.DB, { settings: await requestSettings(c), baseUrl: base })),
      contentType: "application/json; charset=utf-8",
    })),
  );
}

statuspageApi.all("*", (c) => {
  const path = c.req.path.replace(/^\/api\/v2/, "");
  if (path in DOCUMENTS) {
    c.header("Allow", "GET, HEAD, OPTIONS");
    return c.json({ error: `${c.req.method} is not allowed: the public API is read-only` }, 405);
  }
  return c.json(
    {
      error: `no such document; the API serves ${Object.keys(DOCUMENTS)
        .map((p) => `/api/v2${p}`)
        .join(", ")}`,
    },
    404,
  );
});
