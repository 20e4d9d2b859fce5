// npm run bench: every benchmark in one run, each beside a baseline measured in the same run, because
// these machines are shared and noisy: ratios are what to read. Writes bench/results/latest.json and
// BENCHMARKS.md.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { buildSite, freePort, prepareDatabase, ROOT, run, startWorker } from "../scripts/lib.mjs";
import { fmt, load } from "./load.mjs";

// --notify: only the notification fan-out (bench/notify.mjs), its own section of BENCHMARKS.md.
if (process.argv.includes("--notify")) {
  await import("./notify.mjs");
  process.exit(0);
}
// --pages N (a number, or numbers: 10,100): the same install with 1 and with N pages (bench/pages-scale.mjs),
// its own section of BENCHMARKS.md.
if (/^\d+(,\d+)*$/.test(process.argv[process.argv.indexOf("--pages") + 1] ?? "")) {
  await import("./pages-scale.mjs");
  process.exit(0);
}
// --latency: only the live updates (bench/latency.mjs): alert → open tab, reload, channel; idle sockets.
if (process.argv.includes("--latency")) {
  await import("./latency.mjs");
  process.exit(0);
}
const QUICK = process.argv.includes("--quick");
// --pages: only the public page part (and page weight), merged into the last full run's results.
const PAGES_ONLY = process.argv.includes("--pages");
// --ingest: only the ingest part (throughput, D1 round trips, the D1-failing storm, the replay), merged likewise.
const INGEST_ONLY = process.argv.includes("--ingest");
// --throughput-only (with --ingest): the senders' rounds alone, without the storm and the replay.
const THROUGHPUT_ONLY = process.argv.includes("--throughput-only");
const INGEST_CONCURRENCY = 16;
const N = QUICK ? 100 : 400;
const CONCURRENCY = 8;
const previous = existsSync(join(ROOT, "bench", "results", "latest.json"))
  ? JSON.parse(readFileSync(join(ROOT, "bench", "results", "latest.json"), "utf8"))
  : {};
const results = {
  ...(PAGES_ONLY || INGEST_ONLY ? { ...previous, fullRunDate: previous.fullRunDate ?? previous.date, partial: PAGES_ONLY ? "pages" : "ingest" } : {}),
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  quick: QUICK,
};
const work = mkdtempSync(join(tmpdir(), "status-bench-"));
// One build for every stack: it holds no data (pages are rendered on request). Its client/ folder is the
// assets directory the static baselines are written into.
const site = join(work, "site");
const config = buildSite(site);
const assetsDir = join(site, "client");
const stops = [];
process.on("exit", () => {
  for (const s of stops) s();
});
const fixture = (p) => JSON.parse(readFileSync(join(ROOT, "test", "fixtures", p), "utf8"));

// ── Payloads: each sender's real format, made a re-trigger of one alert per request (new timestamp), so
// every measured delivery is a non-first one that really changes the alert. ───────────────────────────
const BASE_MS = Date.parse("2026-01-01T00:00:00Z");
const iso = (i) => new Date(BASE_MS + i * 1000).toISOString();
const SENDERS = [
  {
    source: "generic",
    key: "demogenerickey000000000000000000",
    body: (i) =>
      JSON.stringify({
        dedup_key: "bench-generic",
        action: "trigger",
        severity: "critical",
        summary: "Bench alert",
        tags: { service: "metrics" },
        occurred_at: iso(i),
      }),
  },
  {
    source: "datadog",
    key: "demodatadogkey000000000000000000",
    body: (i) => {
      const p = fixture("datadog/stackpulse-triggered.json");
      p.date = String(BASE_MS + i * 1000);
      p.metadata.TAGS = "service:metrics,env:prod";
      return JSON.stringify(p);
    },
  },
  {
    source: "uptrends",
    key: "demouptrendskey00000000000000000",
    body: (i) => {
      const p = fixture("uptrends/alert.json");
      p.timestampUtc = iso(i).slice(0, 19);
      return JSON.stringify(p);
    },
  },
];
if (existsSync(join(ROOT, "test", "fixtures", "alertmanager"))) {
  const file = readdirSync(join(ROOT, "test", "fixtures", "alertmanager")).find((f) => f.includes("firing"));
  if (file)
    SENDERS.push({
      source: "alertmanager",
      key: "demoalertmanagerkey0000000000000",
      body: (i) => {
        const p = fixture(`alertmanager/${file}`);
        for (const a of p.alerts ?? []) {
          a.startsAt = iso(i);
          a.labels = { ...a.labels, service: "metrics" };
        }
        return JSON.stringify(p);
      },
    });
}

