// The ingest benchmarks, run by bench/run.mjs (alone: `npm run bench -- --ingest`):
// 1. throughput and p50/p99 per sender at 16 concurrent senders: ours answering once D1 holds the
//    delivery (the default), ours answering once it is in the Durable Object's inbox
//    (PROJECTION_WAIT_MS=0), and the bare-insert baseline, back to back;
// 2. D1 round trips per warm delivery (reads) and per projection group (writes), from the counting
//    binding (BENCH_COUNT_D1) and the Ingestor's own counters;
// 3. a storm with D1 failing for 60 s (a trigger put into the live local D1): every answer, the drain
//    after recovery, and the final state against the same deliveries applied one by one;
// 4. the replay of a 10,000-delivery backlog after a hard kill and restart.
import { freePort, run, startWorker } from "../scripts/lib.mjs";
import { withCpu, workerdCpuMs } from "./cpu.mjs";
import { fmt, load } from "./load.mjs";

const TOKEN = "bench-admin-token-0123456789abcdef0123";
const GENERIC = "demogenerickey000000000000000000";
const BASE_MS = Date.parse("2026-01-01T00:00:00Z");

const d1 = (persistTo, sql) =>
  JSON.parse(run("wrangler", ["d1", "execute", "status-page", "--local", "--persist-to", persistTo, "--json", "--command", sql], { quiet: true }))[0].results;
const breakD1 = (persistTo) => d1(persistTo, "CREATE TRIGGER bench_outage BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'bench outage'); END");
const healD1 = (persistTo) => d1(persistTo, "DROP TRIGGER IF EXISTS bench_outage");
const inbox = async (url) => await (await fetch(`${url}/admin/api/ingest`, { headers: { Authorization: `Bearer ${TOKEN}` } })).json();

