// Incident templates for operators: the words ready before an incident (title, first update, the
// affected components and their statuses), one page's at a time. Used when an operator opens an
// incident (template_id), and attached to integrations and links so an alert's incident is worded by
// them (domain/incident-templates.ts). Writes go through the Ingestor (commit): the working set
// carries the templates' words.
import { audit } from "../../db/audit";
import { existingComponentIds } from "../../db/components";
import {
  deleteIncidentTemplate,
  incidentTemplateNamed,
  incidentTemplateRow,
  incidentTemplateRows,
  insertIncidentTemplate,
  setLinkTemplate,
  updateIncidentTemplate,
} from "../../db/incident-templates";
import { linkRow } from "../../db/integrations";
import type { IncidentTemplateRow } from "../../db/schema";
import { newId, nowIso } from "../../domain/ids";
import { TEMPLATE_PLACEHOLDERS, unknownPlaceholders } from "../../domain/incident-templates";
import type { ComponentStatus, Impact } from "../../domain/status";
import { HttpError } from "../errors";
import { type AdminCtx, commit } from "./catalog";
import type { IncidentTemplateCreate, IncidentTemplatePatch } from "./schemas";

export interface IncidentTemplateJson {
  id: string;
  page: number;
  name: string;
  title: string;
  body: string;
  status: "investigating" | "identified" | "monitoring";
  impact: Impact | null;
  /** The affected components, each with the status it is set to (null: listed, not changed). */
  components: Record<string, ComponentStatus | null>;
  created_at: string;
  updated_at: string;
}

const templateJson = (r: IncidentTemplateRow): IncidentTemplateJson => ({
  id: r.id,
  page: r.page,
  name: r.name,
  title: r.title,
  body: r.body,
  status: r.status,
  impact: r.impact,
  components: r.components ?? {},
  created_at: r.createdAt,
  updated_at: r.updatedAt,
});

export const listIncidentTemplates = async (db: D1Database, page = 1): Promise<IncidentTemplateJson[]> =>
  (await incidentTemplateRows(db, page)).map(templateJson);

export async function getIncidentTemplate(db: D1Database, id: string, page = 1, field?: string): Promise<IncidentTemplateJson> {
  const row = await incidentTemplateRow(db, id, page);
  if (!row) throw field ? new HttpError(400, `\`${field}\` does not name an incident template`, field) : new HttpError(404, `no incident template ${id}`);
  return templateJson(row);
}

function assertPlaceholders(text: string | undefined, field: string) {
  if (text === undefined) return;
  const unknown = unknownPlaceholders(text);
  if (unknown.length)
    throw new HttpError(
      400,
      `\`${field}\` uses unknown placeholders: ${unknown.map((u) => `{{${u}}}`).join(", ")} (known: ${TEMPLATE_PLACEHOLDERS.join(", ")})`,
      field,
    );
}

async function assertComponents(db: D1Database, components: Record<string, unknown> | undefined) {
  const ids = Object.keys(components ?? {});
  if (!ids.length) return;
  const found = await existingComponentIds(db, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new HttpError(400, `\`components\` names unknown components: ${missing.join(", ")}`, "components");
}

async function assertNameFree(db: D1Database, name: string, page: number, exceptId: string | null) {
  const taken = await incidentTemplateNamed(db, name, page);
  if (taken && taken.id !== exceptId) throw new HttpError(409, `\`name\` is already used by another incident template: ${name}`, "name");
}

/** `components` as given, with `component_ids` (listed, status unchanged) merged in. */
const componentsOf = (body: { components?: Record<string, ComponentStatus | null> | undefined; component_ids?: string[] | undefined }) => ({
  ...Object.fromEntries((body.component_ids ?? []).map((id) => [id, null])),
  ...(body.components ?? {}),
});

export async function createIncidentTemplate(ctx: AdminCtx, body: IncidentTemplateCreate, page = 1): Promise<IncidentTemplateJson> {
  const db = ctx.env.DB;
  assertPlaceholders(body.title, "title");
  assertPlaceholders(body.body, "body");
  const components = componentsOf(body);
  await assertComponents(db, components);
  await assertNameFree(db, body.name, page, null);
  const id = newId();
  const fields = { name: body.name, title: body.title, body: body.body, status: body.status ?? "investigating", impact: body.impact ?? null, components };
  await commit(ctx.env, [
    insertIncidentTemplate(db, { id, page, ...fields }, nowIso()),
    audit(db, ctx.actor, "incident_template.create", "incident_template", id, null, fields),
  ]);
  return getIncidentTemplate(db, id, page);
}

export async function updateIncidentTemplateById(ctx: AdminCtx, id: string, patch: IncidentTemplatePatch, page = 1): Promise<IncidentTemplateJson> {
  const db = ctx.env.DB;
  const current = await getIncidentTemplate(db, id, page);
  assertPlaceholders(patch.title, "title");
  assertPlaceholders(patch.body, "body");
  if (patch.name !== undefined) await assertNameFree(db, patch.name, page, id);
  const components = patch.components !== undefined || patch.component_ids !== undefined ? componentsOf(patch) : undefined;
  await assertComponents(db, components);
  const fields = {
    ...(patch.name !== undefined ? { name: patch.name } : {}),
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.body !== undefined ? { body: patch.body } : {}),
    ...(patch.status !== undefined ? { status: patch.status } : {}),
    ...(patch.impact !== undefined ? { impact: patch.impact } : {}),
    ...(components !== undefined ? { components } : {}),
  };
  if (!Object.keys(fields).length) return current;
  const before = Object.fromEntries(Object.keys(fields).map((k) => [k, current[k as keyof IncidentTemplateJson]]));
  await commit(ctx.env, [
    updateIncidentTemplate(db, id, fields, nowIso()),
    audit(db, ctx.actor, "incident_template.update", "incident_template", id, before, fields),
  ]);
  return getIncidentTemplate(db, id, page);
}

export async function deleteIncidentTemplateById(ctx: AdminCtx, id: string, page = 1): Promise<void> {
  const db = ctx.env.DB;
  const current = await getIncidentTemplate(db, id, page);
  await commit(ctx.env, [deleteIncidentTemplate(db, id), audit(db, ctx.actor, "incident_template.delete", "incident_template", id, current, null)]);
}

/** Attaches a template to a link (null detaches it); a matching link's template wins over its integration's. */
export async function attachToLink(ctx: AdminCtx, linkId: string, templateId: string | null): Promise<void> {
  const db = ctx.env.DB;
  const link = await linkRow(db, linkId);
  if (!link) throw new HttpError(404, `no link ${linkId}`);
  if (templateId) await getIncidentTemplate(db, templateId, ctx.page, "incident_template_id");
  const before = (link.incident_template_id as string | null) ?? null;
  if (before === templateId) return;
  await commit(ctx.env, [
    setLinkTemplate(db, linkId, templateId),
    audit(db, ctx.actor, "link.update", "link", linkId, { incident_template_id: before }, { incident_template_id: templateId }),
  ]);
}
