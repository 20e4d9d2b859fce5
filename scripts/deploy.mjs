// npm run deploy: apply the migrations to the remote D1, build the worker with its Astro pages (the build
// reads no data), deploy it.
import { buildSite, ensureInstalled, run } from "./lib.mjs";

ensureInstalled();
run("wrangler", ["d1", "migrations", "apply", "status-page", "--remote"]);
const config = buildSite();
run("wrangler", ["deploy", "--config", config]);
