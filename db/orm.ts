// drizzle over D1, for the reads and writes off the hot path: typed rows from db/schema.ts. Writes
// become prepared statements, so they join the one batch of an action with its audit row.
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { SQLiteTable, SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

export const orm = (db: D1Database) => drizzle(db, { schema });

/** A drizzle query as a statement for `db.batch`. */
export const statement = (db: D1Database, query: { toSQL(): { sql: string; params: unknown[] } }): D1PreparedStatement => {
  const { sql, params } = query.toSQL();
  return db.prepare(sql).bind(...params);
};

/** The tables whose rows operators edit by id, each with an updated_at. */
type Editable = typeof schema.components | typeof schema.componentGroups | typeof schema.integrations;

/** Sets `fields` (and updated_at) on the row with this id. */
export const updateRow = <T extends Editable>(db: D1Database, table: T, id: string, fields: Partial<T["$inferInsert"]>, now: string) =>
  statement(
    db,
    orm(db)
      .update(table)
      .set({ ...fields, updatedAt: now } as SQLiteUpdateSetSource<T>)
      .where(eq(table.id, id)),
  );

/** Inserts one row (or several) into `table`. */
export const insertRows = <T extends SQLiteTable>(db: D1Database, table: T, values: T["$inferInsert"] | T["$inferInsert"][]) =>
  statement(
    db,
    orm(db)
      .insert(table)
      .values(values as T["$inferInsert"]),
  );
