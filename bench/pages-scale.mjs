// npm run bench -- --ingest --pages 10,100 (or --pages 100): the same install with 1 page and with N pages,
// in one run, measured in alternating rounds so a noisy neighbour hits every side alike. Each extra page
// has PAGE_COMPONENTS components, PAGE_ALERTS firing alerts routed to them and one open incident, so the
// Ingestor's working set grows with the pages. Measured on each install:
// - ingest: re-triggers of one alert on page 1 (the demo generic integration), 8 senders at once;
// - cache hits: GET /api/v2/status.json of page 1 from the edge cache (HITS_PATH: a document whose size does
//   not depend on the other pages, so the figure is the cache's, not the bytes');
// - memory: the Ingestor's working set (components, alerts, incidents held) and workerd's resident set.
// Writes bench/results/pages-scale.json and the "Pages" section of BENCHMARKS.md.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { buildSite, freePort, prepareDatabase, ROOT, run, startWorker } from "../scripts/lib.mjs";
import { fmt, load } from "./load.mjs";

const QUICK = process.argv.includes("--quick");
const arg = process.argv[process.argv.indexOf("--pages") + 1] ?? "";
const COUNTS = [1, ...new Set(arg.split(",").map(Number))].filter((n, i, all) => n >= 1 && n <= 100 && all.indexOf(n) === i);
const PAGE_COMPONENTS = 10;
const PAGE_ALERTS = 5;
const TOKEN = "bench-admin-token-0123456789abcdef0123";
const GENERIC = "demogenerickey000000000000000000";
const BASE_MS = Date.parse("2026-01-01T00:00:00Z");
const ROUNDS = QUICK ? 5 : 7;
const INGEST_N = QUICK ? 150 : 500;
const HITS_N = QUICK ? 300 : 1000;
const CONCURRENCY = 8;
const HITS_PATH = process.env.BENCH_HITS_PATH ?? "/api/v2/status.json";

const work = mkdtempSync(join(tmpdir(), "status-bench-pages-"));
const config = buildSite(join(work, "site"));
const stops = [];
process.on("exit", () => {
  for (const s of stops) s();
});

/** Pages 2…n, each with its components, firing alerts routed to them, and one open incident on them. */
function pagesSql(n) {
  if (n <= 1) return "";
  const t = "'2026-01-01T00:00:00.000Z'";
  const pages = `WITH RECURSIVE p(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM p WHERE i < ${n})`;
  const comps = `${pages}, c(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM c WHERE j < ${PAGE_COMPONENTS - 1})`;
  const alerts = `${pages}, a(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM a WHERE j < ${PAGE_ALERTS - 1})`;
  return [
    `${pages} INSERT INTO page_settings (id, page_id, name, slug, position, updated_at) SELECT i, printf('benchpage%03d', i), 'Page ' || i, 'page-' || i, i, ${t} FROM p;`,
    `${comps} INSERT INTO components (id, page, slug, name, position, status, auto_status, created_at, updated_at)
       SELECT printf('pc%03d%07d', i, j), i, 'c' || j, 'Component ' || j, j, 'partial_outage', 'partial_outage', ${t}, ${t} FROM p, c;`,
    `${alerts} INSERT INTO alerts (id, integration_id, dedup_key, page, status, severity, summary, tags, incident_id, first_triggered_at, last_event_at, last_action, created_at, updated_at)
       SELECT printf('pa%03d%07d', i, j), 'intgeneric01', 'page-alert-' || j, i, 'firing', 'error', 'Alert ' || j, '{}', printf('pi%010d', i), ${t}, ${t}, 'trigger', ${t}, ${t} FROM p, a;`,
    `${alerts} INSERT INTO alert_components (alert_id, component_id, status) SELECT printf('pa%03d%07d', i, j), printf('pc%03d%07d', i, j), 'partial_outage' FROM p, a;`,
    `${pages} INSERT INTO incidents (id, page, kind, name, status, impact, automatic, started_at, last_alert_at, created_at, updated_at)
       SELECT printf('pi%010d', i), i, 'incident', 'Open on page ' || i, 'investigating', 'major', 1, ${t}, ${t}, ${t}, ${t} FROM p;`,
    `${alerts} INSERT INTO incident_components (incident_id, component_id) SELECT printf('pi%010d', i), printf('pc%03d%07d', i, j) FROM p, a;`,
  ].join("\n");
}

/** workerd's resident set (kB), summed over the wrangler dev process group. */
function residentKb(pgid) {
  const out = run("ps", ["-eo", "pgid=,rss=,comm="], { quiet: true });
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter(([g, , comm]) => Number(g) === pgid && /workerd/.test(comm ?? ""))
    .reduce((kb, [, rss]) => kb + Number(rss), 0);
}

const installs = [];
for (const n of COUNTS) {
  const persistTo = join(work, `pages-${n}`);
  prepareDatabase(persistTo);
  const sql = pagesSql(n);
  if (sql) {
    const file = join(work, `pages-${n}.sql`);
    writeFileSync(file, sql);
    run("wrangler", ["d1", "execute", "status-page", "--local", "--persist-to", persistTo, "--file", file], { quiet: true });
  }
  const w = await startWorker({ port: await freePort(), persistTo, adminToken: TOKEN, config });
  stops.push(w.stop);
  installs.push({ pages: n, ...w, ingest: [], hits: [] });
}

let seq = 0;
const body = () =>
  JSON.stringify({
    dedup_key: "bench-pages",
    action: "trigger",
    severity: "critical",
    summary: "Bench alert",
    tags: { service: "metrics" },
    occurred_at: new Date(BASE_MS + ++seq * 1000).toISOString(),
  });
