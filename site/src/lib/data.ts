// The pages' access to the read model (db/queries.ts): the worker's own D1 binding, read on every
// request. Nothing is kept between requests; the edge cache in front (worker/cache.ts) is what spares D1.
// The page settings come with the request (db/settings.ts settingsFor: the worker read them once for
// it), and each page's reads go to D1 as one batch.
import { env } from "cloudflare:workers";
import { type BrandJson, brandOf, type ComponentJson, type IncidentJson, type PageJson, type SummaryJson } from "../../../db/public-json";
import { componentsRead, getHistory, getIncident, getPage, historyRead, pageRead, type ReadContext, summaryOf, summaryReads } from "../../../db/queries";
import { readAll } from "../../../db/reads";
import { settingsFor, sharedPrefix } from "../../../db/settings";
import { type ComponentUptime, uptimeRead } from "../../../db/uptime";
import { isLanguage, type Language, PAGE_LANGUAGE_HEADER } from "../../../i18n";

const db = (): D1Database => (env as { DB: D1Database }).DB;

/**
 * What the read model reads against: the request's page settings, and as the base URL links are built
 * with, the origin the page is rendered against and the page's prefix when the reader came by it.
 */
const contextOf = async (request: Request): Promise<ReadContext> => ({
  settings: await settingsFor(db(), request),
  baseUrl: `${new URL(request.url).origin}${sharedPrefix(request)}`,
});

/** How many past incidents the history page lists. */
const HISTORY_LIMIT = 1000;
/** Days of past incidents on the overview, today included. */
export const RECENT_DAYS = 7;
/** Days ahead the overview shows scheduled maintenance. */
export const UPCOMING_DAYS = 7;
const DAY_MS = 86_400_000;

export interface Overview {
  now: Date;
  summary: SummaryJson;
  uptime: Record<string, ComponentUptime>;
  /** Incidents and begun maintenances of the last RECENT_DAYS UTC days, newest first. */
  recent: IncidentJson[];
}

/** The overview's data in one batch: the summary's parts, the uptime and the recent history. */
export async function loadOverview(request: Request): Promise<Overview> {
  const ctx = await contextOf(request);
  const now = new Date();
  const since = new Date(Date.parse(now.toISOString().slice(0, 10)) - (RECENT_DAYS - 1) * DAY_MS).toISOString();
  const { uptime, recent, ...summary } = await readAll(db(), {
    ...summaryReads(db(), ctx),
    uptime: uptimeRead(db(), { now, page: ctx.settings.id }),
    recent: historyRead(db(), ctx, HISTORY_LIMIT, { since }),
  });
  return { now, summary: summaryOf(summary), uptime, recent };
}

export async function loadHistory(request: Request): Promise<{ page: PageJson; history: IncidentJson[] }> {
  const { page, incidents } = await getHistory(db(), await contextOf(request), HISTORY_LIMIT);
  return { page, history: incidents };
}

/** An incident or maintenance with its page, or only the page when there is none with that id. */
export async function loadIncident(request: Request, id: string): Promise<{ page: PageJson; incident: IncidentJson | null }> {
  const ctx = await contextOf(request);
  return /^[a-z0-9]{1,64}$/.test(id) ? getIncident(db(), ctx, id) : { page: await getPage(db(), ctx), incident: null };
}

export const loadPage = async (request: Request): Promise<PageJson> => getPage(db(), await contextOf(request));

/** The reader's language (the worker chose it: worker/visibility.ts) and the page's brand. */
export async function loadLook(request: Request): Promise<{ lang: Language; brand: BrandJson }> {
  const brand = brandOf(await settingsFor(db(), request));
  const asked = request.headers.get(PAGE_LANGUAGE_HEADER);
  const lang = isLanguage(asked) ? asked : isLanguage(brand.language) ? brand.language : "en";
  return { lang, brand };
}

/** The subscribe form's choices: the components in page order, and the Turnstile site key when it is on. */
export async function loadSubscribe(request: Request): Promise<{ page: PageJson; components: ComponentJson[]; turnstileSiteKey: string | null }> {
  const ctx = await contextOf(request);
  const { page, components } = await readAll(db(), { page: pageRead(db(), ctx), components: componentsRead(db(), ctx.settings.pageId, ctx.settings.id) });
  return { page, components, turnstileSiteKey: ctx.settings.turnstileSiteKey || null };
}
