// Atlassian Statuspage's management API, v1 (https://api.statuspage.io/v1), on this worker under /v1:
// its paths (with or without `.json`), bodies, answers, status codes and error shape, for the deploy
// scripts, bots, Terraform providers and generated clients written against it. docs/statuspage.md
// says what is supported and where this page answers differently; docs/statuspage/openapi.json is
// Atlassian's published description, which test/worker/v1-openapi.test.ts checks every answer against.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { HttpError, uniqueViolation } from "../../errors";
import { pageInPath, requireApiKey } from "../../v1/auth";
import { type V1Env, v1Error } from "../../v1/context";
import { formToObject } from "../../v1/form";
import { components } from "./components";
import { incidents } from "./incidents";
import { pages } from "./pages";
import { postmortems } from "./postmortems";
import { subscribers } from "./subscribers";

const MAX_V1_BODY_BYTES = 64 * 1024;

const api = new Hono<V1Env>().basePath("/v1");

api.use("*", async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
  c.header("X-Content-Type-Options", "nosniff");
});
api.use(
  "*",
  bodyLimit({
    maxSize: MAX_V1_BODY_BYTES,
    onError: () => {
      throw new HttpError(413, `request bodies are limited to ${MAX_V1_BODY_BYTES / 1024} KB`);
    },
  }),
);
api.use("*", requireApiKey);
api.route("/", pages);
for (const app of [components, incidents, postmortems, subscribers]) {
  const scoped = new Hono<V1Env>();
  scoped.use("*", pageInPath);
  scoped.route("/", app);
  api.route("/pages/:page_id", scoped);
}

api.notFound((c) => v1Error(c, 404, `The requested resource could not be found: no route for ${c.req.method} ${new URL(c.req.url).pathname}`));
api.onError((err, c) => {
  const known = err instanceof HttpError ? err : uniqueViolation(err);
  if (known) return v1Error(c, known.status, known.message, known.field);
  if (err instanceof HTTPException) return v1Error(c, err.status, err.message || "request refused");
  console.error("unhandled error", { path: new URL(c.req.url).pathname, error: (err as Error)?.stack ?? String(err) });
  return v1Error(c, 500, "internal error");
});

/** Statuspage's paths end in `.json` or not (`/pages/abc/incidents.json`): both reach the same route. */
export async function v1Fetch(request: Request, env: V1Env["Bindings"], ctx: Parameters<typeof api.fetch>[2]): Promise<Response> {
  const url = new URL(request.url);
  if (url.pathname.endsWith(".json")) url.pathname = url.pathname.slice(0, -".json".length);
  // A form-encoded body (Statuspage takes both) goes on as the JSON it stands for.
  if (/^application\/x-www-form-urlencoded\b/i.test(request.headers.get("content-type") ?? "") && request.body) {
    const text = await request.text();
    if (text.length > MAX_V1_BODY_BYTES) return api.fetch(new Request(url, { method: request.method, headers: request.headers, body: text }), env, ctx);
    const headers = new Headers(request.headers);
    headers.set("content-type", "application/json");
    headers.delete("content-length");
    return api.fetch(new Request(url, { method: request.method, headers, body: JSON.stringify(formToObject(new URLSearchParams(text))) }), env, ctx);
  }
  return api.fetch(url.href === request.url ? request : new Request(url, request), env, ctx);
}
