// The worker tests run the built worker (site/dist/server): Astro's pages exist only inside `astro build`.
// So that a test after an edit tests the edit, the build is made again whenever a source is newer than
// it. npm test builds once before vitest and says so with SITE_BUILT: then nothing is checked here.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
// @ts-expect-error plain ESM helper shared with npm start
import { buildSite, ROOT, SITE_DIST, workerConfig } from "../../scripts/lib.mjs";

/** What `astro build --root site` reads: the worker and everything it imports, the site, the config. */
const SOURCES = ["worker", "domain", "i18n", "db", "site", "wrangler.toml", "package-lock.json"];
const SKIP = new Set(["node_modules", "dist", ".astro", ".wrangler"]);

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  // Files only: building rewrites site/dist and so touches site/ itself.
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (!SKIP.has(entry)) newest = Math.max(newest, newestChange(join(path, entry)));
  }
  return newest;
}

let checked: string | undefined;

/**
 * The built worker's wrangler config, built first when missing or older than a source. Checked once per
 * run (the pool asks again for each test file), so that every file of a run tests the same build.
 */
export function freshWorkerConfig(): string {
  checked ??= check();
  return checked;
}

function check(): string {
  const config: string = workerConfig();
  if (process.env.SITE_BUILT) return config;
  const state = buildState(ROOT, SITE_DIST);
  if (state === "current") return config;
  console.log(state === "stale" ? "worker tests: a source is newer than site/dist, building it again" : "worker tests: building site/dist");
  return buildSite();
}

/** Whether the build in `dist` (site/dist) is missing, older than a source under `root`, or current. */
export function buildState(root: string, dist: string): "missing" | "stale" | "current" {
  const entry = join(dist, "server", "entry.mjs");
  if (!existsSync(entry) || !existsSync(join(dist, "server", "wrangler.json"))) return "missing";
  const sources = Math.max(
    ...SOURCES.map((source) => join(root, source))
      .filter(existsSync)
      .map(newestChange),
  );
  return statSync(entry).mtimeMs >= sources ? "current" : "stale";
}