async function stack(name, { seedSql, extraVars = {} } = {}) {
  const persistTo = join(work, name);
  prepareDatabase(persistTo);
  if (seedSql) {
    const file = join(work, `${name}.sql`);
    writeFileSync(file, seedSql);
    run("wrangler", ["d1", "execute", "status-page", "--local", "--persist-to", persistTo, "--file", file], { quiet: true });
  }
  const port = await freePort();
  const w = await startWorker({
    port,
    persistTo,
    adminToken: "bench-admin-token-0123456789abcdef0123",
    config,
    extraVars: { BENCH_COUNT_D1: "1", ...extraVars },
  });
  stops.push(w.stop);
  return { ...w, persistTo, port };
}

async function baseline() {
  const persistTo = join(work, "baseline");
  const config = join(ROOT, "bench", "baseline", "wrangler.toml");
  prepareDatabase(persistTo, { seed: false, config, database: "baseline" });
  const w = await startWorker({ port: await freePort(), persistTo, config, readyPath: "/" });
  stops.push(w.stop);
  return w;
}

// ── 0. The on-demand overview vs a static asset of the same bytes, cache hits and misses ───────────────
if (!INGEST_ONLY) {
  const n = QUICK ? 300 : 1000;
  const hits = await stack("pages");
  // Same build, same data, the edge cache bypassed: every request renders (BENCH_NO_EDGE_CACHE).
  const misses = await stack("pages-miss", { extraVars: { BENCH_NO_EDGE_CACHE: "1" } });
  const html = await (await fetch(`${hits.url}/`)).text();
  writeFileSync(join(assetsDir, "bench-page.html"), html);
  await new Promise((r) => setTimeout(r, 1500)); // wrangler dev picks up the new asset
  const staticRes = await fetch(`${hits.url}/bench-page`);
  const staticPath = staticRes.ok && (await staticRes.text()) === html ? "/bench-page" : "/bench-page.html";
  const get = (url) => load({ url, method: "GET", n, concurrency: CONCURRENCY });
  await get(`${hits.url}/`); // warm: the first request renders and fills the cache
  await get(`${misses.url}/`);
  // Rounds of hit, static, miss back to back, so a noisy neighbour hits every side alike; the median round.
  const rounds = [];
  for (let k = 0; k < (QUICK ? 1 : 3); k++) {
    const hit = await get(`${hits.url}/`);
    const statik = await get(`${hits.url}${staticPath}`);
    const miss = await get(`${misses.url}/`);
    rounds.push({ hit, static: statik, miss, hitRatio: hit.rps / statik.rps, missRatio: miss.rps / statik.rps });
  }
  const median = [...rounds].sort((a, b) => a.hitRatio - b.hitRatio)[Math.floor(rounds.length / 2)];
  results.pages = { bytes: html.length, n, rounds, ...median };
  for (const r of rounds) console.log(`  round: hit ${fmt(r.hit.rps)} req/s, static ${fmt(r.static.rps)} req/s, miss ${fmt(r.miss.rps)} req/s`);
  console.log(
    `/ (${html.length} B) cache hit ${fmt(results.pages.hit.rps)} req/s (p50 ${fmt(results.pages.hit.p50)} ms) vs static ${fmt(results.pages.static.rps)} req/s · ratio ${fmt(results.pages.hitRatio, 2)}`,
  );
  console.log(`/ cache miss ${fmt(results.pages.miss.rps)} req/s (p50 ${fmt(results.pages.miss.p50)} ms) · ratio ${fmt(results.pages.missRatio, 2)}`);
  hits.stop();
  misses.stop();
}

// ── Worker bundle size, as wrangler deploy would upload it ─────────────────────────────────────────
if (!INGEST_ONLY) {
  const out = run("wrangler", ["deploy", "--dry-run", "--config", config, "--outdir", join(work, "dry-run")], { quiet: true });
  const m = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(out);
  results.bundle = m ? { kib: Number(m[1]), gzipKib: Number(m[2]) } : null;
  console.log(`worker bundle: ${m ? `${m[1]} KiB, ${m[2]} KiB gzip` : "size not reported"}`);
}

