// npm run bench -- --notify: one incident update fanned out to 10,000 subscribers through the real
// path (admin API → Ingestor → D1 → outbox → queue → fan-out → per-recipient deliveries: claim, send,
// record), each beside its baseline in the same run, because the machine is shared: read the ratios.
// 1. Webhooks: 10,000 confirmed webhook subscribers posting to a capture server on 127.0.0.1, vs a bare
//    loop from Node posting the same body to the same server with the consumer's concurrency (32).
// 2. Email: 10,000 confirmed email subscribers through the local Email binding (`send_email`), vs a
//    bare worker sending the same email through its own Email binding in a loop, 32 at a time, in
//    requests of 100 (one consumer batch).
// Also counted: the queue messages and consumer invocations it cost (from wrangler dev's log).
// Writes bench/results/notify.json and the "Notifications" section of BENCHMARKS.md.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { buildSite, freePort, prepareDatabase, ROOT, run, startWorker } from "../scripts/lib.mjs";
import { startNotifyCapture } from "../test/support/notify-capture.ts";
import { workerdCpuMs } from "./cpu.mjs";

const N = Number(process.env.NOTIFY_SUBSCRIBERS ?? 10_000);
/** As worker/notify/consumer.ts SEND_CONCURRENCY. */
const CONCURRENCY = 32;
const TOKEN = "bench-admin-token-0123456789abcdef0123";
const work = mkdtempSync(join(tmpdir(), "status-bench-notify-"));
const config = buildSite(join(work, "site"));
const stops = [];
process.on("exit", () => {
  for (const s of stops) s();
});
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

/** A stack with N confirmed subscribers to every component: webhooks to the capture server, or email only. */
async function stackWith(kind) {
  const persistTo = join(work, kind);
  prepareDatabase(persistTo);
  const now = new Date().toISOString();
  const rows = Array.from({ length: N }, (_, i) => {
    const id = `bs${String(i).padStart(10, "0")}`;
    const hook = kind === "webhook" ? `'${capture.url}/ok/bench/${id}'` : "NULL";
    return `('${id}', '${id}@example.com', ${hook}, NULL, 'en', 'tok${id}', '${now}', 'operator', '${now}')`;
  });
  let sqlText = "";
  for (let i = 0; i < rows.length; i += 500)
    sqlText += `INSERT INTO subscribers (id, email, webhook_url, component_ids, language, token, confirmed_at, created_by, created_at) VALUES ${rows.slice(i, i + 500).join(",\n")};\n`;
  const seedFile = join(work, `${kind}.sql`);
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
  stops.push(worker.stop);
  return worker;
}

