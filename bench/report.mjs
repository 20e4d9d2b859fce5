// Turns bench/results/latest.json into BENCHMARKS.md.
const f = (x, d = 1) => (typeof x === "number" ? x.toFixed(d) : "n/a");
const verdict = (ok) => (ok ? "met" : "**missed**");

export function report(r) {
  const lines = [];
  const ingestMin = Math.min(...r.ingest.map((i) => i.ratio));
  const storedMin = Math.min(...r.ingest.map((i) => i.storedRatio ?? NaN));
  const cpuRatioMax = Math.max(...r.ingest.map((i) => i.cpuRatio ?? NaN));
  const readsMax = Math.max(...r.ingest.map((i) => i.d1?.maxReads ?? Infinity));
  const writesMax = Math.max(...r.ingest.map((i) => i.d1?.writesPerGroup ?? Infinity));
  const stormOk = r.storm ? Object.keys(r.storm.statuses).every((k) => k.startsWith("2")) && r.storm.equal : false;
  const cpuMax = Math.max(...r.cpu.map((c) => c.msPerWebhook));
  const p50s = r.scale.map((s) => s.p50);
  const flat = Math.max(...p50s) / Math.min(...p50s);
  lines.push(
    "# Benchmarks",
    "",
    `Measured ${r.date} with \`npm run bench\`${r.quick ? " --quick" : ""} on ${r.machine}.`,
    "Everything runs locally: `wrangler dev` (workerd) with its SQLite-backed D1, load from Node on loopback.",
    "The machine is shared and noisy, so every figure sits beside a baseline measured in the same run; read the ratios.",
    ...(r.fullRunDate && r.partial === "ingest"
      ? [
          "",
          `Only the ingest part (throughput, D1 round trips, the D1-failing storm, the replay) was run on this date, with \`npm run bench -- --ingest\`; the other sections are from the run of ${r.fullRunDate}.`,
        ]
      : r.fullRunDate
        ? [
            "",
            `Only the public-page part (the overview on demand, the bundle size, page weight) was run on this date, with \`npm run bench -- --pages\`; the ingest, summary.json, CPU and scale sections are from the full run of ${r.fullRunDate}, before the pages were rendered on demand.`,
          ]
        : []),
    "",
    "## Targets",
    "",
    "| target | result | |",
    "|---|---|---|",
    `| ingest throughput ≥ 1.0× the bare-insert baseline, 16 senders (answered once D1 holds it) | worst sender ${f(ingestMin, 2)}× | ${verdict(ingestMin >= 1)} |`,
    `| the same, answered once stored in the inbox (\`PROJECTION_WAIT_MS=0\`) | worst sender ${f(storedMin, 2)}× | ${verdict(storedMin >= 1)} |`,
    `| workerd CPU per delivery ≤ 1.0× the bare insert's, 16 senders (median of 3 rounds) | worst sender ${f(cpuRatioMax, 2)}× | ${verdict(cpuRatioMax <= 1)} |`,
    `| 0 D1 reads per warm delivery, 1 D1 write per group | max ${Number.isFinite(readsMax) ? readsMax : "n/a"} reads, ${Number.isFinite(writesMax) ? writesMax : "n/a"} writes per group | ${verdict(readsMax === 0 && writesMax === 1)} |`,
    ...(r.storm
      ? [
          `| D1 failing ${r.storm.seconds} s under a storm: every delivery 2xx, final state = events applied one by one | ${JSON.stringify(r.storm.statuses)}, ${r.storm.equal ? "equal" : "different"} | ${verdict(stormOk)} |`,
        ]
      : []),
    ...(r.replay
      ? [
          `| replay a ${r.replay.deliveries}-delivery backlog after a hard kill | ${f(r.replay.drainSeconds)} s (${f(r.replay.perSecond, 0)} deliveries/s), ${r.replay.inD1} in D1 | ${verdict(r.replay.inD1 === r.replay.deliveries)} |`,
        ]
      : []),
    `| CPU per webhook well under 10 ms | max ${f(cpuMax, 3)} ms | ${verdict(cpuMax < 2)} |`,
    `| summary.json ≥ 0.5× the static asset | ${f(r.summary.ratio, 2)}× | ${verdict(r.summary.ratio >= 0.5)} |`,
    `| flat ingest cost from 10 to 10,000 rows | p50 max/min ${f(flat, 2)}× | ${verdict(flat < 1.5)} |`,
    ...(r.pages ? [`| \`/\` on a cache hit ≥ 0.8× a static asset of the same bytes | ${f(r.pages.hitRatio, 2)}× | ${verdict(r.pages.hitRatio >= 0.8)} |`] : []),
    ...(r.bundle ? [`| worker bundle within the free plan's 3 MB gzip | ${f(r.bundle.gzipKib)} KiB gzip | ${verdict(r.bundle.gzipKib <= 3072)} |`] : []),
    ...(r.pageWeight
      ? [
          `| first visit ≤ 10 kB over the wire, ≤ 3 kB JS gzip | ${f(r.pageWeight.total_bytes / 1000)} kB, JS ${f(r.pageWeight.js.gzip_bytes / 1000)} kB | ${verdict(r.pageWeight.total_bytes <= 10_000 && r.pageWeight.js.gzip_bytes <= 3000)} |`,
        ]
      : []),
    "",
    ...(r.pages && r.pages.hitRatio < 0.8
      ? [
          "The page cache-hit target is missed in this run, and the figure swings from run to run on this shared machine (see every round below). A static asset is answered by the assets layer without running the worker; a cache hit runs the worker, which answers from the isolate's memory (the page and the settings held under the cache generation the isolate read in the last second; a reload reads the generation again) with no D1 read and no Cache API read. What remains is the worker's own routing (Hono, the reader gate) and the copy of the body.",
          "",
        ]
      : []),
    ...ingestSection(r, ingestMin, storedMin, cpuRatioMax),
    "## summary.json vs the same bytes as a static asset",
    "",
    `| | req/s | p50 ms | p99 ms |`,
    "|---|---|---|---|",
    `| /api/v2/summary.json (${r.summary.bytes} B) | ${f(r.summary.ours.rps)} | ${f(r.summary.ours.p50)} | ${f(r.summary.ours.p99)} |`,
    `| static file, same size | ${f(r.summary.baseline.rps)} | ${f(r.summary.baseline.p50)} | ${f(r.summary.baseline.p99)} |`,
    `| ratio | ${f(r.summary.ratio, 2)}× | | |`,
    "",
    ...(r.pages
      ? [
          "## The overview `/`, rendered on request, vs the same bytes as a static asset",
          "",
          `Astro renders \`/\` inside the worker from D1; the edge cache (Workers Cache API, purged by generation on every write) holds it between writes, and each isolate holds the answer and the page settings under the generation it read (a request that does not revalidate takes the generation read in the last second), so a hit reads neither D1 nor the Cache API. Misses are measured on a second \`wrangler dev\` of the same build with the cache bypassed (\`BENCH_NO_EDGE_CACHE=1\`), so every request renders. ${r.pages.rounds?.length ?? 1} rounds of ${r.pages.n ?? "n"} requests per side, ${8} concurrent clients, hit / static / miss back to back; the median round by hit ratio:`,
          "",
          "| | req/s | p50 ms | p99 ms | ratio to static |",
          "|---|---|---|---|---|",
          `| \`/\` cache hit (${r.pages.bytes} B) | ${f(r.pages.hit.rps)} | ${f(r.pages.hit.p50)} | ${f(r.pages.hit.p99)} | ${f(r.pages.hitRatio, 2)}× |`,
          `| \`/\` cache miss (rendered) | ${f(r.pages.miss.rps)} | ${f(r.pages.miss.p50)} | ${f(r.pages.miss.p99)} | ${f(r.pages.missRatio, 2)}× |`,
          `| static asset, same bytes | ${f(r.pages.static.rps)} | ${f(r.pages.static.p50)} | ${f(r.pages.static.p99)} | 1× |`,
          "",
          ...(r.pages.rounds
            ? [`Every round (req/s): ${r.pages.rounds.map((x) => `hit ${f(x.hit.rps)} / static ${f(x.static.rps)} / miss ${f(x.miss.rps)}`).join("; ")}.`, ""]
            : []),
        ]
      : []),
    ...(r.bundle
      ? [
          "## Worker bundle",
          "",
          `\`wrangler deploy --dry-run\` of the built worker (Hono, the Ingestor and Astro's pages, minified): ${f(r.bundle.kib)} KiB, **${f(r.bundle.gzipKib)} KiB gzip**, against the Workers free plan's 3 MB (gzip) limit. \`npm test\` fails above it.`,
          "",
        ]
      : []),
    "## CPU per webhook",
    "",
    "The worker's own code (JSON parse, adapter, state machine, building the batch) run in V8 by Node, the engine workerd",
    "uses; workerd does not report CPU time locally. I/O waits do not count against Cloudflare's CPU limit either.",
    "",
    "| sender | payload bytes | ms per webhook |",
    "|---|---|---|",
    ...r.cpu.map((c) => `| ${c.source} | ${c.bytes} | ${f(c.msPerWebhook, 3)} |`),
    r.cpuLarge ? `| generic, ${r.cpuLarge.events} events in one delivery | | ${f(r.cpuLarge.msPerWebhook, 3)} |` : "",
    "",
    "## Ingest cost as the data grows",
    "",
    "N components, N firing alerts and N stored incidents; latency of a non-first delivery, one client at a time.",
    "",
    "| rows (N) | p50 ms | p99 ms |",
    "|---|---|---|",
    ...r.scale.map((s) => `| ${s.rows} | ${f(s.p50, 2)} | ${f(s.p99, 2)} |`),
    "",
    "Deliveries are decided from the Ingestor's memory; the scoped batched read below is now used only when an operator's",
    "new link re-routes unrouted alerts. Its query plans at the largest size (SQLite `EXPLAIN QUERY PLAN`): every table is",
    "reached through an index or primary key, except where noted.",
    "",
    ...Object.entries(r.queryPlans ?? {}).flatMap(([name, plan]) => [`**${name}**`, "", "```", ...plan, "```", ""]),
    ...pageWeight(r.pageWeight),
    "## Reproduce",
    "",
    "```sh",
    "npm run bench            # full run, a few minutes",
    "npm run bench -- --quick # smaller counts",
    "npm run bench -- --ingest # only the ingest part (with --quick: 15 s storm, 2,000-delivery replay)",
    "npm run bench -- --latency # live updates: alert → open tab, reload, channel; 1,000 idle sockets (its own section)",
    "```",
    "",
  );
  return lines.join("\n");
}

