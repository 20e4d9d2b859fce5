// A statement as SQL and its parameters: what the Ingestor's projection coalesces across deliveries
// (db/ingest.ts coalesceGroup) before it prepares them against D1.

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

export const sqlOf = (sql: string, ...params: unknown[]): SqlStatement => ({ sql, params });

export const prepare = (db: D1Database, s: SqlStatement): D1PreparedStatement => db.prepare(s.sql).bind(...s.params);

/** A row as D1 returns it from raw SQL. */
export type Row = Record<string, unknown>;

/** A nullable column as a string or null. */
export const str = (v: unknown) => (v == null ? null : String(v));
