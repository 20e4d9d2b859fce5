// npm test: type check, then every vitest project (unit, worker in workerd + D1, e2e in Chromium against
// wrangler dev), ending with the one line CI reads: "N passed, N failed".
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildSite, ensureInstalled, prepareDatabase, ROOT, toolEnv } from "./lib.mjs";

ensureInstalled();
let passed = 0;
let failed = 0;

// Two programs: the worker (workers types) and the e2e tests and benchmarks (Node types).
for (const project of ["tsconfig.json", "test/e2e/tsconfig.json"]) {
  console.log(`▶ type check (tsc --noEmit -p ${project})`);
  const tsc = spawnSync("tsc", ["--noEmit", "-p", project], { cwd: ROOT, stdio: "inherit", env: toolEnv() });
  tsc.status === 0 ? passed++ : failed++;
}

// The worker's [assets] need a built site; build it from an empty, migrated database.
const persistTo = join(ROOT, ".wrangler", "test-build");
rmSync(persistTo, { recursive: true, force: true });
prepareDatabase(persistTo, { seed: false });
buildSite(persistTo);

mkdirSync(join(ROOT, "test-results"), { recursive: true });
const report = join(ROOT, "test-results", "vitest.json");
rmSync(report, { force: true });
const args = ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)];
console.log(`▶ vitest ${args.join(" ")}`);
const vitest = spawnSync("vitest", args, { cwd: ROOT, stdio: "inherit", env: toolEnv() });
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
