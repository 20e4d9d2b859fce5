// The admin UI's forms for postmortems and recurring maintenance (their views: admin/views-postmortem.tsx).
import { Hono } from "hono";
import { deleteMaintenanceRule, deletePostmortem, publishPostmortem, saveMaintenanceRule, savePostmortem } from "../admin/postmortems";
import * as s from "../admin/schemas";
import type { AdminEnv } from "../auth";
import { validate } from "../validate";
import { ctxOf, type Form, formRoutes, pathId, requireConfirm } from "./admin-ui-forms";

export const maintenanceUi = new Hono<AdminEnv>();
const post = formRoutes(maintenanceUi);
const incidentPage = (c: { req: { param(k: string): string | undefined } }) => `/admin/incidents/${c.req.param("id")}`;

post("/incidents/:id/postmortem", incidentPage, async (c, f) => {
  await savePostmortem(ctxOf(c), pathId(c), validate(s.postmortemPut, { body: f.str("body") }));
  return "postmortem_saved";
});

post("/incidents/:id/postmortem/publish", incidentPage, async (c, f) => {
  await publishPostmortem(ctxOf(c), pathId(c), f.str("notify") === "yes");
  return "postmortem_published";
});

post("/incidents/:id/postmortem/delete", incidentPage, async (c, f) => {
  requireConfirm(f);
  await deletePostmortem(ctxOf(c), pathId(c));
  return "postmortem_deleted";
});

/** A rule's fields as the API takes them: numbers stay numbers for the schema to check. */
const ruleBody = (f: Form) =>
  validate(s.maintenanceRule, {
    name: f.str("name"),
    body: f.opt("body") ?? null,
    component_ids: f.all("component_ids"),
    frequency: f.str("frequency"),
    weekdays: f.all("weekdays").map(Number),
    interval_days: f.str("frequency") === "interval" ? (f.int("interval_days") ?? null) : null,
    start_time: f.str("start_time"),
    starts_on: f.str("starts_on"),
    ends_on: f.opt("ends_on") ?? null,
    duration_minutes: f.int("duration_minutes"),
    remind_minutes: f.int("remind_minutes") ?? null,
  });

post("/maintenance-rules", "/admin/maintenances", async (c, f) => {
  await saveMaintenanceRule(ctxOf(c), null, ruleBody(f));
  return "rule_saved";
});

post("/maintenance-rules/:id", "/admin/maintenances", async (c, f) => {
  await saveMaintenanceRule(ctxOf(c), pathId(c), ruleBody(f));
  return "rule_saved";
});

post("/maintenance-rules/:id/delete", "/admin/maintenances", async (c, f) => {
  requireConfirm(f);
  await deleteMaintenanceRule(ctxOf(c), pathId(c));
  return "rule_deleted";
});
