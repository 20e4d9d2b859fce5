// The pages' access to the read model (db/queries.ts): the worker's own D1 binding, read on every
// request. Nothing is kept between requests; the edge cache in front (worker/cache.ts) is what spares D1.
import { env } from "cloudflare:workers";
import {
  type BrandJson,
  type ComponentJson,
  type ComponentUptime,
  getBrand,
  getComponents,
  getHistory,
  getIncident,
  getPage,
  getSummary,
  getUptime,
  type IncidentJson,
  type PageJson,
  type SummaryJson,
} from "../../../db/queries";
import { turnstileSiteKey } from "../../../db/subscribers";
import { isLanguage, type Language, PAGE_LANGUAGE_HEADER } from "../../../i18n";

const db = (): D1Database => (env as { DB: D1Database }).DB;

/** The base URL the read model builds links with: the origin the page is rendered against. */
const baseOf = (url: URL) => url.origin;

/** How many past incidents the history page lists. */
const HISTORY_LIMIT = 1000;
/** Days of past incidents on the overview, today included. */
export const RECENT_DAYS = 7;
const DAY_MS = 86_400_000;

export interface Overview {
  now: Date;
  summary: SummaryJson;
  uptime: Record<string, ComponentUptime>;
  /** Incidents and begun maintenances of the last RECENT_DAYS UTC days, newest first. */
  recent: IncidentJson[];
}

export async function loadOverview(url: URL): Promise<Overview> {
  const now = new Date();
  const since = new Date(Date.parse(now.toISOString().slice(0, 10)) - (RECENT_DAYS - 1) * DAY_MS).toISOString();
  const [summary, uptime, { incidents: recent }] = await Promise.all([
    getSummary(db(), baseOf(url)),
    getUptime(db(), { now }),
    getHistory(db(), baseOf(url), HISTORY_LIMIT, { since }),
  ]);
  return { now, summary, uptime, recent };
}

export async function loadHistory(url: URL): Promise<{ page: PageJson; history: IncidentJson[] }> {
  const { page, incidents } = await getHistory(db(), baseOf(url), HISTORY_LIMIT);
  return { page, history: incidents };
}

/** An incident or maintenance with its page, or only the page when there is none with that id. */
export async function loadIncident(url: URL, id: string): Promise<{ page: PageJson; incident: IncidentJson | null }> {
  const found = /^[a-z0-9]{1,64}$/.test(id) ? await getIncident(db(), baseOf(url), id) : null;
  return found ?? { page: await getPage(db(), baseOf(url)), incident: null };
}

export const loadPage = (url: URL): Promise<PageJson> => getPage(db(), baseOf(url));

/** The reader's language (the worker chose it: worker/visibility.ts) and the page's brand. */
export async function loadLook(request: Request): Promise<{ lang: Language; brand: BrandJson }> {
  const brand = await getBrand(db());
  const asked = request.headers.get(PAGE_LANGUAGE_HEADER);
  const lang = isLanguage(asked) ? asked : isLanguage(brand.language) ? brand.language : "en";
  return { lang, brand };
}

/** The subscribe form's choices: the components in page order, and the Turnstile site key when it is on. */
export async function loadSubscribe(url: URL): Promise<{ page: PageJson; components: ComponentJson[]; turnstileSiteKey: string | null }> {
  const page = await getPage(db(), baseOf(url));
  const [components, siteKey] = await Promise.all([getComponents(db(), page.id), turnstileSiteKey(db())]);
  return { page, components, turnstileSiteKey: siteKey };
}
