// Server-rendered public pages the static build cannot know about: the permalink of an incident or
// maintenance that is still open or was opened after the last build. Static assets are served first,
// so this runs only when site/dist has no incidents/<id>.html. Same markup as the build
// (site/src/lib/render.ts), every value escaped there; cached like the API (worker/cache.ts).
import { type Context, Hono } from "hono";
import { getIncident, getPage } from "../../db/queries";
import { incidentPageHtml, notFoundPageHtml } from "../../site/src/lib/render";
import { cachedPublic } from "../cache";
import type { AppEnv } from "../env";

export const pages = new Hono<AppEnv>();

const HTML = "text/html; charset=utf-8";

const incidentPage = (c: Context<AppEnv>) =>
  cachedPublic(c, async (base) => {
    const id = c.req.param("id") ?? "";
    const now = new Date().toISOString();
    const found = /^[a-z0-9]{1,64}$/.test(id) ? await getIncident(c.env.DB, base, id) : null;
    if (!found) {
      const page = await getPage(c.env.DB, base);
      return { body: notFoundPageHtml(page, id, now), contentType: HTML, status: 404 };
    }
    return { body: incidentPageHtml(found.page, found.incident, now), contentType: HTML };
  });

pages.get("/incidents/:id", incidentPage);
pages.get("/incidents/:id/", incidentPage);
