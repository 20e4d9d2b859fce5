// Refused deliveries, counted per hour, source and key prefix (worker/security/refusals.ts says why).

export interface RefusalRow {
  hour: string;
  source: string;
  key_prefix: string;
  count: number;
  last_at: string;
  last_error: string;
}

/**
 * One more refusal in its hour's row; a new prefix gets a row of its own while the hour has fewer than
 * `maxPrefixes`, else it counts in the `*` row. Raw SQL: the cap is decided inside the upsert (a
 * CASE over the hour's rows), which drizzle's insert cannot write.
 */
export async function countRefusalRow(
  db: D1Database,
  r: { hour: string; source: string; keyPrefix: string; at: string; error: string; maxPrefixes: number },
): Promise<void> {
  await db
    .prepare(
      `INSERT INTO refused_deliveries (hour, source, key_prefix, count, last_at, last_error)
       VALUES (?1, ?2,
         CASE WHEN EXISTS (SELECT 1 FROM refused_deliveries WHERE hour = ?1 AND source = ?2 AND key_prefix = ?3)
                OR (SELECT count(*) FROM refused_deliveries WHERE hour = ?1) < ?6 THEN ?3 ELSE '*' END,
         1, ?4, ?5)
       ON CONFLICT (hour, source, key_prefix) DO UPDATE SET count = count + 1, last_at = excluded.last_at, last_error = excluded.last_error`,
    )
    .bind(r.hour, r.source, r.keyPrefix, r.at, r.error, r.maxPrefixes)
    .run();
}

/** Newest hour first, the busiest first within an hour. */
export async function refusalRows(db: D1Database, limit: number): Promise<RefusalRow[]> {
  const { results } = await db.prepare("SELECT * FROM refused_deliveries ORDER BY hour DESC, count DESC LIMIT ?1").bind(limit).all<RefusalRow>();
  return results;
}
