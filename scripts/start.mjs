// npm start: install if needed, migrate and seed the local D1, build the worker once, serve everything,
// and run its every-minute cron (wrangler dev runs none on its own).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSite, ensureInstalled, prepareDatabase, ROOT, startWorker } from "./lib.mjs";

ensureInstalled();
const port = Number(process.env.PORT ?? 8787);
const persistTo = join(ROOT, ".wrangler", "state");
const base = `http://localhost:${port}`;

function adminToken() {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  const file = join(ROOT, ".dev.vars");
  const existing = existsSync(file)
    ? /^ADMIN_TOKEN=(.+)$/m
        .exec(readFileSync(file, "utf8"))?.[1]
        ?.trim()
        .replace(/^"(.*)"$/, "$1")
    : undefined;
  // A token from before the 32-character minimum is replaced, not kept.
  if (existing && existing.length >= 32) return existing;
  const token = randomBytes(32).toString("hex"); // 64 characters: the worker refuses fewer than 32
  const others = existsSync(file) ? readFileSync(file, "utf8").replace(/^ADMIN_TOKEN=.*\n?/m, "") : "";
  writeFileSync(file, `${others}ADMIN_TOKEN=${token}\n`, { mode: 0o600 });
  return token;
}

const token = adminToken();
if (token.length < 32) {
  console.error(
    "ADMIN_TOKEN is shorter than 32 characters: the admin would refuse it. Unset it (npm start then makes one) or set a longer one, e.g. `openssl rand -hex 32`.",
  );
  process.exit(1);
}
console.log("Applying migrations and demo data to the local D1…");
prepareDatabase(persistTo);
console.log("Building the worker and its pages…");
const config = buildSite();
// Notifications locally: links in them point here, and channels may post to capture servers on
// 127.0.0.1 over http (OUTBOUND_ALLOW_LOOPBACK; never set in production).
const worker = await startWorker({
  port,
  persistTo,
  adminToken: token,
  log: true,
  config,
  extraVars: { PUBLIC_URL: base, OUTBOUND_ALLOW_LOOPBACK: "1" },
});

// The cron, as Cloudflare runs it: at the start of every minute (maintenance windows, auto-resolve,
// silent integrations).
const cron = () => worker.scheduled().catch((err) => console.error("cron run failed", String(err)));
setTimeout(
  () => {
    cron();
    setInterval(cron, 60_000);
  },
  60_000 - (Date.now() % 60_000),
);

const GENERIC = "demogenerickey000000000000000000";
const curl = (action) =>
  `curl -X POST ${base}/hooks/generic/${GENERIC} -H 'Content-Type: application/json' \\\n    -d '{"dedup_key":"demo-api-5xx","action":"${action}","severity":"critical","summary":"API error rate above 20%","details":"Elevated 5xx responses from the API."}'`;
console.log(`
  Status page   ${base}/
  Public API    ${base}/api/v2/summary.json
  Admin         ${base}/admin   (token: ${process.env.ADMIN_TOKEN ? "from ADMIN_TOKEN" : token})

  Local emails  ${base}/cdn-cgi/local/explorer/api/local/email/sending   (notifications and confirmations)
  Channels      ${base}/admin/channels   (notification log: ${base}/admin/notifications)

  Demo webhook URLs (demo keys, local only):
    Datadog       ${base}/hooks/datadog/demodatadogkey000000000000000000
    Uptrends      ${base}/hooks/uptrends/demouptrendskey00000000000000000
    Alertmanager  ${base}/hooks/alertmanager/demoalertmanagerkey0000000000000
    Grafana       ${base}/hooks/grafana/demografanakey000000000000000000
    Uptime Kuma   ${base}/hooks/uptime-kuma/demouptimekumakey000000000000000
    Generic JSON  ${base}/hooks/generic/${GENERIC}
    PagerDuty v2  ${base}/v2/enqueue   (routing_key demopagerdutykey0000000000000000)

  Open a demo incident on the API component:
    ${curl("trigger")}
  Recover it:
    ${curl("resolve")}
`);
const shutdown = () => {
  worker.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
await new Promise(() => {});
