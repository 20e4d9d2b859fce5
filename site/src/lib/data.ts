// Build-time access to the read model: the local D1 through wrangler's platform proxy (or the deployed
// one when WRANGLER_REMOTE=1). Read once per build and shared by every page.
import { getPlatformProxy } from "wrangler";
import {
  type ComponentUptime,
  getHistory,
  getSummary,
  getUptime,
  type IncidentJson,
  type SummaryJson,
} from "../../../db/queries";

export interface SiteData {
  builtAt: string;
  summary: SummaryJson;
  uptime: Record<string, ComponentUptime>;
  /** Incidents and begun maintenances, newest first. */
  history: IncidentJson[];
}

/** How many past incidents the history page and the permalink pages cover. */
const HISTORY_LIMIT = 1000;

let loaded: Promise<SiteData> | undefined;

export function loadSiteData(): Promise<SiteData> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<SiteData> {
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath: process.env.WRANGLER_CONFIG ?? "wrangler.toml",
    persist: { path: process.env.WRANGLER_PERSIST ?? ".wrangler/state/v3" },
    // npm run deploy builds from the deployed database.
    remoteBindings: process.env.WRANGLER_REMOTE === "1",
  });
  try {
    const base = process.env.PUBLIC_URL ?? "";
    const now = new Date();
    const [summary, uptime, { incidents: history }] = await Promise.all([
      getSummary(proxy.env.DB, base),
      getUptime(proxy.env.DB, { now }),
      getHistory(proxy.env.DB, base, HISTORY_LIMIT),
    ]);
    return { builtAt: now.toISOString(), summary, uptime, history };
  } finally {
    await proxy.dispose();
  }
}
