// Retention, enforced by the cron: the delivery log, the refusal counts, the failed-attempt counts and
// the notification log keep the page settings' delivery_retention_days (default 30), the audit log its
// audit_retention_days (default 365); ended admin sessions go once expired; subscriptions never
// confirmed go after UNCONFIRMED_TTL_DAYS (7).
// Deletions are bounded per run so a first run on a large table cannot take the cron past its limits;
// the next minute continues.
import { pruneFailedAttempts } from "../../db/failed-attempts";
import { pruneNotifications } from "../../db/notifications";
import { expireUnconfirmed } from "../../db/subscribers";
import { UNCONFIRMED_TTL_DAYS } from "../subscriptions/subscribe";

const PER_RUN = 5000;
const DAY_MS = 86_400_000;

export interface RetentionResult {
  deliveries: number;
  refusals: number;
  audit: number;
  sessions: number;
  /** Subscriptions that were never confirmed. */
  unconfirmed: number;
  /** Hourly failed-attempt counts. */
  failedAttempts: number;
  /** Notification log rows (sent or failed for good). */
  notifications: number;
}

export async function enforceRetention(db: D1Database, now: string): Promise<RetentionResult> {
  const settings = await db
    .prepare("SELECT delivery_retention_days, audit_retention_days FROM page_settings WHERE id = 1")
    .first<{ delivery_retention_days: number; audit_retention_days: number }>();
  const t = Date.parse(now);
  const before = (days: number) => new Date(t - days * DAY_MS).toISOString();
  const deliveriesBefore = before(settings?.delivery_retention_days ?? 30);
  const auditBefore = before(settings?.audit_retention_days ?? 365);
  const [d, r, a, s, f, n] = await db.batch([
    db.prepare(`DELETE FROM deliveries WHERE rowid IN (SELECT rowid FROM deliveries WHERE received_at < ?1 LIMIT ${PER_RUN})`).bind(deliveriesBefore),
    db.prepare("DELETE FROM refused_deliveries WHERE hour < ?1").bind(deliveriesBefore.slice(0, 13)),
    db.prepare(`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ?1 LIMIT ${PER_RUN})`).bind(auditBefore),
    db.prepare("DELETE FROM admin_sessions WHERE expires_at < ?1").bind(now),
    pruneFailedAttempts(db, deliveriesBefore),
    pruneNotifications(db, deliveriesBefore, PER_RUN),
  ]);
  const unconfirmed = await expireUnconfirmed(db, before(UNCONFIRMED_TTL_DAYS));
  return {
    deliveries: d!.meta.changes,
    refusals: r!.meta.changes,
    audit: a!.meta.changes,
    sessions: s!.meta.changes,
    unconfirmed,
    failedAttempts: f!.meta.changes,
    notifications: n!.meta.changes,
  };
}
