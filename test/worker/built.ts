// The built worker's Hono app (site/dist/server/entry.mjs, which `npm run build:site` writes), for tests
// that call it with bindings of their own. The pages the worker answers itself (the subscription pages,
// a private page's sign-in) are drawn by Astro, whose handler exists only in the build: through the
// worker's source (worker/index.ts, with astro-handler.ts standing in for Astro) they cannot be rendered.
import type { Hono } from "hono";
// @ts-expect-error: the bundle is JavaScript without declarations
import * as bundle from "../../site/dist/server/entry.mjs";
import type { AppEnv } from "../../worker/env";

export const app = (bundle as { app: Hono<AppEnv> }).app;
