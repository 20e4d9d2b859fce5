// Build-time access to the read model: the local D1 through wrangler's platform proxy.
import { getPlatformProxy } from "wrangler";
import { getSummary, type SummaryJson } from "../../../db/queries";

export async function loadSummary(): Promise<SummaryJson> {
  const proxy = await getPlatformProxy<{ DB: D1Database }>({
    configPath: process.env.WRANGLER_CONFIG ?? "wrangler.toml",
    persist: { path: process.env.WRANGLER_PERSIST ?? ".wrangler/state/v3" },
    // npm run deploy builds from the deployed database.
    remoteBindings: process.env.WRANGLER_REMOTE === "1",
  });
  try {
    return await getSummary(proxy.env.DB, process.env.PUBLIC_URL ?? "");
  } finally {
    await proxy.dispose();
  }
}
