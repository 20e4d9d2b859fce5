// Starts the real stack once for the e2e tests: a fresh local D1 with the demo data, the built worker
// (Astro pages included) under `wrangler dev` on a free loopback port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM helper shared with npm start
import { buildSite, freePort, prepareDatabase, SITE_DIST, startWorker, workerConfig } from "../../scripts/lib.mjs";

export const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef0123456789";

export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(join(tmpdir(), "status-e2e-"));
  prepareDatabase(persistTo);
  const port = await freePort();
  // npm test has just built site/dist (SITE_BUILT); run alone, build a worker of its own, so a run never
  // serves a stale build or races another run's.
  const site = process.env.SITE_BUILT ? SITE_DIST : join(persistTo, "site");
  const config = process.env.SITE_BUILT ? workerConfig() : buildSite(site);
  // OUTBOUND_ALLOW_LOOPBACK: notification channels post to the tests' capture servers on 127.0.0.1, as under npm start.
  const worker = await startWorker({ port, persistTo, adminToken: E2E_ADMIN_TOKEN, config, extraVars: { OUTBOUND_ALLOW_LOOPBACK: "1" } });
  project.provide("baseUrl", worker.url);
  project.provide("adminToken", E2E_ADMIN_TOKEN);
  project.provide("persistTo", persistTo);
  project.provide("siteDir", site);
  return () => {
    worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminToken: string;
    persistTo: string;
    siteDir: string;
  }
}