async function untilDrained(url, timeoutMs = 600_000) {
  const t0 = performance.now();
  for (;;) {
    const s = await inbox(url);
    if (s.backlog.deliveries === 0) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > timeoutMs) throw new Error(`backlog not drained: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** One storm delivery: alert `storm-<i mod 50>`, trigger and resolve in turn, strictly later each time. */
const stormBody = (i) => {
  const key = i % 50;
  const round = Math.floor(i / 50);
  return JSON.stringify({
    dedup_key: `storm-${key}`,
    action: round % 2 ? "resolve" : "trigger",
    severity: key % 3 ? "error" : "critical",
    summary: `Storm alert ${key}`,
    occurred_at: new Date(BASE_MS + i * 1000).toISOString(),
  });
};

function finalState(persistTo) {
  return {
    alerts: d1(persistTo, "SELECT dedup_key, status, severity, last_event_at FROM alerts WHERE dedup_key LIKE 'storm-%' ORDER BY dedup_key"),
    components: d1(persistTo, "SELECT id, status, auto_status FROM components ORDER BY id"),
    incidents: d1(
      persistTo,
      "SELECT status, impact, (SELECT count(*) FROM alerts a WHERE a.incident_id = i.id) AS alerts FROM incidents i WHERE kind = 'incident' AND automatic = 1 ORDER BY started_at",
    ),
    deliveries: d1(persistTo, "SELECT count(*) AS n FROM deliveries WHERE payload LIKE '%storm-%'")[0].n,
  };
}

/** The median of the rounds by `key`. */
const median = (rows, key) => [...rows].sort((a, b) => a[key] - b[key])[Math.floor(rows.length / 2)];

export async function ingestBench({ ours, stack, baseline, senders, quick, n, concurrency, config, throughputOnly = false }) {
  const out = { ingest: [] };
  const stored = await stack("ingest-stored", { extraVars: { PROJECTION_WAIT_MS: "0" } });
  const base = await baseline();
  const ROUNDS = quick ? 1 : 3;
  console.log(`Ingest: ${ROUNDS} round(s) of ${n} non-first deliveries per sender and side, ${concurrency} concurrent senders`);
  let offset = 1000;
  for (const s of senders) {
    const path = `/hooks/${s.source}/${s.key}`;
    const warm = await load({ url: `${ours.url}${path}`, body: (i) => s.body(i), n: 20, concurrency: 1 });
    if (!warm.statuses[202]) {
      console.log(`  ${s.source}: receiver answered ${JSON.stringify(warm.statuses)}, skipped`);
      continue;
    }
    await load({ url: `${stored.url}${path}`, body: (i) => s.body(i), n: 20, concurrency: 1 });
    await load({ url: `${base.url}/hooks/${s.source}`, body: (i) => s.body(i), n: 20, concurrency: 1 });
    await untilDrained(stored.url);
    // Rounds of baseline, ours and stored back to back, so a noisy neighbour hits every side alike. CPU is
    // each side's workerd processes' own (bench/cpu.mjs); "stored" is counted until its inbox is drained,
    // so the projection that followed its answers is in its CPU.
    const rounds = [];
    let reads = { total: 0, seen: 0, max: 0 };
    let writesPerGroup = 0;
    const grouped = { groups: 0, deliveries: 0 };
    for (let k = 0; k < ROUNDS; k++) {
      const from = offset;
      offset += n;
      const b = await withCpu(base.pid, () => load({ url: `${base.url}/hooks/${s.source}`, body: (i) => s.body(from + i), n, concurrency }));
      // An object idle while the other sides ran may have been evicted: wake it with a delivery (a repeat of
      // the last one) outside the CPU window, so the working set's reload, a restart's cost, is not counted.
      await load({ url: `${ours.url}${path}`, body: () => s.body(from - 1), n: 1, concurrency: 1 });
      const before = await inbox(ours.url);
      const o = await withCpu(ours.pid, () =>
        load({ url: `${ours.url}${path}`, body: (i) => s.body(from + i), n, concurrency, collect: ["x-d1-reads", "x-d1-group-writes"] }),
      );
      const after = await inbox(ours.url);
      if (after.projected.groups >= before.projected.groups) {
        grouped.groups += after.projected.groups - before.projected.groups;
        grouped.deliveries += after.projected.deliveries - before.projected.deliveries;
      }
      await load({ url: `${stored.url}${path}`, body: () => s.body(from - 1), n: 1, concurrency: 1 });
      const st = await withCpu(stored.pid, async () => {
        const r = await load({ url: `${stored.url}${path}`, body: (i) => s.body(from + i), n, concurrency });
        await untilDrained(stored.url);
        return r;
      });
      const h = o.headers["x-d1-reads"];
      reads = { total: reads.total + h.total, seen: reads.seen + h.seen, max: Math.max(reads.max, h.max) };
      writesPerGroup = Math.max(writesPerGroup, o.headers["x-d1-group-writes"].max);
      delete o.headers;
      const cpu = (x) => x.cpuMs / x.n;
      rounds.push({
        ours: o,
        stored: st,
        baseline: b,
        ratio: o.rps / b.rps,
        storedRatio: st.rps / b.rps,
        cpuRatio: cpu(o) / cpu(b),
        storedCpuRatio: cpu(st) / cpu(b),
      });
    }
    const d1Trips = {
      readsPerDelivery: reads.total / Math.max(1, reads.seen),
      maxReads: reads.max,
      writesPerGroup,
      deliveriesPerGroup: grouped.groups ? grouped.deliveries / grouped.groups : null,
    };
    // Each figure is the median of its rounds (the ratios too: each is a same-round ratio).
    const pick = (key) => median(rounds, key)[key];
    const mid = median(rounds, "ratio");
    const row = {
      source: s.source,
      ours: mid.ours,
      stored: median(rounds, "storedRatio").stored,
      baseline: mid.baseline,
      ratio: pick("ratio"),
      storedRatio: pick("storedRatio"),
      cpuRatio: pick("cpuRatio"),
      storedCpuRatio: pick("storedCpuRatio"),
      cpuMsPerDelivery: {
        ours: median(
          rounds.map((r) => ({ v: r.ours.cpuMs / r.ours.n })),
          "v",
        ).v,
        stored: median(
          rounds.map((r) => ({ v: r.stored.cpuMs / r.stored.n })),
          "v",
        ).v,
        baseline: median(
          rounds.map((r) => ({ v: r.baseline.cpuMs / r.baseline.n })),
          "v",
        ).v,
      },
      rounds: rounds.map((r) => ({
        ratio: r.ratio,
        storedRatio: r.storedRatio,
        cpuRatio: r.cpuRatio,
        storedCpuRatio: r.storedCpuRatio,
        rps: { ours: r.ours.rps, stored: r.stored.rps, baseline: r.baseline.rps },
      })),
      d1: d1Trips,
    };
    out.ingest.push(row);
    for (const r of rounds)
      console.log(
        `    round: ours ${fmt(r.ours.rps)} req/s ${fmt(r.ours.cpuMs / r.ours.n, 2)} CPU ms · stored ${fmt(r.stored.rps)} req/s ${fmt(r.stored.cpuMs / r.stored.n, 2)} CPU ms · baseline ${fmt(r.baseline.rps)} req/s ${fmt(r.baseline.cpuMs / r.baseline.n, 2)} CPU ms`,
      );
    console.log(
      `  ${s.source.padEnd(12)} median ratios: throughput ${fmt(row.ratio, 2)} (stored ${fmt(row.storedRatio, 2)}), CPU per delivery ${fmt(row.cpuRatio, 2)} (stored ${fmt(row.storedCpuRatio, 2)}) · p50 ${fmt(row.ours.p50)} vs ${fmt(row.baseline.p50)} ms · D1 reads/delivery ${fmt(d1Trips.readsPerDelivery, 2)}, writes/group ${d1Trips.writesPerGroup}, deliveries/group ${fmt(d1Trips.deliveriesPerGroup, 1)}`,
    );
  }
  // The request floor: each side's workerd CPU for a request that does no work of its own (ours: an
  // unknown API path, answered 404 by the worker; the baseline: its GET), 16 at a time.
  {
    const floor = async (w, url) => {
      const r = await withCpu(w.pid, () => load({ url, method: "GET", n: quick ? 200 : 800, concurrency }));
      return { rps: r.rps, cpuMsPerRequest: r.cpuMs / r.n };
    };
    out.floor = { ours: await floor(ours, `${ours.url}/api/bench-floor`), baseline: await floor(base, `${base.url}/`) };
    console.log(
      `request floor: ours ${fmt(out.floor.ours.cpuMsPerRequest, 2)} CPU ms per request (404), baseline ${fmt(out.floor.baseline.cpuMsPerRequest, 2)} CPU ms per request (GET)`,
    );
  }
  stored.stop();
  base.stop();
  if (throughputOnly) return out;

  // ── Storm: D1 failing for 60 s under 16 senders at a steady rate ──────────────────────────────────
  {
    const seconds = quick ? 15 : 60;
    const storm = await stack("storm");
    const url = `${storm.url}/hooks/generic/${GENERIC}`;
    breakD1(storm.persistTo);
    let next = 0;
    const body = () => stormBody(next++);
    // CPU split: accepting with nothing projected (D1 failing), then projecting the backlog in full groups.
    const r = await withCpu(storm.pid, () => load({ url, body, n: 1e9, concurrency, pace: 150, until: performance.now() + seconds * 1000 }));
    const sent = next;
    const during = await inbox(storm.url);
    healD1(storm.persistTo);
    const drainCpu0 = workerdCpuMs(storm.pid);
    const drainSeconds = await untilDrained(storm.url);
    const drainCpuMs = workerdCpuMs(storm.pid) - drainCpu0;
    // The same deliveries one at a time, in order, on a fresh stack whose D1 never failed.
    const control = await stack("storm-control", { extraVars: { PROJECTION_WAIT_MS: "0" } });
    let k = 0;
    const c = await load({ url: `${control.url}/hooks/generic/${GENERIC}`, body: () => stormBody(k++), n: sent, concurrency: 1 });
    await untilDrained(control.url);
    const got = finalState(storm.persistTo);
    const want = finalState(control.persistTo);
    const equal = JSON.stringify(got) === JSON.stringify(want);
    out.storm = {
      seconds,
      sent,
      statuses: r.statuses,
      rps: r.rps,
      p50: r.p50,
      p99: r.p99,
      backlogAtRecovery: during.backlog,
      lastError: during.lastError,
      drainSeconds,
      cpuMsPerDelivery: { accepting: r.cpuMs / Math.max(1, r.n), projecting: drainCpuMs / Math.max(1, during.backlog.deliveries) },
      controlStatuses: c.statuses,
      equal,
      final: {
        alerts: got.alerts.length,
        firing: got.alerts.filter((a) => a.status !== "resolved").length,
        incidents: got.incidents,
        deliveries: got.deliveries,
      },
    };
    console.log(
      `storm: ${sent} deliveries in ${seconds} s with D1 failing (workerd CPU ${fmt(out.storm.cpuMsPerDelivery.accepting, 2)} ms per delivery accepted; ${fmt(out.storm.cpuMsPerDelivery.projecting, 2)} ms per delivery projecting the backlog), answers ${JSON.stringify(r.statuses)} (p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms), backlog ${during.backlog.deliveries}, drained in ${fmt(drainSeconds)} s; final state ${equal ? "equals" : "DIFFERS from"} the one-by-one control`,
    );
    if (!equal) console.log(JSON.stringify({ got, want }).slice(0, 4000));
    storm.stop();
    control.stop();
  }

  // ── Replay: a 10,000-delivery backlog after a hard kill ───────────────────────────────────────────
  {
    const total = quick ? 2000 : 10_000;
    const rp = await stack("replay", { extraVars: { PROJECTION_WAIT_MS: "0" } });
    breakD1(rp.persistTo);
    const url = `${rp.url}/hooks/generic/${GENERIC}`;
    const accept = await load({ url, body: (i) => stormBody(i), n: total, concurrency });
    const held = await inbox(rp.url);
    rp.kill();
    healD1(rp.persistTo);
    const t0 = performance.now();
    const again = await startWorker({
      port: await freePort(),
      persistTo: rp.persistTo,
      adminToken: TOKEN,
      config,
      extraVars: { BENCH_COUNT_D1: "1" },
    });
    const startSeconds = (performance.now() - t0) / 1000;
    const untilEmpty = await untilDrained(again.url);
    const status = await inbox(again.url);
    // The Ingestor times its own replay (the alarm may finish it before the server first answers).
    const drainSeconds = status.lastDrain ? status.lastDrain.ms / 1000 : untilEmpty;
    const inD1 = d1(rp.persistTo, "SELECT count(*) AS n FROM deliveries WHERE payload LIKE '%storm-%'")[0].n;
    out.replay = {
      deliveries: total,
      acceptStatuses: accept.statuses,
      acceptRps: accept.rps,
      backlog: held.backlog,
      startSeconds,
      drainSeconds,
      readyToEmptySeconds: untilEmpty,
      perSecond: held.backlog.deliveries / drainSeconds,
      groups: status.projected.groups,
      inD1,
    };
    console.log(
      `replay: ${held.backlog.deliveries} held (${fmt(held.backlog.bytes / 1048576, 1)} MB, accepted at ${fmt(accept.rps)} req/s with D1 down), SIGKILL, restart ${fmt(startSeconds)} s, drained in ${fmt(drainSeconds)} s (${fmt(out.replay.perSecond)} deliveries/s, ${status.projected.groups} D1 batches); ${inD1} in D1`,
    );
    again.stop();
  }
  return out;
}