/** What the consumer logged (BENCH_COUNT_D1): deliveries made, invocations and the messages they held. */
function counted(output) {
  const invocations = [...output.matchAll(/notify-invocation status-notifications (\d+)/g)];
  return {
    sent: [...output.matchAll(/notify-sent (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0),
    invocations: invocations.length,
    messages: invocations.reduce((s, m) => s + Number(m[1]), 0),
  };
}

/** One incident update (a manual incident on no component: no status change rides along), timed until `done()` reaches N. */
async function fanOut(worker, done) {
  const cpu0 = workerdCpuMs(worker.pid);
  const t0 = performance.now();
  const res = await fetch(`${worker.url}/admin/api/incidents`, {
    method: "POST",
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ name: "Bench: payments degraded", impact: "minor", body: "We are looking into it." }),
  });
  if (res.status !== 201) throw new Error(`incident: ${res.status} ${await res.text()}`);
  let first = 0;
  const deadline = Date.now() + 15 * 60_000;
  while (done() < N && Date.now() < deadline) {
    if (!first && done()) first = performance.now();
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuMs = workerdCpuMs(worker.pid) - cpu0;
  const delivered = done();
  await new Promise((r) => setTimeout(r, 3000)); // late duplicates, if any, would show here
  return { delivered, duplicates: done() - delivered, seconds, firstSeconds: first ? (first - t0) / 1000 : null, perSecond: delivered / seconds, cpuMs };
}

// ── 1. Webhooks ───────────────────────────────────────────────────────────────────────────────────
const hooks = await stackWith("webhook");
const webhook = await fanOut(hooks, () => capture.count);
webhook.queue = counted(hooks.output());
hooks.stop();

// The bare loop: the same body, the same capture server, plain fetch from Node.
async function bare(concurrency, n) {
  const before = capture.count;
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        await (
          await fetch(`${capture.url}/ok/bare/${i}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: firstBody ?? "{}" })
        ).arrayBuffer();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { n: capture.count - before, seconds, perSecond: (capture.count - before) / seconds };
}
webhook.bodyBytes = firstBody?.length ?? null;
webhook.bare = await bare(CONCURRENCY, N);
webhook.ratio = webhook.perSecond / webhook.bare.perSecond;
await capture.close();

// ── 2. Email ──────────────────────────────────────────────────────────────────────────────────────
const mails = await stackWith("email");
const email = await fanOut(mails, () => counted(mails.output()).sent);
email.queue = counted(mails.output());
// One of the emails as it was sent (the local explorer keeps them), for the bare loop to send again.
let sample = null;
try {
  const list = await (await fetch(`${mails.url}/cdn-cgi/local/explorer/api/local/email/sending?per_page=1`)).json();
  const item = list.result?.[0] ?? list.result?.items?.[0];
  const id = item?.id ?? item?.email_id ?? item?.messageId;
  if (id) sample = (await (await fetch(`${mails.url}/cdn-cgi/local/explorer/api/local/email/sending?email_id=${encodeURIComponent(id)}`)).json()).result;
} catch (error) {
  console.log(`sample email not read from the explorer: ${error}`);
}
mails.stop();
const mail = {
  from: "status@example.com",
  subject: sample?.subject ?? "[Bench status] Bench: payments degraded: investigating",
  text: sample?.text ?? "We are looking into it.\n".repeat(20),
  html: sample?.html ?? undefined,
  headers: { "List-Unsubscribe": "<https://status.example.com/unsubscribe/x>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
};
const persistTo = join(work, "email-baseline");
const baseline = await startWorker({
  port: await freePort(),
  persistTo,
  config: join(ROOT, "bench", "baseline-email", "wrangler.toml"),
  readyPath: "/",
});
stops.push(baseline.stop);
{
  const cpu0 = workerdCpuMs(baseline.pid);
  const t0 = performance.now();
  let sent = 0;
  for (let i = 0; i < N; i += 100) {
    const res = await fetch(`${baseline.url}/`, { method: "POST", body: JSON.stringify({ ...mail, n: Math.min(100, N - i), concurrency: CONCURRENCY }) });
    sent += (await res.json()).sent;
  }
  const seconds = (performance.now() - t0) / 1000;
  email.bare = { n: sent, seconds, perSecond: sent / seconds, cpuMs: workerdCpuMs(baseline.pid) - cpu0 };
}
baseline.stop();
email.sampleFromExplorer = !!sample;
email.ratio = email.perSecond / email.bare.perSecond;

const result = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  subscribers: N,
  concurrency: CONCURRENCY,
  webhook,
  email,
};
mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(join(ROOT, "bench", "results", "notify.json"), `${JSON.stringify(result, null, 2)}\n`);

const f = (x, d = 1) => (x == null ? "–" : Number(x).toFixed(d));
const verdict = (ok) => (ok ? "met" : "**missed**");
const perMsg = (r) => f(r.cpuMs / Math.max(1, r.delivered ?? r.n), 2);
const section = [
  "<!-- notify:start -->",
  `## Notifications: one incident update to ${N.toLocaleString("en")} subscribers`,
  "",
  `Measured ${result.date} by \`npm run bench -- --notify\` (bench/notify.mjs) on ${result.machine}, under \`wrangler dev\` (local queue, local D1, local Email binding). ${N} confirmed subscribers; one manual incident opened through the admin API; each side beside its baseline in the same run. CPU is the workerd processes' own (utime + stime from /proc), per notification.`,
  "",
  "| target | result | |",
  "|---|---|---|",
  `| webhook fan-out ≥ 0.5× a bare post loop with the same concurrency (${CONCURRENCY}) | ${f(webhook.ratio, 2)}× | ${verdict(webhook.ratio >= 0.5)} |`,
  `| email fan-out vs the same emails in a bare loop through the Email binding | ${f(email.ratio, 2)}× | |`,
  "",
  "| | webhooks | email |",
  "|---|---|---|",
  `| delivered | ${webhook.delivered} of ${N}, ${webhook.duplicates} duplicates | ${email.delivered} of ${N} |`,
  `| first notification after | ${f(webhook.firstSeconds, 2)} s | ${f(email.firstSeconds, 2)} s |`,
  `| all delivered after | **${f(webhook.seconds)} s** | **${f(email.seconds)} s** |`,
  `| notifications per second (queue, claim in D1, send, record) | **${f(webhook.perSecond, 0)}/s** | **${f(email.perSecond, 0)}/s** |`,
  `| workerd CPU ms per notification | ${perMsg(webhook)} | ${perMsg(email)} |`,
  `| bare loop, ${CONCURRENCY} at a time | ${f(webhook.bare.perSecond, 0)}/s (Node posting ${webhook.bodyBytes} bytes to the same server) | ${f(email.bare.perSecond, 0)}/s (a worker, requests of 100; ${perMsg(email.bare)} CPU ms per email${email.sampleFromExplorer ? ", the same email as sent" : ", an email of the same shape"}) |`,
  `| ratio | **${f(webhook.ratio, 2)}×** | **${f(email.ratio, 2)}×** |`,
  `| consumer invocations (messages) | ${webhook.queue.invocations} (${webhook.queue.messages}) | ${email.queue.invocations} (${email.queue.messages}) |`,
  "",
  `Each consumer invocation takes a batch of up to 100 deliver messages: one D1 read of the recipients, every idempotency claim in one statement, up to ${CONCURRENCY} sends in flight, every outcome in one statement. A fan-out step reads 5,000 subscribers and sends their messages with \`sendBatch\` (100 a call); \`max_concurrency\` in wrangler.toml lets Cloudflare run batches side by side.`,
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