function pageWeight(w) {
  if (!w) return [];
  return [
    "## Page weight (overview, first visit, Chromium)",
    "",
    `Demo data: ${w.page.components} components with ${w.page.uptime_bars} 90-day uptime bars, ${w.page.open_incidents} open incident. Measured ${w.measured_at} by \`bench/page-weight.mjs\`.`,
    "",
    "| | measured | budget |",
    "|---|---|---|",
    `| over the wire, all requests | ${w.total_bytes} B | ${w.budget.total_bytes} B |`,
    `| JavaScript, gzip | ${w.js.gzip_bytes} B | ${w.budget.js_gzip_bytes} B |`,
    `| web fonts | ${w.fonts} | ${w.budget.fonts} |`,
    `| render-blocking scripts/styles | ${w.render_blocking} | ${w.budget.render_blocking} |`,
    `| first contentful paint on ${w.slow_connection.profile} | ${w.slow_connection.first_contentful_paint_ms} ms | |`,
    "",
    "For scale: cState, the lightest popular static status page, weighs about 22 KB on first load without uptime history or live data.",
    "",
    ...w.requests.map((q) => `- \`${q.path}\` (${q.type}, ${q.encoding ?? "identity"}): ${q.bytes} B`),
    "",
  ];
}

function ingestSection(r, ingestMin, storedMin, cpuRatioMax) {
  const rows = r.ingest;
  const out = [];
  if (ingestMin < 1 || storedMin < 1 || cpuRatioMax > 1) out.push(ingestMissed(r, rows), "");
  out.push(
    "## Ingest: ours vs a worker that only inserts the raw body into one D1 table",
    "",
    `Each request is a non-first delivery for its alert (a re-trigger with a new timestamp), ${rows[0]?.ours.concurrency ?? 16} concurrent senders, ${rows[0]?.rounds?.length ?? 1} round(s) per sender of the three sides back to back; each figure is the median round (ratios are taken within a round). CPU is the kernel's own accounting of each side's workerd processes (utime + stime in /proc/<pid>/stat, bench/cpu.mjs), divided by the deliveries of the round; "stored" is counted until its inbox has drained, so its projection is included. "ours" answers once D1 holds the delivery (the default, \`PROJECTION_WAIT_MS=2000\`): receiver → adapter → Ingestor Durable Object → decide from memory → D1 batch shared by the group, straight from memory (the inbox, the object's SQLite, only if D1 fails or is slower than the wait) → answer. "stored" answers as soon as the delivery is in the inbox (\`PROJECTION_WAIT_MS=0\`), D1 following behind.`,
    "",
    "| sender | ours req/s | p50 ms | p99 ms | stored req/s | p50 ms | p99 ms | baseline req/s | p50 ms | p99 ms | ratio ours | ratio stored |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (i) =>
        `| ${i.source} | ${f(i.ours.rps)} | ${f(i.ours.p50)} | ${f(i.ours.p99)} | ${f(i.stored?.rps)} | ${f(i.stored?.p50)} | ${f(i.stored?.p99)} | ${f(i.baseline.rps)} | ${f(i.baseline.p50)} | ${f(i.baseline.p99)} | ${f(i.ratio, 2)}× | ${f(i.storedRatio, 2)}× |`,
    ),
    "",
    "| sender | CPU ms per delivery: ours | stored | baseline | CPU ratio ours | CPU ratio stored | every round (throughput ratio / CPU ratio) |",
    "|---|---|---|---|---|---|---|",
    ...rows.map(
      (i) =>
        `| ${i.source} | ${f(i.cpuMsPerDelivery?.ours, 2)} | ${f(i.cpuMsPerDelivery?.stored, 2)} | ${f(i.cpuMsPerDelivery?.baseline, 2)} | ${f(i.cpuRatio, 2)}× | ${f(i.storedCpuRatio, 2)}× | ${(i.rounds ?? []).map((k) => `${f(k.ratio, 2)} / ${f(k.cpuRatio, 2)}`).join("; ")} |`,
    ),
    "",
    "### D1 round trips",
    "",
    "Counted by the Ingestor's instrumented D1 binding (`BENCH_COUNT_D1`): `X-D1-Reads` is the D1 calls made to decide the delivery, `X-D1-Group-Writes` those of the projection batch that wrote it; deliveries per group from the Ingestor's own counters over the run.",
    "",
    "| sender | D1 reads per delivery (mean, max) | D1 writes per group (max) | deliveries per group |",
    "|---|---|---|---|",
    ...rows.map(
      (i) =>
        `| ${i.source} | ${f(i.d1?.readsPerDelivery, 2)}, ${i.d1?.maxReads ?? "n/a"} | ${i.d1?.writesPerGroup ?? "n/a"} | ${f(i.d1?.deliveriesPerGroup, 1)} |`,
    ),
    "",
  );
  if (r.storm) {
    const s = r.storm;
    out.push(
      `### A storm with D1 failing for ${s.seconds} s`,
      "",
      `A failing trigger is put into the live local D1 (every insert into \`deliveries\`, so every projection batch fails), then ${rows[0]?.ours.concurrency ?? 16} senders post for ${s.seconds} s, each pausing 150 ms between deliveries (50 alerts, triggers and resolves in turn, each later than the last). The trigger is then dropped and the backlog drains by itself (the next backoff step, at most 10 s, then group commits). The same deliveries are then applied one by one, in order, to a fresh stack whose D1 never failed, and both D1s are compared: every alert (status, severity, last event), every component's status, every automatic incident (status, impact, alerts attached), the delivery-log count.`,
      "",
      "| | |",
      "|---|---|",
      `| deliveries sent | ${s.sent} (${f(s.rps)} req/s) |`,
      `| answers | ${JSON.stringify(s.statuses)}; p50 ${f(s.p50)} ms, p99 ${f(s.p99)} ms |`,
      `| backlog when D1 came back | ${s.backlogAtRecovery.deliveries} deliveries, ${f(s.backlogAtRecovery.bytes / 1048576, 1)} MB |`,
      `| last D1 error shown to operators | \`${s.lastError}\` |`,
      `| drained after recovery in | ${f(s.drainSeconds)} s |`,
      ...(s.cpuMsPerDelivery
        ? [
            `| workerd CPU per delivery accepted with D1 failing (decide, inbox, answer; nothing projected) | ${f(s.cpuMsPerDelivery.accepting, 2)} ms |`,
            `| workerd CPU per delivery projecting the backlog (groups of up to 50) | ${f(s.cpuMsPerDelivery.projecting, 2)} ms |`,
          ]
        : []),
      `| final state vs one by one | ${s.equal ? "**equal**" : "**different**"} (${s.final.alerts} alerts, ${s.final.firing} firing, ${s.final.incidents.length} incident(s), ${s.final.deliveries} deliveries logged) |`,
      "",
    );
  }
  if (r.replay) {
    const p = r.replay;
    out.push(
      `### Replaying a ${p.deliveries}-delivery backlog`,
      "",
      `With D1 failing, ${p.deliveries} deliveries are accepted (${JSON.stringify(p.acceptStatuses)}, ${f(p.acceptRps)} req/s) and held in the inbox (${f(p.backlog.bytes / 1048576, 1)} MB). \`wrangler dev\` is then killed with SIGKILL, the fault removed, and the server restarted on the same storage: the Ingestor's alarm replays the inbox into D1.`,
      "",
      "| | |",
      "|---|---|",
      `| restart (until the server answers) | ${f(p.startSeconds)} s |`,
      `| replay, as the Ingestor times it (first projection batch to an empty inbox) | **${f(p.drainSeconds)} s**, ${f(p.perSecond, 0)} deliveries/s in ${p.groups} D1 batches |`,
      `| deliveries in D1 afterwards | ${p.inD1} of ${p.deliveries} |`,
      "",
    );
  }
  return out;
}

