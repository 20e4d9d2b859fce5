// npm run deploy: apply migrations to the remote D1, build the site from it, deploy the worker.
import { ensureInstalled, run } from "./lib.mjs";

ensureInstalled();
run("wrangler", ["d1", "migrations", "apply", "status-page", "--remote"]);
run("astro", ["build", "--root", "site"], { env: { WRANGLER_REMOTE: "1" } });
run("wrangler", ["deploy"]);
