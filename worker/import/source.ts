// Reading a source page for the admin's import form: its public v2 API, fetched by the worker (public
// https hosts only, no redirects followed, as every outbound request here), and the subscriber CSV an
// operator pastes. scripts/import.mjs does the same reading from the operator's machine instead.
import { csvParseRows } from "d3-dsv";
import type { Env } from "../env";
import { HttpError } from "../errors";
import { checkOutboundTarget } from "../notify/outbound";

/** Pages of incidents.json read at most: Statuspage serves 50 a page with `?page=`; a source that ignores it stops the reading at its second page. */
const MAX_PAGES = 40;
const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

async function getJson(env: Env, url: string): Promise<unknown> {
  await checkOutboundTarget(env, url, "url");
  const res = await fetch(url, { redirect: "manual", headers: { Accept: "application/json" } });
  if (!res.ok) throw new HttpError(400, `\`url\`: ${url} answered ${res.status}`, "url");
  const text = await res.text();
  if (text.length > MAX_DOCUMENT_BYTES) throw new HttpError(400, `\`url\`: ${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`, "url");
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, `\`url\`: ${url} is not JSON: is it a Statuspage page?`, "url");
  }
}

const listOf = (doc: unknown, key: string): Array<{ id: string }> => {
  const list = (doc as Record<string, unknown> | null)?.[key];
  return Array.isArray(list) ? (list as Array<{ id: string }>) : [];
};

/** A page's v2 documents: every group and component, every incident it serves (all pages of incidents.json) and its maintenances. */
export async function readSource(env: Env, pageUrl: string) {
  const base = pageUrl.replace(/\/+$/, "").replace(/\/api\/v2(\/.*)?$/, "");
  const summary = (await getJson(env, `${base}/api/v2/summary.json`)) as { page?: { name?: string; url?: string; time_zone?: string } };
  const components = listOf(await getJson(env, `${base}/api/v2/components.json`), "components");
  const incidents: Array<{ id: string }> = [];
  const seen = new Set<string>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const batch = listOf(await getJson(env, `${base}/api/v2/incidents.json${page > 1 ? `?page=${page}` : ""}`), "incidents");
    const fresh = batch.filter((i) => !seen.has(i.id));
    for (const i of fresh) seen.add(i.id);
    incidents.push(...fresh);
    if (!fresh.length || batch.length < 50) break;
  }
  const maintenances = listOf(await getJson(env, `${base}/api/v2/scheduled-maintenances.json`), "scheduled_maintenances");
  return { source: base, page: summary.page, components, incidents, scheduled_maintenances: maintenances };
}

/**
 * Subscribers from Statuspage's subscriber CSV export: the email column, the webhook endpoint if any
 * (an SMS or Slack subscriber is left out: there is neither here), and the components (ids or names,
 * separated by `;`, `|` or `,`). Columns are found by their header, in any order and case.
 */
export function subscribersFromCsv(csv: string): Array<{ email: string; endpoint: string | null; components: string[] | null }> {
  // Rows as arrays (d3-dsv's csvParse builds its row objects with `new Function`, which Workers refuse).
  const [header = [], ...lines] = csvParseRows(csv.trim());
  const rows = lines.map((line) => Object.fromEntries(header.map((h, i) => [h, line[i] ?? ""])) as Record<string, string>);
  const column = (re: RegExp) => header.find((c) => re.test(c));
  const email = column(/e-?mail/i);
  if (!email) throw new HttpError(400, "`subscribers_csv` has no email column (its first line must name the columns)", "subscribers_csv");
  const endpoint = column(/endpoint|webhook/i);
  const type = column(/^(subscriber )?(type|mode)$/i);
  const comps = column(/component/i);
  return rows
    .filter((r) => !type || /^(email|webhook|)$/i.test((r[type] ?? "").trim()))
    .filter((r) => (r[email] ?? "").trim())
    .map((r) => {
      const list = comps
        ? (r[comps] ?? "")
            .split(/[;|,]/)
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
      return { email: r[email]!.trim(), endpoint: endpoint ? r[endpoint]?.trim() || null : null, components: list.length ? list : null };
    });
}
