// npm test: type check, build the worker (Astro pages included) and check its deployable size, then every
// vitest project (unit, worker in workerd + D1, e2e in Chromium against wrangler dev), ending with the
// one line CI reads: "N passed, N failed".
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildSite, ensureInstalled, ROOT, toolEnv } from "./lib.mjs";

ensureInstalled();
let passed = 0;
let failed = 0;

/** One checking step: a command that passes when it exits 0. */
function step(label, command, args) {
  console.log(`▶ ${label}`);
  const run = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", env: toolEnv() });
  run.status === 0 ? passed++ : failed++;
}

// Three programs: the worker (workers types), the e2e tests and benchmarks (Node types), the page's
// browser script (DOM types); then the site's .astro files.
for (const project of ["tsconfig.json", "test/e2e/tsconfig.json", "site/tsconfig.public.json"]) {
  step(`type check (tsc --noEmit -p ${project})`, "tsc", ["--noEmit", "-p", project]);
}
// The binding types are generated from wrangler.toml (npm run types): they must be current.
step("wrangler types --check", "npm", ["run", "--silent", "types", "--", "--check"]);
step("astro check (site/)", "node", ["scripts/astro-check.mjs"]);
step("db/schema.ts against db/migrations (drizzle-kit)", "node", ["scripts/check-schema.mjs"]);
// The layers point one way and nothing imports in a circle (.dependency-cruiser.cjs says which way).
step("dependency-cruiser (layers, no cycles)", "depcruise", ["domain", "i18n", "db", "worker", "site/src", "--config", ".dependency-cruiser.cjs"]);
// Exports, files and dependencies nothing uses.
step("knip", "knip", []);
// Formatting and lint, as CI enforces them: `npx biome check --write .` fixes most of what it reports.
step("biome ci .", "biome", ["ci", "."]);

// The worker tests and the e2e stack run the built worker (site/dist/server): build it once for both.
console.log("▶ astro build --root site");
let config = "";
try {
  config = buildSite();
  passed++;
} catch (err) {
  console.error(String(err));
  failed++;
}

// What `wrangler deploy` would upload, within the Workers free plan's 3 MB (gzip).
const FREE_PLAN_GZIP_BYTES = 3 * 1024 * 1024;
if (config) {
  console.log(`▶ wrangler deploy --dry-run --config ${config}`);
  const outdir = join(ROOT, ".wrangler", "dry-run");
  rmSync(outdir, { recursive: true, force: true });
  const dry = spawnSync("wrangler", ["deploy", "--dry-run", "--config", config, "--outdir", outdir], {
    cwd: ROOT,
    env: toolEnv(),
    encoding: "utf8",
  });
  process.stdout.write(dry.stdout ?? "");
  // "Total Upload: 612.34 KiB / gzip: 181.01 KiB"
  const gzip = /gzip:\s*([\d.]+)\s*KiB/.exec(`${dry.stdout}${dry.stderr}`);
  const bytes = gzip ? Number(gzip[1]) * 1024 : NaN;
  if (dry.status === 0 && bytes <= FREE_PLAN_GZIP_BYTES) {
    console.log(`worker bundle ${(bytes / 1024).toFixed(1)} KiB gzip, within the free plan's ${FREE_PLAN_GZIP_BYTES / 1024} KiB`);
    passed++;
  } else {
    process.stderr.write(dry.stderr ?? "");
    console.error(
      `worker bundle check failed: exit ${dry.status}, ${gzip ? `${(bytes / 1024).toFixed(1)} KiB gzip` : "no size reported"} (limit ${FREE_PLAN_GZIP_BYTES / 1024} KiB)`,
    );
    failed++;
  }
}

mkdirSync(join(ROOT, "test-results"), { recursive: true });
const report = join(ROOT, "test-results", "vitest.json");
rmSync(report, { force: true });
const args = ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)];
console.log(`▶ vitest ${args.join(" ")}`);
// SITE_BUILT: the e2e set-up uses this build instead of making its own.
const vitest = spawnSync("vitest", args, { cwd: ROOT, stdio: "inherit", env: toolEnv({ SITE_BUILT: "1" }) });
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  // A file that failed to load has no tests to count: count it as a failure.
  failed += json.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
} catch {
  failed++;
}
if (vitest.status !== 0 && failed === 0) failed++;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
