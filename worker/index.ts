import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError, config } from "./config";
import type { AppEnv } from "./env";
import { HttpError, uniqueViolation } from "./errors";
import { handleQueue } from "./notify/consumer";
import { admin } from "./routes/admin";
import { feeds } from "./routes/feeds";
import { hooks } from "./routes/hooks";
import { live } from "./routes/live";
import { pagerduty } from "./routes/pagerduty";
import { pages } from "./routes/pages";
import { statuspageApi } from "./routes/statuspage-api";
import { subscriptions } from "./routes/subscriptions";
import { scheduled } from "./scheduled";
import { getAccess, postAccess, readerGate } from "./visibility";

export { Ingestor } from "./ingestor";
export { LiveHub } from "./live-hub";
export { Limiter } from "./security/limiter";

const app = new Hono<AppEnv>();

// The environment is parsed before anything else runs: a setting that does not parse refuses every request.
app.use("*", async (c, next) => {
  config(c.env);
  await next();
});

app.route("/hooks", hooks);
app.route("/", pagerduty);
// What readers get, public or private (worker/visibility.ts): the gate runs before any of it.
for (const path of ["/api/v2/*", "/history.rss", "/history.atom", "/badge.svg", "/badge/*"]) app.use(path, readerGate("machine"));
app.route("/api/v2", statuspageApi);
app.route("/", feeds);
app.get("/access", getAccess);
app.post("/access", postAccess);
app.route("/subscriptions", subscriptions);
app.route("/admin", admin);
// Open tabs' WebSockets, told when the page changes (worker/live-hub.ts).
app.route("/live", live);

const noRoute = (c: Context<AppEnv>) => c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404);
// Machine paths answer JSON 404s; every other GET is a public page (Astro), its 404 an HTML page.
for (const prefix of ["/api", "/hooks", "/admin"]) app.all(`${prefix}/*`, noRoute);
app.route("/", pages);
app.notFound(noRoute);

app.onError((err, c) => {
  if (err instanceof ConfigError) {
    console.error("invalid configuration", { error: err.message });
    return c.json({ error: `the worker's configuration is invalid: ${err.message}` }, 500);
  }
  const known = err instanceof HttpError ? err : uniqueViolation(err);
  if (known) return c.json({ error: known.message, ...(known.field ? { field: known.field } : {}) }, known.status);
  // Hono's own HTTPExceptions (bearer auth) carry a ready response.
  if (err instanceof HTTPException) return err.getResponse();
  console.error("unhandled error", { path: new URL(c.req.url).pathname, error: err.stack ?? String(err) });
  return c.json({ error: "internal error" }, 500);
});

// queue: notifications (worker/notify/consumer.ts), for status-notifications and its dead-letter queue.
export default { fetch: app.fetch, scheduled, queue: handleQueue } satisfies ExportedHandler<AppEnv["Bindings"], import("./notify/messages").NotifyMessage>;
export { app };
