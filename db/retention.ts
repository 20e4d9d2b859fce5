// What the retention cron deletes (worker/security/retention.ts decides the cut-offs), bounded per run.
import { pruneFailedAttempts } from "./failed-attempts";
import { pruneNotifications } from "./notifications";

/** Deletes up to `perRun` rows per log older than its cut-off, and expired sessions; the counts deleted. */
export async function pruneLogs(db: D1Database, cut: { deliveriesBefore: string; auditBefore: string; now: string; perRun: number }) {
  const { deliveriesBefore, auditBefore, now, perRun } = cut;
  const limit = Math.max(1, Math.floor(perRun));
  const [d, r, a, s, f, n] = await db.batch([
    db.prepare(`DELETE FROM deliveries WHERE rowid IN (SELECT rowid FROM deliveries WHERE received_at < ?1 LIMIT ${limit})`).bind(deliveriesBefore),
    db.prepare("DELETE FROM refused_deliveries WHERE hour < ?1").bind(deliveriesBefore.slice(0, 13)),
    db.prepare(`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ?1 LIMIT ${limit})`).bind(auditBefore),
    db.prepare("DELETE FROM admin_sessions WHERE expires_at < ?1").bind(now),
    pruneFailedAttempts(db, deliveriesBefore),
    pruneNotifications(db, deliveriesBefore, limit),
  ]);
  return {
    deliveries: d!.meta.changes,
    refusals: r!.meta.changes,
    audit: a!.meta.changes,
    sessions: s!.meta.changes,
    failedAttempts: f!.meta.changes,
    notifications: n!.meta.changes,
  };
}
