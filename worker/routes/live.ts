// GET /live (and /p/<slug>/live): an open tab's WebSocket (site/public/live.js), told when its page changed (worker/live.ts).
// Readers only: on a private page a stranger gets the gate's 401, and their tab keeps its sign-in page.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { connectTab } from "../live";
import { readerGate } from "../visibility";

export const live = new Hono<AppEnv>();

live.get("/", readerGate("machine"), (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") return c.json({ error: "GET /live expects a WebSocket upgrade (Upgrade: websocket)" }, 426);
  // The gate resolved the page the tab reads (host, /p/<slug>/ or <slug>.localhost), as for the page itself.
  return connectTab(c.env, c.req.raw, c.get("page").id, c.get("lang"));
});
