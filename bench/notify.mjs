// npm run bench -- --notify: one incident update fanned out to 10,000 subscribers (webhooks to a local
// capture server), through the real path: admin API → Ingestor → D1 → outbox → queue → fan-out →
// per-recipient deliveries (claim, send, record). Beside it, in the same run, a bare loop posting the
// same body to the same capture server: the ratio is what to read on a shared machine. Also counted:
// the queue messages and consumer invocations it cost (from wrangler dev's log). Writes
// bench/results/notify.json and the "Notifications" section of BENCHMARKS.md.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { buildSite, freePort, prepareDatabase, ROOT, run, startWorker } from "../scripts/lib.mjs";
import { startNotifyCapture } from "../test/support/notify-capture.ts";

const N = Number(process.env.NOTIFY_SUBSCRIBERS ?? 10_000);
const TOKEN = "bench-admin-token-0123456789abcdef0123";
const work = mkdtempSync(join(tmpdir(), "status-bench-notify-"));
const config = buildSite(join(work, "site"));
const capture = await startNotifyCapture();
capture.countOnly = true;
let firstBody = null;
capture.server.prependListener("request", (req) => {
  if (firstBody !== null || !req.url?.startsWith("/ok/")) return;
  firstBody = "";
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => (firstBody = Buffer.concat(chunks).toString("utf8")));
});

// 10,000 confirmed webhook subscribers to every component.
const persistTo = join(work, "state");
prepareDatabase(persistTo);
const now = new Date().toISOString();
const rows = Array.from({ length: N }, (_, i) => {
  const id = `bs${String(i).padStart(10, "0")}`;
  return `('${id}', '${id}@example.com', '${capture.url}/ok/bench/${id}', NULL, 'en', 'tok${id}', '${now}', 'operator', '${now}')`;
});
let sqlText = "";
for (let i = 0; i < rows.length; i += 500)
  sqlText += `INSERT INTO subscribers (id, email, webhook_url, component_ids, language, token, confirmed_at, created_by, created_at) VALUES ${rows.slice(i, i + 500).join(",\n")};\n`;
const seedFile = join(work, "subscribers.sql");
writeFileSync(seedFile, sqlText);
run("wrangler", ["d1", "execute", "status-page", "--local", "--persist-to", persistTo, "--file", seedFile], { quiet: true });

const worker = await startWorker({
  port: await freePort(),
  persistTo,
  adminToken: TOKEN,
  config,
  log: false,
  extraVars: { OUTBOUND_ALLOW_LOOPBACK: "1", BENCH_COUNT_D1: "1" },
});
process.on("exit", () => worker.stop());
const auth = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };

// One incident update (a manual incident on no component: no component status change rides along).
const t0 = performance.now();
const res = await fetch(`${worker.url}/admin/api/incidents`, {
  method: "POST",
  headers: auth,
  body: JSON.stringify({ name: "Bench: payments degraded", impact: "minor", body: "We are looking into it." }),
});
if (res.status !== 201) throw new Error(`incident: ${res.status} ${await res.text()}`);
const firstAt = { t: 0 };
const deadline = Date.now() + 15 * 60_000;
while (capture.count < N && Date.now() < deadline) {
  if (!firstAt.t && capture.count) firstAt.t = performance.now();
  await new Promise((r) => setTimeout(r, 50));
}
const t1 = performance.now();
const delivered = capture.count;
await new Promise((r) => setTimeout(r, 3000)); // late duplicates, if any, would show here
const duplicates = capture.count - delivered;
const stats = await (await fetch(`${worker.url}/admin/api/notifications?limit=1`, { headers: auth })).json();
void stats;
const output = worker.output();
// The consumer logs each invocation with BENCH_COUNT_D1: "notify-invocation status-notifications 100".
const invocations = [...output.matchAll(/notify-invocation status-notifications (\d+)/g)];
worker.stop();

