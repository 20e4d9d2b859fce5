// npm run import -- <page URL | export.json> [--target URL] [--token TOKEN] [--page SLUG] [--name NAME]
//                   [--subscribers FILE.csv] [--confirm-subscribers]
//
// Imports a Statuspage page (any public one, or one of this project's) into a page of this install. It
// reads the source's public v2 API from this machine (summary.json, components.json, every page of
// incidents.json it serves, scheduled-maintenances.json), or an export (GET /admin/api/pages/:page/export)
// saved to a file, and sends it to the target's POST /admin/api/import in pieces under the admin's 64 KB
// body limit. The target maps every source id, so running it again adds only what is new.
// --target defaults to http://localhost:8787 (npm start), --token to ADMIN_TOKEN or .dev.vars.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT } from "./lib.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    target: { type: "string", default: "http://localhost:8787" },
    token: { type: "string" },
    page: { type: "string" },
    name: { type: "string" },
    subscribers: { type: "string" },
    "confirm-subscribers": { type: "boolean", default: false },
  },
});

const from = positionals[0];
if (!from) {
  console.error(
    "usage: npm run import -- <https URL of a Statuspage page | export.json> [--target URL] [--token TOKEN] [--page SLUG] [--name NAME] [--subscribers FILE.csv] [--confirm-subscribers]",
  );
  process.exit(2);
}

function token() {
  if (values.token) return values.token;
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN;
  const file = join(ROOT, ".dev.vars");
  const m = existsSync(file) ? /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync(file, "utf8")) : null;
  if (!m) throw new Error("no token: pass --token, or set ADMIN_TOKEN (npm start writes one to .dev.vars)");
  return m[1].trim();
}

async function getJson(url) {
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json();
}

/** The source's v2 documents: every incident it serves, page after page, until a page brings nothing new. */
async function readSource(url) {
  const base = url.replace(/\/+$/, "").replace(/\/api\/v2(\/.*)?$/, "");
  const summary = await getJson(`${base}/api/v2/summary.json`);
  const { components } = await getJson(`${base}/api/v2/components.json`);
  const incidents = [];
  const seen = new Set();
  for (let page = 1; page <= 40; page++) {
    const batch = (await getJson(`${base}/api/v2/incidents.json${page > 1 ? `?page=${page}` : ""}`)).incidents ?? [];
    const fresh = batch.filter((i) => !seen.has(i.id));
    for (const i of fresh) seen.add(i.id);
    incidents.push(...fresh);
    if (!fresh.length || batch.length < 50) break;
  }
  const { scheduled_maintenances } = await getJson(`${base}/api/v2/scheduled-maintenances.json`);
  return { source: base, page: summary.page, components, incidents, scheduled_maintenances };
}

const slugify = (s) =>
  s
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63) || "imported";

const LIMIT = 60_000;
const size = (v) => Buffer.byteLength(JSON.stringify(v));

/** Items in pieces whose JSON stays under the limit beside `base`. */
function pieces(items, base) {
  const out = [];
  let current = [];
  for (const item of items) {
    if (size(base) + size(item) > LIMIT) throw new Error(`one item is larger than ${LIMIT} bytes (${item.id ?? item.email ?? "?"}): too large for one request`);
    if (current.length && size(base) + size([...current, item]) > LIMIT) {
      out.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length) out.push(current);
  return out;
}

const doc = /\.json$/i.test(from) && existsSync(from) ? JSON.parse(readFileSync(from, "utf8")) : await readSource(from);
const pageName = values.name ?? doc.page?.name ?? new URL(doc.source).hostname;
const common = {
  source: doc.source,
  page_slug: values.page ?? slugify(pageName),
  page_name: pageName,
  confirm_subscribers: values["confirm-subscribers"],
};
const target = values.target.replace(/\/+$/, "");
const auth = token();
const totals = {};

async function send(body) {
  const res = await fetch(`${target}/admin/api/import`, {
    method: "POST",
    headers: { Authorization: `Bearer ${auth}`, "Content-Type": "application/json" },
    body: JSON.stringify({ ...common, ...body }),
  });
  const answer = await res.json().catch(() => ({}));
  if (res.status !== 201) throw new Error(`${target}/admin/api/import answered ${res.status}: ${answer.error ?? JSON.stringify(answer)}`);
  for (const [k, v] of Object.entries(answer.imported)) totals[k] = (totals[k] ?? 0) + v;
  return answer;
}

// Components first (incidents name them), then incidents and maintenances, then subscribers.
const first = await send({ page: doc.page, components: doc.components ?? [] });
for (const part of pieces(doc.incidents ?? [], common)) await send({ incidents: part });
for (const part of pieces(doc.scheduled_maintenances ?? [], common)) await send({ scheduled_maintenances: part });
const fromExport = (doc.subscribers ?? []).map((s) => ({ email: s.email, endpoint: s.endpoint ?? null, components: s.components ?? null }));
for (const part of pieces(fromExport, common)) await send({ subscribers: part });
if (values.subscribers) {
  const [header, ...lines] = readFileSync(values.subscribers, "utf8")
    .split(/\r?\n/)
    .filter((l) => l.trim());
  for (const part of pieces(lines, { ...common, subscribers_csv: header })) await send({ subscribers_csv: [header, ...part].join("\n") });
}

const page = first.page;
console.log(`Imported ${doc.source} into page ${page.slug} (${page.name}) on ${target}:`);
for (const [k, v] of Object.entries(totals)) console.log(`  ${k.padEnd(13)} ${v}`);
