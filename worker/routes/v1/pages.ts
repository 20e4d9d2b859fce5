// /v1/pages and /v1/pages/:page_id: the pages a key may touch, and their name, URL and time zone. The
// rest of a page's settings (brand, visibility, host names) are the admin's.
import { type Context, Hono } from "hono";
import { listPages } from "../../../db/pages";
import { getSettings, putSettings } from "../../admin/catalog";
import { type SettingsPut, settingsPut } from "../../admin/schemas";
import { pageInPath } from "../../v1/auth";
import { type V1Env, v1Ctx } from "../../v1/context";
import { pagePatch } from "../../v1/schemas";
import { v1Page } from "../../v1/shapes";
import { json, validate } from "../../validate";

export const pages = new Hono<V1Env>();

async function pageJson(c: Context<V1Env>, page: number, pageId: string) {
  const s = await getSettings(c.env.DB, page);
  const times = await c.env.DB.prepare(
    `SELECT coalesce((SELECT min(created_at) FROM components WHERE page = ?2), ?1) AS created,
       max(coalesce((SELECT updated_at FROM page_settings WHERE id = ?2), ''), coalesce((SELECT max(updated_at) FROM components WHERE page = ?2), '')) AS updated`,
  )
    .bind(new Date(0).toISOString(), page)
    .first<{ created: string; updated: string }>();
  return v1Page({ ...s, page_id: pageId }, new URL(v1Ctx(c).base).host, times!.created, times!.updated || times!.created);
}

pages.get("/pages", async (c) => {
  const allowed = c.get("pages");
  const all = (await listPages(c.env.DB)).filter((p) => !allowed || allowed.includes(p.id));
  return c.json(await Promise.all(all.map((p) => pageJson(c, p.id, p.pageId))));
});

pages.get("/pages/:page_id", pageInPath, async (c) => c.json(await pageJson(c, c.get("target").page, c.get("target").pageId)));

const patchPage = async (c: Context<V1Env>, patch: { name?: string; url?: string; time_zone?: string }) => {
  if (patch.name !== undefined || patch.url !== undefined || patch.time_zone !== undefined) {
    const { page_password_set: _set, page_id: _id, ...current } = await getSettings(c.env.DB, c.get("target").page);
    const next: SettingsPut = {
      ...current,
      language: current.language as SettingsPut["language"],
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    };
    // The admin's own checks (a known time zone, an https URL), naming the field.
    await putSettings(v1Ctx(c), validate(settingsPut, next));
  }
  return c.json(await pageJson(c, c.get("target").page, c.get("target").pageId));
};
pages.patch("/pages/:page_id", pageInPath, ...json(pagePatch), (c) => patchPage(c, c.req.valid("json").page));
pages.put("/pages/:page_id", pageInPath, ...json(pagePatch), (c) => patchPage(c, c.req.valid("json").page));
