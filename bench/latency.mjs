// npm run bench -- --latency: how long a change takes to reach readers, on one machine, through the real
// stack (wrangler dev running the built worker, local D1, local queue) and Debian's Chromium:
// - from a webhook's 2xx to open tabs showing it (live.js told by the hub), to a reload (GET /) showing it,
//   and to a Slack-shaped channel and a subscriber webhook (capture servers on 127.0.0.1) receiving it;
// - the baseline, today's polling, in the same run: the same tabs against a stack with push off
//   (LIVE_SHARDS=0), so they refetch every 30 s;
// - 1,000 idle WebSockets: workerd's CPU time (/proc/<pid>/stat) over an idle minute with them and without
//   them, then one change reaching all 1,000.
// Writes bench/results/latency.json and the "Live updates" section of BENCHMARKS.md.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { buildSite, CHROMIUM, freePort, prepareDatabase, ROOT, startWorker } from "../scripts/lib.mjs";

const QUICK = process.argv.includes("--quick");
const TABS = 8;
const PUSH_ALERTS = QUICK ? 30 : 200;
const POLL_ALERTS = QUICK ? 8 : 40;
const POLL_SPACING_MS = 3_000;
const IDLE_SOCKETS = 1_000;
const IDLE_MS = QUICK ? 20_000 : 60_000;
const TOKEN = "bench-admin-token-0123456789abcdef0123";
const CLK_TCK = 100;

const work = mkdtempSync(join(tmpdir(), "status-bench-latency-"));
const config = buildSite(join(work, "site"));
const stops = [];
process.on("exit", () => {
  for (const s of stops) s();
  rmSync(work, { recursive: true, force: true });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (check, ms, every = 25) => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) return null;
    await sleep(every);
  }
};
const pct = (xs, p) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const stats = (xs) => ({ n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: xs.length ? Math.max(...xs) : null });

/** Records when each path was posted to (a channel, a subscriber webhook). */
async function captureServer() {
  const arrivals = { slack: [], subscriber: [] };
  const server = createServer((req, res) => {
    const at = Date.now();
    req.resume();
    req.on("end", () => {
      const kind = req.url?.startsWith("/slack") ? "slack" : req.url?.startsWith("/subscriber") ? "subscriber" : null;
      if (kind) arrivals[kind].push(at);
      res.writeHead(204).end();
    });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  stops.push(() => server.close());
  return { url: `http://127.0.0.1:${port}`, arrivals };
}

/** A stack of its own: fresh D1 with the demo data, a component fed by a generic integration, a Slack channel and a webhook subscriber. */
async function stack(name, extraVars = {}) {
  const persistTo = join(work, name);
  prepareDatabase(persistTo);
  const worker = await startWorker({ port: await freePort(), persistTo, adminToken: TOKEN, config, extraVars: { OUTBOUND_ALLOW_LOOPBACK: "1", ...extraVars } });
  stops.push(worker.stop);
  const admin = async (method, path, body) => {
    const res = await fetch(`${worker.url}/admin/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const capture = await captureServer();
  const component = await admin("POST", "/components", { name: "Latency", slug: "latency" });
  const integration = await admin("POST", "/integrations", { name: "latency bench", source: "generic", component_ids: [component.id] });
  await admin("POST", "/channels", { kind: "slack", name: "#status", url: `${capture.url}/slack` });
  await admin("POST", "/subscribers", { email: "latency@example.com", webhook_url: `${capture.url}/subscriber` });
  let n = 0;
  /** Alert i: a trigger (the component in major outage) or its resolve (operational), alternately. */
  const alert = async (i) => {
    const sent = Date.now();
    const res = await fetch(`${worker.url}/hooks/generic/${integration.key}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ dedup_key: "latency", action: i % 2 ? "resolve" : "trigger", severity: "critical", summary: `Latency ${++n}` }),
    });
    const answered = Date.now();
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    return { sent, answered, expected: i % 2 ? "operational" : "major_outage" };
  };
  const statusIn = (html) => new RegExp(`data-id="${component.id}"[^]*?data-status="([a-z_]+)"`).exec(html)?.[1];
  return { worker, capture, component, alert, statusIn };
}

/**
 * Tabs on `/`, each in its own context; each records when its component's status changed on screen
 * (a MutationObserver) and when it fetched the page (resource timing).
 */
