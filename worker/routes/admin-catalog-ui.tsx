// The admin UI's components and groups: status overrides, create, edit, order, delete.
import { Hono } from "hono";
import {
  createComponent,
  createGroup,
  deleteComponent,
  deleteGroup,
  listComponents,
  listGroups,
  move,
  overrideComponent,
  updateComponent,
  updateGroup,
} from "../admin/catalog";
import { page } from "../admin/layout";
import * as s from "../admin/schemas";
import { ComponentsPage } from "../admin/views-catalog";
import type { AdminEnv } from "../auth";
import { HttpError } from "../errors";
import { validate } from "../validate";
import { common, ctxOf, type Form, formRoutes, pathId, requireConfirm } from "./admin-ui-forms";

export const catalogUi = new Hono<AdminEnv>();
const post = formRoutes(catalogUi);

// ── Components and groups ───────────────────────────────────────────────────

post("/components/:id/status", "/admin", async (c, f) => {
  const { status } = validate(s.componentStatusPut, { status: f.str("status") });
  const component = await overrideComponent(ctxOf(c), pathId(c), status);
  void component;
  return "override_set";
});

post("/components/:id/status/clear", "/admin", async (c) => {
  const component = await overrideComponent(ctxOf(c), pathId(c), null);
  void component;
  return "override_cleared";
});

catalogUi.get("/components", async (c) => {
  const db = c.env.DB;
  const [base, components, groups] = await Promise.all([common(c), listComponents(db, c.get("page")), listGroups(db, c.get("page"))]);
  return page(c, <ComponentsPage {...base} components={components} groups={groups} />);
});

/** What the component forms (add and edit) share. */
const componentFields = (f: Form) => ({
  slug: f.opt("slug"),
  description: f.opt("description") ?? null,
  group_id: f.opt("group_id") ?? null,
});

post("/components", "/admin/components", async (c, f) => {
  await createComponent(ctxOf(c), validate(s.componentCreate, { name: f.str("name"), ...componentFields(f) }));
  return "component_created";
});

post("/components/:id", "/admin/components", async (c, f) => {
  const body = validate(s.componentPatch, {
    name: f.opt("name"),
    ...componentFields(f),
    position: f.int("position"),
    only_show_if_degraded: f.str("only_show_if_degraded") === "yes",
  });
  const component = await updateComponent(ctxOf(c), pathId(c), body);
  void component;
  return "component_saved";
});

const direction = (f: Form) => {
  const d = f.str("direction");
  if (d !== "up" && d !== "down") throw new HttpError(400, "`direction` must be up or down", "direction");
  return d;
};

post("/components/:id/move", "/admin/components", async (c, f) => {
  await move(ctxOf(c), "component", pathId(c), direction(f));
  return "moved";
});

post("/components/:id/delete", "/admin/components", async (c, f) => {
  requireConfirm(f);
  await deleteComponent(ctxOf(c), pathId(c), f.str("force") === "true");
  return "component_deleted";
});

post("/groups", "/admin/components", async (c, f) => {
  const group = await createGroup(ctxOf(c), validate(s.groupCreate, { name: f.str("name"), description: f.opt("description") ?? null }));
  void group;
  return "group_created";
});

post("/groups/:id", "/admin/components", async (c, f) => {
  const body = validate(s.groupPatch, { name: f.opt("name"), description: f.opt("description") ?? null, position: f.int("position") });
  const group = await updateGroup(ctxOf(c), pathId(c), body);
  void group;
  return "group_saved";
});

post("/groups/:id/move", "/admin/components", async (c, f) => {
  await move(ctxOf(c), "group", pathId(c), direction(f));
  return "moved";
});

post("/groups/:id/delete", "/admin/components", async (c, f) => {
  requireConfirm(f);
  await deleteGroup(ctxOf(c), pathId(c));
  return "group_deleted";
});
