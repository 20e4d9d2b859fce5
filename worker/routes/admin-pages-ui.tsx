// The admin UI's pages: which page the admin acts on (a cookie, checked against the operator's pages on
// every request), the switch between pages, and the Pages page (pages, host names, operator keys).
import { type Context, Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { page } from "../admin/layout";
import { createOperatorKey, createPage, deletePage, listOperatorKeys, mayTouch, revokeOperatorKey, updatePage, visiblePages } from "../admin/pages";
import * as s from "../admin/schemas";
import { MessagePage } from "../admin/views-logs";
import { PagesPage } from "../admin/views-pages";
import type { AdminEnv } from "../auth";
import { HttpError } from "../errors";
import { validate } from "../validate";
import { common, ctxOf, Form, formRoutes, requireConfirm } from "./admin-ui-forms";

export const pagesUi = new Hono<AdminEnv>();
const forms = formRoutes(pagesUi);

/** The admin's selected page: a page id, not a secret; Strict, so no other site sets it through a form. */
const PAGE_COOKIE = "admin_page";
/** UI paths that are the install's, not a page's: for operators of every page only. */
const INSTALL_WIDE = /^\/admin\/(integrations|deliveries|audit|ingest|keys)(\/|$)|^\/admin\/pages$/;

/** Sets the page the UI acts on (the cookie's, if the operator may touch it, else their first) and refuses what is not theirs. */
export async function selectPage(c: Context<AdminEnv>, next: () => Promise<void>) {
  const pages = c.get("pages") ?? null;
  const refuse = (message: string) => {
    c.res = new Response(null);
    return page(c, <MessagePage title="Refused" message={message} />, 403);
  };
  if (pages !== null && INSTALL_WIDE.test(c.req.path) && !(c.req.path === "/admin/pages" && c.req.method === "GET")) {
    c.res = await refuse(`This operator may touch page${pages.length === 1 ? "" : "s"} ${pages.join(", ") || "(none)"} only: this is for every page.`);
    return;
  }
  const choices = await visiblePages(c.env.DB, pages);
  if (!choices.length) {
    c.res = await refuse("This operator may touch no page.");
    return;
  }
  const wanted = Number(getCookie(c, PAGE_COOKIE));
  const selected = choices.find((p) => p.id === wanted) ?? choices[0]!;
  c.set("page", selected.id);
  c.set(
    "pageChoices",
    choices.map((p) => ({ id: p.id, name: p.name })),
  );
  await next();
}

pagesUi.post("/page", async (c) => {
  const f = new Form(await c.req.parseBody({ all: true }));
  const id = Number(f.str("page"));
  if (!Number.isInteger(id) || !c.get("pageChoices").some((p) => p.id === id) || !mayTouch(c.get("pages"), id))
    throw new HttpError(404, "no such page for this operator", "page");
  setCookie(c, PAGE_COOKIE, String(id), { path: "/admin", httpOnly: true, secure: true, sameSite: "Strict" });
  const back = c.req.header("referer");
  const path = back && new URL(back).origin === new URL(c.req.url).origin ? new URL(back).pathname : "/admin";
  return c.redirect(path.startsWith("/admin") && path !== "/admin/login" ? path : "/admin", 303);
});

async function showPages(c: Context<AdminEnv>, newKey?: { name: string; key: string }, status: 200 | 201 = 200) {
  const everyPage = c.get("pages") === null;
  const [base, pages, keys] = await Promise.all([common(c), visiblePages(c.env.DB, c.get("pages")), everyPage ? listOperatorKeys(c.env.DB) : null]);
  return page(c, <PagesPage {...base} pages={pages} keys={keys} newKey={newKey} current={c.get("page")} />, status);
}

pagesUi.get("/pages", (c) => showPages(c));

/** Host names as typed: one a line, or separated by commas or spaces. */
const hostsOf = (f: Form) =>
  f
    .str("hosts")
    .split(/[\s,]+/)
    .filter(Boolean);

forms("/pages", "/admin/pages", async (c, f) => {
  await createPage(ctxOf(c), validate(s.pageCreate, { name: f.str("name"), slug: f.str("slug").trim(), hosts: hostsOf(f) }));
  return "page_created";
});
forms("/pages/:page", "/admin/pages", async (c, f) => {
  const ref = c.req.param("page")!;
  if (!mayTouch(c.get("pages"), Number(ref))) throw new HttpError(403, `this operator may not touch page ${ref}`);
  await updatePage(ctxOf(c), ref, validate(s.pagePatch, { name: f.str("name"), slug: f.str("slug").trim(), hosts: hostsOf(f) }));
  return "page_saved";
});
forms("/pages/:page/delete", "/admin/pages", async (c, f) => {
  requireConfirm(f);
  const ref = c.req.param("page")!;
  if (!mayTouch(c.get("pages"), Number(ref))) throw new HttpError(403, `this operator may not touch page ${ref}`);
  await deletePage(ctxOf(c), ref);
  return "page_deleted";
});

// The new key is shown in this answer only (not through a redirect: it must not reach a URL or a log).
pagesUi.post("/keys", async (c) => {
  const f = new Form(await c.req.parseBody({ all: true }));
  const pages = f.all("pages").map(Number);
  const created = await createOperatorKey(ctxOf(c), validate(s.keyCreate, { name: f.str("name"), pages: pages.length ? pages : null }));
  return showPages(c, { name: created.name, key: created.key }, 201);
});
forms("/keys/:keyId/revoke", "/admin/pages", async (c) => {
  await revokeOperatorKey(ctxOf(c), c.req.param("keyId")!);
  return "key_revoked";
});