if (!PAGES_ONLY) {
  // ── 1. Ingest (bench/ingest.mjs): throughput and latency vs the bare insert at 16 senders, D1 round trips,
  // a storm with D1 failing, the replay of a 10,000-delivery backlog ──────────────────────────────────────
  const { ingestBench } = await import("./ingest.mjs");
  const ours = await stack("ingest");
  Object.assign(
    results,
    await ingestBench({
      ours,
      stack,
      baseline,
      senders: SENDERS,
      quick: QUICK,
      n: N,
      concurrency: INGEST_CONCURRENCY,
      config,
      throughputOnly: THROUGHPUT_ONLY,
    }),
  );
  if (!INGEST_ONLY) {
    // ── 2. summary.json vs a static file of the same size from the assets binding ─────────────────────────
    {
      const summary = await (await fetch(`${ours.url}/api/v2/summary.json`)).text();
      writeFileSync(join(assetsDir, "bench-static.json"), summary);
      await new Promise((r) => setTimeout(r, 1500)); // wrangler dev picks up the new asset
      const n = QUICK ? 300 : 1500;
      const dynamic = await load({ url: `${ours.url}/api/v2/summary.json`, method: "GET", n, concurrency: CONCURRENCY });
      const statik = await load({ url: `${ours.url}/bench-static.json`, method: "GET", n, concurrency: CONCURRENCY });
      results.summary = { bytes: summary.length, ours: dynamic, baseline: statik, ratio: dynamic.rps / statik.rps };
      console.log(`summary.json (${summary.length} B): ${fmt(dynamic.rps)} req/s vs static ${fmt(statik.rps)} req/s · ratio ${fmt(results.summary.ratio, 2)}`);
    }

    // ── 3. CPU per webhook (the worker's code in V8, no I/O) against the 10 ms free-plan limit ────────────
    const bundle = join(work, "cpu.mjs");
    await build({
      entryPoints: [join(ROOT, "bench", "cpu-entry.ts")],
      bundle: true,
      format: "esm",
      platform: "neutral",
      outfile: bundle,
      logLevel: "silent",
      mainFields: ["module", "main"],
      alias: { "cloudflare:workers": join(ROOT, "bench", "stubs", "cloudflare-workers.mjs") },
    });
    const cpu = await import(bundle);
    results.cpu = [];
    for (const s of SENDERS) {
      const { ws, routing } = cpu.workingSet(20);
      const iterations = QUICK ? 500 : 3000;
      for (let i = 0; i < 200; i++) cpu.processDelivery(s.source, s.body(i), ws, routing); // warm the JIT
      const t0 = process.cpuUsage();
      for (let i = 0; i < iterations; i++) cpu.processDelivery(s.source, s.body(200 + i), ws, routing);
      const used = process.cpuUsage(t0);
      const perMs = (used.user + used.system) / 1000 / iterations;
      results.cpu.push({ source: s.source, msPerWebhook: perMs, bytes: s.body(0).length });
      console.log(`CPU ${s.source.padEnd(12)} ${fmt(perMs, 3)} ms per webhook (${s.body(0).length} B payload; limit 10 ms)`);
    }
    {
      // A 300-alert Alertmanager-sized generic delivery: the heaviest realistic one.
      const { ws, routing } = cpu.workingSet(20);
      const events = Array.from({ length: 100 }, (_, i) => ({
        dedup_key: `big-${i}`,
        action: "trigger",
        severity: "error",
        summary: `Alert ${i}`,
        tags: { service: "c1" },
      }));
      const text = JSON.stringify(events);
      const t0 = process.cpuUsage();
      const reps = QUICK ? 20 : 100;
      for (let i = 0; i < reps; i++) cpu.processDelivery("generic", text, cpu.workingSet(20).ws, routing);
      const used = process.cpuUsage(t0);
      results.cpuLarge = { events: 100, msPerWebhook: (used.user + used.system) / 1000 / reps };
      console.log(`CPU generic, 100 events in one delivery: ${fmt(results.cpuLarge.msPerWebhook, 3)} ms`);
      void ws;
    }

    // ── 4. Ingest cost as the data grows: components, open alerts and stored incidents from 10 to 10,000 ─
    results.scale = [];
    const sizes = QUICK ? [10, 10000] : [10, 100, 1000, 10000];
    for (const size of sizes) {
      const st = await stack(`scale-${size}`, { seedSql: scaleSql(size) });
      const url = `${st.url}/hooks/generic/demogenerickey000000000000000000`;
      const body = (i) =>
        JSON.stringify({
          dedup_key: "scale-target",
          action: "trigger",
          severity: "error",
          summary: "Scale target",
          tags: { service: "scale-0" },
          occurred_at: iso(i),
        });
      await load({ url, body, n: 20, concurrency: 1 });
      const r = await load({ url, body: (i) => body(100 + i), n: QUICK ? 60 : 200, concurrency: 1 });
      results.scale.push({ rows: size, p50: r.p50, p99: r.p99, rps: r.rps });
      console.log(`scale ${String(size).padStart(6)} rows: p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms`);
      if (size === sizes.at(-1)) results.queryPlans = queryPlans(st.persistTo);
      st.stop();
    }

    function scaleSql(n) {
      // n components, n firing alerts (one per component), n resolved incidents, generated inside SQLite.
      const t = "'2026-01-01T00:00:00.000Z'";
      const seq = `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n - 1})`;
      return [
        `${seq} INSERT INTO components (id, slug, name, position, status, auto_status, created_at, updated_at) SELECT printf('sc%010d', i), 'scale-' || i, 'Scale ' || i, 100 + i, 'operational', 'operational', ${t}, ${t} FROM seq;`,
        `${seq} INSERT INTO alerts (id, integration_id, dedup_key, status, severity, summary, tags, last_event_at, last_action, created_at, updated_at) SELECT printf('sa%010d', i), 'intgeneric01', 'scale-open-' || i, 'firing', 'info', 'Open ' || i, '{}', ${t}, 'trigger', ${t}, ${t} FROM seq;`,
        `${seq} INSERT INTO alert_components (alert_id, component_id, status) SELECT printf('sa%010d', i), printf('sc%010d', i), NULL FROM seq;`,
        `${seq} INSERT INTO incidents (id, kind, name, status, impact, automatic, started_at, resolved_at, created_at, updated_at) SELECT printf('si%010d', i), 'incident', 'Old ' || i, 'resolved', 'minor', 1, ${t}, ${t}, ${t}, ${t} FROM seq;`,
        `${seq} INSERT INTO incident_components (incident_id, component_id) SELECT printf('si%010d', i), printf('sc%010d', i) FROM seq;`,
      ].join("\n");
    }

    function queryPlans(persistTo) {
      const plans = {};
      const literal = { "?1": "'intgeneric01'", "?2": `'["scale-target"]'`, "?3": `'["scale-0"]'` };
      for (const [name, sql] of Object.entries(cpu.READS)) {
        const text = sql.replace(/\?[123]/g, (m) => literal[m]);
        const out = execFileSync(
          "wrangler",
          ["d1", "execute", "status-page", "--local", "--persist-to", persistTo, "--json", "--command", `EXPLAIN QUERY PLAN ${text.replace(/\s+/g, " ")}`],
          { cwd: ROOT, env: { ...process.env, PATH: `${join(ROOT, "node_modules", ".bin")}:${process.env.PATH}` }, encoding: "utf8" },
        );
        plans[name] = JSON.parse(out)[0].results.map((r) => r.detail);
      }
      return plans;
    }
  }
}