async function openTabs(browser, st, { push, stagger = 0 }) {
  const tabs = [];
  for (let k = 0; k < TABS; k++) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript((id) => {
      const w = /** @type {any} */ (window);
      w.__seen = [];
      w.__fetches = [];
      let shown;
      const note = () => {
        const s = document.querySelector(`#components li[data-id="${id}"] .status`)?.getAttribute("data-status");
        if (s && s !== shown) {
          shown = s;
          w.__seen.push([s, Date.now()]);
        }
      };
      new MutationObserver(note).observe(document, { subtree: true, childList: true, attributes: true });
      performance.setResourceTimingBufferSize(100_000);
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          if (e.initiatorType === "fetch") w.__fetches.push([performance.timeOrigin + e.startTime, performance.timeOrigin + e.responseEnd]);
      }).observe({ type: "resource" });
    }, st.component.id);
    const socket = push ? page.waitForEvent("websocket") : null;
    await page.goto(st.worker.url);
    if (socket) await (await socket).waitForEvent("framereceived", { predicate: (f) => f.payload === "pong", timeout: 15_000 });
    else await page.waitForFunction(() => /^Updated/.test(document.querySelector("#updated")?.textContent ?? ""));
    if (await page.evaluate(() => document.hidden)) throw new Error("a bench tab is hidden: live.js would wait for it to be shown");
    tabs.push(page);
    if (stagger) await sleep(stagger);
  }
  return tabs;
}

// ── 1. Push: alerts one after another, each awaited everywhere ────────────────────────────────────
async function pushRun(browser) {
  const st = await stack("push");
  const tabs = await openTabs(browser, st, { push: true });
  const out = { tab: [], reload: [], slack: [], subscriber: [], missed: { tab: 0, reload: 0, slack: 0, subscriber: 0 } };
  for (let i = 0; i < PUSH_ALERTS; i++) {
    const before = { slack: st.capture.arrivals.slack.length, subscriber: st.capture.arrivals.subscriber.length };
    const a = await st.alert(i);
    // A reload: a plain GET, as a browser's reload sends it.
    const reloaded = await until(async () => st.statusIn(await (await fetch(`${st.worker.url}/`)).text()) === a.expected && Date.now(), 30_000, 5);
    if (reloaded) out.reload.push(reloaded - a.answered);
    else out.missed.reload++;
    // Each tab: when its screen first showed this alert's status.
    const seen = await Promise.all(
      tabs.map((page) =>
        until(
          () => page.evaluate(([s, from]) => /** @type {any} */ (window).__seen.find(([st, t]) => st === s && t >= from)?.[1] ?? null, [a.expected, a.sent]),
          15_000,
          50,
        ),
      ),
    );
    for (const t of seen) {
      if (t) out.tab.push(t - a.answered);
      else out.missed.tab++;
    }
    for (const kind of ["slack", "subscriber"]) {
      const at = await until(() => st.capture.arrivals[kind][before[kind]], 20_000);
      if (at) out[kind].push(at - a.answered);
      else out.missed[kind]++;
    }
    if ((i + 1) % 25 === 0) console.log(`  push: ${i + 1}/${PUSH_ALERTS} alerts, tab p95 so far ${pct(out.tab, 95)} ms`);
  }
  for (const page of tabs) await page.context().close();
  return { st, out };
}

// ── 2. Polling (push off): alerts every 3 s, tabs refetching every 30 s ───────────────────────────
async function pollRun(browser) {
  const st = await stack("poll", { LIVE_SHARDS: "0" });
  // Tabs opened across one poll interval, so their polls are spread as real readers' are.
  const tabs = await openTabs(browser, st, { push: false, stagger: 30_000 / TABS });
  const alerts = [];
  for (let i = 0; i < POLL_ALERTS; i++) {
    alerts.push(await st.alert(i));
    await sleep(POLL_SPACING_MS);
  }
  await sleep(32_000);
  const out = { tab: [], missed: { tab: 0 } };
  const last = alerts.at(-1).expected;
  for (const page of tabs) {
    // A tab shows an alert once it fetched the page after the alert's 2xx (D1 and the cache held it by then).
    const fetches = await page.evaluate(() => /** @type {any} */ (window).__fetches);
    for (const a of alerts) {
      const f = fetches.find(([start]) => start >= a.answered);
      if (f) out.tab.push(f[1] - a.answered);
      else out.missed.tab++;
    }
    const shown = await page.evaluate((id) => document.querySelector(`#components li[data-id="${id}"] .status`)?.getAttribute("data-status"), st.component.id);
    if (shown !== last) throw new Error(`a polling tab ended on ${shown}, not ${last}`);
    await page.context().close();
  }
  st.worker.stop();
  return out;
}

// ── 3. 1,000 idle sockets: workerd's CPU over an idle minute, then one change to all ──────────────
function workerdPids(group) {
  const pids = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === group && /\(workerd\)/.test(stat)) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}
