// A page's export: its public v2 documents in full (every group and component, every published incident
// and maintenance with all its updates, not only the latest 50) and its subscribers, in the shape the
// import takes (worker/import/statuspage.ts), so an export is imported back as it is.
import { pageSubscribers } from "../../db/import";
import { getIncidents } from "../../db/queries";
import { readPageSettings } from "../../db/settings";
import { componentsOnPage } from "../../db/v1";
import type { AdminCtx } from "../admin/catalog";

const EVERY = 100_000;

export async function exportPage(ctx: AdminCtx, source: string) {
  const db = ctx.env.DB;
  const settings = await readPageSettings(db, ctx.page);
  const read = { settings, baseUrl: source };
  const [components, incidents, maintenances, subscribers] = await Promise.all([
    componentsOnPage(db, ctx.page, settings.pageId),
    getIncidents(db, read, { where: "i.page = ?1 AND i.kind = 'incident'", params: [ctx.page], limit: EVERY }),
    getIncidents(db, read, { where: "i.page = ?1 AND i.kind = 'maintenance'", params: [ctx.page], limit: EVERY }),
    pageSubscribers(db, ctx.page),
  ]);
  return {
    format: "statuspage-v2-export",
    version: 1,
    exported_at: new Date().toISOString(),
    source,
    page: { name: settings.name, url: settings.url, time_zone: settings.timeZone },
    components,
    incidents,
    scheduled_maintenances: maintenances,
    subscribers: subscribers.map((s) => ({
      email: s.email,
      endpoint: s.webhookUrl,
      components: s.componentIds ? (JSON.parse(s.componentIds) as string[]) : null,
      confirmed: s.confirmedAt !== null,
    })),
  };
}