// The bare loop: the same body, the same capture server, plain fetch from Node (1 and 6 at a time;
// 6 is what one Worker invocation may have open at once).
async function bare(concurrency, n) {
  const before = capture.count;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await (
          await fetch(`${capture.url}/ok/bare/${i}`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: firstBody ?? "{}",
          })
        ).arrayBuffer();
      }
    }),
  );
  return { n: capture.count - before, seconds: (performance.now() - started) / 1000 };
}
const bare1 = await bare(1, Math.min(N, 2000));
const bare6 = await bare(6, N);
await capture.close();

const seconds = (t1 - t0) / 1000;
const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  subscribers: N,
  delivered,
  duplicates,
  seconds,
  firstSeconds: firstAt.t ? (firstAt.t - t0) / 1000 : null,
  perSecond: delivered / seconds,
  bodyBytes: firstBody?.length ?? null,
  bare: { sequential: { ...bare1, perSecond: bare1.n / bare1.seconds }, concurrent6: { ...bare6, perSecond: bare6.n / bare6.seconds } },
  queue: {
    // 1 from the outbox; the fan-out continues every 1,000 subscribers; one deliver message per subscriber.
    eventMessages: 1 + Math.floor(N / 1000),
    deliverMessages: N,
    invocationsLogged: invocations.length,
    messagesInInvocations: invocations.reduce((s, m) => s + Number(m[1]), 0),
  },
};
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "notify.json"), `${JSON.stringify(result, null, 2)}\n`);

const f = (x, d = 1) => (x == null ? "–" : Number(x).toFixed(d));
const section = [
  "<!-- notify:start -->",
  "## Notifications: one incident update to 10,000 subscribers",
  "",
  `Measured ${result.date} by \`npm run bench -- --notify\` (bench/notify.mjs) on ${result.machine}, under \`wrangler dev\` (local queue, local D1). ${N} confirmed webhook subscribers to a capture server on 127.0.0.1; one manual incident opened through the admin API.`,
  "",
  "| | |",
  "|---|---|",
  `| delivered | ${delivered} of ${N}, ${duplicates} duplicates |`,
  `| first notification after | ${f(result.firstSeconds, 2)} s |`,
  `| all delivered after | **${f(seconds)} s** |`,
  `| notifications per second (whole path: queue, claim in D1, send, record) | **${f(result.perSecond, 0)}/s** |`,
  `| bare loop, same body (${result.bodyBytes} bytes), same server, 1 at a time | ${f(result.bare.sequential.perSecond, 0)}/s |`,
  `| bare loop, 6 at a time | ${f(result.bare.concurrent6.perSecond, 0)}/s |`,
  `| ratio to the 6-at-a-time loop | ${f(result.perSecond / result.bare.concurrent6.perSecond, 2)} |`,
  `| queue messages | ${result.queue.eventMessages} event (fan-out) + ${result.queue.deliverMessages} deliver |`,
  `| consumer invocations | ${result.queue.invocationsLogged || "not logged"}${result.queue.invocationsLogged ? ` for ${result.queue.messagesInInvocations} messages` : ""} |`,
  "",
  "Each consumer invocation takes a batch of up to 100 deliver messages and costs 3 D1 round trips for all of them (recipients, idempotency claims, outcomes), plus one POST per recipient. A fan-out step reads 1,000 subscribers and sends their messages with `sendBatch` (100 a call).",
  "<!-- notify:end -->",
].join("\n");
const md = join(ROOT, "BENCHMARKS.md");
const text = existsSync(md) ? readFileSync(md, "utf8") : "# Benchmarks\n";
writeFileSync(
  md,
  /<!-- notify:start -->[\s\S]*<!-- notify:end -->/.test(text)
    ? text.replace(/<!-- notify:start -->[\s\S]*<!-- notify:end -->/, section)
    : `${text.trimEnd()}\n\n${section}\n`,
);
console.log(section);
process.exit(0);
