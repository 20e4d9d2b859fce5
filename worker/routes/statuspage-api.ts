// The public API, in Atlassian Statuspage's v2 shapes.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { getSummary } from "../../db/queries";
import type { AppEnv } from "../env";

export const statuspageApi = new Hono<AppEnv>();

statuspageApi.use("*", cors({ origin: "*", allowMethods: ["GET", "HEAD", "OPTIONS"] }));

export function baseUrl(c: { env: AppEnv["Bindings"]; req: { url: string } }): string {
  return (c.env.PUBLIC_URL ?? new URL(c.req.url).origin).replace(/\/$/, "");
}

statuspageApi.get("/summary.json", async (c) => {
  const summary = await getSummary(c.env.DB, baseUrl(c));
  c.header("Cache-Control", "public, max-age=10");
  return c.json(summary);
});