const ingest = (w, n) => load({ url: `${w.url}/hooks/generic/${GENERIC}`, body, n, concurrency: CONCURRENCY });
const hits = (w, n) => load({ url: `${w.url}${HITS_PATH}`, method: "GET", n, concurrency: CONCURRENCY });

// Warm: the working set loaded, the JIT warm, the document in the edge cache.
for (const w of installs) {
  await ingest(w, 50);
  await hits(w, 50);
}
for (let r = 0; r < ROUNDS; r++) {
  for (const w of installs) {
    const i = await ingest(w, INGEST_N);
    const h = await hits(w, HITS_N);
    w.ingest.push(i);
    w.hits.push(h);
    console.log(
      `  round ${r + 1}, ${String(w.pages).padStart(3)} pages: ingest ${fmt(i.rps)} req/s (p50 ${fmt(i.p50)} ms), ${HITS_PATH} hits ${fmt(h.rps)} req/s`,
    );
  }
}

const median = (runs) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)];
const results = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  quick: QUICK,
  hitsPath: HITS_PATH,
  perPage: { components: PAGE_COMPONENTS, firingAlerts: PAGE_ALERTS, openIncidents: 1 },
  installs: [],
};
/** The median over the rounds of this install's figure divided by the 1-page install's in the same round. */
const medianRatio = (w, key) => {
  const ratios = w[key].map((x, r) => x.rps / installs[0][key][r].rps).sort((a, b) => a - b);
  return ratios[Math.floor(ratios.length / 2)];
};
for (const w of installs) {
  // An idle Durable Object may have been evicted since its last round: one delivery loads its working set again.
  await ingest(w, 2);
  const status = await (await fetch(`${w.url}/admin/api/ingest`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();
  const i = median(w.ingest);
  const h = median(w.hits);
  results.installs.push({
    pages: w.pages,
    ingest: { rps: i.rps, p50: i.p50, p99: i.p99, statuses: i.statuses },
    hits: { rps: h.rps, p50: h.p50, p99: h.p99 },
    workingSet: status.memory,
    residentMb: w.pid ? residentKb(w.pid) / 1024 : null,
    ingestRatio: medianRatio(w, "ingest"),
    hitsRatio: medianRatio(w, "hits"),
    rounds: w.ingest.map((x, r) => ({ ingest: x.rps, hits: w.hits[r].rps })),
  });
}
for (const x of results.installs) {
  console.log(
    `${String(x.pages).padStart(3)} pages: ingest ${fmt(x.ingest.rps)} req/s (×${fmt(x.ingestRatio, 2)}), p50 ${fmt(x.ingest.p50)} ms; ${HITS_PATH} hits ${fmt(x.hits.rps)} req/s (×${fmt(x.hitsRatio, 2)}); working set ${JSON.stringify(x.workingSet)}; workerd ${x.residentMb === null ? "?" : fmt(x.residentMb)} MB`,
  );
}
for (const s of stops) s();

mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "pages-scale.json"), JSON.stringify(results, null, 2));

const row = (x) =>
  `| ${x.pages} | ${fmt(x.ingest.rps)} | ${fmt(x.ingest.p50)} / ${fmt(x.ingest.p99)} | ${fmt(x.ingestRatio, 2)} | ${fmt(x.hits.rps)} | ${fmt(x.hitsRatio, 2)} | ${x.workingSet?.components ?? "?"} / ${x.workingSet?.alerts ?? "?"} / ${x.workingSet?.incidents ?? "?"} | ${x.residentMb === null ? "?" : fmt(x.residentMb)} |`;
const section = [
  "<!-- pages-scale:start -->",
  "## Pages: 1, 10 and 100 pages in one install",
  "",
  `Measured ${results.date.slice(0, 10)} on ${results.machine}${QUICK ? " (quick run)" : ""}, \`npm run bench -- --ingest${QUICK ? " --quick" : ""} --pages ${COUNTS.slice(1).join(",")}\`.`,
  `Each install is the demo data plus, per extra page, ${PAGE_COMPONENTS} components, ${PAGE_ALERTS} firing alerts routed to them and one open incident;`,
  `the installs run side by side and are measured in ${ROUNDS} alternating rounds: each figure is the install's median round, each ratio the median over`,
  "the rounds of the install's figure over the 1-page install's in the same round. Ratios are what to read on this shared machine.",
  `Ingest: re-triggers of one alert on page 1, 8 senders at once, answered once D1 holds them. Cache hits: \`GET ${HITS_PATH}\` of page 1 from the edge cache.`,
  "Working set: what the Ingestor holds in memory (components / alerts / open incidents); workerd: the resident set of the whole local runtime.",
  "",
  `| pages | ingest req/s | p50 / p99 ms | ingest vs 1 page | \`${HITS_PATH}\` hits req/s | hits vs 1 page | working set | workerd MB |`,
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...results.installs.map(row),
  "",
  "A delivery reads and writes only its own scope: the alerts of its key on the pages it reaches and those pages' components and open incidents",
  "(worker/working-set.ts), so the other pages cost memory, not time.",
  "<!-- pages-scale:end -->",
].join("\n");
const md = join(ROOT, "BENCHMARKS.md");
const text = existsSync(md) ? readFileSync(md, "utf8") : "# Benchmarks\n";
const pattern = /<!-- pages-scale:start -->[\s\S]*<!-- pages-scale:end -->/;
writeFileSync(md, pattern.test(text) ? text.replace(pattern, section) : `${text.trimEnd()}\n\n${section}\n`);
console.log("\nWrote bench/results/pages-scale.json and the Pages section of BENCHMARKS.md");
rmSync(work, { recursive: true, force: true });
process.exit(0);
