// The admin UI's incident templates: list, create, edit, delete, on the admin's selected page (cookie `admin_page`).
import { type Context, Hono } from "hono";
import { listComponents, listGroups } from "../admin/catalog";
import { createIncidentTemplate, deleteIncidentTemplateById, listIncidentTemplates, updateIncidentTemplateById } from "../admin/incident-templates";
import { page } from "../admin/layout";
import * as s from "../admin/schemas";
import { TemplatesPage } from "../admin/views-templates";
import type { AdminEnv } from "../auth";
import { validate } from "../validate";
import { common, ctxOf, type Form, formRoutes, pathId, requireConfirm } from "./admin-ui-forms";

export const templatesUi = new Hono<AdminEnv>();
const post = formRoutes(templatesUi);

async function templatesPage(c: Context<AdminEnv>) {
  const db = c.env.DB;
  const [base, templates, components, groups] = await Promise.all([
    common(c),
    listIncidentTemplates(db, c.get("page")),
    listComponents(db, c.get("page")),
    listGroups(db, c.get("page")),
  ]);
  return page(c, <TemplatesPage {...base} templates={templates} components={components} groups={groups} />);
}

templatesUi.get("/templates", (c) => templatesPage(c));

/** The form's fields as the API's body: the checked components, each set to the one status chosen (or left as they are). */
function templateBody(f: Form) {
  const ids = f.all("component_ids");
  const status = f.opt("component_status") ?? null;
  return {
    name: f.str("name"),
    title: f.str("title"),
    body: f.str("body"),
    status: f.opt("status"),
    impact: f.opt("impact") ?? null,
    components: Object.fromEntries(ids.map((id) => [id, status])),
  };
}

post("/templates", "/admin/templates", async (c, f) => {
  await createIncidentTemplate(ctxOf(c), validate(s.incidentTemplateCreate, templateBody(f)), c.get("page"));
  return "template_saved";
});

post("/templates/:id", "/admin/templates", async (c, f) => {
  await updateIncidentTemplateById(ctxOf(c), pathId(c), validate(s.incidentTemplatePatch, templateBody(f)), c.get("page"));
  return "template_saved";
});

post("/templates/:id/delete", "/admin/templates", async (c, f) => {
  requireConfirm(f);
  await deleteIncidentTemplateById(ctxOf(c), pathId(c), c.get("page"));
  return "template_deleted";
});
