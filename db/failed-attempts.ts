// Failed sign-ins, wrong bearer tokens, wrong page passwords and subscribe requests, counted per hour,
// kind and client: one small row each, whatever a stranger sends (counters, not rows). Distinct
// clients per hour and kind are capped, so rotating addresses cannot grow the table either: past the cap
// they share the `*` row. The cron deletes hours older than the delivery log's retention.

export const MAX_CLIENTS_PER_HOUR = 100;

export function countAttempt(db: D1Database, a: { kind: string; client: string; refused: boolean; at: string }): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO failed_attempts (hour, kind, client, failures, refused, last_at)
       VALUES (?1, ?2,
         CASE WHEN EXISTS (SELECT 1 FROM failed_attempts WHERE hour = ?1 AND kind = ?2 AND client = ?3)
                OR (SELECT count(*) FROM failed_attempts WHERE hour = ?1 AND kind = ?2) < ?6 THEN ?3 ELSE '*' END,
         ?4, ?5, ?7)
       ON CONFLICT (hour, kind, client) DO UPDATE SET failures = failures + excluded.failures, refused = refused + excluded.refused, last_at = excluded.last_at`,
    )
    .bind(a.at.slice(0, 13), a.kind, a.client, a.refused ? 0 : 1, a.refused ? 1 : 0, MAX_CLIENTS_PER_HOUR, a.at);
}

export interface FailedAttemptsJson {
  hour: string;
  kind: string;
  client: string;
  failures: number;
  refused: number;
  last_at: string;
}

/** Newest hour first. */
export async function listFailedAttempts(db: D1Database, limit = 100): Promise<FailedAttemptsJson[]> {
  const { results } = await db
    .prepare("SELECT * FROM failed_attempts ORDER BY hour DESC, failures + refused DESC LIMIT ?1")
    .bind(Math.min(Math.max(limit, 1), 500))
    .all<FailedAttemptsJson>();
  return results.map((r) => ({ ...r, hour: `${r.hour}:00Z`, failures: Number(r.failures), refused: Number(r.refused) }));
}

/** Retention: hours before `before` (ISO) go. */
export function pruneFailedAttempts(db: D1Database, before: string): D1PreparedStatement {
  return db.prepare("DELETE FROM failed_attempts WHERE hour < ?1").bind(before.slice(0, 13));
}
