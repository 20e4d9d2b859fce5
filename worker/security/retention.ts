// Retention, enforced by the cron: the delivery log, the refusal counts, the failed-attempt counts and
// the notification log keep the page settings' delivery_retention_days (default 30), the audit log its
// audit_retention_days (default 365); ended admin sessions go once expired; subscriptions never
// confirmed go after UNCONFIRMED_TTL_DAYS (7).
// Deletions are bounded per run so a first run on a large table cannot take the cron past its limits;
// the next minute continues.
import { pruneLogs } from "../../db/retention";
import { readPageSettings } from "../../db/settings";
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
  const settings = await readPageSettings(db);
  const t = Date.parse(now);
  const before = (days: number) => new Date(t - days * DAY_MS).toISOString();
  const pruned = await pruneLogs(db, {
    deliveriesBefore: before(settings.deliveryRetentionDays),
    auditBefore: before(settings.auditRetentionDays),
    now,
    perRun: PER_RUN,
  });
  const unconfirmed = await expireUnconfirmed(db, before(UNCONFIRMED_TTL_DAYS));
  return { ...pruned, unconfirmed };
}
