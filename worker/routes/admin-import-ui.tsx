/** The admin UI's Import page: the form, and the import it runs (worker/admin/import.ts, as the API and npm run import). */
import { type Context, Hono } from "hono";
import { importFromUrl } from "../admin/import";
import { page } from "../admin/layout";
import { ImportPage } from "../admin/views-import";
import type { AdminEnv } from "../auth";
import { HttpError } from "../errors";

export const importUi = new Hono<AdminEnv>();

const show = (c: Context<AdminEnv>, props: Omit<Parameters<typeof ImportPage>[0], "actor">, status: 200 | 400 | 403 | 409 = 200) =>
  page(c, <ImportPage actor={c.get("actor")} {...props} />, status);

importUi.get("/import", (c) => show(c, { flash: {}, values: {} }));

importUi.post("/import", async (c) => {
  const form = await c.req.parseBody();
  const text = (k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");
  const values = { url: text("url"), slug: text("slug"), name: text("name") };
  try {
    const { page: target, imported } = await importFromUrl(c, {
      url: values.url,
      slug: values.slug,
      name: values.name || undefined,
      csv: text("csv") || undefined,
      confirm: text("confirm") === "1",
    });
    return show(c, { flash: { ok: "Imported." }, values, imported: { ...imported }, pageSlug: target.slug });
  } catch (err) {
    if (err instanceof HttpError && (err.status === 400 || err.status === 403 || err.status === 409))
      return show(c, { flash: { error: err.message }, values }, err.status);
    throw err;
  }
});
