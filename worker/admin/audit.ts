// The audit log: one row per operator action, written in the same batch as the change it records.
import { nowIso } from "../ids";

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
export async function listAudit(
  db: D1Database,
  opts: { limit?: number; before?: number; action?: string; targetId?: string } = {},
): Promise<AuditEntry[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM audit_log
       WHERE (?1 IS NULL OR id < ?1) AND (?2 IS NULL OR action = ?2) AND (?3 IS NULL OR target_id = ?3)
       ORDER BY id DESC LIMIT ?4`,
    )
    .bind(opts.before ?? null, opts.action ?? null, opts.targetId ?? null, Math.min(Math.max(opts.limit ?? 100, 1), 500))
    .all<Record<string, unknown>>();
  const parse = (v: unknown) => (v == null ? null : JSON.parse(String(v)));
  return results.map((r) => ({
    id: Number(r.id),
    at: String(r.at),
    actor: String(r.actor),
    action: String(r.action),
    target_type: String(r.target_type),
    target_id: r.target_id == null ? null : String(r.target_id),
    before: parse(r.before),
    after: parse(r.after),
  }));
}