// ── 5. Page weight in Chromium (its own script, which also checks the budget) ─────────────────────────
if (!INGEST_ONLY)
  try {
    run("node", ["bench/page-weight.mjs"]);
  } catch (e) {
    console.log(`page weight: ${e.message}`);
  }
const weightFile = join(ROOT, "bench", "results", "page-weight.json");
if (existsSync(weightFile)) results.pageWeight = JSON.parse(readFileSync(weightFile, "utf8"));

mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "latest.json"), JSON.stringify(results, null, 2));
// The notification, live-update and pages sections (npm run bench -- --notify, --latency, --pages N) are kept as last measured.
const previousMd = existsSync(join(ROOT, "BENCHMARKS.md")) ? readFileSync(join(ROOT, "BENCHMARKS.md"), "utf8") : "";
const kept = ["notify", "latency", "pages-scale"]
  .map((name) => new RegExp(`<!-- ${name}:start -->[\\s\\S]*<!-- ${name}:end -->`).exec(previousMd)?.[0])
  .filter(Boolean)
  .map((section) => `\n${section}\n`)
  .join("");
writeFileSync(join(ROOT, "BENCHMARKS.md"), `${(await import("./report.mjs")).report(results).trimEnd()}\n${kept}`);
console.log("\nWrote bench/results/latest.json and BENCHMARKS.md");
for (const s of stops) s();
rmSync(work, { recursive: true, force: true });
process.exit(0);
