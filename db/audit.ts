// The audit log: one row per operator action, written in the same batch as the change it records.
import { and, desc, eq, lt } from "drizzle-orm";
import { nowIso } from "../domain/ids";
import { orm } from "./orm";
import { auditLog } from "./schema";

/** Who acted: an Access email, the name given at login, "api" for the bearer token, "cron". */
export type Actor = string;

export function audit(
  db: D1Database,
  actor: Actor,
  action: string,
  targetType: string,
  targetId: string | null,
  before: unknown,
  after: unknown,
  at = nowIso(),
): D1PreparedStatement {
  return db
    .prepare("INSERT INTO audit_log (at, actor, action, target_type, target_id, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
    .bind(at, actor, action, targetType, targetId, before == null ? null : JSON.stringify(before), after == null ? null : JSON.stringify(after));
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
}

/** Newest first; `before` pages back by id. */
export async function listAudit(db: D1Database, opts: { limit?: number; before?: number; action?: string; targetId?: string } = {}): Promise<AuditEntry[]> {
  const rows = await orm(db)
    .select()
    .from(auditLog)
    .where(
      and(
        opts.before === undefined ? undefined : lt(auditLog.id, opts.before),
        opts.action === undefined ? undefined : eq(auditLog.action, opts.action),
        opts.targetId === undefined ? undefined : eq(auditLog.targetId, opts.targetId),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(Math.min(Math.max(opts.limit ?? 100, 1), 500));
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    target_type: r.targetType,
    target_id: r.targetId,
    before: r.before ?? null,
    after: r.after ?? null,
  }));
}
