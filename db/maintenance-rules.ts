// Recurring maintenance rules, and the occurrences they made (maintenances with their rule_id).
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { orm, statement } from "./orm";
import { incidents, type MaintenanceRuleRow, maintenanceRules } from "./schema";

export type NewMaintenanceRule = typeof maintenanceRules.$inferInsert;

export const listRules = (db: D1Database, page = 1): Promise<MaintenanceRuleRow[]> =>
  orm(db).select().from(maintenanceRules).where(eq(maintenanceRules.page, page)).orderBy(asc(maintenanceRules.name), asc(maintenanceRules.id));

/** Every page's rules: what the cron makes occurrences of. */
export const listAllRules = (db: D1Database): Promise<MaintenanceRuleRow[]> =>
  orm(db).select().from(maintenanceRules).orderBy(asc(maintenanceRules.page), asc(maintenanceRules.id));

export async function getRule(db: D1Database, id: string): Promise<MaintenanceRuleRow | null> {
  const [row] = await orm(db).select().from(maintenanceRules).where(eq(maintenanceRules.id, id)).limit(1);
  return row ?? null;
}

/** Inserts the rule, or replaces every field of the one with its id (created_at kept). */
export const upsertRule = (db: D1Database, rule: NewMaintenanceRule) => {
  const { id: _id, createdAt: _created, ...fields } = rule;
  return statement(db, orm(db).insert(maintenanceRules).values(rule).onConflictDoUpdate({ target: maintenanceRules.id, set: fields }));
};

export const deleteRule = (db: D1Database, id: string) => statement(db, orm(db).delete(maintenanceRules).where(eq(maintenanceRules.id, id)));

/** A rule's occurrences that end after `from` (any status), soonest first. */
export const ruleOccurrences = (db: D1Database, ruleId: string, from: string) =>
  orm(db)
    .select({ id: incidents.id, scheduledFor: incidents.scheduledFor, status: incidents.status })
    .from(incidents)
    .where(and(eq(incidents.ruleId, ruleId), sql`${incidents.scheduledUntil} > ${from}`))
    .orderBy(asc(incidents.scheduledFor));

/**
 * A rule's occurrences still to come (scheduled, not begun at `now`) removed: what an edit or the
 * rule's deletion replaces. Past and in-progress ones stay as they were.
 */
export const deleteFutureOccurrences = (db: D1Database, ruleId: string, now: string) =>
  statement(
    db,
    orm(db)
      .delete(incidents)
      .where(and(eq(incidents.ruleId, ruleId), eq(incidents.status, "scheduled"), gt(incidents.scheduledFor, now))),
  );
