// Incident templates: the operator's words ready before an incident, one page's at a time. Writes are
// statements for the one batch of an action (with its audit row), run in the Ingestor's turn, since
// the integrations and links that name a template open incidents with its words.
import { and, asc, eq } from "drizzle-orm";
import { orm, statement } from "./orm";
import { type IncidentTemplateRow, incidentTemplates, links } from "./schema";

export type NewIncidentTemplate = Omit<IncidentTemplateRow, "createdAt" | "updatedAt">;
export type IncidentTemplateFields = Partial<Pick<IncidentTemplateRow, "name" | "title" | "body" | "status" | "impact" | "components">>;

/** A page's templates, by name. */
export const incidentTemplateRows = (db: D1Database, page = 1) =>
  orm(db).select().from(incidentTemplates).where(eq(incidentTemplates.page, page)).orderBy(asc(incidentTemplates.name));

export const incidentTemplateRow = async (db: D1Database, id: string, page = 1): Promise<IncidentTemplateRow | undefined> =>
  (
    await orm(db)
      .select()
      .from(incidentTemplates)
      .where(and(eq(incidentTemplates.id, id), eq(incidentTemplates.page, page)))
      .limit(1)
  )[0];

/** The template of this page with this name, if any (names are unique per page). */
export const incidentTemplateNamed = async (db: D1Database, name: string, page = 1) =>
  (
    await orm(db)
      .select({ id: incidentTemplates.id })
      .from(incidentTemplates)
      .where(and(eq(incidentTemplates.name, name), eq(incidentTemplates.page, page)))
      .limit(1)
  )[0];

export const insertIncidentTemplate = (db: D1Database, t: NewIncidentTemplate, now: string) =>
  statement(
    db,
    orm(db)
      .insert(incidentTemplates)
      .values({ ...t, createdAt: now, updatedAt: now }),
  );

export const updateIncidentTemplate = (db: D1Database, id: string, fields: IncidentTemplateFields, now: string) =>
  statement(
    db,
    orm(db)
      .update(incidentTemplates)
      .set({ ...fields, updatedAt: now })
      .where(eq(incidentTemplates.id, id)),
  );

/** Integrations and links naming it are left without one (the foreign keys set them to null). */
export const deleteIncidentTemplate = (db: D1Database, id: string) => statement(db, orm(db).delete(incidentTemplates).where(eq(incidentTemplates.id, id)));

/** Attaches a template to a link (null: none). */
export const setLinkTemplate = (db: D1Database, linkId: string, templateId: string | null) =>
  statement(db, orm(db).update(links).set({ incidentTemplateId: templateId }).where(eq(links.id, linkId)));