/** Why the ingest targets are missed, from this run's own figures. */
function ingestMissed(r, rows) {
  const range = (xs, d = 2) => `${f(Math.min(...xs), d)}–${f(Math.max(...xs), d)}`;
  const cpu = (k) => rows.map((i) => i.cpuMsPerDelivery?.[k]).filter((x) => typeof x === "number");
  const base = cpu("baseline");
  const split = r.storm?.cpuMsPerDelivery;
  return [
    `The ingest targets are **missed** in this run: throughput ${range(rows.map((i) => i.ratio))}× the bare insert (answered once stored: ${range(rows.map((i) => i.storedRatio))}×), workerd CPU per delivery ${range(rows.map((i) => i.cpuRatio))}× (stored: ${range(rows.map((i) => i.storedCpuRatio))}×). A week ago the same measurement gave 0.54–0.67× and 1.73–1.81×.`,
    "",
    `**Where the CPU goes** (workerd's own accounting): the baseline spends ${range(base)} ms per delivery on the whole request (HTTP, one D1 insert); ours ${range(cpu("ours"))} ms.${
      split
        ? ` Split with the storm's figures: accepting with D1 failing (receive, adapt, the Durable Object hop, decide, the inbox write, answer; nothing projected) costs ${f(split.accepting, 2)} ms per delivery, and projecting the backlog afterwards ${f(split.projecting, 2)} ms per delivery even in groups of up to 50.`
        : ""
    }${
      r.floor
        ? ` A request that does no work costs ${f(r.floor.ours.cpuMsPerRequest, 2)} ms in our worker (an unknown API path, answered 404 by Hono) and ${f(r.floor.baseline.cpuMsPerRequest, 2)} ms in the baseline's (its GET).`
        : ""
    } Under \`wrangler dev\` D1, the Cache API and the queue run inside the same workerd processes, so the projection's D1 batch and the public-cache purge after each batch count against ours; on Cloudflare they run elsewhere and only the object's own work is billed to it.`,
    "",
    `**Tried in this round**, each kept: a group's alert and incident upserts merged into one statement each (last state per row), with the delivery-log inserts and last-delivery updates already merged, so a group of re-triggers is 4 statements plus the guard instead of about 4 per delivery; the statements of the latest deliveries projected from memory instead of parsed back from the inbox; the projection lingering 5 ms when its backlog is short, so the senders answered by one batch share the next (${range(
      rows.map((i) => i.d1?.deliveriesPerGroup ?? NaN),
      1,
    )} deliveries per group, from 3.4–3.9); and the payload stored once: while D1 keeps up and the sender waits, the statements go from memory straight to D1 and never enter the inbox (the inbox path, "stored", is what ${range(rows.map((i) => i.storedCpuRatio))}× measures).`,
    "",
    `**What would close the rest.** Above the baseline, each delivery pays for the Durable Object hop (the request's isolate calls the Ingestor and waits for its answer; the baseline answers from the request's isolate) and its decision, plus its share of a group's D1 batch and public-cache purge. Not done, each a design change: (1) purge the public cache only when a batch changes what a public page shows: no public read touches \`alerts\`, and a re-trigger of a firing alert changes only its alert row and its incident's \`last_alert_at\`, so most of a storm's batches would skip a Cache API write (needs the read model to declare the columns it shows, so a purge is never skipped wrongly); (2) hand the Ingestor every delivery that reached one isolate within a few ms in one call, so the hop is paid per batch of deliveries rather than per delivery, as the D1 write already is (costs those ms of latency; concurrent requests share an isolate on Cloudflare as they do here).${
      split && base.length
        ? ` The projection's own cost, ${f(split.projecting, 2)} ms per delivery in full groups, is ${f(split.projecting / (base.reduce((a, b) => a + b, 0) / base.length), 2)}× the baseline's whole request: the hop and the request path, not the projection, are now most of the gap.`
        : ""
    }`,
  ].join("\n");
}
