// drizzle over D1, for the reads and writes off the hot path: typed rows from db/schema.ts. Writes
// become prepared statements, so they join the one batch of an action with its audit row.
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export const orm = (db: D1Database) => drizzle(db, { schema });

/** A drizzle query as a statement for `db.batch`. */
export const statement = (db: D1Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement => {
  const { sql, params } = query.toSQL();
  return db.prepare(sql).bind(...params);
};
