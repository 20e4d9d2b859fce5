import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { getPath } from "hono/utils/url";
import { esc } from "../domain/html";
import { pageAddress, withoutPrefix } from "../domain/page-address";
import { messages } from "../i18n";
import { ConfigError, config } from "./config";
import type { AppEnv } from "./env";
import { HttpError, uniqueViolation } from "./errors";
import { heldRequestPage } from "./generation";
import { handleQueue } from "./notify/consumer";
import { admin } from "./routes/admin";
import { feeds } from "./routes/feeds";
import { hooks } from "./routes/hooks";
import { live } from "./routes/live";
import { pagerduty } from "./routes/pagerduty";
import { pages } from "./routes/pages";
import { statuspageApi } from "./routes/statuspage-api";
import { subscriptions } from "./routes/subscriptions";
import { v1Fetch } from "./routes/v1";
import { scheduled } from "./scheduled";
import { getAccess, postAccess, readerGate } from "./visibility";

export { Ingestor } from "./ingestor";
export { LiveHub } from "./live-hub";
export { Limiter } from "./security/limiter";

// A page's path prefix (`/p/<slug>/`) serves the same routes as the page's own host: routes are matched
// on the path without it (c.req.path), while c.req.url keeps it for the page's links and cache entries.
const app = new Hono<AppEnv>({ getPath: (request) => withoutPrefix(getPath(request)) });

// The environment is parsed before anything else runs: a setting that does not parse refuses every request.
app.use("*", async (c, next) => {
  config(c.env);
  await next();
});

const noRoute = (c: Context<AppEnv>) => c.json({ error: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404);

/** What a page prefix serves: readers' reads, and their subscription and sign-in forms; never the operators' paths. */
const OPERATORS = /^\/(?:admin|hooks|v1)(?:\/|$)/;
const readerRequest = (method: string, path: string) =>
  !OPERATORS.test(path) && (["GET", "HEAD", "OPTIONS"].includes(method) || path === "/access" || /^\/subscriptions(?:\/|$)/.test(path));

// Under `/p/<slug>/`: only readers' requests, and only for a page that exists. An unknown slug is a 404
// that names no page; the page found is the one every handler reads (db/settings.ts, once per request).
app.use("*", async (c, next) => {
  if (!pageAddress(new URL(c.req.url)).prefix) return next();
  if (!readerRequest(c.req.method, c.req.path)) return noRoute(c);
  // Held per address under the cache generation (worker/generation.ts), as the reader gate reads it. When
  // D1 cannot be read, the gate answers (the last good copy of this address's page, or a 503).
  const page = await heldRequestPage(c.env, c.req.raw).catch(() => undefined);
  if (page !== null) return next();
  if (c.req.path.startsWith("/api/")) return c.json({ error: "no such page" }, 404, { "Cache-Control": "no-store" });
  const t = messages("en").page;
  return c.html(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(t.no_such_page)}</title></head><body><h1>${esc(t.no_such_page)}</h1><p>${esc(t.no_such_page_text)}</p></body></html>`,
    404,
    { "Cache-Control": "no-store", "Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff" },
  );
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
// Statuspage's management API (routes/v1/): its own keys, error shape and 404s.
app.all("/v1/*", (c) => v1Fetch(c.req.raw, c.env, c.executionCtx));
app.all("/v1", (c) => v1Fetch(c.req.raw, c.env, c.executionCtx));
// Open tabs' WebSockets, told when the page changes (worker/live-hub.ts).
app.route("/live", live);

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
