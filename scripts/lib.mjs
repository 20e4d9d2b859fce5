// Shared by npm start, npm test, the e2e tests and the benchmarks: the local stack, run for real.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "node_modules", ".bin");

/** Environment for every tool: Node 24 from node_modules first, no telemetry (there is no network for it). */
export function toolEnv(extra = {}) {
  return {
    ...process.env,
    PATH: `${BIN}:${process.env.PATH}`,
    XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME ?? join(ROOT, ".config"),
    WRANGLER_SEND_METRICS: "false",
    ASTRO_TELEMETRY_DISABLED: "1",
    ...extra,
  };
}

export function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: ROOT, stdio: opts.quiet ? "pipe" : "inherit", env: toolEnv(opts.env), encoding: "utf8" });
  if (res.status !== 0) {
    if (opts.quiet) process.stderr.write(`${res.stdout ?? ""}${res.stderr ?? ""}`);
    throw new Error(`${cmd} ${args.join(" ")} exited with ${res.status}`);
  }
  return res.stdout;
}

export function ensureInstalled() {
  if (existsSync(join(BIN, "wrangler")) && existsSync(join(BIN, "astro"))) return;
  console.log("Installing dependencies (npm ci, from package-lock.json)…");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

/** Applies the D1 migrations to a local database kept under `persistTo`, and optionally the demo data. */
export function prepareDatabase(persistTo, { seed = true, config, database = "status-page" } = {}) {
  const common = ["--local", "--persist-to", persistTo, ...(config ? ["--config", config] : [])];
  run("wrangler", ["d1", "migrations", "apply", database, ...common], { quiet: true });
  if (seed) run("wrangler", ["d1", "execute", "status-page", ...common, "--file", "db/seed.sql"], { quiet: true });
}

export const SITE_DIST = join(ROOT, "site", "dist");

/**
 * Builds the worker with its Astro pages into `outDir` (default site/dist): server/entry.mjs and
 * server/wrangler.json (the config wrangler dev and deploy run), client/ (the static assets). The build
 * reads no data: pages are rendered on request.
 */
export function buildSite(outDir = SITE_DIST) {
  // A production build whoever calls it: under vitest NODE_ENV is `test`, and Vite would then resolve
  // packages' `development` exports (micromark's pulls in `debug`, which needs Node's tty).
  run("astro", ["build", "--root", "site", "--silent", "--outDir", outDir], { quiet: true, env: { NODE_ENV: "production" } });
  return workerConfig(outDir);
}

/** The resolved wrangler config of a build. */
export const workerConfig = (outDir = SITE_DIST) => join(outDir, "server", "wrangler.json");

/** Starts `wrangler dev` and resolves once it answers; `stop()` ends it. */
/**
 * Starts `wrangler dev` on a built worker (`config`: its server/wrangler.json, by default site/dist's) and
 * resolves once it answers; `stop()` ends it, `scheduled()` runs the cron handler once.
 */
export async function startWorker({ port, persistTo, adminToken, log = false, extraVars = {}, config = workerConfig(), readyPath = "/api/v2/summary.json" }) {
  // wrangler dev emulates request.cf, so CF-Connecting-IP is whatever the client sent: not trusted.
  const vars = { BEHIND_CLOUDFLARE: "false", ...(adminToken ? { ADMIN_TOKEN: adminToken } : {}), ...extraVars };
  // Secrets go through a vars file readable by this user only, never the command line (`ps` shows it).
  const varsDir = mkdtempSync(join(tmpdir(), "wrangler-vars-"));
  const varsFile = join(varsDir, ".dev.vars");
  writeFileSync(
    varsFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${JSON.stringify(String(v))}\n`)
      .join(""),
    { mode: 0o600 },
  );
  const args = [
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    persistTo,
    "--show-interactive-dev-session=false",
    "--log-level",
    log ? "info" : "warn",
    "--config",
    config,
    "--test-scheduled",
    "--env-file",
    varsFile,
  ];
  const child = spawn("wrangler", args, { cwd: ROOT, env: toolEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
    if (log) process.stdout.write(d);
  });
  child.stderr.on("data", (d) => {
    output += d;
    if (log) process.stderr.write(d);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
    rmSync(varsDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
    try {
      const res = await fetch(`${url}${readyPath}`);
      // wrangler dev runs no cron on its own; this is the endpoint --test-scheduled opens for it.
      const scheduled = () => fetch(`${url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`).then((r) => r.text());
      // kill: SIGKILL to the whole process group (workerd included), as a crash or a power cut would.
      const kill = () => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      };
      // pid: the process group (wrangler and its workerd), for benchmarks that read its memory.
      if (res.ok) return { url, stop, kill, scheduled, output: () => output, pid: child.pid };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error(`wrangler dev did not answer within 60 s:\n${output}`);
}

export async function freePort() {
  const { createServer } = await import("node:net");
  return new Promise((res) => {
    const srv = createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

/** How Debian's Chromium is launched by playwright-core (never a downloaded browser), for the e2e tests and the page-weight benchmark. */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
