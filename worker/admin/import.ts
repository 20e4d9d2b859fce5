// The import and the export, for operators: `POST /admin/api/import` (scripts/import.mjs, and the admin's
// form through the same function) and `GET /admin/api/pages/:page/export`. An import names the page by
// its slug and creates it (as admin's page creation does) when there is none; the operator must be
// allowed on it. Mounted by worker/routes/admin.ts behind the bearer token, operator keys or Access.
import { type Context, Hono } from "hono";
import { z } from "zod";
import { pageByRef } from "../../db/pages";
import type { AdminEnv } from "../auth";
import { baseUrl } from "../cache";
import { HttpError } from "../errors";
import { exportPage } from "../import/export";
import { readSource, subscribersFromCsv } from "../import/source";
import { type ImportDocument, type ImportResult, importDocument, importPage } from "../import/statuspage";
import { sendEmail } from "../notify/email";
import { confirmationEmail } from "../subscriptions/confirmation";
import { jsonBody, validate } from "../validate";
import { type AdminCtx, adminContext } from "./catalog";
import { createPage, mayTouch, type PageJson, resolvePage } from "./pages";
import { slugSchema } from "./schemas";

export const importApi = new Hono<AdminEnv>();

const importRequest = importDocument.extend({
  /** The page to import into, by slug: made when there is none. */
  page_slug: slugSchema,
  /** Its name when it is made (default: the source page's name). */
  page_name: z.string().trim().min(1).max(120).optional(),
});

/** The page an import goes to (made when new), as the operator may touch it. */
async function targetPage(c: Context<AdminEnv>, slug: string, name: string): Promise<PageJson> {
  const ctx = adminContext(c.env, c.get("actor"), baseUrl(c));
  const pages = c.get("pages") ?? null;
  const exists = !!(await pageByRef(c.env.DB, slug));
  if (!exists && pages !== null) throw new HttpError(403, `there is no page ${slug}, and only an operator of every page may make one`, "page_slug");
  const page = exists ? await resolvePage(c.env.DB, slug) : await createPage(ctx, { name, slug });
  if (!mayTouch(pages, page.id)) throw new HttpError(403, `you may not touch page ${page.slug}`, "page_slug");
  return page;
}

/** Runs an import into the page, and sends the new pending subscribers their confirmation email after the answer. */
export async function runImport(c: Context<AdminEnv>, doc: ImportDocument & { page_slug: string; page_name?: string }) {
  const page = await targetPage(c, doc.page_slug, doc.page_name ?? doc.page?.name ?? doc.page_slug);
  const ctx: AdminCtx = adminContext(c.env, c.get("actor"), baseUrl(c), page.id);
  const { pending, ...result }: ImportResult = await importPage(ctx, doc);
  if (pending.length) {
    const base = baseUrl(c);
    c.executionCtx.waitUntil(
      (async () => {
        for (const s of pending) {
          const mail = confirmationEmail({ to: s.email, pageName: page.name, lang: "en", base, token: s.token });
          await sendEmail(c.env, mail).catch((err: unknown) => console.error("confirmation email failed", { subscriber: s.id, error: String(err) }));
        }
      })(),
    );
  }
  return { page, imported: result };
}

/** A body with `subscribers_csv` (Statuspage's subscriber export) has its rows read into `subscribers`. */
function withCsv(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || !("subscribers_csv" in raw)) return raw;
  const { subscribers_csv: csv, ...rest } = raw as Record<string, unknown>;
  if (typeof csv !== "string") throw new HttpError(400, "`subscribers_csv` must be the CSV's text", "subscribers_csv");
  const given = Array.isArray((rest as { subscribers?: unknown }).subscribers) ? (rest as { subscribers: unknown[] }).subscribers : [];
  return { ...rest, subscribers: [...given, ...subscribersFromCsv(csv)] };
}

importApi.post("/import", async (c) => c.json(await runImport(c, validate(importRequest, withCsv(await jsonBody(c.req)))), 201));

/** The admin form's import: the worker reads the source page itself. */
export async function importFromUrl(c: Context<AdminEnv>, form: { url: string; slug: string; name?: string; csv?: string; confirm: boolean }) {
  const source = await readSource(c.env, form.url);
  return runImport(
    c,
    validate(
      importRequest,
      withCsv({ ...source, page_slug: form.slug, page_name: form.name, confirm_subscribers: form.confirm, ...(form.csv ? { subscribers_csv: form.csv } : {}) }),
    ),
  );
}

importApi.get("/pages/:page/export", async (c) => {
  const page = await resolvePage(c.env.DB, c.req.param("page"));
  if (!mayTouch(c.get("pages") ?? null, page.id)) throw new HttpError(403, `you may not touch page ${page.slug}`, "page");
  const source = page.id === 1 ? baseUrl(c) : `${baseUrl(c)}/p/${page.slug}`;
  const doc = await exportPage(adminContext(c.env, c.get("actor"), baseUrl(c), page.id), source);
  c.header("Content-Disposition", `attachment; filename="${page.slug}-export-${doc.exported_at.slice(0, 10)}.json"`);
  return c.json(doc);
});