/** User + system CPU of the processes, in ms (fields 14 and 15 of /proc/<pid>/stat). */
function cpuMs(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / CLK_TCK;
}

async function idleRun(st) {
  const pids = workerdPids(st.worker.pid);
  if (!pids.length) throw new Error("workerd not found in wrangler's process group");
  const wsUrl = `${st.worker.url.replace("http", "ws")}/live`;
  // Quiet first: the notifications of the push run are delivered, the hub shards have nothing to do.
  await sleep(15_000);
  let c = cpuMs(pids);
  await sleep(IDLE_MS);
  const without = cpuMs(pids) - c;

  const got = new Array(IDLE_SOCKETS).fill(0);
  const sockets = await Promise.all(
    Array.from(
      { length: IDLE_SOCKETS },
      (_, k) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(wsUrl);
          ws.onopen = () => {
            ws.send("ping");
            resolve(ws);
          };
          ws.onerror = () => reject(new Error(`socket ${k} failed`));
          ws.onmessage = (e) => {
            if (e.data === "changed" && !got[k]) got[k] = Date.now();
          };
        }),
    ),
  );
  // Past the 10 s after which an idle object may hibernate; then a minute as tabs spend it (a ping each 30 s).
  await sleep(15_000);
  c = cpuMs(pids);
  const pinger = setInterval(() => {
    for (const ws of sockets) ws.send("ping");
  }, 30_000);
  await sleep(IDLE_MS);
  clearInterval(pinger);
  const withSockets = cpuMs(pids) - c;

  const a = await st.alert(PUSH_ALERTS); // the next flip after the push run's last alert
  await until(() => got.every(Boolean), 15_000);
  // From the webhook's send: this process also reads the 1,000 sockets, so its own 2xx is read late.
  const reached = got.filter(Boolean).map((t) => t - a.sent);
  for (const ws of sockets) ws.close();
  return {
    sockets: IDLE_SOCKETS,
    idleSeconds: IDLE_MS / 1000,
    cpuMsWithout: without,
    cpuMsWith: withSockets,
    reached: reached.length,
    answeredMs: a.answered - a.sent,
    change: stats(reached),
  };
}

const browser = await chromium.launch(CHROMIUM);
console.log(`Live updates: ${TABS} tabs, ${PUSH_ALERTS} alerts pushed, ${POLL_ALERTS} alerts polled, ${IDLE_SOCKETS} idle sockets`);
const push = await pushRun(browser);
console.log("  polling baseline (push off)…");
const poll = await pollRun(browser);
await browser.close();
console.log(`  ${IDLE_SOCKETS} idle sockets…`);
const idle = await idleRun(push.st);

const weightFile = join(ROOT, "bench", "results", "page-weight.json");
const weight = existsSync(weightFile) ? JSON.parse(readFileSync(weightFile, "utf8")) : null;
const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  quick: QUICK,
  tabs: TABS,
  push: {
    alerts: PUSH_ALERTS,
    tab: stats(push.out.tab),
    reload: stats(push.out.reload),
    slack: stats(push.out.slack),
    subscriber: stats(push.out.subscriber),
    missed: push.out.missed,
  },
  poll: { alerts: POLL_ALERTS, spacingMs: POLL_SPACING_MS, tab: stats(poll.tab), missed: poll.missed },
  idle,
  pageWeight: weight && { date: weight.measured_at, totalBytes: weight.total_bytes, jsGzipBytes: weight.js.gzip_bytes, pass: weight.pass },
};
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "latency.json"), `${JSON.stringify(result, null, 2)}\n`);

