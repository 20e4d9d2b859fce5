// Starts the real stack once for the e2e tests: a fresh local D1 with the demo data, the site built
// from it, and `wrangler dev` on a free loopback port.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM helper shared with npm start
import { buildSite, freePort, prepareDatabase, startWorker } from "../../scripts/lib.mjs";

export const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef0123456789";

export default async function setup(project: TestProject) {
  const persistTo = mkdtempSync(join(tmpdir(), "status-e2e-"));
  prepareDatabase(persistTo);
  const port = await freePort();
  // A site of its own, so parallel runs never share site/dist.
  const assets = join(persistTo, "site");
  buildSite(persistTo, `http://127.0.0.1:${port}`, assets);
  const worker = await startWorker({ port, persistTo, adminToken: E2E_ADMIN_TOKEN, assets });
  project.provide("baseUrl", worker.url);
  project.provide("adminToken", E2E_ADMIN_TOKEN);
  project.provide("persistTo", persistTo);
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
  }
}
