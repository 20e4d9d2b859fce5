// Tests that import the worker's source (worker/index.ts) cannot bundle Astro's handler: its virtual
// modules exist only inside `astro build`. Aliased in vitest.config.ts, this hands the pages to the
// built worker instead, so they are still rendered by the real Astro code.
import { SELF } from "cloudflare:test";

export const handle = (request: Request): Promise<Response> => SELF.fetch(request);