// ── The section of BENCHMARKS.md ──────────────────────────────────────────────────────────────────
const ms = (v) => (v == null ? "–" : `${Math.round(v)} ms`);
const s1 = (v) => (v == null ? "–" : `${(v / 1000).toFixed(1)} s`);
const row = (name, x, f = ms) => `| ${name} | ${f(x.p50)} | ${f(x.p95)} | ${f(x.p99)} | ${f(x.max)} | ${x.n} |`;
const met = (ok) => (ok ? "met" : "**missed**");
const tabP95 = result.push.tab.p95;
const channelP95 = Math.max(result.push.slack.p95 ?? Infinity, result.push.subscriber.p95 ?? Infinity);
// On paper: 1 million open tabs.
const TABS_1M = 1_000_000;
const SHARDS_1M = 128;
const perChange = { workerRequests: TABS_1M, doRequests: SHARDS_1M };
const costPerChange = (perChange.workerRequests / 1e6) * 0.3 + (perChange.doRequests / 1e6) * 0.15;
const pollPerHour = ((TABS_1M * 3600) / 30 / 1e6) * 0.3;
const safetyPerHour = ((TABS_1M * 3600) / 300 / 1e6) * 0.3;
const pings = idle.sockets * Math.floor(idle.idleSeconds / 30);
const perPing = Math.round(((idle.cpuMsWith - idle.cpuMsWithout) * 1000) / Math.max(1, pings));
const section = [
  "<!-- latency:start -->",
  "## Live updates: from an alert to the reader",
  "",
  `Measured ${result.date} by \`npm run bench -- --latency\` (bench/latency.mjs) on ${result.machine}, under \`wrangler dev\` (the built worker, local D1, local queue) with Debian's Chromium. ${TABS} tabs on \`/\`, each in its own browser context; a generic integration feeding one component; a Slack channel and a webhook subscriber pointed at a capture server on 127.0.0.1. Each alert is a trigger or a resolve of one alert, alternately, so the component flips between major outage and operational. Pushed: ${PUSH_ALERTS} alerts one after another, each awaited by every tab, a reload, the channel and the subscriber before the next. A tab "shows" an alert when its screen's status changes to it (a MutationObserver in the page); "a reload" is a plain GET of \`/\` repeated until its HTML has it. Times run from the moment the sender got its \`202\`; a negative time means the reader had it before the sender had its answer (the hub is told as soon as D1 and the cache hold the change, just before the answer leaves). Polling, the baseline: the same tabs against a stack of the same build with push off (\`LIVE_SHARDS=0\`), opened over one 30 s interval; ${POLL_ALERTS} alerts ${POLL_SPACING_MS / 1000} s apart; a tab has an alert once it fetched the page after the alert's \`202\`.`,
  "",
  "| from the webhook's 2xx to | p50 | p95 | p99 | max | samples |",
  "|---|---|---|---|---|---|",
  row("an open tab, pushed (WebSocket)", result.push.tab),
  row("an open tab, polling every 30 s (baseline, push off)", result.poll.tab, s1),
  row("a reload (GET /)", result.push.reload),
  row("the Slack channel (capture server)", result.push.slack),
  row("the subscriber's webhook (capture server)", result.push.subscriber),
  "",
  `Missed (not seen within the wait): pushed tabs ${result.push.missed.tab}, reloads ${result.push.missed.reload}, Slack ${result.push.missed.slack}, subscriber ${result.push.missed.subscriber}; polling tabs ${result.poll.missed.tab}.`,
  "",
  "| target | result | |",
  "|---|---|---|",
  `| webhook → open tab p95 ≤ 2 s | ${ms(tabP95)} (polling: ${s1(result.poll.tab.p95)}) | ${met(tabP95 != null && tabP95 <= 2000 && !result.push.missed.tab)} |`,
  `| webhook → channel p95 ≤ 5 s | Slack ${ms(result.push.slack.p95)}, subscriber ${ms(result.push.subscriber.p95)} | ${met(channelP95 <= 5000)} |`,
  `| ${idle.sockets} idle WebSockets cost the hub no CPU | workerd ${Math.round(idle.cpuMsWith)} ms of CPU over ${idle.idleSeconds} s with them (${pings.toLocaleString("en")} pings answered), ${Math.round(idle.cpuMsWithout)} ms without: no code of the hub runs, ${perPing} µs per ping in the runtime | ${met(idle.cpuMsWith - idle.cpuMsWithout <= 0.01 * idle.idleSeconds * 1000)} |`,
  `| one change reaches all ${idle.sockets} | ${idle.reached} of ${idle.sockets}; p50 ${ms(idle.change.p50)}, p95 ${ms(idle.change.p95)}, last ${ms(idle.change.max)} after the webhook was sent (its 2xx read after ${ms(idle.answeredMs)}) | ${met(idle.reached === idle.sockets)} |`,
  result.pageWeight
    ? `| first visit ≤ 10 kB, ≤ 3 kB JavaScript gzip (bench/page-weight.mjs, ${result.pageWeight.date}) | ${result.pageWeight.totalBytes} B, JS ${result.pageWeight.jsGzipBytes} B | ${met(result.pageWeight.pass)} |`
    : "| first visit ≤ 10 kB, ≤ 3 kB JavaScript gzip | not measured (run bench/page-weight.mjs) | |",
  "",
  `**Idle sockets.** ${idle.sockets} WebSockets (Node clients, as many tabs would be) held by the hub's shards, each sending the tab's \`ping\` every 30 s. workerd's CPU time (user + system, from \`/proc/<pid>/stat\` of every workerd process of the stack: the worker, every Durable Object and the runtime's own socket handling together) over ${idle.idleSeconds} s idle, against the same ${idle.idleSeconds} s before they connected. The pings are answered by the runtime (\`setWebSocketAutoResponse\`) without running the hub's code, and no other code runs between changes (\`acceptWebSocket\`, the hibernation API), which is what Cloudflare bills as duration: what the minute costs beyond the quiet one is the runtime framing and answering those pings, which Cloudflare does not bill. Then one webhook: the time from sending it until each socket got \`changed\` (from its send, not its \`202\`: the same Node process reads the 1,000 sockets, and reads its own answer after them).`,
  "",
  "**On Cloudflare, further away.** The hub is told once the change is in D1 and the edge cache of the data centre that handled the write (the Ingestor's) is purged, so a tab served by that data centre refetches the new page at once. A tab served by another data centre may get that data centre's cached copy, up to 10 s old (the page's `max-age`): live.js then fetches once more 11 s later, so there the worst case is about 11 s, not 30 s. A tab in the background does not refetch when told; it does when shown again.",
  "",
  "### On paper: 1 million open tabs",
  "",
  `Shards: a shard holds at most 10,000 sockets (\`SHARD_MAX_SOCKETS\`); a connection goes to the shard its Sec-WebSocket-Key hashes to, and to the next one (up to 3) when that one is full, else the tab polls. For ${TABS_1M.toLocaleString("en")} tabs set \`LIVE_SHARDS=${SHARDS_1M}\` (${SHARDS_1M} × 10,000 = 1.28 million places, about ${Math.round(TABS_1M / SHARDS_1M).toLocaleString("en")} tabs each, so hashing never fills one). A change is ${SHARDS_1M} RPC calls from the Ingestor, made in parallel; each shard sends its few thousand frames of 7 bytes.`,
  "",
  'Prices (Workers Paid, as documented at the time of writing): Durable Objects $0.15 per million requests, where "each RPC method call on a Durable Objects stub is its own RPC session and therefore a single billed request", incoming WebSocket messages count 20:1, and "there is no charge for outgoing WebSocket messages, nor for incoming WebSocket protocol pings"; duration $12.50 per million GB-s, not billed while an object is hibernatable, and "application level auto-response messages handled by `state.setWebSocketAutoResponse()` will not incur additional wall-clock time, and so they will not be charged" ([Durable Objects pricing](https://developers.cloudflare.com/durable-objects/platform/pricing/), [WebSocket hibernation](https://developers.cloudflare.com/durable-objects/best-practices/websockets/)). Workers: $0.30 per million requests and $0.02 per million CPU ms beyond the plan\'s 10 million requests and 30 million CPU ms a month ([Workers pricing](https://developers.cloudflare.com/workers/platform/pricing/)).',
  "",
  "| | 1 million tabs, push | 1 million tabs, polling every 30 s |",
  "|---|---|---|",
  "| connecting | 1 M Worker requests + 1 M Durable Object requests (the upgrade), once per tab: $0.45 | – |",
  `| idle, per hour | keep-alive pings (auto-response): $0; hub duration while hibernating: $0; the 5-minute safety refetch: 12 M Worker requests, $${safetyPerHour.toFixed(2)} | 120 M Worker requests: $${pollPerHour.toFixed(2)} |`,
  `| per change | ${SHARDS_1M} Durable Object requests + 1 M refetches (Worker requests, mostly 304s and cache hits): about $${costPerChange.toFixed(2)} | nothing more (the next poll) |`,
  "| reader sees it | about 1 s in the write's data centre, at most about 11 s elsewhere | 0–30 s, 15 s on average |",
  "",
  "The refetches dominate: 1 M Worker requests per change. Each shard's duration per change is the time to send its frames (milliseconds; a few GB-s in all at 128 MB per object), negligible beside them. A deploy or a restart of the hub closes every socket; tabs reconnect after a random wait of up to 10 s (then up to 20, 40 s … 5 min on failure), about 800 upgrades a second per shard at this size, and refetch once when they do. The safety refetch every 5 minutes while a socket is open covers a change the hub missed; it is a constant in live.js.",
  "<!-- latency:end -->",
].join("\n");
const md = join(ROOT, "BENCHMARKS.md");
const text = existsSync(md) ? readFileSync(md, "utf8") : "# Benchmarks\n";
const marked = /<!-- latency:start -->[\s\S]*<!-- latency:end -->/;
writeFileSync(md, marked.test(text) ? text.replace(marked, section) : `${text.trimEnd()}\n\n${section}\n`);
console.log(section);
process.exit(0);
